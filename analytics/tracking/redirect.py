"""The hot path: `/r/<token>` answers 302 to the link's stored destination and records the click.

Per request, on a warm cache: one Redis GET (token -> link, Django cache) and one Redis XADD (the
click onto CLICK_STREAM_KEY); no database query. `analytics.tracking.click_ingest` writes the stream to
PostgreSQL in batches, so a slow or stopped database delays the writing of clicks, never the visitor,
and a click waits in Redis until it is written.

Nothing in the request can change where it goes: the Location is the destination frozen when the link
was made, plus the click id this request generated. Unknown and deactivated tokens answer 404, and the
miss is cached briefly so a scan of made-up tokens costs Redis, not PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Callable

import redis
import structlog
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from analytics.models import TrackingLink
from analytics.tracking.click_ingest import CLICK_FIELD, parse_entry, write_clicks
from core.client_ip import client_ip
from core.redis_pool import redis_client

logger = structlog.get_logger(__name__)

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")  # TrackingLink's token check constraint
MISS = "-"
MISS_CACHE_S = 60  # a new link is never "missed": tokens are random and cached once created
USER_AGENT_MAX_CHARS = 512  # ClickEvent.user_agent
REFERRER_MAX_CHARS = 1024  # ClickEvent.referrer
_COUNTRY = re.compile(r"[A-Z]{2}")
# Cloudflare's "unknown" and "Tor" codes are not countries.
_NOT_COUNTRIES = {"XX", "T1"}


def _cache_key(token: str) -> str:
    return f"tl:{token}"


def _load(token: str) -> tuple[int, str, str, str] | None:
    """(link id, Location up to the click id, the fragment after it, click-id param) of an active link."""
    row = (
        # A public lookup by the random token: no workspace is known yet, and the token is the address.
        TrackingLink.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(token=token, is_active=True)
        .values_list("pk", "destination", "click_id_param")
        .first()
    )
    if row is None:
        return None
    pk, destination, param = row
    base, hash_mark, fragment = destination.partition("#")
    prefix = f"{base}{'&' if '?' in base else '?'}{param}="
    return (pk, prefix, hash_mark + fragment, param)


# Each web process also keeps what it resolved for a few seconds, so a popular link costs one Redis
# round trip per click (the XADD) instead of two. A deactivated link is dropped from Redis at once and
# from every process's memory within CLICK_LINK_LOCAL_CACHE_S.
_local: dict[str, tuple[float, object]] = {}
LOCAL_CACHE_MAX_ENTRIES = 10_000  # ~2 MB of short strings; cleared, not evicted one by one, when full


def resolve(token: str) -> tuple[int, str, str, str] | None:
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    now = time.monotonic()
    cached = _local.get(token)
    if cached is not None and cached[0] > now:
        entry = cached[1]
    else:
        key = _cache_key(token)
        entry = cache.get(key)
        if entry is None:
            entry = _load(token) or MISS
            cache.set(key, entry, timeout=MISS_CACHE_S if entry == MISS else settings.CLICK_LINK_CACHE_S)
        if len(_local) >= LOCAL_CACHE_MAX_ENTRIES:
            _local.clear()
        _local[token] = (now + settings.CLICK_LINK_LOCAL_CACHE_S, entry)
    return None if entry == MISS else tuple(entry)  # type: ignore[arg-type,return-value]


def forget_link(token: str) -> None:
    """Drop the cached entry (after a link changed) so the next request reads the database."""
    _local.pop(token, None)
    cache.delete(_cache_key(token))


def hash_ip(ip: str) -> str:
    return hmac.new(settings.CLICK_IP_SALT.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _country(request: HttpRequest) -> str:
    value = str(request.META.get(settings.CLICK_COUNTRY_HEADER, "")).strip().upper()
    return value if _COUNTRY.fullmatch(value) and value not in _NOT_COUNTRIES else ""


def click_fields(request: HttpRequest, *, link_id: int, click_id: uuid.UUID) -> dict[str, str | int]:
    return {
        "id": click_id.hex,
        "ts": time.time_ns() // 1000,  # microseconds since the epoch, UTC
        "link": link_id,
        "ip": hash_ip(client_ip(request)),
        "ua": str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_CHARS],
        "ref": str(request.META.get("HTTP_REFERER", ""))[:REFERRER_MAX_CHARS],
        "cc": _country(request),
        "m": request.method or "GET",
    }


def _redirect(request: HttpRequest, entry: tuple[int, str, str, str]) -> HttpResponse:
    link_id, prefix, suffix, _param = entry
    click_id = uuid.uuid4()
    payload = json.dumps(click_fields(request, link_id=link_id, click_id=click_id), separators=(",", ":")).encode()
    try:
        push_click(payload)  # one round trip; no MAXLEN: a click is removed only once PostgreSQL has it
    except Exception:  # Redis down: the visitor still gets where they were going
        _write_without_redis(payload, link_id=link_id)
    response = HttpResponse(status=302)
    response["Location"] = f"{prefix}{click_id.hex}{suffix}"
    response["Cache-Control"] = "no-store"  # every visit must reach us to be counted
    # The destination gets the UTM parameters and the click id; the short link is nobody's business.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _write_without_redis(payload: bytes, *, link_id: int) -> None:
    """Redis is down: write the click to PostgreSQL now, as the flush would (a transaction per click, a
    few milliseconds instead of a fraction of one), so an outage slows redirects but loses no click.
    Only when both are down is the click lost, and logged."""
    try:
        click = parse_entry({CLICK_FIELD.encode(): payload})
        if click is not None:
            write_clicks([click])
        logger.warning("click_written_without_redis", link=link_id)
    except Exception:
        logger.exception("click_not_recorded", link=link_id)


_connection = threading.local()


def push_click(payload: bytes) -> None:
    """`XADD <CLICK_STREAM_KEY> * c <payload>`, confirmed by Redis before the visitor gets the 302.

    On a connection each thread keeps for itself, with the command packed here: redis-py's pool
    check-out (a health poll) and generic packing cost more than the round trip itself (about 150 us
    against 90 us per click on the 2-core bench box). Any trouble falls back to the pooled client, which
    reconnects and retries; a click sent twice that way carries the same click id, and the flush writes
    it once."""
    key = settings.CLICK_STREAM_KEY.encode()
    command = b"*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$1\r\nc\r\n$%d\r\n%s\r\n" % (
        len(key),
        key,
        len(payload),
        payload,
    )
    connection = getattr(_connection, "redis", None)
    if connection is None:
        connection = _connection.redis = redis_client().connection_pool.make_connection()
    try:
        connection.send_packed_command([command], check_health=False)
        connection.read_response()
    except (redis.RedisError, OSError):
        connection.disconnect()
        redis_client().xadd(key, {CLICK_FIELD: payload})


@csrf_exempt  # GET and HEAD only; nothing here reads a cookie or changes an account
def tracking_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """The route `/r/<token>`: hits are usually answered by TrackingRedirectMiddleware before the
    view; this answers the rest (unknown tokens: 404, other methods: 405) through the full stack."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    entry = resolve(token)
    if entry is None:
        raise Http404
    return _redirect(request, entry)


class TrackingRedirectMiddleware:
    """Answers a hit on `/r/<token>` right after SecurityMiddleware (HTTPS redirect, HSTS), skipping the
    session, CSRF, auth, workspace, htmx and request-logging middleware: none of them has anything to do
    with an anonymous 302, and together they cost more than the redirect itself (bench/redirect). The
    click is the record of the request. Misses, odd paths and other methods go on through the full stack
    to `tracking_redirect`, so 404 and 405 pages are the usual ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/r/") and request.method in ("GET", "HEAD"):
            entry = resolve(path[3:])  # the token pattern has no "/", so "/r/a/b" never matches
            if entry is not None:
                return _redirect(request, entry)
        return self.get_response(request)
