"""Importing files into the creator index: formats, per-video files, bad rows, idempotency, crashes, jobs."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone
from django_scopes import scopes_disabled
from openpyxl import Workbook

from accounts.models import AuditEvent
from accounts.tenancy import workspace_scope
from core.errors import PermissionDeniedError
from creators.importing import pipeline
from creators.importing import services as importing
from creators.importing.files import ImportFileError
from creators.importing.pipeline import import_creators
from creators.importing.rejects import write_rejects_csv
from creators.importing.services import (
    confirm_import_mapping,
    create_import_job,
    purge_import_files,
    run_import_job,
)
from creators.index import provenance
from creators.models import Creator, ImportJob, Video, VideoStats, WorkspaceCreatorContact
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

CREATORS = [
    # handle as written, followers as written, expected followers, country as written, expected code
    ("@Maya.Glow", "12.3K", 12_300, "U.S.A", "US"),
    ("thrift_with_jo", "1,234", 1_234, "India", "IN"),
    ("CHEF.LUIS", "1.2M", 1_200_000, "MX", "MX"),
]


def _write_csv(path: Path, rows, header=("username", "followers", "country")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _records():
    return [{"username": h, "followers": f, "country": c} for h, f, _n, c, _code in CREATORS]


def _file(tmp_path: Path, fmt: str) -> Path:
    records = _records()
    if fmt == "csv":
        return _write_csv(tmp_path / "creators.csv", [(h, f, c) for h, f, _n, c, _code in CREATORS])
    if fmt == "json":
        path = tmp_path / "creators.json"
        path.write_text(json.dumps(records))
    elif fmt == "jsonl":
        path = tmp_path / "creators.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    elif fmt == "object":
        path = tmp_path / "creators.json"
        path.write_text(json.dumps({"total": 3, "items": records}, indent=2))
    else:
        workbook = Workbook()
        workbook.active.append(["username", "followers", "country"])
        for record in records:
            workbook.active.append(list(record.values()))
        path = tmp_path / "creators.xlsx"
        workbook.save(path)
    return path


def _import(workspace, **kwargs):
    with workspace_scope(workspace):
        return import_creators(workspace=workspace, **kwargs)


def _table():
    return list(Creator.objects.order_by("pk").values())


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "object", "xlsx"])
def test_every_format_lands_the_same_creators(tmp_path, workspace, fmt):
    summary = _import(workspace, path=_file(tmp_path, fmt))

    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (3, 0, 0, 0)
    assert sorted(Creator.objects.values_list("handle", "follower_count", "country")) == sorted(
        (h.lstrip("@").lower(), n, code) for h, _f, n, _c, code in CREATORS
    )


def test_search_text_is_written_for_each_creator(tmp_path, workspace):
    path = _write_csv(tmp_path / "c.csv", [("glow.by_maya", "Maya Núñez", "#SkinCare")], ("handle", "name", "hashtags"))

    _import(workspace, path=path)

    creator = Creator.objects.get()
    assert creator.hashtags == ["skincare"]
    assert "maya nunez" in creator.search_document and "glow by maya" in creator.search_document
    assert "skincare" in creator.search_document


def test_scraper_video_json_creates_creators_from_authors_with_videos_and_stats(tmp_path, workspace):
    author = {"name": "Maya.Glow", "nickName": "Maya", "fans": "12.3K", "heart": 50_000, "verified": True}
    videos = [
        {"id": "7001", "text": "GRWM #skincare", "createTime": 1_714_564_800, "authorMeta": author,
         "playCount": 1000, "diggCount": 100, "commentCount": 5, "shareCount": 2, "hashtags": [{"name": "skincare"}]},
        {"id": "7002", "text": "Night routine", "createTime": 1_714_651_200, "authorMeta": author,
         "playCount": 2000, "diggCount": 300, "commentCount": 7, "shareCount": 1, "hashtags": []},
        {"id": "9001", "text": "Tacos", "createTime": 1_714_564_800, "authorMeta": {"name": "chef.luis", "fans": 900},
         "playCount": 50, "diggCount": 80, "commentCount": 0, "shareCount": 0, "hashtags": [{"name": "food"}]},
    ]  # fmt: skip
    path = tmp_path / "dataset_tiktok-scraper.json"
    path.write_text(json.dumps(videos))

    summary = _import(workspace, path=path)

    assert (summary.created, summary.videos_created, summary.snapshots_created) == (2, 3, 3)
    maya = Creator.objects.get(handle="maya.glow")
    assert (maya.display_name, maya.follower_count, maya.likes_count, maya.is_verified) == (
        "Maya",
        12_300,
        50_000,
        True,
    )
    assert maya.last_posted_at.timestamp() == 1_714_651_200
    assert sorted(Video.objects.filter(creator=maya).values_list("platform_video_id", "caption")) == [
        ("7001", "GRWM #skincare"),
        ("7002", "Night routine"),
    ]
    stats = VideoStats.objects.get(video__platform_video_id="7002")
    assert (stats.views, stats.likes, stats.comments, stats.shares) == (2000, 300, 7, 1)
    assert summary.warnings == 1  # chef.luis's video: 80 likes on 50 views, imported with a warning


def test_an_author_spread_over_chunks_is_one_creator_with_all_their_videos(tmp_path, workspace):
    rows = [("maya", "1", "100"), ("jo", "2", "5"), ("maya", "3", "7"), ("maya", "1", "100")]
    path = _write_csv(tmp_path / "v.csv", rows, ("username", "video_id", "fans"))

    summary = _import(workspace, path=path, chunk_rows=1)

    assert (summary.created, summary.unchanged, summary.videos_created) == (2, 0, 3)
    assert [(r["row"], r["reason"]) for r in summary.rejects] == [(4, "video 1 of @maya is already on row 1")]
    assert Creator.objects.get(handle="maya").follower_count == 100  # from the author's first row
    assert sorted(Video.objects.values_list("creator__handle", "platform_video_id")) == [
        ("jo", "2"),
        ("maya", "1"),
        ("maya", "3"),
    ]


def test_reimporting_a_video_file_adds_no_snapshot_but_changed_counts_do(tmp_path, workspace):
    path = _write_csv(tmp_path / "v.csv", [("maya", "1", "100")], ("username", "video_id", "views"))
    _import(workspace, path=path)

    again = _import(workspace, path=path)
    _write_csv(path, [("maya", "1", "150")], ("username", "video_id", "views"))
    later = _import(workspace, path=path)

    assert (again.videos_unchanged, again.snapshots_created) == (1, 0)
    assert later.snapshots_created == 1
    assert sorted(VideoStats.objects.values_list("views", flat=True)) == [100, 150]


def test_a_video_file_keeps_the_latest_stats_on_the_video_and_marks_its_creator_for_scoring(tmp_path, workspace):
    path = _write_csv(tmp_path / "v.csv", [("maya", "1", "100")], ("username", "video_id", "views"))
    _import(workspace, path=path)
    Creator.objects.update(score_stale=False)  # as a scoring run leaves it
    _write_csv(path, [("maya", "1", "150")], ("username", "video_id", "views"))

    _import(workspace, path=path)

    video = Video.objects.get()
    assert (video.views, video.stats_captured_at) == (150, VideoStats.objects.latest("captured_at").captured_at)
    assert Creator.objects.get().score_stale


def test_imported_videos_are_classified_sponsored_by_their_captions(tmp_path, workspace):
    rows = [("maya", "1", "New serum #ad"), ("maya", "2", "my #adventure")]
    path = _write_csv(tmp_path / "v.csv", rows, ("username", "video_id", "caption"))

    _import(workspace, path=path)

    assert dict(Video.objects.values_list("platform_video_id", "is_sponsored")) == {"1": True, "2": False}


def test_bad_rows_are_rejected_with_row_numbers_and_good_rows_still_land(tmp_path, workspace):
    rows = [
        ("good.one", "10", "US"),
        ("", "10", "US"),  # row 2: no handle
        ("bad count", "10", "US"),  # row 3: not a handle
        ("good.two", "-3", "US"),  # row 4: negative
        ("good.three", "lots", "US"),  # row 5: not a count
        ("good.four", "7", "US"),
        ("Good.One", "11", "US"),  # row 7: the same creator again
    ]
    path = _write_csv(tmp_path / "c.csv", rows)

    summary = _import(workspace, path=path)

    assert [(r["row"], r["reason"].split(":")[0]) for r in summary.rejects] == [
        (2, "username"),
        (3, "username"),
        (4, "followers"),
        (5, "followers"),
        (7, "@good.one is already on row 1"),
    ]
    assert sorted(Creator.objects.values_list("handle", "follower_count")) == [("good.four", 7), ("good.one", 10)]
    assert (summary.created, summary.rejected) == (2, 5)


def test_reimporting_the_same_file_changes_nothing_and_says_so(tmp_path, workspace):
    path = _file(tmp_path, "csv")
    _import(workspace, path=path)
    before = _table()

    summary = _import(workspace, path=path)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert _table() == before


def test_a_changed_row_is_updated_and_the_rest_reported_unchanged(tmp_path, workspace):
    rows = [(h, f, c) for h, f, _n, c, _code in CREATORS]
    path = _write_csv(tmp_path / "c.csv", rows)
    _import(workspace, path=path)
    rows[1] = ("thrift_with_jo", "2,000", "India")
    _write_csv(path, rows)

    summary = _import(workspace, path=path)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert Creator.objects.get(handle="thrift_with_jo").follower_count == 2000


def imported_by(workspace, *fields: str) -> dict:
    """Provenance saying `workspace`'s own earlier file wrote `fields` (so its next file may update them)."""
    return {name: provenance.entry(provenance.Source.IMPORT, workspace_id=workspace.pk) for name in fields}


