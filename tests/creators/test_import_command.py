"""`python manage.py import_creators PATH --workspace SLUG`: the summary it prints and the rejects file."""

import csv

import pytest
from django.core.management import CommandError

from creators.models import Creator
from tests.creators.import_support import run_import_command as _run
from tests.creators.import_support import write_csv

pytestmark = pytest.mark.django_db


def _csv(path, rows, header=("username", "followers", "country")):
    return write_csv(path, header, rows)


def test_the_command_prints_the_summary(tmp_path, workspace):
    path = _csv(tmp_path / "c.csv", [("maya", "12.3K", "US"), ("jo", "-1", "US"), ("luis", "5", "Atlantis")])

    output = _run(path, "--workspace", workspace.slug)

    lines = output.splitlines()
    assert lines[:6] == [
        "Imported 3 rows (one row per creator).",
        "created: 2",
        "updated: 0",
        "unchanged: 0",
        "rejected: 1",
        "warnings: 1",
    ]
    assert "  row 2: followers: '-1' is negative; counts start at 0" in lines
    assert "  warning, row 3: country: unknown country 'Atlantis' left out" in lines


def test_running_it_again_reports_everything_unchanged(tmp_path, workspace):
    path = _csv(tmp_path / "c.csv", [("maya", "12.3K", "US"), ("luis", "5", "MX")])
    _run(path, "--workspace", workspace.slug)

    output = _run(path, "--workspace", workspace.slug)

    assert "created: 0\nupdated: 0\nunchanged: 2\n" in output


def test_a_mapping_option_overrides_the_automatic_one(tmp_path, workspace):
    path = _csv(tmp_path / "c.csv", [("maya", "Maya Glow", "100")], ("account_name", "title", "audience"))

    _run(path, "--workspace", workspace.slug, "--mapping", "handle=account_name", "follower_count=audience")

    assert list(Creator.objects.values_list("handle", "follower_count", "display_name")) == [("maya", 100, "")]


def test_the_rejects_can_be_written_to_a_csv(tmp_path, workspace):
    path = _csv(tmp_path / "c.csv", [("maya", "1", "US"), ("", "2", "US"), ("jo", "x", "US")])
    rejects = tmp_path / "rejects.csv"

    _run(path, "--workspace", workspace.slug, "--rejects", rejects)

    with rejects.open(encoding="utf-8", newline="") as written:
        assert [row[:2] for row in csv.reader(written)] == [
            ["row", "reason"],
            ["2", "username: the handle is missing"],
            ["3", "followers: 'x' is not a count (write 1234, 1,234, 12.3K or 1.2M)"],
        ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "nope"], "No workspace with the slug 'nope'"),
        (["--workspace", "glow-test", "--mapping", "nonsense"], "--mapping takes FIELD=COLUMN"),
        (["--workspace", "glow-test", "--mapping", "fans=username"], "Unknown field 'fans'"),
        (["--workspace", "glow-test", "--mapping", "handle=missing"], "The file has no column 'missing'"),
    ],
)
def test_bad_arguments_stop_before_writing(tmp_path, workspace, args, message):
    path = _csv(tmp_path / "c.csv", [("maya", "1", "US")])

    with pytest.raises(CommandError, match=message):
        _run(path, *args)

    assert not Creator.objects.exists()


def test_a_missing_file_is_reported(tmp_path, workspace):
    with pytest.raises(CommandError, match="No file at"):
        _run(tmp_path / "nope.csv", "--workspace", workspace.slug)
