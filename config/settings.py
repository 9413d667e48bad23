"""CreatorDesk settings: one module, every knob from the environment.

Production defaults are the safe ones (DEBUG off, secure cookies, HSTS); `make run`
and `make test` opt into development behaviour by setting DJANGO_DEBUG=1 through
`config.devstack`. README.md lists every variable.
"""

import base64
import binascii
import hashlib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
import structlog
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A missing key must stop production from starting, never fall back to a known value.
SECRET_KEY = (
    env.str("DJANGO_SECRET_KEY") if not DEBUG else env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key")
)


# Fernet keys for OAuth tokens at rest (comma-separated; the first encrypts, all decrypt, so a key can
# be rotated by putting the new one first). Like the secret key, production refuses to start without
# one; development derives a stable key from the secret key so `make run` needs no setup.
def _token_encryption_keys() -> tuple[str, ...]:
    keys = tuple(key.strip() for key in env.list("TOKEN_ENCRYPTION_KEY", default=[]) if key.strip())
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured("Set the TOKEN_ENCRYPTION_KEY environment variable (a Fernet key).")
        digest = hashlib.sha256(b"creatordesk-token-encryption:" + SECRET_KEY.encode()).digest()
        return (base64.urlsafe_b64encode(digest).decode(),)
    for key in keys:
        try:
            is_fernet_key = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            is_fernet_key = False
        if not is_fernet_key:
            raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEY holds a value that is not a Fernet key.")
    return keys


TOKEN_ENCRYPTION_KEYS = _token_encryption_keys()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    # Django's admin, with a site that lets in only staff whose session passed a second factor.
    "accounts.apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "django_celery_results",
    "django_structlog",
    "axes",
    "csp",  # django-csp: its system checks (the header comes from the middleware)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "creators",
    "campaigns",
    "outreach",
    "briefs",
    "analytics",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer early, so every response carries the policy.
    "csp.middleware.CSPMiddleware",
    # The click redirect's hits stop here: the rest of the stack has nothing to do with an anonymous 302.
    "analytics.tracking.redirect.TrackingRedirectMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor (accounts.access enforces it).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Resolves the workspace and wraps the rest of the request in its scope.
    "accounts.middleware.WorkspaceMiddleware",
    # Last, so a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.workspace",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
# Persistent connections in production; none in development and tests, where worker threads come and go.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parallel test runs against one server each need their own test database.
DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default="") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cd",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Messages live in the session, never in a readable cookie: one of them carries a new API token.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day: long enough to find the mail, short enough to expire


# Reverse proxies in front that append to X-Forwarded-For (0: the socket's address is the client).
# core.client_ip reads every client IP with it: throttles, the sign-in lock-out, signatures, clicks.
def _trusted_proxy_count() -> int:
    count = env.int("TRUSTED_PROXY_COUNT", default=None)
    if count is None:
        # The per-feature settings it replaces still count; two different values cannot both be right.
        legacy = {env.int(name, default=None) for name in ("CLICK_PROXY_COUNT", "AXES_PROXY_COUNT")} - {None}
        if len(legacy) > 1:
            raise ImproperlyConfigured("CLICK_PROXY_COUNT and AXES_PROXY_COUNT differ: set TRUSTED_PROXY_COUNT.")
        count = legacy.pop() if legacy else 0
    if count < 0:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
    return count


TRUSTED_PROXY_COUNT = _trusted_proxy_count()

# django-axes: 5 failures per (username, IP) lock that pair for the cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The same client IP as every other throttle (not ipware's guess), and one e-mail whatever its case:
# otherwise `Owner@x.com` and `owner@x.com` would each get their own AXES_FAILURE_LIMIT tries.
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): TOTP apps plus single-use recovery codes. Wrong codes in one sign-in
# before it must start over with the password; each device also backs off 1, 2, 4... s after a failure.
TWO_FACTOR_MAX_WRONG_CODES = env.int("TWO_FACTOR_MAX_WRONG_CODES", default=5)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="CreatorDesk")  # the account's name in authenticator apps
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # admin never shows a TOTP secret or a recovery code

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

