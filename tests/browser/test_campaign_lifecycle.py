"""A manager creates a campaign with KPIs and a target audience, edits it (a bad KPI is refused and
nothing saved), activates it and pauses it, and reads the moves in the history; no demo data needed."""

import re

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from campaigns.models import Campaign
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(transactional_db):
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Lifecycle Brand", slug="lifecycle-brand")
        user = UserFactory(email="lifecycle@brand.test", full_name="Lena Manager")
        MembershipFactory(workspace=workspace, user=user, role=Role.MANAGER)
    return user


def test_create_edit_and_activate_a_campaign(page, live_server, manager, seeded_niches):
    base = live_server.url
    sign_in(page, base, manager.email, PASSWORD, lands_on="/")

    # Create, with KPIs and a target audience, from the list's "New campaign" button.
    page.goto(f"{base}/campaigns/")
    page.click("#new-campaign-link")
    page.wait_for_url(f"{base}/campaigns/new/")
    page.fill("input[name=name]", "Autumn glow")
    page.select_option("select[name=objective]", "traffic")
    page.fill("input[name=budget]", "4500")
    page.select_option("select[name=currency]", "EUR")
    page.fill("input[name=start_date]", "2026-09-01")
    page.fill("input[name=end_date]", "2026-10-31")
    page.select_option("select[name=kpis-0-metric]", "clicks")
    page.fill("input[name=kpis-0-target]", "4000")
    page.fill("input[name=kpis-0-deadline]", "2026-10-15")
    page.select_option("select[name=kpis-1-metric]", "cpc")
    page.fill("input[name=kpis-1-target]", "0.75")
    page.check("#field-niches input[value=skincare]")
    page.fill("input[name=countries]", "US, GB")
    page.fill("input[name=languages]", "en")
    page.check("#field-tiers input[value=micro]")
    page.check("#field-age_buckets input[value='18-24']")
    page.check("#field-genders input[value=female]")
    screenshot(page, "campaign-lifecycle-create")
    page.click("#save-campaign")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/campaigns/\d+/$"))
    assert "Draft" in page.inner_text(".page-title")
    assert "Clicks:" in page.inner_text("#campaign-plan") and "US, GB" in page.inner_text("#campaign-plan")

    # Edit: a second clicks target is refused beside the KPIs, and nothing changes.
    page.click("#campaign-edit-link")
    page.wait_for_url(re.compile(r".*/edit/$"))
    page.fill("input[name=name]", "Autumn glow, renamed")
    page.select_option("select[name=kpis-2-metric]", "clicks")
    page.fill("input[name=kpis-2-target]", "10")
    page.click("#save-campaign")
    page.wait_for_selector("#campaign-settings-errors")
    assert "clicks has a target already" in page.inner_text("#campaign-kpis")
    screenshot(page, "campaign-lifecycle-edit-refused")
    with scopes_disabled():
        assert Campaign.objects.get().name == "Autumn glow"

    # Fix it and save.
    page.select_option("select[name=kpis-2-metric]", "ctr")
    page.fill("input[name=kpis-2-target]", "0.012")
    page.click("#save-campaign")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/campaigns/\d+/$"))
    assert "Autumn glow, renamed" in page.inner_text(".page-title")
    assert "CTR" in page.inner_text("#campaign-plan")

    # Activate: only the allowed moves are offered, before and after.
    assert page.locator("[id^=campaign-to-]").count() == 1
    page.click("#campaign-to-active")
    page.wait_for_selector("#campaign-to-paused")
    assert "Active" in page.inner_text(".page-title")
    assert sorted(page.locator("[id^=campaign-to-]").evaluate_all("els => els.map(e => e.id)")) == [
        "campaign-to-completed",
        "campaign-to-paused",
    ]
    page.click("#campaign-to-paused")
    page.wait_for_selector("#campaign-to-active")
    history = page.inner_text("#campaign-history")
    assert "Active → Paused" in history.replace("\n", " ") or "Active\n→ Paused" in history
    assert history.count("Lena Manager") == 2
    screenshot(page, "campaign-lifecycle-activated")

    with scopes_disabled():
        campaign = Campaign.objects.get()
    assert (campaign.name, campaign.status, [k["metric"] for k in campaign.kpis]) == (
        "Autumn glow, renamed",
        "paused",
        ["clicks", "cpc", "ctr"],
    )