def test_an_empty_cell_keeps_what_the_index_knows(tmp_path, workspace):
    maya = CreatorFactory(
        handle="maya", display_name="Maya Núñez", follower_count=500,
        provenance=imported_by(workspace, "display_name", "follower_count"),
    )  # fmt: skip
    with scopes_disabled():
        WorkspaceCreatorContact.objects.create(workspace=workspace, creator=maya, email="maya@example.com")
    path = _write_csv(tmp_path / "c.csv", [("maya", "", "", "800")], ("handle", "name", "email", "followers"))

    summary = _import(workspace, path=path)

    creator = Creator.objects.get(handle="maya")
    assert summary.updated == 1
    assert (creator.display_name, creator.follower_count) == ("Maya Núñez", 800)
    with scopes_disabled():
        assert WorkspaceCreatorContact.objects.get(creator=creator).email == "maya@example.com"
    assert "maya nunez" in creator.search_document  # the search text still covers the kept name


def test_the_search_text_keeps_stored_hashtags_the_file_does_not_have(tmp_path, workspace):
    CreatorFactory(
        handle="maya", display_name="Maya", bio="old bio", hashtags=["skincare"],
        provenance=imported_by(workspace, "display_name", "bio", "hashtags"),
    )  # fmt: skip
    path = _write_csv(tmp_path / "c.csv", [("maya", "Maya", "Café owner")], ("handle", "name", "bio"))

    _import(workspace, path=path)

    document = Creator.objects.get(handle="maya").search_document
    assert "cafe owner" in document and "skincare" in document and "old bio" not in document


