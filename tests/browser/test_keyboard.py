"""Keyboard use: a marketer tabs through discovery and a creator through the portal; every stop shows a
visible focus ring (the theme's :focus-visible rule in static/css/app.css) and the main actions are reached."""

import re

import pytest

from analytics.management.commands.seed_demo import CREATOR, MARKETER
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

MAX_TAB_STOPS = 200  # discovery has ~60 stops before the first result (sidebar, top bar, filters)

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    description: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${
      (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().replace(/\\s+/g, " ").slice(0, 40)}"`,
    href: el.getAttribute("href"),
    name: el.getAttribute("name"),
    focusVisible: el.matches(":focus-visible"),
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
    hasRing: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shown: rect.width > 0 && rect.height > 0,
  };
}"""


def _tab_until(page, reached, *, what: str) -> list[dict]:
    """Press Tab until `reached(stop)` holds; every stop on the way must show a focus ring."""
    stops = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None:
            continue
        stops.append(stop)
        assert stop["focusVisible"] and stop["hasRing"], f"no visible focus ring on {stop['description']}: {stop}"
        assert stop["shown"], f"keyboard focus went to something not on screen: {stop['description']}"
        if reached(stop):
            return stops
    pytest.fail(f"{what} not reached in {MAX_TAB_STOPS} Tab presses; stops: {[s['description'] for s in stops]}")


def test_discovery_and_the_portal_work_from_the_keyboard_with_a_visible_focus(page, phone, live_server, demo):
    base = live_server.url

    # Discovery: Tab reaches the search box, then a creator's profile link; Enter opens it.
    sign_in(page, base, MARKETER[0], MARKETER[1], lands_on="/")
    page.goto(f"{base}/creators/?q=lunavega")
    _tab_until(page, lambda stop: stop["name"] == "q", what="the discovery search box")
    screenshot(page, "keyboard-discovery-search-focused")
    stops = _tab_until(
        page, lambda stop: bool(re.fullmatch(r"/creators/\d+/", stop["href"] or "")), what="a creator's profile link"
    )
    assert any(stop["name"] == "min_followers" for stop in stops), "the filters are reachable on the way"
    screenshot(page, "keyboard-discovery-profile-link-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/creators/\d+/$"))

    # Portal (on a phone): Tab reaches the contract waiting for a signature; Enter opens it.
    sign_in(phone, base, *CREATOR[:2], lands_on="/portal/")
    phone.locator("#portal-work").wait_for()
    _tab_until(phone, lambda stop: (stop["href"] or "").startswith("/portal/contracts/"), what="the contract to sign")
    screenshot(phone, "keyboard-portal-contract-focused")
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{base}/portal/contracts/*/")
