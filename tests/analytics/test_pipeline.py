"""The metrics pipeline's services against the real database: pulls stored once per slot, failures kept
on the creator, sweeps claimed once, scores stored with history and the stale flag honoured."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from analytics.metrics import services as sync
from analytics.metrics.providers.base import (
    CreatorMetrics,
    ProfileSnapshot,
    ProviderError,
    RetryableProviderError,
    VideoSnapshot,
)
from analytics.metrics.providers.demo import DemoProvider
from analytics.scoring import services as scoring_services
from creators.index.pulls import store_pulls
from creators.models import (
    Creator,
    CreatorScore,
    CreatorScoreHistory,
    FollowerSnapshot,
    TierBenchmark,
    Video,
    VideoStats,
)
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

SLOT = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _metrics(followers=5000, views=(1000, 2000), at=SLOT, bio=None):
    return CreatorMetrics(
        profile=ProfileSnapshot(captured_at=at, follower_count=followers, likes_count=900, bio=bio),
        videos=tuple(
            VideoSnapshot(
                platform_video_id=f"v{i}",
                captured_at=at,
                views=v,
                likes=v // 10,
                comments=v // 100,
                shares=3,
                saves=None,
                posted_at=at - timedelta(days=i + 1),
                caption=f"video {i} #fyp",
                hashtags=("fyp",),
            )
            for i, v in enumerate(views)
        ),
    )


def test_a_pull_stored_twice_for_the_same_slot_writes_nothing_the_second_time():
    creator = CreatorFactory()

    first = store_pulls(pulls=[(creator.pk, _metrics())], captured_at=SLOT)
    again = store_pulls(pulls=[(creator.pk, _metrics())], captured_at=SLOT)

    assert (first.videos_created, first.snapshots_created, first.follower_snapshots_written) == (2, 2, 1)
    assert (again.videos_created, again.snapshots_created, again.follower_snapshots_written) == (0, 0, 0)
    assert VideoStats.objects.count() == 2
    assert FollowerSnapshot.objects.get().follower_count == 5000


def test_a_later_slot_adds_snapshots_and_updates_the_creator():
    creator = CreatorFactory(follower_count=10, bio="old bio")
    store_pulls(pulls=[(creator.pk, _metrics())], captured_at=SLOT)
    later = SLOT + timedelta(days=1)

    summary = store_pulls(
        pulls=[(creator.pk, _metrics(followers=5100, views=(1500, 2500), at=later, bio="new bio"))], captured_at=later
    )

    creator.refresh_from_db()
    assert (summary.videos_created, summary.snapshots_created) == (0, 2)
    assert sorted(VideoStats.objects.values_list("views", flat=True)) == [1000, 1500, 2000, 2500]
    assert FollowerSnapshot.objects.count() == 2
    assert (creator.follower_count, creator.bio, creator.sync_status) == (5100, "new bio", Creator.SyncStatus.OK)
    assert "new bio" in creator.search_document
    assert creator.synced_at == later and creator.score_stale
    assert creator.last_posted_at == later - timedelta(days=1)


class _Failing:
    name = "failing"

    def __init__(self, errors):
        self.errors = errors

    def fetch(self, *, creator, max_videos, at=None):
        error = self.errors.get(creator.handle)
        if error:
            raise error
        return _metrics(at=at)


def test_a_failed_pull_is_recorded_on_its_creator_and_the_others_still_land(monkeypatch):
    ok, broken, busy = CreatorFactory(handle="ok"), CreatorFactory(handle="broken"), CreatorFactory(handle="busy")
    provider = _Failing(
        {
            "broken": ProviderError("The account is private.", log_id="202611201200abc"),
            "busy": RetryableProviderError("Rate limited.", retry_after=30),
        }
    )
    monkeypatch.setattr(sync, "fallback_provider", lambda: provider)

    result = sync.sync_creators(creator_ids=[ok.pk, broken.pk, busy.pk], slot=SLOT)

    assert result.stored.creators == 1
    assert result.retry == [busy.pk] and result.retry_after == 30
    broken.refresh_from_db()
    busy.refresh_from_db()
    assert broken.sync_status == Creator.SyncStatus.ERROR
    assert "private" in broken.sync_error and "202611201200abc" in broken.sync_error
    assert busy.sync_status == Creator.SyncStatus.NEVER  # retried later, not an error yet
    assert VideoStats.objects.filter(video__creator=ok).count() == 2


def test_the_demo_provider_answers_the_same_for_the_same_slot_and_moves_on_later():
    creator = CreatorFactory(handle="maya")
    ref = sync.CreatorRef(creator_id=creator.pk, platform="tiktok", handle="maya")
    provider = DemoProvider()

    first = provider.fetch(creator=ref, max_videos=30, at=SLOT)
    same = provider.fetch(creator=ref, max_videos=30, at=SLOT)
    later = provider.fetch(creator=ref, max_videos=30, at=SLOT + timedelta(days=7))

    assert first == same
    assert later.profile.follower_count >= first.profile.follower_count
    shared = {v.platform_video_id: v.views for v in first.videos}
    assert all(v.views >= shared[v.platform_video_id] for v in later.videos if v.platform_video_id in shared)
    assert len(first.videos) <= 30 and all(v.views >= v.likes for v in first.videos)


def test_a_sweep_slot_is_floored_and_claimed_once(settings):
    settings.METRICS_SWEEP_HOURS = 6
    slot = sync.sweep_slot(datetime(2026, 11, 20, 17, 45, tzinfo=UTC))

    assert slot == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert sync.claim_sweep(slot) is True
    assert sync.claim_sweep(slot) is False
    assert sync.claim_sweep(slot + timedelta(hours=6)) is True


def test_due_creators_skip_those_already_pulled_for_the_slot(settings):
    settings.METRICS_FALLBACK_PROVIDER = "demo"
    fresh, done, old = (
        CreatorFactory(),
        CreatorFactory(synced_at=SLOT),
        CreatorFactory(synced_at=SLOT - timedelta(days=1)),
    )

    chunks = list(sync.due_creator_ids(slot=SLOT, chunk_size=1))

    assert sorted(pk for chunk in chunks for pk in chunk) == sorted([fresh.pk, old.pk])
    assert all(len(chunk) == 1 for chunk in chunks)
    assert done.pk not in {pk for chunk in chunks for pk in chunk}


def test_without_a_fallback_only_connected_creators_are_due(settings):
    settings.METRICS_FALLBACK_PROVIDER = "none"
    CreatorFactory()

    assert list(sync.due_creator_ids(slot=SLOT, chunk_size=10)) == []


def _pull_demo(creators, days):
    provider = DemoProvider()
    for day in range(days, -1, -7):
        at = SLOT - timedelta(days=day)
        pulls = [
            (c.pk, provider.fetch(creator=sync.CreatorRef(c.pk, "tiktok", c.handle), max_videos=30, at=at))
            for c in creators
        ]
        store_pulls(pulls=pulls, captured_at=at)


def test_scoring_stores_scores_components_history_and_tier_medians(settings):
    settings.SCORING_WINDOW_DAYS = 90
    creators = [CreatorFactory(handle=f"demo{i}") for i in range(12)]
    _pull_demo(creators, days=28)

    stored = scoring_services.score_index(as_of=SLOT)

    assert stored == 12
    scored = Creator.objects.filter(score__isnull=False)
    assert scored.count() == 12
    assert all(Decimal(0) <= c.score <= Decimal(100) for c in scored)
    assert not Creator.objects.filter(score_stale=True).exists()
    latest = CreatorScore.objects.get(creator=creators[0])
    assert {"pct_engagement_rate_views", "pct_save_rate", "pct_reach_rate", "score_awareness"} <= set(latest.components)
    assert latest.components["tier"] == TierBenchmark.objects.get(tier=latest.components["tier"]).tier
    assert CreatorScoreHistory.objects.filter(scored_on=SLOT.date()).count() == 12
    # The stored engagement rate is the component's value, rounded to the column.
    value = latest.components["engagement_rate_views"]
    assert float(Creator.objects.get(pk=creators[0].pk).engagement_rate) == pytest.approx(value, abs=1e-5)


def test_scoring_the_same_day_again_replaces_the_history_row():
    creators = [CreatorFactory(handle=f"again{i}") for i in range(3)]
    _pull_demo(creators, days=7)

    scoring_services.score_index(as_of=SLOT)
    scoring_services.score_index(as_of=SLOT)

    assert CreatorScoreHistory.objects.count() == 3


def test_a_stale_run_scores_only_stale_creators_and_keeps_those_changed_since():
    creators = [CreatorFactory(handle=f"stale{i}") for i in range(4)]
    _pull_demo(creators, days=7)
    scoring_services.score_index(as_of=SLOT)
    Creator.objects.filter(pk=creators[0].pk).update(score_stale=True, score=None)
    # Changed after the run's as_of: a pull landed while it was loading.
    Creator.objects.filter(pk=creators[1].pk).update(
        score_stale=True, score=None, updated_at=datetime.now(UTC) + timedelta(hours=1)
    )

    stored = scoring_services.score_index(as_of=datetime.now(UTC), only_stale=True)

    assert stored == 2
    c0, c1, c2 = (Creator.objects.get(pk=c.pk) for c in creators[:3])
    assert c0.score is not None and not c0.score_stale
    assert c1.score is not None and c1.score_stale  # scored, but still stale for the next run
    assert not c2.score_stale
    assert scoring_services.score_index(only_stale=True) in (0, 1)


def test_the_loader_reads_the_sponsored_flag_the_writers_decided():
    creator = CreatorFactory()
    metrics = CreatorMetrics(
        profile=ProfileSnapshot(captured_at=SLOT, follower_count=100),
        videos=(
            VideoSnapshot("ad", SLOT, 10, 1, 0, 0, posted_at=SLOT - timedelta(days=1), caption="New serum #ad"),
            VideoSnapshot("plain", SLOT, 10, 1, 0, 0, posted_at=SLOT - timedelta(days=1), caption="my #adventure"),
        ),
    )
    store_pulls(pulls=[(creator.pk, metrics)], captured_at=SLOT)

    videos, _creators, _followers = scoring_services.load_frames(as_of=SLOT, window_days=30)

    by_video = dict(zip(videos["video_id"], videos["is_sponsored"], strict=True))
    assert {Video.objects.get(pk=pk).platform_video_id: bool(flag) for pk, flag in by_video.items()} == {
        "ad": True,
        "plain": False,
    }


def test_the_video_keeps_the_stats_of_its_newest_slot_even_when_an_older_one_lands_late():
    creator = CreatorFactory()
    later = SLOT + timedelta(days=1)
    store_pulls(pulls=[(creator.pk, _metrics(views=(1500,), at=later))], captured_at=later)

    store_pulls(pulls=[(creator.pk, _metrics(views=(1000,), at=SLOT))], captured_at=SLOT)  # a retry, late

    video = Video.objects.get()
    assert (video.views, video.stats_captured_at) == (1500, later)
    assert sorted(VideoStats.objects.values_list("views", flat=True)) == [1000, 1500]


def test_pull_tasks_finishing_together_queue_one_scoring_run(monkeypatch):
    from django.core.cache import cache

    from analytics import tasks

    cache.delete("analytics:stale-scoring-queued")
    queued = []
    monkeypatch.setattr(tasks.score_stale_creators_task, "apply_async", lambda **kwargs: queued.append(kwargs))

    for _ in range(5):
        tasks.queue_stale_scoring()

    assert queued == [{"countdown": tasks.SCORING_DEBOUNCE_S}]