def test_a_crash_mid_file_keeps_earlier_chunks_and_nothing_of_the_failing_one(tmp_path, workspace, monkeypatch):
    rows = [(f"creator{i}", str(i), "US") for i in range(1, 6)]
    path = _write_csv(tmp_path / "c.csv", rows)
    real_write = pipeline.apply_creators
    calls = []

    def failing_second_chunk(*args, **kwargs):
        calls.append(1)
        result = real_write(*args, **kwargs)  # the chunk's rows are written, then the process "dies"
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return result

    monkeypatch.setattr(pipeline, "apply_creators", failing_second_chunk)

    with pytest.raises(RuntimeError, match="worker killed"):
        _import(workspace, path=path, chunk_rows=2)

    assert sorted(Creator.objects.values_list("handle", flat=True)) == ["creator1", "creator2"]


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _csv_bytes(rows, header=("username", "followers", "country")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _queued_job(workspace, manager, content: bytes, name="creators.csv", capture=None) -> ImportJob:
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=_upload(name, content))
        return confirm_import_mapping(import_job=job, mapping=job.mapping, by=manager)


def test_an_upload_waits_for_its_mapping_with_a_suggestion(media, workspace, manager):
    with workspace_scope(workspace):
        job = create_import_job(
            workspace=workspace, by=manager, upload=_upload("c.csv", _csv_bytes([("a", "1", "US")]))
        )

    assert job.status == ImportJob.Status.MAPPING
    assert job.mapping == {"handle": "username", "follower_count": "followers", "country": "country"}
    assert job.file_format == "csv"
    assert Path(job.file.path).read_bytes() == _csv_bytes([("a", "1", "US")])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.pdf", b"%PDF-1.4", "Upload a CSV, JSON"),
        ("c.csv", b"username,followers\n", "no records"),
        ("c.json", b"[{broken", "not valid"),
    ],
)
def test_an_unusable_upload_is_refused_and_nothing_is_stored(media, workspace, manager, name, content, message):
    with pytest.raises(ImportFileError, match=message), workspace_scope(workspace):
        create_import_job(workspace=workspace, by=manager, upload=_upload(name, content))

    with scopes_disabled():
        assert not ImportJob.objects.exists()
    assert not any(Path(media).rglob("*.*")) if Path(media).exists() else True


