"""The shared token bucket, against the real Redis of the devstack (REDIS_URL)."""

import math
import secrets
import threading
import time

import pytest

from analytics.metrics.providers.base import ProviderErrorCode, RetryableProviderError
from analytics.metrics.providers.tiktok_client import USER_INFO_PATH
from analytics.metrics.rate_limit import TokenBucket
from core.redis_pool import redis_client
from tests.analytics.conftest import SleepRecorder


def _bucket(*, rate_per_minute: int, burst: int, key: str | None = None) -> TokenBucket:
    return TokenBucket(
        key=key or f"test:bucket:{secrets.token_hex(6)}",
        rate_per_minute=rate_per_minute,
        burst=burst,
        client=redis_client(),
    )


def test_a_full_bucket_lets_the_burst_through_then_says_how_long_to_wait():
    bucket = _bucket(rate_per_minute=60, burst=3)
    assert [bucket.try_take() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait_s = bucket.try_take()
    # One token a second at 60 per minute: the fourth waits (almost) a second, never longer.
    assert 0 < wait_s <= 60 / 60


def test_the_bucket_refills_at_its_rate():
    bucket = _bucket(rate_per_minute=1200, burst=1)  # one token per 50 ms
    assert bucket.try_take() == 0
    assert bucket.try_take() > 0
    time.sleep(0.06)
    assert bucket.try_take() == 0


def test_buckets_with_different_keys_do_not_share_tokens():
    first, second = _bucket(rate_per_minute=1, burst=1), _bucket(rate_per_minute=1, burst=1)
    assert first.try_take() == 0
    assert first.try_take() > 0
    assert second.try_take() == 0


def test_two_handles_on_one_key_share_one_bucket():
    key = f"test:bucket:{secrets.token_hex(6)}"
    first, second = _bucket(rate_per_minute=1, burst=2, key=key), _bucket(rate_per_minute=1, burst=2, key=key)
    assert first.try_take() == 0 and second.try_take() == 0
    assert first.try_take() > 0 and second.try_take() > 0


def test_taking_is_atomic_under_contention():
    # 40 threads race for 5 tokens that barely refill (one a minute): exactly 5 may win.
    bucket = _bucket(rate_per_minute=1, burst=5)
    wins: list[bool] = []
    start = threading.Barrier(40)

    def race() -> None:
        start.wait()
        wins.append(bucket.try_take() == 0)

    threads = [threading.Thread(target=race) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 5


def test_acquire_waits_for_the_next_token():
    bucket = _bucket(rate_per_minute=600, burst=1)  # one token per 100 ms
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    bucket.acquire(max_wait_s=1.0, sleep=sleep)
    bucket.acquire(max_wait_s=1.0, sleep=sleep)
    assert slept and 0 < sum(slept) <= 1.0


def test_acquire_raises_retryable_rather_than_wait_longer_than_allowed():
    bucket = _bucket(rate_per_minute=1, burst=1)  # the next token is a minute away
    bucket.acquire(max_wait_s=0.5, sleep=SleepRecorder())
    sleeps = SleepRecorder()
    with pytest.raises(RetryableProviderError) as caught:
        bucket.acquire(max_wait_s=0.5, sleep=sleeps)
    assert caught.value.code == ProviderErrorCode.RATE_LIMITED
    assert caught.value.retry_after is not None and caught.value.retry_after > 0.5
    assert sleeps.calls == []  # it did not wait at all for a token it could not get in time


def _most_hits_in_any_window(times: list[float], window_s: float) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > window_s:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.mark.parametrize("limited", [True, False], ids=["with-bucket", "without-bucket"])
def test_workers_sharing_the_bucket_never_exceed_the_rate_at_the_api(tiktok, make_client, settings, limited):
    settings.TIKTOK_RATE_PER_MINUTE = 600  # 10 a second
    settings.TIKTOK_RATE_BURST = 3
    user = tiktok.add_user()
    access, _ = tiktok.issue_tokens(user.open_id)
    run_s, window_s = 1.5, 1.0
    stop_at = time.monotonic() + run_s

    def work() -> None:
        overrides = {"sleep": time.sleep, "rate_max_wait_s": 5.0}
        if not limited:
            overrides["rate_limiter_for"] = None
        with make_client(**overrides) as client:
            while time.monotonic() < stop_at:
                client.user_info(access_token=access, fields=("open_id",))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    arrivals = [hit.arrived_at for hit in tiktok.hits(USER_INFO_PATH)]
    # A token bucket lets through at most burst + rate * window in any window; 50 ms of slack for
    # requests that took their token just before the window but arrived inside it.
    allowed = settings.TIKTOK_RATE_BURST + math.ceil(settings.TIKTOK_RATE_PER_MINUTE / 60 * (window_s + 0.05))
    busiest = _most_hits_in_any_window(arrivals, window_s)
    if limited:
        assert busiest <= allowed
        assert len(arrivals) >= settings.TIKTOK_RATE_PER_MINUTE / 60 * run_s * 0.5  # and it did not just stall
    else:
        # The negative twin: the same two workers without the bucket blow through the limit, so the
        # assertion above can fail.
        assert busiest > allowed
