"""A token bucket in Redis, shared by every worker process, so together they stay under an API's limit.

The bucket refills continuously at `rate_per_minute / 60` tokens a second up to `burst` tokens. One Lua
script reads, refills, takes and writes atomically using the Redis server's clock, so workers on
several hosts (with drifting clocks) see one bucket. In any window of `w` seconds at most
`burst + rate_per_minute * w / 60` calls get through.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings

from analytics.metrics.providers.base import ProviderErrorCode, RetryableProviderError
from core.redis_pool import redis_client

# KEYS[1]: the bucket (a hash of tokens and the time it was last refilled, in ms).
# ARGV: capacity, refill rate in tokens per ms, tokens wanted.
# Returns {1, 0} when the tokens were taken, else {0, ms to wait until they will be there}.
_TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at_ms')
local tokens = tonumber(state[1])
local at_ms = tonumber(state[2])
if tokens == nil or at_ms == nil then
  tokens = capacity
  at_ms = now_ms
end
if now_ms > at_ms then
  tokens = math.min(capacity, tokens + (now_ms - at_ms) * per_ms)
  at_ms = now_ms
end
local taken = 0
local wait_ms = 0
if tokens >= wanted then
  tokens = tokens - wanted
  taken = 1
else
  wait_ms = math.ceil((wanted - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at_ms', tostring(at_ms))
-- An idle bucket is full again after capacity / per_ms; keep it no longer than that.
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return {taken, wait_ms}
"""


@dataclass(frozen=True)
class TokenBucket:
    key: str
    rate_per_minute: int
    burst: int
    client: redis.Redis

    def __post_init__(self) -> None:
        if self.rate_per_minute <= 0 or self.burst <= 0:
            raise ValueError("A token bucket needs a positive rate and burst.")

    def try_take(self, tokens: int = 1) -> float:
        """Take `tokens` if they are there and return 0; otherwise take nothing and return the seconds
        until they will be."""
        script = self.client.register_script(_TAKE_SCRIPT)
        taken, wait_ms = script(keys=[self.key], args=[self.burst, self.rate_per_minute / 60_000, tokens])
        return 0.0 if int(taken) else int(wait_ms) / 1000

    def acquire(self, *, max_wait_s: float, sleep: Callable[[float], None] = time.sleep) -> None:
        """Block until a token is taken, waiting at most `max_wait_s` in all; past that, raise a
        retryable error so the task backs off instead of holding a worker."""
        waited = 0.0
        while True:
            wait_s = self.try_take()
            if wait_s == 0:
                return
            if waited + wait_s > max_wait_s:
                raise RetryableProviderError(
                    "Our own rate limit for this API is used up; try again shortly.",
                    code=ProviderErrorCode.RATE_LIMITED,
                    retry_after=wait_s,
                )
            sleep(wait_s)
            waited += wait_s


def tiktok_bucket(*, endpoint: str, client_key: str) -> TokenBucket:
    """TikTok counts requests per endpoint per app, so the bucket is keyed by both."""
    return TokenBucket(
        key=f"cd:ratelimit:tiktok:{client_key}:{endpoint}",
        rate_per_minute=settings.TIKTOK_RATE_PER_MINUTE,
        burst=settings.TIKTOK_RATE_BURST,
        client=redis_client(),
    )
