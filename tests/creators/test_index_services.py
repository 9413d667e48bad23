from datetime import UTC, date, datetime

import pytest

from creators.errors import CreatorError
from creators.index import services as index_services
from creators.index.services import VideoRow, VideoStatsRow
from creators.models import AudienceProfile, Creator, FollowerSnapshot, VideoStats

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _creator(handle="Maya.Glow", **fields):
    ids = index_services.upsert_index_creators(rows=[{"handle": handle, "display_name": "Maya Núñez", **fields}])
    return Creator.objects.get(pk=ids[handle.lower()])


def test_upserting_a_creator_twice_keeps_one_row_and_takes_the_new_values():
    _creator(follower_count=10)
    creator = _creator(follower_count=20)
    assert Creator.objects.count() == 1
    assert creator.follower_count == 20 and creator.handle == "maya.glow"
    assert "nunez" in creator.search_document


def test_rows_with_different_fields_are_refused_and_write_nothing():
    with pytest.raises(ValueError, match="same fields"):
        index_services.upsert_index_creators(rows=[{"handle": "a", "bio": "x"}, {"handle": "b"}])
    assert not Creator.objects.exists()


def test_a_redelivered_stats_snapshot_writes_nothing_twice():
    creator = _creator()
    index_services.upsert_videos(rows=[VideoRow(creator_id=creator.pk, platform_video_id="v1", posted_at=NOON)])
    row = VideoStatsRow(
        creator_id=creator.pk, platform_video_id="v1", captured_at=NOON, views=100, likes=9, comments=1, shares=1
    )
    assert index_services.record_video_stats(rows=[row]) == 1
    assert index_services.record_video_stats(rows=[row]) == 0
    assert VideoStats.objects.count() == 1


def test_stats_for_an_unknown_video_are_refused():
    creator = _creator()
    row = VideoStatsRow(
        creator_id=creator.pk, platform_video_id="nope", captured_at=NOON, views=1, likes=0, comments=0, shares=0
    )
    with pytest.raises(ValueError, match="unknown videos"):
        index_services.record_video_stats(rows=[row])
    assert not VideoStats.objects.exists()


def test_one_follower_snapshot_per_day_the_latest_reading_wins():
    creator = _creator()
    index_services.record_follower_snapshots(rows=[(creator.pk, date(2026, 11, 1), 100)])
    index_services.record_follower_snapshots(rows=[(creator.pk, date(2026, 11, 1), 120)])
    assert list(FollowerSnapshot.objects.values_list("follower_count", flat=True)) == [120]


def test_audience_shares_over_100_percent_are_refused_naming_the_field_and_write_nothing():
    creator = _creator()
    with pytest.raises(CreatorError) as excinfo:
        index_services.upsert_audience_profiles(
            audiences={creator.pk: {"genders": {"female": 70, "male": 40}, "countries": {"US": 50}}}
        )
    assert set(excinfo.value.fields) == {"genders"}
    assert not AudienceProfile.objects.exists()


def test_a_valid_audience_is_stored():
    creator = _creator()
    index_services.upsert_audience_profiles(audiences={creator.pk: {"genders": {"female": 60, "male": 38.5}}})
    assert AudienceProfile.objects.get(creator=creator).genders == {"female": 60.0, "male": 38.5}
