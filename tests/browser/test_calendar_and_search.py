"""The calendar (dashboard and portal, desktop and phone) and the top bar's search driven from the keyboard:
`/` focuses the box, typing shows grouped suggestions, the arrows pick one and Enter opens it; Enter with
none picked opens the full results page."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.briefs.calendar_world import build_world
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_world()
    with scopes_disabled():
        world.marketer = MembershipFactory(
            workspace=world.workspace, user=UserFactory(email="mia@glow.test", full_name="Mia Night"), role=Role.OWNER
        ).user
    return world


def test_the_calendar_month_and_agenda_with_a_campaign_filter(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "mia@glow.test", PASSWORD, lands_on="/")

    page.click("a.nav-link:has-text('Calendar')")
    page.wait_for_url(f"{base}/calendar/")
    page.goto(f"{base}/calendar/?month=2026-03")
    assert page.inner_text("#calendar-month") == "March 2026"
    grid = page.inner_text("table.cd-cal")
    assert "Draft due · @maya" in grid and "Shipped · @maya" in grid and "Draft due · @leo" in grid
    # 7 of Glow's 10 dates fall in March: exclusivity ends and the Spark Ads code expires in April, rights in September.
    assert page.locator("#agenda .agenda-event").count() == 7
    screenshot(page, "calendar-month-desktop")

    page.select_option("#cal-campaign", label="Summer drop")
    page.click("#calendar-filters button[type=submit]")
    page.wait_for_url("**campaign=*")
    assert page.locator("#agenda .agenda-event").count() == 1
    assert "@leo" in page.inner_text("#agenda") and "@maya" not in page.inner_text("#agenda")

    page.click("#calendar-feed-make")
    feed_url = page.locator("#calendar-feed-url").input_value()
    assert "/ical/" in feed_url and feed_url.endswith(".ics")
    screenshot(page, "calendar-feed-url-desktop")


def test_slash_typing_arrows_and_enter_from_the_top_bar(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "mia@glow.test", PASSWORD, lands_on="/")

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "top-search-q"
    page.keyboard.type("maya")
    page.locator("#top-search-listbox").wait_for()
    groups = page.locator("#top-search-listbox .dropdown-header").all_text_contents()
    assert groups == ["Creators", "Collaborations"]
    screenshot(page, "top-search-suggestions")

    page.keyboard.press("ArrowDown")  # the creator
    page.keyboard.press("ArrowDown")  # the collaboration
    assert (
        page.locator(".cd-search-option.active").get_attribute("id")
        == f"top-search-collaboration-{world.maya_collab.pk}"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/campaigns/collaborations/{world.maya_collab.pk}/")

    page.keyboard.press("/")
    page.keyboard.type("night")
    page.locator("#top-search-listbox").wait_for()
    page.keyboard.press("Enter")  # nothing picked: the full results page
    page.wait_for_url(f"{base}/search/?q=night")
    assert "Night serum" in page.inner_text("#search-campaigns")
    screenshot(page, "search-results-page")


def test_the_portal_calendar_on_a_desktop_and_a_phone(page, phone, live_server, world):
    base = live_server.url
    for viewport, name in ((page, "desktop"), (phone, "phone")):
        sign_in(viewport, base, "maya@cal.test", PASSWORD, lands_on="/portal/")
        viewport.goto(f"{base}/portal/calendar/?month=2026-03")
        agenda = viewport.inner_text("#agenda")
        assert "Glow" in agenda and "Other brand" in agenda and "@leo" not in agenda
        assert viewport.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(viewport, f"portal-calendar-{name}")
    assert phone.locator("table.cd-cal").is_hidden()  # the phone shows the agenda only
    assert phone.locator(".cd-tabbar a[aria-current=page]").inner_text().strip() == "Calendar"