# E-mail: console in development, SMTP (EMAIL_URL=smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CreatorDesk <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: safe unless DEBUG; each can still be set explicitly behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- API -------------------------------------------------------------------------------
# Calls per token, per signed-in user (session) and per client IP without authentication (core.api.throttling).
API_THROTTLE_RATES = {
    "token": env.str("API_RATE_PER_TOKEN", default="1000/hour"),
    "user": env.str("API_RATE_PER_USER", default="1000/hour"),
    "anon": env.str("API_RATE_ANON", default="100/hour"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.TokenRateThrottle",
        "core.api.throttling.UserRateThrottle",
        "core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CreatorDesk API",
    "DESCRIPTION": "Run TikTok micro-creator programs: creators, campaigns, tracking and reports. "
    "Authenticate with a session or `Authorization: Token <key>`; pick the workspace with `X-Workspace: <slug>`. "
    f"Calls are rate-limited: {API_THROTTLE_RATES['token']} per token, {API_THROTTLE_RATES['user']} per signed-in "
    f"user, {API_THROTTLE_RATES['anon']} per IP address without authentication; past it every operation answers "
    "429 with a `Retry-After` header (seconds).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint, parameter and filter: members only (a session or a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "accounts.api.tenancy.UnscopedSchemaGenerator",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema.add_error_responses"],
    # Swagger UI from the sidecar package's static files, so /api/docs/ works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would send the schema URL to validator.swagger.io (and CSP blocks its image).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_CACHE_BACKEND = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# With acks_late, an unacked task is re-delivered after this; it must exceed any countdown or ETA we use
# (the longest is 1 hour) and the hard time limit above.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)}
CELERY_MAX_COUNTDOWN_S = 60 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DJANGO_STRUCTLOG_CELERY_ENABLED = True

# --- Logging (structlog; JSON in production, readable in development) ----------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(),
        },
        "console": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.dev.ConsoleRenderer(colors=False),
        },
    },
    "handlers": {"default": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django_structlog": {"level": LOG_LEVEL},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one line per sign-in is noise; lock-outs still show
        "fontTools": {"level": "WARNING"},  # fpdf2's font subsetter logs ~70 INFO lines per PDF drawn
    },
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)

# --- CreatorDesk -----------------------------------------------------------------------------
# Optional: a folder holding the real TikTok top-creators file (tiktok_top250_creators_2020.csv) for
# seed_demo to add beside the synthetic creators. Unset by default: the demo and the tests need nothing
# outside the repository.
_demo_data_dir = env.str("DEMO_DATA_DIR", default="").strip()
DEMO_DATA_DIR = Path(_demo_data_dir) if _demo_data_dir else None
# Creator imports: the largest upload accepted (the proxy in front must allow it too) and rows per
# transaction (a crash loses at most one chunk; progress advances per chunk).
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=200)
IMPORT_CHUNK_ROWS = env.int("IMPORT_CHUNK_ROWS", default=10_000)
# Public forms: tries per client (IP) per hour, counted in Redis across web processes.
OPEN_CALL_TRIES_PER_HOUR = env.int("OPEN_CALL_TRIES_PER_HOUR", default=10)  # per open call
VERIFY_TRIES_PER_HOUR = env.int("VERIFY_TRIES_PER_HOUR", default=30)
# Calendar feed fetches per client: apps poll every 15 minutes to a few hours, so 120 is generous for a
# few subscribers behind one address and far too few to guess a 256-bit token.
CALENDAR_FEED_TRIES_PER_HOUR = env.int("CALENDAR_FEED_TRIES_PER_HOUR", default=120)
# Password-reset requests per client IP and, separately, per e-mail address: each one sends an e-mail.
PASSWORD_RESET_TRIES_PER_HOUR = env.int("PASSWORD_RESET_TRIES_PER_HOUR", default=5)
# Creators' draft uploads (video, image, PDF): the largest file accepted; allow it at the proxy too.
DRAFT_UPLOAD_MAX_MB = env.int("DRAFT_UPLOAD_MAX_MB", default=200)
# Uploaded import files are deleted this many days after their job ended (or was left unconfirmed);
# the job's counts and rejected rows are kept.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=7)
# Synthetic creators `seed_demo` generates (besides a few named ones every demo has): the demo's index.
DEMO_SYNTHETIC_CREATORS = env.int("DEMO_SYNTHETIC_CREATORS", default=3000)
INVITATION_TTL = timedelta(days=env.int("INVITATION_TTL_DAYS", default=7))
# Outreach: a creator's claim link (single use) expires after this many days; unread messages are
# e-mailed once they have waited this many minutes (the sweep runs every 5 minutes).
CLAIM_LINK_TTL_DAYS = env.int("CLAIM_LINK_TTL_DAYS", default=14)
OUTREACH_UNREAD_NOTIFY_AFTER_MINUTES = env.int("OUTREACH_UNREAD_NOTIFY_AFTER_MINUTES", default=15)
HEALTHZ_WORKER_TIMEOUT_S = env.float("HEALTHZ_WORKER_TIMEOUT_S", default=1.5)
# /healthz shows each component's detail only with this token (or to staff); empty: staff only.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# Follower tier boundaries: nano < 10k <= micro < 100k <= macro < 1M <= mega.
CREATOR_TIER_BOUNDS = tuple(env.list("CREATOR_TIER_BOUNDS", cast=int, default=[10_000, 100_000, 1_000_000]))

