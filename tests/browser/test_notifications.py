"""The notification centre in a browser: the bell's unread count in the dashboard's top bar and in the
portal's (on a phone), the list, opening one, and marking all read."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import NotificationKind, Role
from accounts.notifications import services
from tests.browser.conftest import screenshot, sign_in
from tests.factories import (
    PASSWORD,
    CreatorFactory,
    CreatorUserFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.browser
K = NotificationKind


def test_the_marketer_sees_the_bell_count_opens_one_and_marks_all_read(page, live_server, transactional_db):
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Glow Skincare")
        manager = MembershipFactory(
            workspace=workspace, user=UserFactory(email="mia@glow.test"), role=Role.MANAGER
        ).user
    for n, (kind, title) in enumerate([
        (K.DRAFT_SUBMITTED, "@lena.makes submitted draft round 1"),
        (K.CONTRACT_SIGNED, "@lena.makes signed contract v1"),
        (K.MESSAGE_RECEIVED, "@sam.films wrote to you"),
    ]):  # fmt: skip
        services.notify(recipients=[manager], workspace=workspace, kind=kind, event_key=f"demo:{n}", title=title,
                        body="Glow serum launch", url="/campaigns/")  # fmt: skip
    base = live_server.url
    sign_in(page, base, "mia@glow.test", PASSWORD, lands_on="/")

    badge = page.locator("#notification-bell .badge")
    badge.wait_for()  # the count arrives by htmx
    assert badge.inner_text() == "3"
    screenshot(page, "notifications-bell")

    page.click("#notification-bell")
    page.wait_for_url(f"{base}/notifications/")
    assert page.locator("[data-notification]").count() == 3
    assert "@sam.films wrote to you" in page.inner_text("#notification-list")
    screenshot(page, "notifications-list")

    page.locator("[data-notification]", has_text="@lena.makes signed contract v1").get_by_role(
        "button", name="Open"
    ).click()
    page.wait_for_url(f"{base}/campaigns/")
    page.locator("#notification-bell .badge").wait_for()
    assert page.locator("#notification-bell .badge").inner_text() == "2"

    page.goto(f"{base}/notifications/")
    page.click("#mark-all-read")
    page.wait_for_url(f"{base}/notifications/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#notification-bell .badge").count() == 0
    page.goto(f"{base}/notifications/?unread=1")
    assert "You have read everything" in page.inner_text("#notification-empty")

    page.goto(f"{base}/notifications/settings/")
    page.click("label[for=pref-draft_submitted-off]")
    page.click("text=Save preferences")
    page.wait_for_url(f"{base}/notifications/settings/")
    assert page.is_checked("#pref-draft_submitted-off")
    screenshot(page, "notifications-settings")


def test_the_creator_sees_the_bell_and_the_list_on_a_phone(phone, live_server, transactional_db):
    creator = CreatorUserFactory(email="lena@creator.test")
    CreatorFactory(user=creator, handle="lena.makes")
    for n, (name, kind, title) in enumerate([
        ("Glow Skincare", K.CONTRACT_TO_SIGN, "Contract v1 to sign"),
        ("Nordic Oats", K.INVITATION, "Nordic Oats invited you to Oat Week"),
    ]):  # fmt: skip
        services.notify(recipients=[creator], workspace=WorkspaceFactory(name=name), kind=kind, event_key=f"d:{n}",
                        title=title, url="/portal/")  # fmt: skip
    base = live_server.url
    sign_in(phone, base, "lena@creator.test", PASSWORD, lands_on="/portal/")

    badge = phone.locator("#notification-bell .badge")
    badge.wait_for()
    assert badge.inner_text() == "2"
    phone.click("#notification-bell")
    phone.wait_for_url(f"{base}/portal/notifications/")
    text = phone.inner_text("#notification-list")
    assert "Nordic Oats invited you to Oat Week" in text and "Glow Skincare" in text
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "notifications-portal-phone")
