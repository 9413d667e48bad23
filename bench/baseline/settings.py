"""Minimal settings: no apps, no middleware, no database.

The baseline measures what Django + gunicorn + the load generator cost on this
machine with nothing else in the way, so every benchmark ratio is relative to it.
"""

# Benchmark-only project, never deployed and never serving real data; a fixed key keeps runs reproducible.
SECRET_KEY = "bench-baseline-not-a-secret"  # noqa: S105 - not a credential, see comment above
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}

ROOT_URLCONF = "bench.baseline.urls"
WSGI_APPLICATION = "bench.baseline.wsgi.application"

USE_TZ = True
