"""Reports over a range: figures for the period and the previous period of the same length, read from
hand-built daily rollups and video snapshots; the same query count as all time; the pages, exports, PDF
and KPI panel that use them; bad ranges refused with their reason."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.tenancy import workspace_scope
from creators.models import VideoStats
from reports import selectors
from reports.models import ReportSettings
from reports.ranges import ReportRange
from tests.campaigns.factories import CampaignFactory
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.reports.support import attributed, book, clicks, post_video

pytestmark = pytest.mark.django_db
D = Decimal
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
WEEK = ReportRange("7d", datetime.date(2026, 11, 14), datetime.date(2026, 11, 20))  # previous: 7-13 Nov


def day(d: int, month: int = 11) -> datetime.date:
    return datetime.date(2026, month, d)


def at(d: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 11, d, hour, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(workspace):
    with scopes_disabled():
        ReportSettings.objects.create(workspace=workspace, currency="USD", min_spend=D("100"), min_days_live=0)
        return CampaignFactory(
            workspace=workspace,
            name="Glow Awareness",
            objective="awareness",
            budget=Money(D("5000"), "USD"),
            start_date=day(1),
            end_date=day(30),  # 30 days: a 7-day period carries 7/30 of the spend
            kpis=[{"metric": "views", "target": "30000"}],
        )


@pytest.fixture
def star(campaign):
    """900 spent; views 1,000 -> 5,000 -> 12,000 at the snapshots of 6, 13 and 20 Nov; clicks and orders
    on days inside the week, inside the week before, and outside both."""
    collaboration = book(campaign, handle="glowqueen", fee="900.00", followers=20_000)
    deliverable = post_video(collaboration, views=12_000, likes=500, live_at=at(2))
    with scopes_disabled():
        for when, views, likes in ((at(6), 1_000, 100), (at(13), 5_000, 300), (at(20), 12_000, 500)):
            VideoStats.objects.create(video=deliverable.video, captured_at=when, views=views, likes=likes)
    clicks(collaboration, {day(1): (999, 999), day(10): (50, 40), day(15): (100, 80), day(20): (30, 20)})
    attributed(collaboration, day=day(30, 10), orders="5", revenue="500.00")
    attributed(collaboration, day=day(8), orders="1", revenue="60.00")
    attributed(collaboration, day=day(16), orders="2", revenue="210.00")
    return collaboration


def _report(campaign, report_range=WEEK):
    with workspace_scope(campaign.workspace):
        return selectors.campaign_report(campaign=campaign, report_range=report_range)


def test_a_weeks_figures_and_the_week_before_come_from_the_rollups_and_snapshots(campaign, star):
    report = _report(campaign)
    (row,) = report.rows
    # Views: 12,000 at the end minus 5,000 before the 14th; the week before: 5,000 - 1,000.
    assert (row.views, row.likes, row.previous.views, row.previous.likes) == (7_000, 200, 4_000, 200)
    # Clicks of the 15th and 20th; of the 10th before; the 1st is in neither.
    assert (row.clicks, row.unique_clicks, row.previous.clicks, row.previous.unique_clicks) == (130, 100, 50, 40)
    assert (row.orders, row.revenue, row.previous.orders, row.previous.revenue) == (D(2), D(210), D(1), D(60))
    # Spend: 900 x 7 / 30 = 210 in each week.
    assert row.spend == D(210) and row.previous.spend == D(210)
    # CPM 210 / 7,000 x 1000 = 30.00, above the default 15.00 stop line: an awareness verdict, not ROAS.
    assert row.cpm == D(30)
    assert row.verdict.reason == "CPM $30.00 is above your $15.00 stop line."
    assert row.reach == 20_000


def test_the_headlines_follow_the_objective_with_their_change(campaign, star):
    report = _report(campaign)
    views, cpm, reach = report.headlines
    assert (views.key, views.value, views.previous) == ("views", 7_000, 4_000)
    assert views.change == D("0.75")  # (7,000 - 4,000) / 4,000
    assert (cpm.key, cpm.value, cpm.previous) == ("cpm", D(30), D("52.5"))  # 210 / 4,000 x 1000
    assert cpm.is_better  # a cost going down
    assert reach.key == "reach"


def test_the_day_by_day_series_covers_the_range_only(campaign, star):
    report = _report(campaign)
    assert [point.day for point in report.days] == [day(d) for d in range(14, 21)]
    assert sum(point.clicks for point in report.days) == 130


def test_all_time_is_unchanged_by_snapshots_and_has_no_comparison(campaign, star):
    report = _report(campaign, selectors.ALL_TIME)
    (row,) = report.rows
    assert (row.views, row.clicks, row.orders, row.spend) == (12_000, 1_179, D(8), D(900))
    assert report.previous_totals is None and row.previous is None


def test_a_range_costs_the_same_queries_as_all_time(campaign, star, django_assert_num_queries):
    with workspace_scope(campaign.workspace), CaptureQueriesContext(connection) as all_time:
        selectors.campaign_report(campaign=campaign)
    with workspace_scope(campaign.workspace), django_assert_num_queries(len(all_time)):
        selectors.campaign_report(campaign=campaign, report_range=WEEK)
    assert len(all_time) <= 8


def test_the_program_view_compares_its_range_too(campaign, star):
    with workspace_scope(campaign.workspace):
        view = selectors.program_view(workspace=campaign.workspace, report_range=WEEK)
    assert (view.totals.clicks, view.previous_totals.clicks) == (130, 50)
    assert view.previous_campaigns[str(campaign.pk)].revenue == D(60)


# --- Pages, exports, PDF ------------------------------------------------------------------------------


def test_the_report_page_shows_the_period_and_its_change(client, owner, campaign, star):
    client.force_login(owner)
    response = client.get(reverse("reports:campaign-report", kwargs={"campaign_pk": campaign.pk}), {"range": "7d"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Last 7 days: 14 Nov 2026 to 20 Nov 2026" in body
    assert 'id="headline-views">7,000<' in body and "+75.0 %" in body
    assert "range=7d" in body  # export and PDF links keep the period


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"range": "custom", "from": "2026-11-20", "to": "2026-11-01"}, "before it starts"),
        ({"range": "custom", "from": "soon", "to": "2026-11-01"}, "is not a date"),
        ({"range": "custom", "from": "1990-01-01", "to": "2026-11-01"}, "too long"),
    ],
)
def test_a_bad_range_is_a_clear_400_on_the_page_and_its_exports(client, owner, campaign, params, message):
    client.force_login(owner)
    page = client.get(reverse("reports:campaign-report", kwargs={"campaign_pk": campaign.pk}), params)
    assert page.status_code == 400 and message in page.content.decode()
    export = client.get(
        reverse("reports:campaign-export", kwargs={"campaign_pk": campaign.pk}),
        {**params, "table": "creators", "format": "csv"},
    )
    assert export.status_code == 400 and message in export.content.decode()
    assert client.get(reverse("reports:program-pdf"), params).status_code == 400


def test_the_summary_export_has_both_periods_and_the_change(client, owner, campaign, star):
    client.force_login(owner)
    response = client.get(
        reverse("reports:campaign-export", kwargs={"campaign_pk": campaign.pk}),
        {"range": "7d", "table": "summary", "format": "csv"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Figure", "Last 7 days: 14 Nov 2026 to 20 Nov 2026", "07 Nov 2026 to 13 Nov 2026", "Change"]
    assert ["Views", "7000", "4000", "0.7500"] in rows
    assert ["Clicks", "130", "50", "1.6000"] in rows  # (130 - 50) / 50


def test_the_program_view_downloads_as_a_pdf(client, owner, campaign, star):
    client.force_login(owner)
    response = client.get(reverse("reports:program-pdf"), {"range": "30d"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_kpi_panel_shows_target_actual_and_projection(client, owner, campaign, star):
    client.force_login(owner)
    response = client.get(reverse("reports:campaign-kpis", kwargs={"campaign_pk": campaign.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    # 12,000 views in 20 of 30 days: 12,000 / 20 x 30 = 18,000 projected against 30,000 -> behind.
    assert 'id="kpi-views-projection">18,000<' in body
    assert 'id="kpi-views-status">behind<' in body


def test_another_workspaces_kpi_panel_and_program_pdf_stay_apart(client, campaign, star):
    with scopes_disabled():
        user = MembershipFactory(workspace=WorkspaceFactory(), user=UserFactory()).user
    client.force_login(user)
    assert client.get(reverse("reports:campaign-kpis", kwargs={"campaign_pk": campaign.pk})).status_code == 404
    own = client.get(reverse("reports:program-pdf"))
    assert own.status_code == 200  # their own (empty) program, never this workspace's
