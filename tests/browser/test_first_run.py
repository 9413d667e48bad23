"""A fresh install from an empty database, through the real pages: setup creates the owner and the first
workspace, the page is gone afterwards, and the owner opens a second workspace from the switcher."""

import pytest

from accounts.models import User, Workspace
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "sea-lantern-orbit-42"


def test_setup_from_an_empty_install_then_a_second_workspace(page, live_server, transactional_db):
    base = live_server.url
    assert not User.objects.exists()

    # An empty install: the home page offers setup.
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/setup/")
    screenshot(page, "first-run-setup")

    # A weak password is refused beside its field, and nothing is written.
    page.fill("#id_full_name", "Olivia Owner")
    page.fill("#id_email", "olivia@glow.test")
    page.fill("#id_password", "12345678")
    page.fill("#id_password_again", "12345678")
    page.fill("#id_workspace_name", "Glow Skincare")
    page.select_option("#id_time_zone", "Europe/Paris")
    page.click("#setup-form button[type=submit]")
    page.get_by_text("This password is too short").wait_for()
    assert not User.objects.exists()
    screenshot(page, "first-run-setup-error")

    # Corrected: signed in as the owner, on the dashboard of the new workspace.
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.click("#setup-form button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator(".cd-ws-name").inner_text() == "Glow Skincare"
    page.get_by_text("Glow Skincare is ready").wait_for()
    screenshot(page, "first-run-dashboard")
    workspace = Workspace.objects.get()
    assert (workspace.slug, workspace.time_zone) == ("glow-skincare", "Europe/Paris")

    # The setup page is gone for good, and signing in works as usual.
    assert page.goto(f"{base}/setup/").status == 404
    page.goto(f"{base}/")
    page.click("[aria-label='Open user menu']")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/accounts/login/")
    sign_in(page, base, "olivia@glow.test", PASSWORD, lands_on="/")

    # An agency's second brand, from the workspace switcher.
    page.click("[aria-label='Switch workspace']")
    page.click("#workspace-new-link")
    page.wait_for_url(f"{base}/workspaces/new/")
    page.fill("#id_name", "Nova Client")
    screenshot(page, "workspace-new")
    page.get_by_role("button", name="Create workspace").click()
    page.wait_for_url(f"{base}/")
    assert page.locator(".cd-ws-name").inner_text() == "Nova Client"
    page.click("[aria-label='Switch workspace']")
    switcher = page.locator(".cd-topbar .dropdown-menu").first
    assert "Glow Skincare" in switcher.inner_text() and "Nova Client" in switcher.inner_text()
    screenshot(page, "workspace-switcher-two-workspaces")
