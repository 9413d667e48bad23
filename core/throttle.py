"""A fixed-window counter in the shared cache (Redis) for public forms: so many tries per client
per window, across every web process. The client key is hashed, so no raw IP lands in the cache."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest, *parts: str) -> str:
    """The peer address plus whatever narrows the scope (a slug, a token)."""
    return ":".join([str(request.META.get("REMOTE_ADDR", "")), *parts])


def allow(*, scope: str, key: str, limit: int, window_s: int) -> bool:
    """Count one try; False once `key` has used up `limit` tries in the current window."""
    cache_key = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    cache.add(cache_key, 0, timeout=window_s)  # starts the window; a no-op while it runs
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add and incr
        cache.add(cache_key, 1, timeout=window_s)
        count = 1
    return count <= limit
