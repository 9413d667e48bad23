import re

import pytest

from accounts.two_factor.codes import current_code, key_from_base32
from analytics.management.commands.seed_demo import ADMIN, DEMO_ADMIN_TOTP_SECRET, MARKETER
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _sign_in(page, base_url, email, password, path="/accounts/login/"):
    page.goto(f"{base_url}{path}")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_the_demo_admin_signs_in_with_the_published_code_and_reaches_admin(page, live_server, demo):
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=/admin/"))
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/accounts/login/code/")
    screenshot(page, "login-two-factor")
    page.fill("#id_code", current_code(key_hex=key_from_base32(DEMO_ADMIN_TOTP_SECRET)))
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()


def test_a_marketer_turns_on_two_factor_by_scanning_and_confirming_a_code(page, live_server, demo):
    _sign_in(page, live_server.url, MARKETER[0], MARKETER[1])
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/two-factor/")
    screenshot(page, "two-factor-off")
    page.get_by_role("button", name="Set up two-factor sign-in").click()

    page.wait_for_url(f"{live_server.url}/accounts/two-factor/setup/")
    assert page.locator("#two-factor-qr svg").is_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    screenshot(page, "two-factor-setup")
    page.fill("#id_code", current_code(key_hex=key_from_base32(secret)))
    page.get_by_role("button", name="Confirm and turn on").click()

    page.wait_for_url(f"{live_server.url}/accounts/two-factor/recovery-codes/")
    assert page.locator("#recovery-codes li").count() == 10
    screenshot(page, "two-factor-recovery-codes")
    page.goto(f"{live_server.url}/accounts/two-factor/")
    assert page.locator("#two-factor-status").inner_text() == "On"
    screenshot(page, "two-factor-on")