def test_an_upload_over_the_size_limit_is_refused(media, workspace, manager, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = b"username\n" + b"a\n" * (600 * 1024)

    with pytest.raises(ImportFileError, match="larger than 1 MB"), workspace_scope(workspace):
        create_import_job(workspace=workspace, by=manager, upload=_upload("c.csv", big))

    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_an_analyst_cannot_import(media, workspace, analyst):
    with pytest.raises(PermissionDeniedError), workspace_scope(workspace):
        create_import_job(workspace=workspace, by=analyst, upload=_upload("c.csv", _csv_bytes([("a", "1", "US")])))

    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_confirming_the_mapping_queues_the_task_after_commit(
    media, workspace, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _queued_job(workspace, manager, _csv_bytes([("a", "1", "US")]))

    assert job.status == ImportJob.Status.QUEUED
    assert [callback.args for callback in callbacks] == [(job.pk,)]
    with scopes_disabled():
        assert list(AuditEvent.objects.filter(workspace=workspace).values_list("action", flat=True).order_by("pk")) == [
            "import.uploaded",
            "import.queued",
        ]


def test_a_mapping_without_a_handle_is_refused_and_the_job_keeps_waiting(media, workspace, manager):
    with workspace_scope(workspace):
        job = create_import_job(
            workspace=workspace, by=manager, upload=_upload("c.csv", _csv_bytes([("a", "1", "US")]))
        )
        with pytest.raises(ImportFileError) as excinfo:
            confirm_import_mapping(import_job=job, mapping={"follower_count": "followers"}, by=manager)
        job.refresh_from_db()

    assert "handle" in excinfo.value.fields
    assert (job.status, job.mapping["handle"]) == (ImportJob.Status.MAPPING, "username")


def test_a_job_cannot_be_queued_twice(media, workspace, manager):
    job = _queued_job(workspace, manager, _csv_bytes([("a", "1", "US")]))

    with pytest.raises(ImportFileError, match="already been queued"), workspace_scope(workspace):
        confirm_import_mapping(import_job=job, mapping={"handle": "username"}, by=manager)


def test_a_job_runs_to_done_with_its_summary_and_rejects(media, workspace, manager):
    job = _queued_job(workspace, manager, _csv_bytes([("a", "1", "US"), ("b", "-1", "US"), ("c", "3", "GB")]))

    run_import_job(import_job_id=job.pk)

    with scopes_disabled():
        job.refresh_from_db()
        finished = AuditEvent.objects.get(workspace=workspace, action="import.finished")
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows) == (3, 3)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (2, 0, 0, 1)
    assert job.rejects == [
        {
            "row": 2,
            "reason": "followers: '-1' is negative; counts start at 0",
            "cells": [["username", "b"], ["followers", "-1"], ["country", "US"]],
        }
    ]
    assert finished.data["created"] == 2


def test_a_per_video_job_keeps_its_video_and_snapshot_counts(media, workspace, manager):
    header = ("username", "video_id", "views")
    content = _csv_bytes([("maya", "1", "100"), ("maya", "2", "50"), ("jo", "3", "7")], header=header)
    job = _queued_job(workspace, manager, content)

    run_import_job(import_job_id=job.pk)

    with scopes_disabled():
        job.refresh_from_db()
    assert (job.created_count, job.videos_created_count, job.snapshots_created_count) == (2, 3, 3)
    assert (job.videos_updated_count, job.videos_unchanged_count) == (0, 0)


def test_uploads_are_purged_after_the_retention_but_the_summary_stays(media, workspace, manager, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    done = _queued_job(workspace, manager, _csv_bytes([("a", "1", "US")]))
    run_import_job(import_job_id=done.pk)
    with workspace_scope(workspace):
        waiting = create_import_job(
            workspace=workspace, by=manager, upload=_upload("w.csv", _csv_bytes([("w", "2", "US")]))
        )
    with scopes_disabled():
        done.refresh_from_db()
    paths = [Path(done.file.path), Path(waiting.file.path)]

    assert purge_import_files(now=timezone.now() + timedelta(days=6)) == 0
    assert all(path.exists() for path in paths)
    assert purge_import_files(now=timezone.now() + timedelta(days=8)) == 2
    assert purge_import_files(now=timezone.now() + timedelta(days=9)) == 0

    with scopes_disabled():
        done.refresh_from_db()
        waiting.refresh_from_db()
    assert not any(path.exists() for path in paths)
    assert (done.status, done.created_count, done.file.name) == (ImportJob.Status.DONE, 1, "")
    assert waiting.status == ImportJob.Status.FAILED and "expired" in waiting.error


def test_a_task_for_a_finished_job_does_nothing(media, workspace, manager):
    job = _queued_job(workspace, manager, _csv_bytes([("a", "1", "US")]))
    run_import_job(import_job_id=job.pk)
    with scopes_disabled():
        before = ImportJob.objects.values().get(pk=job.pk)

    run_import_job(import_job_id=job.pk)

    with scopes_disabled():
        assert ImportJob.objects.values().get(pk=job.pk) == before
    assert Creator.objects.count() == 1


def test_a_task_for_a_job_another_worker_is_running_returns_quietly(media, workspace, manager):
    job = _queued_job(workspace, manager, _csv_bytes([("a", "1", "US")]))
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s)", [importing._JOB_LOCK_BASE + job.pk])

        run_import_job(import_job_id=job.pk)

    with scopes_disabled():
        job.refresh_from_db()
    assert (job.status, job.processed_rows) == (ImportJob.Status.QUEUED, 0)
    assert not Creator.objects.exists()


def test_a_redelivered_job_resumes_after_its_last_chunk_and_counts_rows_once(
    media, workspace, manager, monkeypatch, settings
):
    rows = [(f"creator{i}", str(i), "US") for i in range(1, 8)] + [("bad", "-1", "US")]
    job = _queued_job(workspace, manager, _csv_bytes(rows))
    real_write = pipeline.apply_creators
    calls = []

    def database_lost_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_write(*args, **kwargs)

    settings.IMPORT_CHUNK_ROWS = 3
    monkeypatch.setattr(pipeline, "apply_creators", database_lost_on_second_chunk)
    with pytest.raises(OperationalError):
        run_import_job(import_job_id=job.pk)
    with scopes_disabled():
        job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportJob.Status.RUNNING, 3, 3)

    run_import_job(import_job_id=job.pk)  # the re-delivered task

    with scopes_disabled():
        job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created_count, job.unchanged_count, job.rejected_count) == (8, 7, 0, 1)
    assert [r["row"] for r in job.rejects] == [8]
    assert Creator.objects.count() == 7


