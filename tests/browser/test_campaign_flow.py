"""A marketer creates a campaign, shortlists recommended creators and moves one along the pipeline."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_discovery_flow import _sign_in

pytestmark = pytest.mark.browser


def test_create_a_campaign_shortlist_and_move_on_the_board(page, live_server, demo):
    base = live_server.url
    _sign_in(page, base)

    page.goto(f"{base}/campaigns/")
    page.fill("#campaign-form input[name=name]", "Browser launch")
    page.select_option("#campaign-form select[name=objective]", "sales")
    page.fill("#campaign-form input[name=budget]", "5000")
    page.click("#campaign-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/campaigns/\d+/$"))

    checkboxes = page.locator("#recommendations input[name=creator]")
    assert checkboxes.count() > 0, "a new campaign recommends the best-scored creators"
    checkboxes.nth(0).check()
    checkboxes.nth(1).check()
    page.click("#shortlist-selected")
    page.wait_for_selector('[data-stage="shortlisted"] [id^=collaboration-]')
    assert page.locator('[data-stage="shortlisted"] [id^=collaboration-]').count() == 2

    page.locator('[data-stage="shortlisted"] button[title="Move to invited"]').first.click()
    page.wait_for_selector('[data-stage="invited"] [id^=collaboration-]')
    assert page.locator('[data-stage="invited"] [id^=collaboration-]').count() == 1
    screenshot(page, "campaign-board")
