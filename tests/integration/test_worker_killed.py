"""A worker SIGKILLed in the middle of a metrics pull loses nothing and duplicates nothing.

Real processes: a `celery worker` subprocess on the test database and the test Redis, killed with
SIGKILL while the pull task sleeps in the demo provider's simulated API latency; a second worker gets
the re-delivered message (the broker's visibility timeout is shortened so the test does not wait two
hours) and the stored result equals what one clean run stores."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection

from analytics.metrics.providers.base import CreatorRef
from analytics.metrics.providers.demo import DemoProvider
from analytics.tasks import sync_creators_task
from creators.models import Creator, FollowerSnapshot, Video, VideoStats
from tests.factories import CreatorFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SLOT = datetime(2026, 11, 20, 12, tzinfo=UTC)
LATENCY_S = 0.4
VISIBILITY_TIMEOUT_S = 3


def _worker_env() -> dict[str, str]:
    db = connection.settings_dict
    host = db["HOST"] or (db.get("OPTIONS") or {}).get("host", "")
    port = db["PORT"] or (db.get("OPTIONS") or {}).get("port", "")
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={host}&port={port}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "METRICS_FALLBACK_PROVIDER": "demo",
        "METRICS_DEMO_LATENCY_S": str(LATENCY_S),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
    }


def _start_worker(name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our interpreter, our app
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--loglevel=WARNING", "-n", f"{name}@%h"],
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_a_worker_killed_mid_pull_loses_nothing_and_duplicates_nothing():
    creators = [CreatorFactory(handle=f"killed{i}") for i in range(8)]
    ids = [c.pk for c in creators]
    provider = DemoProvider(latency_s=0)
    refs = [CreatorRef(c.pk, "tiktok", c.handle) for c in creators]
    expected_videos = sum(
        len(provider.fetch(creator=ref, max_videos=settings.SCORING_MAX_VIDEOS, at=SLOT).videos) for ref in refs
    )
    assert expected_videos > 0

    first = _start_worker("first")
    try:
        time.sleep(3)  # let it connect before the message exists, so it is the one that takes it
        sync_creators_task.delay(ids, SLOT.isoformat())
        # 8 pulls of 0.4 s: kill it about halfway, after it took the message and before it stored anything.
        time.sleep(2.0)
        assert VideoStats.objects.count() == 0, "the worker finished before it could be killed"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()

    assert VideoStats.objects.count() == 0  # the batch is stored in one transaction, after every pull

    second = _start_worker("second")
    try:
        assert wait_for(lambda: VideoStats.objects.count() >= expected_videos, timeout_s=60), (
            "the killed task was not re-delivered"
        )
        time.sleep(VISIBILITY_TIMEOUT_S + 2)  # a second re-delivery, if any, would land by now
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=15)
        except subprocess.TimeoutExpired:
            second.kill()

    assert VideoStats.objects.count() == expected_videos
    assert Video.objects.count() == expected_videos
    assert FollowerSnapshot.objects.count() == len(creators)
    assert set(VideoStats.objects.values_list("captured_at", flat=True)) == {SLOT}
    assert Creator.objects.filter(pk__in=ids, sync_status=Creator.SyncStatus.OK).count() == len(creators)
