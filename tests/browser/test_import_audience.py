"""Audience shares from an exporter's file in a real browser: the mapping page lists the audience columns,
and once imported, discovery's audience filter finds the creator."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from creators.importing.services import run_import_job
from creators.models import AudienceProfile, ImportJob
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_exporters_audience_columns_are_shown_imported_and_searchable(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Audience Browser", slug="audience-browser")
        user = UserFactory(email="audience@glow.test")
        MembershipFactory(workspace=workspace, user=user, role=Role.MANAGER)
    export = tmp_path / "hypeauditor.csv"
    export.write_text(
        "username,followers,Audience Country 1,Audience Country 1 %,Audience Gender Female,Audience age 18-24\n"
        "maya.glow,12.3K,United States,41.2%,0.63,0.37\n"
        "too.many,900,US,130%,,\n"
    )
    sign_in(page, live_server.url, user.email, PASSWORD, lands_on="/")

    # Given an exporter's file with audience columns, uploaded
    page.goto(f"{live_server.url}/creators/import/new/")
    page.set_input_files("input[type=file]", str(export))
    page.get_by_role("button", name="Upload and map columns").click()

    # the mapping page lists the audience columns it recognised
    page.wait_for_url("**/mapping/")
    card = page.locator("#audience-columns")
    assert card.get_by_text("countries #1 (share)").is_visible()
    assert card.get_by_text("genders: female").is_visible()
    screenshot(page, "import-audience-mapping")
    page.get_by_role("button", name="Start import").click()

    # when the import runs, the bad sum is rejected with its reason
    page.wait_for_url("**/creators/import/*/")
    with scopes_disabled():
        job = ImportJob.objects.get()
    run_import_job(import_job_id=job.pk)
    page.locator("#count-rejected", has_text="1").wait_for()
    assert page.get_by_text("130 % is more than 100 %").is_visible()
    screenshot(page, "import-audience-done")
    assert AudienceProfile.objects.get(creator__handle="maya.glow").countries == {"US": 41.2}

    # then discovery's audience filter finds the imported creator
    page.goto(f"{live_server.url}/creators/?audience_country=US&audience_country_min=30")
    assert page.get_by_text("@maya.glow").first.is_visible()
    screenshot(page, "import-audience-discovery")