def test_a_file_broken_past_the_upload_checks_fails_the_job_before_writing(media, workspace, manager):
    good = ", ".join(json.dumps({"username": f"creator{i}", "followers": i}) for i in range(1, 26))
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=_upload("c.json", f"[{good}]".encode()))
        confirm_import_mapping(import_job=job, mapping=job.mapping, by=manager)
    # The stored copy is cut off after the 25th record, past the 20 records the upload checks read.
    Path(job.file.path).write_text(f'[{good}, {{"username": ]')

    run_import_job(import_job_id=job.pk)

    with scopes_disabled():
        job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("The JSON is not valid at character 1,096") and "No row was imported" in job.error
    assert not Creator.objects.exists()


def test_the_rejects_csv_has_row_reason_and_cells_and_defuses_formulas():
    out = io.StringIO()

    write_rejects_csv(
        [
            {"row": 4, "reason": "followers: '-3' is negative", "cells": [["username", "jo"], ["followers", "-3"]]},
            {"row": 9, "reason": "username: missing", "cells": [["username", "=HYPERLINK(1)"], ["followers", "1"]]},
        ],
        out,
    )

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["row", "reason", "username", "followers"],
        ["4", "followers: '-3' is negative", "jo", "'-3"],
        ["9", "username: missing", "'=HYPERLINK(1)", "1"],
    ]


