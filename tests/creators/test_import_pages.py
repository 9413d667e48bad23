"""The import pages: upload, mapping, progress, summary, rejects download, and who may use them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from creators.importing.services import create_import_job, run_import_job
from creators.models import Creator, ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _csv(rows, header=("username", "followers", "country")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _upload(content: bytes, name="creators.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _jobs():
    with scopes_disabled():
        return list(ImportJob.objects.all())


def test_the_list_explains_what_to_do_when_there_are_no_imports(client, manager):
    client.force_login(manager)

    response = client.get(reverse("creators:import-list"))

    assert response.status_code == 200
    assert "No imports yet" in response.text
    assert reverse("creators:import-create") in response.text


def test_upload_then_mapping_then_queued_then_done(client, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    content = _csv([("@maya", "12.3K", "U.S.A"), ("jo", "-1", "US"), ("luis", "900", "MX")])

    # Given an uploaded file
    response = client.post(reverse("creators:import-create"), {"file": _upload(content)})
    (job,) = _jobs()
    assert response.status_code == 302
    assert response.url == reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk})

    # the mapping page shows the columns matched automatically, with example values
    page = client.get(response.url)
    assert page.status_code == 200
    assert '<option value="username" selected>username</option>' in page.text
    assert '<option value="followers" selected>followers</option>' in page.text
    assert "12.3K" in page.text

    # when the user confirms (correcting nothing)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirmed = client.post(
            page.wsgi_request.path, {"handle": "username", "follower_count": "followers", "country": "country"}
        )
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("creators:import-detail", kwargs={"import_job_pk": job.pk})
    assert [callback.args for callback in callbacks] == [(job.pk,)]

    # the job page polls while the job is queued
    queued = client.get(confirmed.url)
    assert 'hx-trigger="every 1s"' in queued.text
    assert "Queued" in queued.text

    # and, once the worker ran it, shows the summary and the rejected row, and stops polling
    run_import_job(import_job_id=job.pk)
    done = client.get(reverse("creators:import-progress", kwargs={"import_job_pk": job.pk}))
    assert done.status_code == 200
    assert "hx-trigger" not in done.text
    assert 'id="count-created">2<' in done.text
    assert 'id="count-rejected">1<' in done.text
    assert "followers: &#x27;-1&#x27; is negative" in done.text
    assert sorted(Creator.objects.values_list("handle", "follower_count")) == [("luis", 900), ("maya", 12_300)]


def test_the_mapping_can_be_corrected_before_import(client, manager):
    client.force_login(manager)
    client.post(
        reverse("creators:import-create"), {"file": _upload(_csv([("maya", "Maya G", "100")], ("id", "t", "n")))}
    )
    (job,) = _jobs()

    client.post(
        reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}),
        {"handle": "id", "display_name": "t", "follower_count": "n"},
    )
    run_import_job(import_job_id=job.pk)

    assert list(Creator.objects.values_list("handle", "display_name", "follower_count")) == [("maya", "Maya G", 100)]


def test_a_mapping_without_a_handle_is_shown_again_with_the_error_and_nothing_is_queued(client, manager):
    client.force_login(manager)
    client.post(reverse("creators:import-create"), {"file": _upload(_csv([("maya", "1", "US")]))})
    (job,) = _jobs()

    response = client.post(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}), {"handle": ""})

    assert response.status_code == 400
    assert "Choose the column that holds the creator" in response.text
    (job,) = _jobs()
    assert job.status == ImportJob.Status.MAPPING


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("creators.pdf", b"%PDF-1.4", "Upload a .csv, .json, .jsonl or .xlsx file."),
        ("creators.csv", b"username,followers\n", "The file holds no records."),
        ("creators.xlsx", b"username,followers\nmaya,1\n", "This is not an XLSX workbook."),
    ],
)
def test_a_bad_upload_is_refused_beside_the_field_and_nothing_is_stored(client, manager, media, name, content, message):
    client.force_login(manager)

    response = client.post(reverse("creators:import-create"), {"file": _upload(content, name)})

    assert response.status_code == 400
    assert message in response.text
    assert _jobs() == []
    assert not media.exists() or not any(media.rglob("*.*"))


def test_an_upload_over_the_limit_is_refused(client, manager, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(manager)

    response = client.post(reverse("creators:import-create"), {"file": _upload(b"username\n" + b"a\n" * 600_000)})

    assert response.status_code == 400
    assert "larger than 1 MB" in response.text
    assert _jobs() == []


def test_an_analyst_sees_imports_but_cannot_start_one(client, analyst, workspace, manager):
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=_upload(_csv([("maya", "1", "US")])))
    client.force_login(analyst)

    listing = client.get(reverse("creators:import-list"))
    upload_page = client.get(reverse("creators:import-create"))
    upload = client.post(reverse("creators:import-create"), {"file": _upload(_csv([("x", "1", "US")]))})
    mapping = client.post(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}), {"handle": "username"})

    assert listing.status_code == 200 and "creators.csv" in listing.text
    assert reverse("creators:import-create") not in listing.text
    assert (upload_page.status_code, upload.status_code, mapping.status_code) == (403, 403, 403)
    (only_job,) = _jobs()
    assert only_job.status == ImportJob.Status.MAPPING
    assert not Creator.objects.exists()


def test_the_rejects_download_is_a_csv_of_every_rejected_row(client, manager, workspace):
    with workspace_scope(workspace):
        job = create_import_job(
            workspace=workspace,
            by=manager,
            upload=_upload(_csv([("maya", "1", "US"), ("", "2", "US"), ("jo", "x", "US")])),
        )
    client.force_login(manager)
    client.post(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}), dict(job.mapping))
    run_import_job(import_job_id=job.pk)

    response = client.get(reverse("creators:import-rejects", kwargs={"import_job_pk": job.pk}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="creators-rejected-rows.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["row", "reason", "username", "followers", "country"],
        ["2", "username: the handle is missing", "", "2", "US"],
        ["3", "followers: 'x' is not a count (write 1234, 1,234, 12.3K or 1.2M)", "jo", "x", "US"],
    ]


def test_the_list_page_costs_the_same_queries_for_many_jobs(client, manager, workspace, django_assert_max_num_queries):
    client.force_login(manager)
    with workspace_scope(workspace):
        create_import_job(workspace=workspace, by=manager, upload=_upload(_csv([("a", "1", "US")])))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("creators:import-list"))
    with workspace_scope(workspace):
        for n in range(8):
            create_import_job(workspace=workspace, by=manager, upload=_upload(_csv([(f"a{n}", "1", "US")])))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("creators:import-list"))

    assert response.text.count("creators") >= 9


def test_the_job_page_lists_at_most_a_hundred_rejects(client, manager, workspace):
    rows = [(f"bad{n}", "-1", "US") for n in range(150)]
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=_upload(_csv(rows)))
    client.force_login(manager)
    client.post(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}), dict(job.mapping))
    run_import_job(import_job_id=job.pk)

    response = client.get(reverse("creators:import-detail", kwargs={"import_job_pk": job.pk}))

    assert response.text.count("is negative") == 100
    assert "The first 100 of 150 rejected rows" in response.text


def test_a_clean_import_says_no_row_was_rejected_and_offers_no_download(client, manager, workspace):
    with workspace_scope(workspace):
        job = create_import_job(workspace=workspace, by=manager, upload=_upload(_csv([("maya", "1", "US")])))
    client.force_login(manager)
    client.post(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}), dict(job.mapping))
    run_import_job(import_job_id=job.pk)

    response = client.get(reverse("creators:import-detail", kwargs={"import_job_pk": job.pk}))

    assert "No rows rejected" in response.text
    assert reverse("creators:import-rejects", kwargs={"import_job_pk": job.pk}) not in response.text
    assert "Followers</span> ← followers" in response.text
