"""Audience shares from exporters' files land in AudienceProfile through the chunked import, keep what other
sources wrote, and make the creators findable by discovery's audience filters."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.demo.audience_file import load_demo_audience_import
from creators.index import provenance
from creators.models import AudienceProfile, Creator, ImportJob
from tests.creators.discovery_factories import handles
from tests.creators.import_support import import_file, write_csv
from tests.factories import CreatorFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

MODASH_HEADER = [
    "Username", "Followers", "Audience Top Country", "Audience Top Country %", "audience_geo_GB",
    "Audience Gender Female %", "Audience Gender Male %", "Audience Age 18-24 %", "Audience Age 45-64 %",
    "Audience Age 65- %",
]  # fmt: skip
HYPEAUDITOR_HEADER = [
    "username", "followers", "Audience Country 1", "Audience Country 1 %", "Audience Country 2",
    "Audience Country 2 %", "Audience Gender Female", "Audience Gender Male", "Audience age 18-24",
    "Audience age 25-34",
]  # fmt: skip


def _audience(handle: str) -> AudienceProfile:
    return AudienceProfile.objects.get(creator__handle=handle)


@pytest.fixture
def workspace():
    return WorkspaceFactory(slug="audience-files")


def test_a_modash_export_fills_the_audience_profile(tmp_path: Path, workspace):
    path = write_csv(
        tmp_path / "modash.csv",
        MODASH_HEADER,
        [["maya.glow", "12.3K", "United States", "41.2%", "9.5%", "63%", "35%", "37%", "6%", "2%"]],
    )

    summary = import_file(workspace, path)

    assert (summary.created, summary.rejected, summary.audiences_created) == (1, 0, 1)
    profile = _audience("maya.glow")
    assert profile.countries == {"US": 41.2, "GB": 9.5}
    assert profile.genders == {"female": 63.0, "male": 35.0}
    assert profile.age_buckets == {"18-24": 37.0, "45+": 8.0}  # 45-64 and 65+ both fall in 45+
    assert Creator.objects.get(handle="maya.glow").country == ""  # the audience's country is not the creator's


def test_a_hypeauditor_export_with_fractions_and_decimal_commas(tmp_path: Path, workspace):
    path = write_csv(
        tmp_path / "hypeauditor.csv",
        HYPEAUDITOR_HEADER,
        [
            ["jo", "1000", "US", "0.412", "Mexico", "0.1", "0.6", "0.4", "0.25", "0.5"],  # fractions
            ["luis", "2000", "MX", "55,5", "US", "20,25", "51", "49", "30", "40"],  # decimal commas, percents
        ],
    )

    summary = import_file(workspace, path)

    assert summary.rejected == 0
    assert _audience("jo").countries == {"US": 41.2, "MX": 10.0}
    assert _audience("jo").genders == {"female": 60.0, "male": 40.0}
    assert _audience("jo").age_buckets == {"18-24": 25.0, "25-34": 50.0}
    assert _audience("luis").countries == {"MX": 55.5, "US": 20.25}


def test_json_with_nested_audience_objects(tmp_path: Path, workspace):
    records = [
        {
            "username": "nested",
            "audience": {"countries": {"US": 41.2}, "genders": {"female": 63}, "ages": {"18-24": 37}},
        },
        # A country the first records do not have is read all the same: the keys under the object are read per row.
        {"username": "later", "audience": {"countries": {"FR": 20, "Germany": 30}}},
    ]
    path = tmp_path / "creators.json"
    path.write_text(json.dumps(records))

    summary = import_file(workspace, path)

    assert summary.rejected == 0
    assert (_audience("nested").countries, _audience("nested").genders) == ({"US": 41.2}, {"female": 63.0})
    assert _audience("nested").age_buckets == {"18-24": 37.0}
    assert _audience("later").countries == {"FR": 20.0, "DE": 30.0}
    assert _audience("later").genders == {}


def test_a_row_whose_shares_add_up_to_more_than_100_is_rejected_and_writes_nothing(tmp_path: Path, workspace):
    path = write_csv(
        tmp_path / "bad.csv",
        HYPEAUDITOR_HEADER,
        [
            ["too_many", "1000", "US", "80%", "GB", "30%", "50", "40", "", ""],
            ["not_a_number", "1000", "US", "lots", "", "", "", "", "", ""],
            ["fine", "1000", "US", "80%", "GB", "20%", "", "", "", ""],
        ],
    )

    summary = import_file(workspace, path)

    assert summary.rejected == 2
    reasons = {reject["row"]: reject["reason"] for reject in summary.rejects}
    assert reasons[1] == (
        "audience countries add up to 110.0 %, more than 100 % (Audience Country 1 %, Audience Country 2 %)"
    )
    assert reasons[2].startswith("Audience Country 1 %: 'lots' is not a share")
    assert not Creator.objects.filter(handle__in=["too_many", "not_a_number"]).exists()
    assert not AudienceProfile.objects.filter(creator__handle__in=["too_many", "not_a_number"]).exists()
    assert _audience("fine").countries == {"US": 80.0, "GB": 20.0}


def test_reimporting_the_same_audience_changes_nothing(tmp_path: Path, workspace):
    path = write_csv(tmp_path / "a.csv", ["username", "audience_geo_US"], [["same", "40"]])
    import_file(workspace, path)
    before = _audience("same").updated_at

    again = import_file(workspace, path)

    assert (again.audiences_created, again.audiences_updated, again.kept) == (0, 0, 0)
    assert _audience("same").updated_at == before


def test_the_same_workspace_may_update_the_audience_it_imported(tmp_path: Path, workspace):
    import_file(workspace, write_csv(tmp_path / "a.csv", ["username", "audience_geo_US"], [["mine", "40"]]))

    summary = import_file(workspace, write_csv(tmp_path / "b.csv", ["username", "audience_geo_US"], [["mine", "45"]]))

    assert summary.audiences_updated == 1
    assert _audience("mine").countries == {"US": 45.0}


def test_another_workspace_cannot_change_the_audience_the_first_imported(tmp_path: Path, workspace):
    other = WorkspaceFactory(slug="other-brand")
    import_file(workspace, write_csv(tmp_path / "a.csv", ["username", "audience_geo_US"], [["shared", "40"]]))

    summary = import_file(
        other,
        write_csv(
            tmp_path / "b.csv", ["username", "audience_geo_US", "Audience Gender Female %"], [["shared", "90", "70"]]
        ),
    )

    profile = _audience("shared")
    assert profile.countries == {"US": 40.0}  # as the first workspace saw it
    assert profile.genders == {"female": 70.0}  # an empty part nobody wrote is filled
    assert summary.kept == 1
    sources = Creator.objects.get(handle="shared").provenance
    assert sources["audience_countries"]["workspace"] == str(workspace.pk)
    assert sources["audience_genders"]["workspace"] == str(other.pk)


def test_an_import_keeps_audience_from_the_platform_or_of_unknown_source(tmp_path: Path, workspace):
    synced = CreatorFactory(
        handle="synced", provenance={provenance.AUDIENCE_KEYS["genders"]: provenance.entry(provenance.Source.PLATFORM)}
    )
    AudienceProfile.objects.create(creator=synced, genders={"female": 50.0}, countries={"BR": 60.0})
    path = write_csv(
        tmp_path / "a.csv", ["username", "audience_geo_US", "Audience Gender Female %"], [["synced", "90", "80"]]
    )

    summary = import_file(workspace, path)

    profile = _audience("synced")
    assert (profile.countries, profile.genders) == ({"BR": 60.0}, {"female": 50.0})
    assert summary.kept == 2


def test_discovery_finds_an_imported_creator_by_audience_share(tmp_path: Path, workspace):
    path = write_csv(
        tmp_path / "modash.csv",
        ["Username", "Followers", "Audience Top Country", "Audience Top Country %"],
        [["us_heavy", "50000", "US", "41.2%"], ["us_light", "50000", "US", "12%"]],
    )
    import_file(workspace, path)

    with workspace_scope(workspace), scopes_disabled():
        found = handles(workspace, {"audience_country": "US", "audience_country_min": 30})

    assert found == ["us_heavy"]


def test_the_mapping_page_lists_the_audience_columns_it_recognised(client, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(manager)
    content = "Username,Audience Country 1,Audience Country 1 %,Audience Gender Female %\nmaya,US,41.2%,63%\n"
    client.post(reverse("creators:import-create"), {"file": SimpleUploadedFile("h.csv", content.encode())})
    with scopes_disabled():
        job = ImportJob.objects.get()

    page = client.get(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk})).content.decode()

    audience_card = page[page.index('id="audience-columns"') :]
    assert "countries #1 (label)" in audience_card
    assert "countries #1 (share)" in audience_card
    assert "genders: female" in audience_card
    assert "not mapped" not in page  # the audience columns are not reported as left out


def test_the_mapping_page_says_how_to_name_audience_columns_when_there_are_none(client, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(manager)
    client.post(reverse("creators:import-create"), {"file": SimpleUploadedFile("p.csv", b"username\nmaya\n")})
    with scopes_disabled():
        job = ImportJob.objects.get()

    page = client.get(reverse("creators:import-mapping", kwargs={"import_job_pk": job.pk})).content.decode()

    assert "No audience columns found" in page


def test_the_demo_imports_an_exporters_file_with_audience_shares(settings, tmp_path, manager, workspace):
    settings.MEDIA_ROOT = tmp_path / "media"
    with workspace_scope(workspace):
        load_demo_audience_import(workspace=workspace, by=manager)
        load_demo_audience_import(workspace=workspace, by=manager)  # a second run adds nothing

    with scopes_disabled():
        done, waiting = ImportJob.objects.order_by("pk")
    assert (done.status, done.created_count, done.rejected_count) == (ImportJob.Status.DONE, 4, 1)
    assert waiting.status == ImportJob.Status.MAPPING
    assert _audience("daily.matcha").countries == {"CA": 33.0, "GB": 7.0}
    assert _audience("thrift.tomas").genders == {"female": 46.0, "male": 52.0}
