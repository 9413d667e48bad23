"""Per-video files land their counts as VideoStats snapshots dated when the file says the counts were read
(a `scraped_at`-like column), else at the import's time; importing the same file again adds nothing."""

from datetime import UTC, datetime

import pytest
import time_machine

from creators.models import Video, VideoStats
from tests.creators.import_support import import_file as _import
from tests.creators.import_support import write_csv as _csv

pytestmark = pytest.mark.django_db

HEADER = ("id", "create_time", "user_name", "n_plays", "n_likes", "n_comments", "n_shares", "n_followers")
ROWS = [
    ("7001", "1714564800", "maya", "1.5K", "120", "4", "2", "12K"),
    ("7002", "1714651200", "maya", "900", "80", "1", "0", "12K"),
]
IMPORTED_AT = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def _snapshots():
    columns = ("video__platform_video_id", "captured_at", "views", "likes", "comments", "shares")
    return sorted(VideoStats.objects.values_list(*columns))


def test_snapshots_carry_the_files_capture_time(tmp_path, workspace):
    scraped = [("2025-05-20T08:00:00Z",), ("2025-05-20 08:05:00+00:00",)]
    rows = [(*row, *at) for row, at in zip(ROWS, scraped, strict=True)]
    path = _csv(tmp_path / "v.csv", (*HEADER, "scraped_at"), rows)

    with time_machine.travel(IMPORTED_AT, tick=False):
        summary = _import(workspace, path)

    assert summary.snapshots_created == 2
    assert _snapshots() == [
        ("7001", datetime(2025, 5, 20, 8, 0, tzinfo=UTC), 1500, 120, 4, 2),
        ("7002", datetime(2025, 5, 20, 8, 5, tzinfo=UTC), 900, 80, 1, 0),
    ]
    # The video row's latest-stats copy follows the snapshot.
    assert Video.objects.get(platform_video_id="7001").stats_captured_at == datetime(2025, 5, 20, 8, 0, tzinfo=UTC)


def test_without_a_capture_time_the_snapshots_are_dated_at_the_import(tmp_path, workspace):
    path = _csv(tmp_path / "v.csv", HEADER, ROWS)

    with time_machine.travel(IMPORTED_AT, tick=False):
        _import(workspace, path)

    assert {captured_at for _id, captured_at, *_counts in _snapshots()} == {IMPORTED_AT}


@pytest.mark.parametrize("has_capture_time", [True, False])
def test_importing_the_same_file_again_adds_no_snapshot(tmp_path, workspace, has_capture_time):
    header, rows = HEADER, ROWS
    if has_capture_time:
        header, rows = (*HEADER, "collected_at"), [(*row, "2025-05-20T08:00:00Z") for row in ROWS]
    path = _csv(tmp_path / "v.csv", header, rows)
    with time_machine.travel(IMPORTED_AT, tick=False):
        _import(workspace, path)
    before = _snapshots()

    with time_machine.travel(datetime(2025, 6, 2, 9, 0, tzinfo=UTC), tick=False):
        again = _import(workspace, path)

    assert again.snapshots_created == 0
    assert (again.videos_created, again.videos_updated, again.videos_unchanged) == (0, 0, 2)
    assert _snapshots() == before


def test_a_later_file_with_new_counts_adds_a_snapshot_at_its_own_time(tmp_path, workspace):
    first = _csv(tmp_path / "a.csv", (*HEADER, "scraped_at"), [(*ROWS[0], "2025-05-20T08:00:00Z")])
    later = [("7001", "1714564800", "maya", "3K", "200", "9", "5", "12K", "2025-05-27T08:00:00Z")]
    with time_machine.travel(IMPORTED_AT, tick=False):
        _import(workspace, first)
        _import(workspace, _csv(tmp_path / "b.csv", (*HEADER, "scraped_at"), later))

    assert [(at.day, views) for _id, at, views, *_rest in _snapshots()] == [(20, 1500), (27, 3000)]
    assert Video.objects.get(platform_video_id="7001").views == 3000
