"""On a phone, a creator opens their collaboration: the "Your link and code" card arrives by htmx, each
copy button puts its value on the clipboard and says so, and the copied short link is one the
redirect answers. A collaboration without them shows what happens next."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tenancy import workspace_scope
from analytics.tracking import promo_codes
from campaigns.pipeline import Stage
from tests.analytics.tracking_support import SHOP, click_stream, verify  # noqa: F401 - click_stream is a fixture
from tests.browser.conftest import screenshot, sign_in
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import PASSWORD, CreatorFactory, CreatorUserFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_creator_copies_their_link_and_code_on_a_phone(
    transactional_db,
    workspace,
    phone,
    live_server,
    settings,
    click_stream,  # noqa: F811
):
    settings.SITE_URL = live_server.url
    user = CreatorUserFactory(email="kit-creator@example.test")
    with scopes_disabled():
        manager = MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.MANAGER).user
        creator = CreatorFactory(handle="glow.by.maya", user=user)
        contracted = CollaborationFactory(
            campaign=CampaignFactory(workspace=workspace, name="Night serum"), creator=creator, stage=Stage.CONTRACTED
        )
        waiting = CollaborationFactory(
            campaign=CampaignFactory(workspace=workspace, name="Summer glow"), creator=creator, stage=Stage.NEGOTIATING
        )
    verify(workspace)
    with workspace_scope(workspace):
        ((link,), (code,)) = promo_codes.create_links_and_codes_for_campaign(
            campaign=contracted.campaign, by=manager, destination=f"https://{SHOP}/serum", discount=15
        )
    short = f"{live_server.url}/r/{link.token}"
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(phone, live_server.url, user.email, PASSWORD, lands_on="/portal/")

    phone.goto(f"{live_server.url}/portal/campaigns/{contracted.pk}/")
    phone.wait_for_selector("#link-code-card")
    assert phone.input_value("#kit-link") == short
    assert phone.input_value("#kit-code") == code.code
    assert "TikTok bio" in phone.inner_text("#link-code-card")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    phone.locator("#link-code-card").scroll_into_view_if_needed()
    screenshot(phone, "portal-link-code-phone")

    phone.tap("#copy-code")
    expect(phone.locator("#copy-code")).to_have_attribute("data-copied", "true")
    assert phone.inner_text("#copy-code") == "Copied"
    assert phone.evaluate("navigator.clipboard.readText()") == code.code
    assert phone.inner_text("#kit-status") == "Code copied."

    phone.tap("#copy-link")
    expect(phone.locator("#copy-link")).to_have_attribute("data-copied", "true")
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied == short
    screenshot(phone, "portal-link-code-copied-phone")
    redirect = phone.request.get(copied, max_redirects=0)
    assert redirect.status == 302 and redirect.headers["location"].startswith(f"https://{SHOP}/serum?")

    phone.goto(f"{live_server.url}/portal/campaigns/{waiting.pk}/")
    phone.wait_for_selector("#no-link-code")
    assert "once your contract is signed" in phone.inner_text("#link-code-card")
    screenshot(phone, "portal-link-code-empty-phone")
