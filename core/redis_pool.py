"""One Redis connection pool per process, for the code that talks to Redis directly rather than through
Django's cache: the click stream, the shared rate limits, OAuth state."""

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=4)
def redis_client(url: str | None = None) -> redis.Redis:
    """One connection pool per process (redis-py pools are thread-safe)."""
    return redis.Redis.from_url(url or settings.REDIS_URL)
