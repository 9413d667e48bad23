"""A marketer finds a creator, narrows the results, opens the profile, shortlists it, and finds it on the list.

Written against what the discovery page keeps stable — the search input `name="q"`, filters as
shareable query strings, profile links `/creators/<id>/` — so the page can change around it."""

import re

import pytest

from analytics.management.commands.seed_demo import MARKETER
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

HANDLE = "lunavega"  # a US creator every demo has (analytics.demo.index.FEATURED), loaded by seed_demo
LIST_NAME = "Browser test picks"
PROFILE_LINK = re.compile(r"^/creators/\d+/$")


def _sign_in(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", MARKETER[0])
    page.fill("#id_password", MARKETER[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def _profile_link_to(page, handle):
    """The first link to a profile (`/creators/<id>/`) that names the handle."""
    links = page.locator('a[href^="/creators/"]').filter(has_text=handle)
    for index in range(links.count()):
        link = links.nth(index)
        if PROFILE_LINK.match(link.get_attribute("href") or ""):
            return link
    return None


def test_search_filter_open_a_profile_and_shortlist_it(page, live_server, demo):
    base = live_server.url
    _sign_in(page, base)

    # Search: type into the discovery search box and wait for the results to name the creator.
    page.goto(f"{base}/creators/")
    search = page.locator('input[name="q"]').first
    search.fill(HANDLE)
    search.press("Enter")
    page.wait_for_function(
        "handle => [...document.querySelectorAll('a[href^=\"/creators/\"]')]"
        ".some(a => /^\\/creators\\/\\d+\\/$/.test(a.getAttribute('href')) && a.textContent.includes(handle))",
        arg=HANDLE,
    )

    # Filter: the same search narrowed to US creators, as a shareable URL.
    page.goto(f"{base}/creators/?q={HANDLE}&country=US")
    link = _profile_link_to(page, HANDLE)
    assert link is not None, "the US-filtered results should still list the creator"

    # Open the profile.
    link.click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/creators/\d+/$"))
    assert page.locator("#creator-header").inner_text().count(f"@{HANDLE}") >= 1
    assert page.locator("#creator-tier").is_visible()

    # Shortlist it on a new list, from the profile's Lists card (htmx swaps the card).
    page.fill('#creator-lists input[name="new_list_name"]', LIST_NAME)
    page.click("#create-list-and-add")
    list_link = page.locator("#creator-lists a", has_text=LIST_NAME)
    list_link.wait_for()
    screenshot(page, "creator-profile")

    # The list holds the creator.
    list_link.click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/creators/lists/\d+/$"))
    table = page.locator("#list-creators")
    assert f"@{HANDLE}" in table.inner_text()
    assert "1 creator" in table.inner_text()
    screenshot(page, "creator-list-detail")