def _demo_count(text: str) -> int:
    # Read independently of the importer: "78.9m" -> 78,900,000; "856.3k" -> 856,300.
    multiplier = {"k": 1_000, "m": 1_000_000}[text[-1].lower()]
    return int(Decimal(text[:-1]) * multiplier)


# Lines shaped like the real TikTok top-creators file (its header, "@Handle", "U.S.A", "78.9m"), written
# here: the tests read nothing outside the repository, and the real file is not in it.
DEMO_FILE_LINES = (
    "Rank,Username,Country,Followers,Views,Likes,Engagement,Brand Account,Gender,Age,Ethnicity,Famous,Genre,LGBTQ",
    '1,@Dancing.Dana,U.S.A,78.9m,38.3m,6.1m,16.60%,0,Female,16,White,0,"Dancing, Lipsyncing, Lifestyle",0',
    "2,@comedy_carl,U.K.,47.3m,17.6m,2.8m,16%,0,Male,30,White,1,Comedy,0",
    '3,@cookwithkofi,Canada,856.3k,3.2m,622.6k,19.70%,0,Male,18,Black,1,"Cooking, Food",0',
)


def test_a_file_shaped_like_the_real_demo_file_imports_through_the_automatic_mapping(workspace, tmp_path):
    path = tmp_path / "tiktok_top250_creators_2020.csv"
    path.write_text("\n".join(DEMO_FILE_LINES) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as demo:
        expected = {
            row["Username"].strip().lstrip("@").lower(): (_demo_count(row["Followers"]), _demo_count(row["Likes"]))
            for row in csv.DictReader(demo)
        }

    summary = _import(workspace, path=path)

    assert (summary.created, summary.rejected) == (len(expected), 0) == (3, 0)
    imported = {handle: (followers, likes) for handle, followers, likes in Creator.objects.values_list(
        "handle", "follower_count", "likes_count"
    )}  # fmt: skip
    assert imported == expected
    assert Creator.objects.get(handle="dancing.dana").country == "US"
