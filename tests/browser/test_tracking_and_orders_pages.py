"""The marketer's tracking and order pages in the demo: the campaign's links and codes with their
clicks, verified domains, connecting a store (its secret shown once) and the attribution settings."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_discovery_flow import _sign_in

pytestmark = pytest.mark.browser


def test_links_codes_stores_and_attribution_pages(page, live_server, demo):
    base = live_server.url
    _sign_in(page, base)

    page.goto(f"{base}/campaigns/")
    page.get_by_role("link", name="Spring glow launch").click()
    page.wait_for_selector("#tracking-links-panel #tracking-links")
    assert page.locator("#tracking-links tbody tr").count() > 0
    page.locator("#tracking-links-panel").scroll_into_view_if_needed()
    screenshot(page, "tracking-links-panel")

    page.goto(f"{base}/tracking/domains/")
    assert "verified" in page.inner_text(".page-body").lower()
    screenshot(page, "tracking-domains")

    page.goto(f"{base}/orders/stores/")
    page.fill("#id_name", "Glow Shopify")
    page.select_option("#id_kind", "shopify")
    page.click("#order-source-form button[type=submit]")
    page.wait_for_selector("#revealed-secret")
    assert "Glow Shopify" in page.inner_text("#order-sources")
    screenshot(page, "order-sources")

    page.goto(f"{base}/orders/attribution/")
    page.select_option("#id_rule", "first_click")
    page.click("#attribution-form button[type=submit]")
    page.wait_for_selector("#attribution-saved")
    screenshot(page, "attribution-settings")