# --- TikTok (Login Kit + Display API) -------------------------------------------------------------
TIKTOK_CLIENT_KEY = env.str("TIKTOK_CLIENT_KEY", default="")
TIKTOK_CLIENT_SECRET = env.str("TIKTOK_CLIENT_SECRET", default="")
TIKTOK_API_BASE_URL = env.str("TIKTOK_API_BASE_URL", default="https://open.tiktokapis.com")
TIKTOK_AUTH_URL = env.str("TIKTOK_AUTH_URL", default="https://www.tiktok.com/v2/auth/authorize/")
TIKTOK_SCOPES = env.list(
    "TIKTOK_SCOPES", default=["user.info.basic", "user.info.profile", "user.info.stats", "video.list"]
)
TIKTOK_TIMEOUT_S = env.float("TIKTOK_TIMEOUT_S", default=10.0)
# 5xx and timeouts are retried in the client with exponential backoff and full jitter; 429 is not (the task backs off).
TIKTOK_MAX_ATTEMPTS = env.int("TIKTOK_MAX_ATTEMPTS", default=3)
TIKTOK_BACKOFF_BASE_S = env.float("TIKTOK_BACKOFF_BASE_S", default=0.5)
TIKTOK_BACKOFF_MAX_S = env.float("TIKTOK_BACKOFF_MAX_S", default=8.0)
# TikTok allows 600 requests per endpoint per app in any sliding minute. Every worker draws from one
# token bucket per endpoint in Redis; a minute's refill (500) plus a full burst (20) stays under 600.
TIKTOK_RATE_PER_MINUTE = env.int("TIKTOK_RATE_PER_MINUTE", default=500)
TIKTOK_RATE_BURST = env.int("TIKTOK_RATE_BURST", default=20)
TIKTOK_RATE_MAX_WAIT_S = env.float("TIKTOK_RATE_MAX_WAIT_S", default=10.0)
# Access tokens live 24 h; refresh this long before they expire so a pull never starts with a dying token.
TIKTOK_REFRESH_MARGIN_S = env.int("TIKTOK_REFRESH_MARGIN_S", default=600)
TIKTOK_OAUTH_STATE_TTL_S = env.int("TIKTOK_OAUTH_STATE_TTL_S", default=600)

# --- Content-Security-Policy (django-csp; README: Content-Security-Policy) ---------------------------
# Scripts only from our own static files: no inline <script>, no on*= handlers, no eval (htmx runs
# with allowEval off). Inline styles stay allowed for style="" attributes and Chart.js.
# Images: ours, data: URIs, and the hosts creators' avatars come from (TikTok's CDN by default).
# Forms: ours, plus the TikTok consent page the "Connect TikTok" form is redirected to.
_TIKTOK_AUTH = urlsplit(TIKTOK_AUTH_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            *env.list("CSP_IMAGE_HOSTS", default=["https://*.tiktokcdn.com", "https://*.tiktokcdn-us.com"]),
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", f"{_TIKTOK_AUTH.scheme}://{_TIKTOK_AUTH.netloc}"],
    },
}

