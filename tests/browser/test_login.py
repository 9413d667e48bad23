import pytest

from analytics.demo.audience_file import IMPORTED_HANDLES
from analytics.demo.index import DEMO_CREATOR_HANDLE, FEATURED
from analytics.management.commands.seed_demo import CREATOR, MARKETER
from tests.browser.conftest import DEMO_SYNTHETIC, screenshot

pytestmark = pytest.mark.browser


def _sign_in(page, base_url, email, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_marketer_signs_in_and_sees_the_overview_with_numbers(page, live_server, demo):
    _sign_in(page, live_server.url, MARKETER[0], MARKETER[1])
    page.wait_for_url(f"{live_server.url}/")
    count = page.locator("#stat-creator-count")
    count.wait_for()
    # The synthetic index, its featured creators, and the creators the demo's audience file imports.
    assert int(count.inner_text().replace(",", "")) == len(FEATURED) + DEMO_SYNTHETIC + len(IMPORTED_HANDLES)
    screenshot(page, "dashboard-overview")
    for path, name in (
        ("/creators/", "creators-list"),
        ("/settings/", "settings"),
        ("/campaigns/", "campaigns"),
        ("/reports/", "reports"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main, .page").first.is_visible()
        screenshot(page, name)


def test_creator_signs_in_and_lands_in_the_portal(phone, live_server, demo):
    _sign_in(phone, live_server.url, CREATOR[0], CREATOR[1])
    phone.wait_for_url(f"{live_server.url}/portal/")
    assert f"@{DEMO_CREATOR_HANDLE}" in phone.content()
    screenshot(phone, "portal-home-phone")


def test_wrong_password_shows_an_error(page, live_server, demo):
    _sign_in(page, live_server.url, MARKETER[0], "not-the-password")
    error = page.get_by_text("do not match")
    error.wait_for()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    screenshot(page, "login-error")
