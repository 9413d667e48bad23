"""A fixed-window counter in the shared cache (Redis) for public forms: so many tries per client
per window, across every web process. The client key is hashed, so no raw IP lands in the cache.

`take` and `claim_cooldown` do the same for signed-in actions that must say when they can be tried
again (a workspace's quota of refreshes, a creator's cooldown)."""

import hashlib
import math
import time

from django.core.cache import cache
from django.http import HttpRequest

from core.client_ip import client_ip


def client_key(request: HttpRequest, *parts: str) -> str:
    """The client's address (behind TRUSTED_PROXY_COUNT proxies, the one they saw) plus whatever
    narrows the scope (a slug, a token)."""
    return ":".join([client_ip(request), *parts])


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


def _cache_key(scope: str, key: str) -> str:
    return f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def take(*, scope: str, key: str, limit: int, window_s: int) -> int:
    """Count one try in the current window; 0 when it is allowed, else the seconds until the window
    ends. Windows are aligned to the clock (whole hours for 3600 s), so every web process computes the
    same end without reading the key's TTL, which Django's cache API does not expose."""
    now = time.time()
    window = int(now // window_s)
    cache_key = f"{_cache_key(scope, key)}:{window}"
    cache.add(cache_key, 0, timeout=window_s + 60)  # outlives its window a little: never reset mid-window
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.add(cache_key, 1, timeout=window_s + 60)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * window_s - now))


def claim_cooldown(*, scope: str, key: str, cooldown_s: int) -> int:
    """Start a cooldown for `key`; 0 when it was free (and is now taken), else the seconds left of the
    running one. The key's value is when it ends, so the answer needs no TTL lookup."""
    now = time.time()
    cache_key = _cache_key(scope, key)
    if cache.add(cache_key, now + cooldown_s, timeout=cooldown_s):
        return 0
    ends_at = cache.get(cache_key)
    if ends_at is None or float(ends_at) <= now:  # ended since (the cache's expiry may lag): take it now
        cache.delete(cache_key)
        return 0 if cache.add(cache_key, now + cooldown_s, timeout=cooldown_s) else 1
    return max(1, math.ceil(float(ends_at) - now))


def release_cooldown(*, scope: str, key: str) -> None:
    """Give a cooldown back when the action it guarded was refused further on."""
    cache.delete(_cache_key(scope, key))
