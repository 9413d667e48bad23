"""The import flow in a real browser: upload, correct the mapping, watch the progress bar finish."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from creators.importing.services import run_import_job
from creators.models import Creator, ImportJob
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager_login(transactional_db):
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Glow Browser", slug="glow-browser")
        user = UserFactory(email="importer@glow.test")
        MembershipFactory(workspace=workspace, user=user, role=Role.MANAGER)
    return user.email, PASSWORD


def test_a_manager_uploads_maps_and_watches_the_import_finish(page, live_server, manager_login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "my-creators.csv"
    export.write_text("username,nickname,fans,country\n@maya.glow,Maya,12.3K,U.S.A\njo,Jo,-5,UK\nluis,Luis,900,MX\n")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager_login[0])
    page.fill("#id_password", manager_login[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # Given the imports page, empty for now
    page.goto(f"{live_server.url}/creators/import/")
    assert page.get_by_text("No imports yet").is_visible()
    screenshot(page, "import-list-empty")

    # when the manager uploads a file
    page.get_by_role("link", name="Import a file").first.click()
    page.set_input_files("input[type=file]", str(export))
    screenshot(page, "import-upload")
    page.get_by_role("button", name="Upload and map columns").click()

    # the mapping page has matched the columns, and the manager corrects one
    page.wait_for_url("**/mapping/")
    assert page.locator("#id_handle").input_value() == "username"
    assert page.locator("#id_follower_count").input_value() == "fans"
    page.select_option("#id_display_name", "")
    assert page.locator("#examples-follower_count").inner_text() == "12.3K · -5 · 900"
    screenshot(page, "import-mapping")
    page.get_by_role("button", name="Start import").click()

    # then the job page waits for a worker, and the progress panel fills in by itself once it ran
    page.wait_for_url("**/creators/import/*/")
    assert page.get_by_text("Waiting for a worker").is_visible()
    with scopes_disabled():
        job = ImportJob.objects.get()
    run_import_job(import_job_id=job.pk)
    page.locator("#count-created", has_text="2").wait_for()
    assert page.locator("#count-rejected").inner_text() == "1"
    assert page.get_by_text("fans: '-5' is negative").is_visible()
    screenshot(page, "import-done")
    assert sorted(Creator.objects.values_list("handle", "display_name")) == [("luis", ""), ("maya.glow", "")]
