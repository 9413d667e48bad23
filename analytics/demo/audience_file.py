"""A Modash-style export with audience shares, imported into the demo brand the way a marketer would: one
job run to the end (its creators then answer discovery's audience filters, e.g. "US at least 30 %"), and
the same file waiting on its mapping page, which lists the audience columns it recognised. A second run
adds nothing (the jobs are found by their file names).

The lead calls `load_demo_audience_import(workspace=..., by=...)` inside the workspace's scope, outside a
transaction (an import commits chunk by chunk)."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User, Workspace
from creators.importing import services as importing
from creators.models import ImportJob

IMPORTED_NAME = "modash_export_audience.csv"
WAITING_NAME = "modash_export_audience_new.csv"
HEADER = [
    "Username", "Full name", "Followers", "Audience Top Country", "Audience Top Country %", "audience_geo_GB",
    "Audience Gender Female %", "Audience Gender Male %", "Audience Age 18-24 %", "Audience Age 25-34 %",
    "Audience Age 45-64 %",
]  # fmt: skip
ROWS = [
    ["glow.with.ivy", "Ivy Glow", "48.2K", "United States", "52.4%", "8.1%", "71%", "27%", "44%", "31%", "6%"],
    ["thrift.tomas", "Tomas Thrifts", "23.9K", "United Kingdom", "38,5%", "38,5%", "0.46", "0.52", "", "", ""],
    ["daily.matcha", "Daily Matcha", "95.1K", "Canada", "0.33", "0.07", "0.64", "0.34", "0.29", "0.41", "0.08"],
    ["runwithrae", "Rae Runs", "12.7K", "Australia", "61%", "4%", "58%", "40%", "22%", "45%", "9%"],
    # Shares adding up to more than 100 %: rejected with its reason, shown on the job's page.
    ["double.counted", "Double Counted", "30K", "US", "85%", "25%", "60%", "40%", "", "", ""],
]

# The creators the file adds to the index (every row but the rejected one).
IMPORTED_HANDLES = tuple(row[0] for row in ROWS[:-1])


def _upload(name: str) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def load_demo_audience_import(*, workspace: Workspace, by: User) -> None:
    names = set(ImportJob.objects.filter(workspace=workspace).values_list("original_name", flat=True))
    if IMPORTED_NAME not in names:
        job = importing.create_import_job(workspace=workspace, by=by, upload=_upload(IMPORTED_NAME))
        importing.confirm_import_mapping(import_job=job, mapping=job.mapping, by=by)
        importing.run_import_job(import_job_id=job.pk)
    if WAITING_NAME not in names:
        importing.create_import_job(workspace=workspace, by=by, upload=_upload(WAITING_NAME))
