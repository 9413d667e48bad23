"""A marketer sees an awareness campaign's KPI progress on the campaign page, reads its report for the last
7 days against the week before (in the objective's terms), meets a clear error for a backwards custom
range, and opens the program view over 30 days."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.models import Role
from creators.models import VideoStats
from reports.models import ReportSettings
from tests.browser.conftest import screenshot, sign_in
from tests.campaigns.factories import CampaignFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.reports.support import attributed, book, clicks, post_video

pytestmark = pytest.mark.browser


@pytest.fixture
def awareness_world(transactional_db):
    today = timezone.now().date()  # the workspace is in UTC
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Glow Cosmetics", time_zone="UTC")
        MembershipFactory(workspace=workspace, user=UserFactory(email="mia@glow.test"), role=Role.OWNER)
        ReportSettings.objects.create(workspace=workspace, currency="USD", min_days_live=0)
        campaign = CampaignFactory(
            workspace=workspace, name="Glow Awareness", objective="awareness", budget=Money("5000.00", "USD"),
            start_date=today - datetime.timedelta(days=29), end_date=today + datetime.timedelta(days=30),
            kpis=[{"metric": "views", "target": "400000"}, {"metric": "cpm", "target": "8"}],
        )  # fmt: skip
    for index, (handle, fee) in enumerate((("glowqueen", "1200.00"), ("skinbyari", "600.00"))):
        collaboration = book(campaign, handle=handle, fee=fee, followers=80_000 // (index + 1))
        deliverable = post_video(collaboration, views=150_000 // (index + 1), likes=9_000 // (index + 1))
        with scopes_disabled():
            for days_ago, views in ((20, 10_000), (8, 60_000), (1, 150_000)):
                VideoStats.objects.create(
                    video=deliverable.video,
                    captured_at=timezone.now() - datetime.timedelta(days=days_ago),
                    views=views // (index + 1),
                    likes=views // 20 // (index + 1),
                )
        clicks(collaboration, {today - datetime.timedelta(days=d): (40 + 5 * d, 30 + 4 * d) for d in range(14)})
        attributed(collaboration, day=today - datetime.timedelta(days=3), orders="2", revenue="120.00")
    return campaign


def test_kpis_a_weeks_report_and_the_program_over_30_days(page, live_server, awareness_world):
    campaign = awareness_world
    base = live_server.url
    sign_in(page, base, "mia@glow.test", PASSWORD, lands_on="/")

    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.wait_for_selector("#kpi-table")
    assert page.locator("#kpi-table tbody tr").count() == 2
    page.locator("#kpi-panel").scroll_into_view_if_needed()
    screenshot(page, "reports-kpi-panel")

    page.goto(f"{base}/reports/campaigns/{campaign.pk}/")
    page.select_option("#range", "7d")  # a preset applies at once (reports.js)
    page.wait_for_url(f"{base}/reports/campaigns/{campaign.pk}/?range=7d*")
    assert "Last 7 days" in page.inner_text("#range-label")
    assert page.locator("#objective-headlines #headline-cpm").count() == 1
    assert "vs" in page.inner_text("#headline-views-change")
    assert "CPM" in page.inner_text("#creator-table")
    screenshot(page, "reports-campaign-7-days")

    page.select_option("#range", "custom")
    assert page.locator("[data-custom-range]").is_visible()
    page.fill("#range-from", "2026-05-10")
    page.fill("#range-to", "2026-05-01")
    page.click("#range-apply")
    page.wait_for_selector("#range-error")
    assert "before it starts" in page.inner_text("#range-error")
    screenshot(page, "reports-bad-range")

    page.goto(f"{base}/reports/?range=30d")
    assert page.locator("#program-headlines").count() == 1
    assert page.locator("#program-pdf").get_attribute("href").endswith("?range=30d")
    screenshot(page, "reports-program-30-days")

    page.goto(f"{base}/reports/settings/")
    page.locator("#objective-lines").scroll_into_view_if_needed()
    screenshot(page, "reports-settings-objectives")
