"""`import_creators --map column=field` and `--dry-run`, and the columns left out, on the command and the
import pages."""

import csv
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from creators.importing.services import confirm_import_mapping, create_import_job
from creators.models import Creator, ImportJob, Video, VideoStats
from tests.creators.import_support import run_import_command as _run
from tests.creators.import_support import write_csv

pytestmark = pytest.mark.django_db

# The file: every number is in it, under names no exporter agrees on.
HEADER = (
    "id", "create_time", "user_name", "hashtags", "song", "video_length", "n_likes", "n_shares", "n_comments",
    "n_plays", "n_followers", "n_total_likes", "n_total_vids", "avg_watch", "scraped_time",
)  # fmt: skip
ROWS = [
    ("7001", "1714564800", "maya", "#grwm #skincare", "Original sound", "15", "120", "2", "4", "1500", "12K",
     "50K", "40", "7.5", "2025-05-20T08:00:00Z"),
    ("7002", "1714651200", "jo", "", "Espresso", "33", "80", "0", "1", "900", "", "", "", "6.1",
     "2025-05-20T08:05:00Z"),
]  # fmt: skip


def _csv(path, header=HEADER, rows=ROWS):
    return write_csv(path, header, rows)


def _row_counts():
    with scopes_disabled():
        models = apps.get_app_config("creators").get_models()
        return {model.__name__: model._default_manager.count() for model in models}


def test_a_dry_run_shows_the_mapping_the_layout_and_the_rows_and_writes_nothing(tmp_path, workspace):
    path = _csv(tmp_path / "videos.csv")
    before = _row_counts()

    output = _run(path, "--workspace", workspace.slug, "--dry-run")

    assert _row_counts() == before  # every table of the creators app, ImportJob included
    assert before["ImportJob"] == 0
    lines = output.splitlines()
    assert lines[0] == "Dry run: nothing was written. The file has one row per video."
    assert "  follower_count       <- n_followers" in lines
    assert "  likes_count          <- n_total_likes" in lines
    assert "  views                <- n_plays" in lines
    assert (
        "2 columns were not mapped: avg_watch (numbers), scraped_time (dates; likeliest field: Stats captured at)"
        in lines
    )
    assert "  row 1: @maya" in lines
    maya = lines[lines.index("  row 1: @maya") + 1]
    assert "follower_count=12,000" in maya and "likes_count=50,000" in maya and "video_count=40" in maya
    assert "following_count=— (unknown)" in maya
    jo = lines[lines.index("  row 2: @jo") + 1]
    assert "follower_count=— (unknown)" in jo
    assert "views=900" in lines[lines.index("  row 2: @jo") + 2]


def test_map_adds_a_column_the_automatic_mapping_left_out(tmp_path, workspace):
    path = _csv(tmp_path / "videos.csv")

    output = _run(path, "--workspace", workspace.slug, "--map", "scraped_time=captured_at")

    assert "1 column was not mapped: avg_watch (numbers)" in output
    assert sorted(VideoStats.objects.values_list("video__platform_video_id", "captured_at__minute")) == [
        ("7001", 0),
        ("7002", 5),
    ]
    assert Creator.objects.get(handle="maya").follower_count == 12_000
    assert Creator.objects.get(handle="jo").follower_count is None


def test_map_moves_a_column_and_an_empty_field_leaves_it_out(tmp_path, workspace):
    path = _csv(tmp_path / "videos.csv")

    _run(path, "--workspace", workspace.slug, "--map", "n_total_vids=", "--map", "n_followers=following_count")

    maya = Creator.objects.get(handle="maya")
    assert (maya.follower_count, maya.following_count, maya.video_count) == (None, 12_000, None)


def test_a_dry_run_with_a_mapping_that_does_not_fit_is_refused(tmp_path, workspace):
    path = _csv(tmp_path / "videos.csv")

    with pytest.raises(CommandError, match="Choose the column that holds the creator's handle"):
        _run(path, "--workspace", workspace.slug, "--dry-run", "--map", "user_name=")
    assert not Video.objects.exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [("nonsense", "--map takes COLUMN=FIELD"), ("n_plays=plays", "Unknown field 'plays'")],
)
def test_a_bad_map_option_is_refused(tmp_path, workspace, option, message):
    with pytest.raises(CommandError, match=message):
        _run(_csv(tmp_path / "videos.csv"), "--workspace", workspace.slug, "--map", option)


# --- The pages -------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    return SimpleUploadedFile("videos.csv", out.getvalue().encode(), content_type="text/csv")


def test_the_job_keeps_the_columns_left_out_and_both_pages_name_them(client, workspace, manager):
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=_upload())
    assert job.unmapped_columns == [
        {"column": "avg_watch", "kind": "numbers", "suggestion": ""},
        {"column": "scraped_time", "kind": "dates", "suggestion": "captured_at"},
    ]
    client.force_login(manager)

    mapping_page = client.get(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}))

    assert "2 columns were not mapped:" in mapping_page.text
    assert "likeliest field: <strong>Stats captured at</strong>" in mapping_page.text

    # Once the user maps one of them, the job page names only the other.
    with workspace_scope(workspace):
        confirm_import_mapping(import_job=job, mapping={**job.mapping, "captured_at": "scraped_time"}, by=manager)
        job.refresh_from_db()
    detail = client.get(reverse("creators:import-detail", kwargs={"import_job_pk": job.pk}))

    assert job.unmapped_columns == [{"column": "avg_watch", "kind": "numbers", "suggestion": ""}]
    assert "1 column was not mapped:" in detail.text and "<code>avg_watch</code>" in detail.text


def test_a_file_whose_columns_all_map_shows_no_warning(client, workspace, manager):
    upload = SimpleUploadedFile("c.csv", b"username,followers\nmaya,12K\n", content_type="text/csv")
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=upload)
    client.force_login(manager)

    page = client.get(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}))

    assert job.unmapped_columns == []
    assert "not mapped" not in page.text
    with scopes_disabled():
        assert ImportJob.objects.count() == 1
