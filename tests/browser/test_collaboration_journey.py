"""The two journeys of a collaboration, in one story, in real Chromium against the real stack.

The marketer (desktop) creates a campaign, shortlists recommended creators, publishes a brief,
invites a creator from the table view, agrees a fee and a deliverable and sends the contract. The
creator (phone-sized viewport) accepts, signs, and uploads a draft. The marketer countersigns and
approves the draft. Screenshots of each side land in var/screenshots/."""

import re

import pytest
from django_scopes import scopes_disabled

from campaigns.models import Collaboration, Deliverable
from creators.models import PortalGrant, WorkspaceCreatorContact
from tests.browser.conftest import screenshot
from tests.browser.test_discovery_flow import _sign_in
from tests.campaigns.test_uploads import _mp4
from tests.factories import PASSWORD, CreatorUserFactory

pytestmark = pytest.mark.browser

CREATOR_NAME = "Rosa Journey"


def _creator_signs_in(phone, base, email):
    phone.goto(f"{base}/accounts/login/")
    phone.fill("#id_username", email)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/portal/")


def test_marketer_and_creator_take_a_collaboration_from_shortlist_to_approved_draft(
    page, phone, live_server, demo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url

    # --- Marketer: campaign, shortlist, brief -----------------------------------------------------
    _sign_in(page, base)
    page.goto(f"{base}/campaigns/")
    page.fill("#campaign-form input[name=name]", "Journey launch")
    page.select_option("#campaign-form select[name=objective]", "sales")
    page.fill("#campaign-form input[name=budget]", "6000")
    page.click("#campaign-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/campaigns/\d+/$"))
    campaign_url = page.url
    page.locator("#recommendations input[name=creator]").nth(0).check()
    page.locator("#recommendations input[name=creator]").nth(1).check()
    page.click("#shortlist-selected")
    page.wait_for_selector('[data-stage="shortlisted"] [id^=collaboration-]')

    page.locator("#brief-panel summary").click()
    page.fill("#brief-form [name=objective]", "Show your honest night routine with the serum.")
    page.fill("#brief-form [name=must_avoid]", "medical claims")
    page.click("#brief-form button[type=submit]")
    page.wait_for_selector("#brief-panel .badge:has-text('v1')")

    # The first shortlisted creator claimed a portal account (the claim link is tested on its own).
    with scopes_disabled():
        collaboration = Collaboration.objects.filter(campaign__name="Journey launch").order_by("pk").first()
        creator = collaboration.creator
        WorkspaceCreatorContact.objects.update_or_create(
            workspace=collaboration.workspace, creator=creator, defaults={"email": "rosa@creators.test"}
        )
        user = CreatorUserFactory(email="rosa@creators.test", full_name=CREATOR_NAME)
        PortalGrant.objects.create(
            user=user, creator=creator, workspace=collaboration.workspace, method=PortalGrant.Method.CLAIM_LINK
        )

    # --- Marketer: invite from the table view ----------------------------------------------------
    page.click("#show-table")
    page.wait_for_selector("#campaign-table #campaign-bulk")
    page.check(f"#row-{collaboration.pk} input[name=collaboration]")
    page.click("#campaign-bulk button[value=invite]")
    page.wait_for_selector("#bulk-result")
    assert "1" in page.inner_text("#bulk-result")
    # The board above follows the table: the invited creator moved column without a reload.
    page.wait_for_selector(f'[data-stage="invited"] #collaboration-{collaboration.pk}')
    screenshot(page, "journey-1-campaign-table")

    # --- Creator (phone): accept the invitation --------------------------------------------------
    _creator_signs_in(phone, base, user.email)
    phone.wait_for_selector(f"#accept-{collaboration.pk}")
    phone.click(f"#accept-{collaboration.pk}")
    phone.wait_for_selector(f"#accept-{collaboration.pk}", state="detached")
    screenshot(phone, "journey-2-portal-accepted")

    # --- Marketer: terms, deliverable, contract --------------------------------------------------
    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.select_option("#t-type", "fixed_fee")
    page.fill("#t-fee", "500.00")
    page.select_option("#t-currency", "USD")
    page.click("#terms-form button[type=submit]")
    page.wait_for_selector("#agreement :text('500.00')")
    page.locator("#add-deliverable summary").click()
    page.select_option("#d-format", "in_feed_video")
    page.click("#deliverable-form button[type=submit]")
    page.wait_for_selector("#deliverables :text('In-feed video')")
    page.wait_for_selector("#contract-panel details summary")
    page.locator("#contract-panel details summary").click()
    page.click("#contract-form button[type=submit]")
    page.wait_for_selector("#contract-status")
    assert "awaiting the creator" in page.inner_text("#contract-status").lower()

    # --- Creator (phone): read and sign ----------------------------------------------------------
    phone.goto(f"{base}/portal/campaigns/{collaboration.pk}/")
    phone.wait_for_selector("#read-and-sign")
    phone.click("#read-and-sign")
    phone.wait_for_selector("#creator-sign-form")
    phone.fill("#typed-name", CREATOR_NAME)
    phone.check("#consent")
    screenshot(phone, "journey-3-portal-sign")
    phone.click("#creator-sign-form button[type=submit]")
    phone.wait_for_selector("#version-status")
    assert "brand" in phone.inner_text("#version-status").lower()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # --- Marketer: countersign ------------------------------------------------------------------
    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.wait_for_selector("#brand-sign-form")
    page.fill("#brand-typed-name", "Maya Marketer")
    page.check("#brand-sign-form input[name=consent]")
    page.click("#brand-sign-form button[type=submit]")
    page.wait_for_selector("#contract-status:has-text('Fully signed')")
    page.reload()
    assert page.inner_text("#stage") == "Contracted"

    # --- Creator (phone): upload the draft -------------------------------------------------------
    with scopes_disabled():
        deliverable = Deliverable.objects.get(collaboration=collaboration)
    phone.goto(f"{base}/portal/campaigns/{collaboration.pk}/")
    phone.set_input_files(
        f"#file-{deliverable.pk}", {"name": "draft.mp4", "mimeType": "video/mp4", "buffer": _mp4() + b"\0" * 4096}
    )
    phone.click(f"#deliverable-{deliverable.pk} button[type=submit]")
    phone.wait_for_selector(f"#deliverable-{deliverable.pk} [id^=round-]")
    screenshot(phone, "journey-4-portal-draft")

    # --- Marketer: approve ----------------------------------------------------------------------
    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.fill(f"#review-deliverable-{deliverable.pk} textarea[name=comment]", "Great hook, approved.")
    page.click(f"#review-deliverable-{deliverable.pk} button[value=approve]")
    page.wait_for_selector("#stage:has-text('Approved')")
    screenshot(page, "journey-5-approved")
    page.goto(campaign_url)
    page.wait_for_selector('[data-stage="approved"] [id^=collaboration-]')

    with scopes_disabled():
        collaboration.refresh_from_db()
        assert collaboration.stage == "approved"
        assert list(collaboration.transitions.values_list("to_stage", flat=True)) == [
            "shortlisted", "invited", "negotiating", "contracted", "content_in_review", "approved",
        ]  # fmt: skip
