"""Pages a demo shows right after `make run`: the brand-styled open call a creator applies through on
a phone, the marketer's content library with its expiry warning, and the creator's message thread."""

import pytest
from django_scopes import scopes_disabled

from analytics.demo.index import DEMO_CREATOR_HANDLE
from campaigns.models import OpenCall, OpenCallApplication
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_discovery_flow import _sign_in

pytestmark = pytest.mark.browser

CREATOR = ("creator@demo.creatordesk.test", "demo-creator-pass")


def test_a_creator_applies_to_the_demo_open_call_on_a_phone(phone, live_server, demo):
    with scopes_disabled():
        open_call = OpenCall.objects.get(campaign__name="Spring glow launch")
    phone.goto(f"{live_server.url}/apply/{open_call.slug}/")
    assert phone.inner_text("h1") == "Glow with us this spring"
    phone.fill("#id_handle", "@fresh.face.skincare")
    phone.fill("#id_email", "fresh@creators.test")
    phone.fill("#id_pitch", "Night routines are my whole channel; 62% of my audience is in the US.")
    screenshot(phone, "open-call-phone")
    phone.click("#application-form button[type=submit]")
    phone.wait_for_selector("#applied")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with scopes_disabled():
        assert OpenCallApplication.objects.filter(open_call=open_call, handle="fresh.face.skincare").exists()


def test_the_content_library_warns_about_expiring_rights(page, live_server, demo):
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/library/")
    page.wait_for_selector("#expiry-warning")
    assert page.inner_text("#count-expiring") == "1"
    assert f"@{DEMO_CREATOR_HANDLE}" in page.inner_text("#library")
    screenshot(page, "content-library")


def test_the_demo_creator_reads_and_answers_the_thread(phone, live_server, demo):
    base = live_server.url
    sign_in(phone, base, *CREATOR[:2], lands_on="/portal/")
    phone.goto(f"{base}/portal/messages/")
    phone.locator("a[href^='/portal/messages/']").filter(has_text="Spring glow launch").first.click()
    phone.wait_for_selector("text=Ring light is fine")
    phone.fill("#portal-message-body", "Great, filming tonight!")
    phone.locator("#portal-message-body").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    phone.wait_for_selector("text=Great, filming tonight!")
    screenshot(phone, "portal-messages-phone")
