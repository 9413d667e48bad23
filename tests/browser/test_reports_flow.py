"""A marketer opens a campaign's report from the campaign page, switches the attribution rule to compare,
and exports the creators table as CSV."""

import csv
import datetime
import io

import pytest
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.models import Role
from tests.browser.conftest import screenshot
from tests.campaigns.factories import CampaignFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.reports.support import DAY, attributed, book, clicks, pay, post_video, ship

pytestmark = pytest.mark.browser


@pytest.fixture
def report_world(transactional_db):
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Glow Cosmetics", time_zone="Europe/Paris")
        user = UserFactory(email="mia@glow.test", full_name="Mia Marketer")
        MembershipFactory(workspace=workspace, user=user, role=Role.OWNER)
        campaign = CampaignFactory(
            workspace=workspace, name="Glow Serum Launch", budget=Money("6000.00", "USD"), start_date=DAY
        )
        spring = CampaignFactory(
            workspace=workspace, name="Spring Seeding", budget=Money("2000.00", "USD"), start_date=DAY.replace(month=4)
        )
    people = [
        ("glowqueen", "800.00", 180_000, (9, 3600.00, 7), (4, 1500.00)),
        ("skinbyari", "450.00", 42_000, (3, 540.00, 3), (5, 800.00)),
        ("thrifty.tess", "300.00", 12_000, (1, 90.00, 1), (0, 0)),
        ("dewdrop.dan", "600.00", 95_000, (6, 1350.00, 4), (6, 1400.00)),
    ]
    for index, (handle, fee, views, last_click, first_click) in enumerate(people):
        collaboration = book(campaign, handle=handle, fee=fee, followers=views // 2)
        pay(collaboration, fee)
        ship(collaboration)
        post_video(collaboration, views=views, likes=views // 12, comments=views // 150, shares=views // 200)
        days = {DAY + datetime.timedelta(days=d): (40 + 15 * d + 9 * index, 30 + 11 * d + 7 * index) for d in range(14)}
        clicks(collaboration, days)
        for d in range(14):
            day = DAY + datetime.timedelta(days=d)
            orders, revenue, new = last_click
            attributed(collaboration, day=day, rule="last_click", orders=str(orders), revenue=f"{revenue / 14:.2f}",
                       new_customers=str(new))  # fmt: skip
            if first_click[0]:
                attributed(collaboration, day=day, rule="first_click", orders=str(first_click[0]),
                           revenue=f"{first_click[1] / 14:.2f}")  # fmt: skip
        if handle in ("glowqueen", "skinbyari"):  # booked before, in a smaller spring campaign
            earlier = book(spring, creator=collaboration.creator, fee=str(int(float(fee)) // 2))
            post_video(earlier, views=views // 3, likes=views // 40)
            attributed(earlier, orders=str(last_click[0] * 3), revenue=f"{last_click[1] / 3:.2f}", new_customers="4")
    return campaign


def test_open_a_campaign_report_switch_the_rule_and_export_csv(page, live_server, report_world):
    campaign = report_world
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "mia@glow.test")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.click("#campaign-report-link")
    page.wait_for_url(f"{base}/reports/campaigns/{campaign.pk}/")
    assert page.inner_text("#attribution-rule") == "Promo code, else last click"
    assert page.locator("#creator-table tbody tr").count() == 4
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-clicks')) !== undefined")
    last_click_revenue = page.inner_text("#kpi-revenue")
    screenshot(page, "reports-campaign")

    # Sort by ROAS, highest first (two clicks: ascending, then descending).
    roas = page.locator("#creator-table button[data-sort=roas]")
    roas.click()
    roas.click()
    assert page.locator("#creator-table tbody tr").first.get_attribute("id").startswith("creator-")
    first_handle = page.locator("#creator-table tbody tr td:first-child a").first.inner_text()
    assert first_handle == "@glowqueen"

    page.select_option("#rule", "first_click")
    page.wait_for_url(f"{base}/reports/campaigns/{campaign.pk}/?rule=first_click")
    assert page.inner_text("#attribution-rule") == "Promo code, else first click"
    assert page.inner_text("#kpi-revenue") != last_click_revenue
    assert "comparison" in page.inner_text("#report-meta")

    page.click("#export-menu")
    with page.expect_download() as download_info:
        page.click("#export-creators-csv")
    download = download_info.value
    assert download.suggested_filename == "glow-serum-launch-creators.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))  # noqa: SIM115
    by_handle = {row["Creator"]: row for row in rows}
    assert set(by_handle) == {"glowqueen", "skinbyari", "thrifty.tess", "dewdrop.dan"}
    assert by_handle["thrifty.tess"]["Orders"] == "0.00"  # first click credits her nothing
    assert by_handle["glowqueen"]["Orders"] == "56.00"  # 4 orders on each of 14 days under first click


def test_the_program_view_and_report_settings(page, live_server, report_world):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "mia@glow.test")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.click("a.nav-link:has-text('Reports')")
    page.wait_for_url(f"{base}/reports/")
    assert page.inner_text("#repeat-count") == "2"
    assert page.locator("#partners-table tbody tr").count() == 4  # two partners, two campaigns each
    screenshot(page, "reports-program")

    page.goto(f"{base}/reports/settings/")
    page.fill("#id_min_days_live", "3.5")
    page.click("#save-settings")
    assert "whole number of days" in page.inner_text("#report-settings-form")
    page.fill("#id_min_days_live", "10")
    page.click("#save-settings")
    page.wait_for_url(f"{base}/reports/settings/")
    assert page.input_value("#id_min_days_live") == "10"
    screenshot(page, "reports-settings")