# --- Metrics pipeline and scoring (docs/metrics.md, docs/scoring.md) --------------------------------
# Creators who have not connected TikTok: "demo" pulls synthetic metrics (make run), "none" leaves them
# to imports (production).
METRICS_FALLBACK_PROVIDER = env.str("METRICS_FALLBACK_PROVIDER", default="demo" if DEBUG else "none")
# Beat's schedule is made from it; under `make run` every 15 minutes, so the demo visibly syncs.
METRICS_SWEEP_HOURS = env.float("METRICS_SWEEP_HOURS", default=0.25 if DEBUG else 6.0)
METRICS_SYNC_CHUNK = env.int("METRICS_SYNC_CHUNK", default=100)  # creators per pull task
# "Refresh now" spends the install-wide TikTok quota: once per creator per cooldown for everyone (the
# index is shared), and at most so many per workspace per clock hour.
METRICS_REFRESH_COOLDOWN_S = env.int("METRICS_REFRESH_COOLDOWN_S", default=15 * 60)
METRICS_REFRESH_PER_HOUR = env.int("METRICS_REFRESH_PER_HOUR", default=30)
SCORING_WINDOW_DAYS = env.int("SCORING_WINDOW_DAYS", default=90)  # "recent videos": posted within...
SCORING_MAX_VIDEOS = env.int("SCORING_MAX_VIDEOS", default=30)  # ...and at most this many
SCORING_DEFAULT_OBJECTIVE = env.str("SCORING_DEFAULT_OBJECTIVE", default="consideration")
METRICS_DEMO_LATENCY_S = env.float("METRICS_DEMO_LATENCY_S", default=0.0)  # pretend API latency of the demo

# --- Tracking links and clicks (docs/metrics.md, "Tracking links and clicks") ----------------------------
# The redirect pushes each click onto this Redis stream; `flush_clicks_task` writes them in batches.
CLICK_STREAM_KEY = env.str("CLICK_STREAM_KEY", default="cd:clicks")
# IPs are stored only as an HMAC under this salt; rotating it makes old and new hashes unrelated.
CLICK_IP_SALT = (
    env.str("CLICK_IP_SALT", default="") or hashlib.sha256(b"creatordesk-click-ip:" + SECRET_KEY.encode()).hexdigest()
)
# Header a CDN sets to the visitor's country (Cloudflare's CF-IPCountry by default), as a META key.
CLICK_COUNTRY_HEADER = env.str("CLICK_COUNTRY_HEADER", default="HTTP_CF_IPCOUNTRY")
# The same visitor (IP hash + user agent) on the same link again within this many seconds is a duplicate.
CLICK_DUPLICATE_WINDOW_S = env.int("CLICK_DUPLICATE_WINDOW_S", default=30 * 60)
CLICK_FLUSH_BATCH = env.int("CLICK_FLUSH_BATCH", default=2000)  # stream entries per transaction
CLICK_LINK_CACHE_S = env.int("CLICK_LINK_CACHE_S", default=60 * 60)  # token -> link in the Django cache
CLICK_LINK_LOCAL_CACHE_S = env.float("CLICK_LINK_LOCAL_CACHE_S", default=5.0)  # ...and in each web process
# Orders (docs/metrics.md, "Orders and attribution"): customers are stored only as an HMAC of their
# lower-cased e-mail under this salt (new vs returning); webhook bodies are wiped after the retention.
ORDER_EMAIL_SALT = (
    env.str("ORDER_EMAIL_SALT", default="")
    or hashlib.sha256(b"creatordesk-order-email:" + SECRET_KEY.encode()).hexdigest()
)
WEBHOOK_BODY_RETENTION_DAYS = env.int("WEBHOOK_BODY_RETENTION_DAYS", default=7)
ORDER_CSV_MAX_BYTES = env.int("ORDER_CSV_MAX_BYTES", default=20 * 1024 * 1024)
# Where domain verification fetches the proof; tests point it at a local fake server.
DOMAIN_VERIFICATION_URL = env.str(
    "DOMAIN_VERIFICATION_URL", default="https://{domain}/.well-known/creatordesk-verify.txt"
)
# The whole fetch (DNS, connect, TLS, every read) must finish within this many seconds; it runs in a
# worker, never in a web request.
DOMAIN_VERIFICATION_TIMEOUT_S = env.float("DOMAIN_VERIFICATION_TIMEOUT_S", default=10.0)
# The proof is only fetched from public addresses; networks listed here are allowed besides (CIDRs,
# e.g. 10.0.0.0/8 for a self-hosted install's internal shop). Tests list 127.0.0.0/8 for their fake server.
DOMAIN_VERIFICATION_ALLOWED_NETWORKS = env.list("DOMAIN_VERIFICATION_ALLOWED_NETWORKS", default=[])
DOMAIN_VERIFICATION_TRIES_PER_HOUR = env.int("DOMAIN_VERIFICATION_TRIES_PER_HOUR", default=10)  # per workspace
