"""API rate limits: a token-authenticated call counts against its token, a session call against its
user, an anonymous one against its client IP (core.client_ip, so a proxy's address is not everyone's).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings from the environment), read on
each request so a test can override them. Counting is core.throttle's fixed window in Redis: one
atomic INCR per call and the same count in every web process, where DRF's SimpleRateThrottle would
read and rewrite a list of up to `rate` timestamps per call, racing other processes."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.client_ip import client_ip
from core.throttle import take

PERIOD_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # DRF's rate syntax: "1000/hour", "100/h", "10/min"


def parse_rate(rate: str) -> tuple[int, int]:
    """("1000/hour") -> (1000 calls, 3600 s)."""
    try:
        count, period = rate.split("/")
        return int(count), PERIOD_S[period.strip()[0]]
    except (ValueError, KeyError, IndexError) as exc:
        raise ImproperlyConfigured(f"An API rate looks like 1000/hour, not {rate!r}.") from exc


class _RateThrottle(BaseThrottle):
    scope = ""  # the key of its rate in DEFAULT_THROTTLE_RATES

    def __init__(self) -> None:
        self.wait_s = 0

    def identity(self, request: Request) -> str | None:
        """Whom the call counts against; None when this throttle does not apply to it."""
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        identity = self.identity(request)
        if not rate or identity is None:
            return True
        limit, window_s = parse_rate(str(rate))
        # The key is hashed by core.throttle: neither a token nor an IP lands in Redis in clear.
        self.wait_s = take(scope=f"api-{self.scope}", key=identity, limit=limit, window_s=window_s)
        return self.wait_s == 0

    def wait(self) -> float | None:
        """Seconds until the window ends: DRF sends them as Retry-After with the 429."""
        return float(self.wait_s) if self.wait_s else None


class TokenRateThrottle(_RateThrottle):
    """Calls authenticated with `Authorization: Token <key>`, per token."""

    scope = "token"

    def identity(self, request: Request) -> str | None:
        key = getattr(request.auth, "key", None)
        return str(key) if key else None


class UserRateThrottle(_RateThrottle):
    """Calls of a signed-in session (no token), per user."""

    scope = "user"

    def identity(self, request: Request) -> str | None:
        if request.user.is_authenticated and getattr(request.auth, "key", None) is None:
            return str(request.user.pk)
        return None


class AnonRateThrottle(_RateThrottle):
    """Calls without authentication, per client IP."""

    scope = "anon"

    def identity(self, request: Request) -> str | None:
        return None if request.user.is_authenticated else client_ip(request._request)  # DRF wraps the HttpRequest
