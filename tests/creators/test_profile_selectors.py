"""What the profile page reads: tier medians, similar creators, videos with their latest stats, and
the workspace's own layers — in a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tenancy import workspace_scope
from creators import selectors
from creators.profile import (
    audience_charts,
    compact_count,
    creator_profile,
    creators_for_profile,
    follower_growth,
    recent_videos_with_latest_stats,
)
from tests.creators.workspace_factories import (
    NOON,
    AudienceProfileFactory,
    CreatorListEntryFactory,
    CreatorListFactory,
    CreatorNoteFactory,
    CreatorTagFactory,
    FollowerSnapshotFactory,
    RelationshipFactory,
    TagFactory,
    VideoFactory,
    VideoStatsFactory,
)
from tests.factories import CreatorFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_medians():
    selectors.forget_tier_engagement_medians()
    yield
    selectors.forget_tier_engagement_medians()


def _micro(rate, **fields):
    return CreatorFactory(follower_count=50_000, engagement_rate=Decimal(rate), **fields)


# --- Tiers and the engagement median --------------------------------------------------------------


@pytest.mark.parametrize(
    ("followers", "tier"),
    [(0, "nano"), (9_999, "nano"), (10_000, "micro"), (99_999, "micro"), (100_000, "macro"), (1_000_000, "mega")],
)
def test_tiers_take_their_lower_bound(followers, tier):
    assert selectors.tier_of(followers) == tier


def test_the_tier_median_is_the_middle_rate_of_that_tier_only():
    for rate in ("0.02", "0.04", "0.06", "0.08"):  # micro: the median of four is halfway between 0.04 and 0.06
        _micro(rate)
    CreatorFactory(follower_count=5_000, engagement_rate=Decimal("0.50"))  # nano, must not count
    CreatorFactory(follower_count=500_000, engagement_rate=Decimal("0.001"))  # macro, must not count
    CreatorFactory(follower_count=50_000, engagement_rate=None)  # no rate yet, must not count
    medians = selectors.tier_engagement_medians()
    assert medians["micro"] == pytest.approx(0.05)
    assert medians["nano"] == pytest.approx(0.50)
    assert medians["mega"] is None


def test_a_creator_twice_the_median_reads_as_above_it():
    for rate in ("0.04", "0.05", "0.06"):
        _micro(rate)
    creator = _micro("0.10")  # with it, the micro median is (0.05 + 0.06) / 2 = 0.055
    comparison = selectors.compare_with_tier(creator=creator)
    assert comparison.tier == "micro"
    assert comparison.median_engagement_rate == pytest.approx(0.055)
    assert comparison.ratio == pytest.approx(0.10 / 0.055)
    assert comparison.verdict == "above"


def test_a_creator_at_half_the_median_reads_as_below_it():
    for rate in ("0.08", "0.08", "0.08"):
        _micro(rate)
    comparison = selectors.compare_with_tier(creator=_micro("0.04"))
    assert comparison.median_engagement_rate == pytest.approx(0.08)
    assert comparison.verdict == "below"


def test_a_creator_without_a_rate_has_no_verdict():
    _micro("0.05")
    creator = CreatorFactory(follower_count=50_000, engagement_rate=None)
    assert selectors.compare_with_tier(creator=creator).verdict == "unknown"


def test_the_medians_are_cached_until_forgotten():
    _micro("0.05")
    assert selectors.tier_engagement_medians()["micro"] == pytest.approx(0.05)
    _micro("0.07")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.tier_engagement_medians()["micro"] == pytest.approx(0.05)
    assert len(queries) == 0
    selectors.forget_tier_engagement_medians()
    assert selectors.tier_engagement_medians()["micro"] == pytest.approx(0.06)


# --- Similar creators ---------------------------------------------------------------------------


def test_similar_creators_rank_by_niches_audience_tier_and_hashtags():
    target = CreatorFactory(
        follower_count=50_000, niches=["skincare", "beauty"], hashtags=["glow", "spf"], country="US"
    )
    AudienceProfileFactory(creator=target, countries={"US": 70.0, "GB": 10.0})
    # 2 niches x 3 + US audience 0.6 x 2 + same tier 2 = 9.2
    twin = CreatorFactory(follower_count=20_000, niches=["beauty", "skincare"], country="GB")
    AudienceProfileFactory(creator=twin, countries={"US": 60.0})
    # 1 niche x 3 + US audience 0.1 x 2 + same tier 2 = 5.2
    same_tier = CreatorFactory(follower_count=90_000, niches=["skincare"])
    AudienceProfileFactory(creator=same_tier, countries={"US": 10.0})
    # 1 niche x 3 + 2 hashtags x 1 + no audience + another tier = 5
    hashtags_only = CreatorFactory(follower_count=400_000, niches=["skincare"], hashtags=["spf", "glow", "nails"])
    # No niche in common: never a lookalike, whatever else matches.
    stranger = CreatorFactory(follower_count=50_000, niches=["gaming"], hashtags=["glow"])
    AudienceProfileFactory(creator=stranger, countries={"US": 90.0})

    similar = selectors.similar_creators(creator=creators_for_profile().get(pk=target.pk))

    assert [creator.pk for creator in similar] == [twin.pk, same_tier.pk, hashtags_only.pk]
    assert [creator.similarity for creator in similar] == pytest.approx([9.2, 5.2, 5.0])


def test_similar_creators_stop_at_six():
    target = CreatorFactory(niches=["pets"])
    for _ in range(8):
        CreatorFactory(niches=["pets"])
    assert len(selectors.similar_creators(creator=target)) == 6


def test_a_creator_without_niches_or_country_has_no_lookalikes():
    target = CreatorFactory(follower_count=50_000, country="", niches=[])
    CreatorFactory(follower_count=50_000, country="")
    assert selectors.similar_creators(creator=target) == []


def test_a_creator_without_niches_is_compared_within_its_country_and_tier():
    target = CreatorFactory(follower_count=50_000, country="FR", niches=[])
    neighbour = CreatorFactory(follower_count=60_000, country="FR")
    CreatorFactory(follower_count=60_000, country="DE")  # another country
    CreatorFactory(follower_count=600_000, country="FR")  # another tier
    assert [creator.pk for creator in selectors.similar_creators(creator=target)] == [neighbour.pk]


# --- Videos, growth and audience ------------------------------------------------------------------


def test_each_recent_video_comes_with_its_latest_stats():
    creator = CreatorFactory()
    video = VideoFactory(creator=creator, posted_at=NOON)
    VideoStatsFactory(video=video, captured_at=NOON, views=100)
    VideoStatsFactory(video=video, captured_at=NOON + timedelta(days=2), views=900, likes=80, comments=5, shares=5)
    VideoStatsFactory(video=video, captured_at=NOON + timedelta(days=1), views=500)
    unsynced = VideoFactory(creator=creator, posted_at=NOON - timedelta(days=3))

    recent = recent_videos_with_latest_stats(creator=creator)

    assert [item.video.pk for item in recent] == [video.pk, unsynced.pk]
    assert recent[0].stats.views == 900
    assert recent[0].engagement_rate == pytest.approx(90 / 900)
    assert recent[1].stats is None and recent[1].engagement_rate is None


def test_follower_growth_covers_the_last_90_days_oldest_first():
    creator = CreatorFactory()
    today = timezone.now().date()
    FollowerSnapshotFactory(creator=creator, captured_on=today - timedelta(days=120), follower_count=1)
    FollowerSnapshotFactory(creator=creator, captured_on=today, follower_count=12_000)
    FollowerSnapshotFactory(creator=creator, captured_on=today - timedelta(days=30), follower_count=10_000)
    growth = follower_growth(creator=creator)
    assert growth.values == [10_000.0, 12_000.0]
    assert bool(growth)


def test_audience_shares_keep_the_top_countries_and_fold_the_rest_into_other():
    countries = {code: 10.0 for code in ("US", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "PL")}
    countries["US"] = 20.0  # 9 countries, 100 % in all
    audience = AudienceProfileFactory(countries=countries)
    chart = audience_charts(audience=audience)["countries"]
    assert chart.labels[0] == "US" and chart.labels[-1] == "Other"
    assert len(chart.labels) == 9  # the top 8 and "Other"
    assert chart.values[-1] == 10.0 and chart.unknown == 0.0


# --- The whole profile ----------------------------------------------------------------------------


def _profile_world(workspace, *, items):
    creator = CreatorFactory(niches=["skincare"], engagement_rate=Decimal("0.05"))
    AudienceProfileFactory(creator=creator)
    CreatorFactory(niches=["skincare"])
    for n in range(items):
        VideoStatsFactory(video=VideoFactory(creator=creator), views=1_000 + n)
        CreatorNoteFactory(workspace=workspace, creator=creator)
        CreatorTagFactory(tag=TagFactory(workspace=workspace), creator=creator)
        CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=workspace), creator=creator)
        FollowerSnapshotFactory(creator=creator, captured_on=timezone.now().date() - timedelta(days=n))
    RelationshipFactory(workspace=workspace, creator=creator)
    return creator


def _profile_queries(workspace, creator):
    selectors.tier_engagement_medians()  # warm the cache, as every request but the first finds it
    with workspace_scope(workspace), CaptureQueriesContext(connection) as queries:
        profile = creator_profile(workspace=workspace, creator=creators_for_profile().get(pk=creator.pk))
        assert profile.recent_videos and profile.notes and profile.tags and profile.lists and profile.similar
    return len(queries)


def test_the_profile_reads_in_the_same_few_queries_whatever_it_holds(workspace):
    few = _profile_queries(workspace, _profile_world(workspace, items=2))
    many = _profile_queries(workspace, _profile_world(workspace, items=25))
    assert few == many
    assert many <= 11


def test_the_profile_shows_only_this_workspaces_layers(workspace):
    creator = CreatorFactory()
    other = WorkspaceFactory()
    CreatorNoteFactory(workspace=other, creator=creator)
    CreatorTagFactory(tag=TagFactory(workspace=other), creator=creator)
    CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=other), creator=creator)
    RelationshipFactory(workspace=other, creator=creator)
    mine = CreatorNoteFactory(workspace=workspace, creator=creator)
    with workspace_scope(workspace):
        profile = creator_profile(workspace=workspace, creator=creator)
    assert [note.pk for note in profile.notes] == [mine.pk]
    assert profile.tags == [] and profile.lists == [] and profile.relationship is None


@pytest.mark.parametrize(
    ("count", "shown"),
    [(950, "950"), (1_000, "1K"), (12_345, "12.3K"), (150_000, "150K"), (47_300_000, "47.3M"), (2_000_000_000, "2B")],
)
def test_stat_tiles_show_counts_compactly(count, shown):
    assert compact_count(count) == shown


def test_age_buckets_read_youngest_first_whatever_order_they_were_stored_in():
    audience = AudienceProfileFactory(age_buckets={"45+": 5.0, "18-24": 40.0, "13-17": 15.0, "25-34": 30.0})
    audience.refresh_from_db()  # JSONB hands keys back in its own order
    assert audience_charts(audience=audience)["age_buckets"].labels == ["13-17", "18-24", "25-34", "45+"]
