"""The campaign report and the program view read from the database: spend from contracts, payouts and
shipments; reach from the live videos; clicks from the daily rollups; a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.tenancy import workspace_scope
from analytics.models import AttributionSettings
from campaigns.models import Payout, Shipment
from campaigns.pipeline import Stage
from reports import selectors
from reports.metrics import Verdict
from reports.models import ReportSettings
from tests.campaigns.factories import CampaignFactory
from tests.factories import CreatorFactory, WorkspaceFactory
from tests.reports.support import DAY, attributed, book, clicks, pay, post_video, ship

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def campaign(workspace):
    with scopes_disabled():
        return CampaignFactory(workspace=workspace, name="Glow Serum Launch", budget=Money(D("10000"), "USD"))


@pytest.fixture
def settings_row(workspace):
    with scopes_disabled():
        return ReportSettings.objects.create(
            workspace=workspace, currency="USD", product_value_per_shipment=D("40.00"), min_spend=D("100")
        )


def _report(campaign):
    with workspace_scope(campaign.workspace):
        return selectors.campaign_report(campaign=campaign)


def _row(report, collaboration):
    (row,) = [r for r in report.rows if r.collaboration_id == collaboration.pk]
    return row


def test_spend_comes_from_the_fee_payouts_and_shipped_products(campaign, settings_row):
    fee_only = book(campaign, fee="500.00")
    bonus_paid = book(campaign, fee="500.00")
    pay(bonus_paid, "500.00", status=Payout.Status.PAID)
    pay(bonus_paid, "150.00")  # the bonus, recorded as a payout
    pay(bonus_paid, "999.00", status=Payout.Status.CANCELLED)
    gifted = book(campaign, fee=None)
    ship(gifted)
    ship(gifted, status=Shipment.Status.SHIPPED)
    ship(gifted, status=Shipment.Status.PENDING_ADDRESS)  # not sent: costs nothing yet

    report = _report(campaign)

    assert _row(report, fee_only).spend == D("500.00")
    assert _row(report, bonus_paid).spend == D("650.00")
    assert _row(report, gifted).spend == D("80.00")
    assert report.totals.spend == D("1230.00")
    assert report.budget_remaining == D("8770.00")


def test_payouts_in_another_currency_are_left_out_and_flagged(campaign, settings_row):
    collaboration = book(campaign, fee="500.00")
    pay(collaboration, "900.00", currency="EUR")

    row = _row(_report(campaign), collaboration)

    assert row.spend == D("500.00")
    assert row.has_other_currency


def test_reach_and_engagement_come_from_the_live_videos_latest_stats(campaign, settings_row):
    collaboration = book(campaign)
    post_video(collaboration, views=10_000, likes=500, comments=40, shares=30, saves=20)
    post_video(collaboration, views=5_000, likes=100)

    row = _row(_report(campaign), collaboration)

    assert (row.views, row.likes, row.comments, row.shares, row.saves, row.posts) == (15_000, 600, 40, 30, 20, 2)
    assert row.engagements == 690
    assert row.cpm == D("500") * 1000 / 15_000
    # default EMV values: 15,000 x 0.01 + 600 x 0.10 + 40 x 0.50 + 30 x 1.00 + 20 x 0.50 = 150 + 60 + 20 + 30 + 10
    assert row.emv == D("270")


def test_clicks_come_from_the_rollups_per_creator_and_per_day(campaign, settings_row):
    first = book(campaign, handle="first")
    second = book(campaign, handle="second")
    next_day = DAY.replace(day=DAY.day + 1)
    clicks(first, {DAY: (100, 80), next_day: (50, 40)}, bots=30)
    clicks(second, {next_day: (10, 10)})
    post_video(first, views=10_000)

    report = _report(campaign)

    assert (_row(report, first).clicks, _row(report, first).unique_clicks) == (150, 120)
    assert _row(report, first).ctr == D("0.015")
    assert _row(report, first).cpc == D("500") / 150
    assert [(p.day, p.clicks, p.unique_clicks) for p in report.days] == [(DAY, 100, 80), (next_day, 60, 50)]
    assert (report.totals.clicks, report.totals.unique_clicks) == (160, 130)


def test_days_without_clicks_are_filled_so_the_chart_axis_is_time(campaign, settings_row):
    collaboration = book(campaign)
    clicks(collaboration, {DAY: (5, 5), DAY.replace(day=DAY.day + 3): (7, 7)})

    days = _report(campaign).days

    assert [p.clicks for p in days] == [5, 0, 0, 7]


def test_only_booked_creators_or_those_with_costs_are_in_the_report(campaign, settings_row):
    booked = book(campaign, stage=Stage.CONTRACTED)
    book(campaign, stage=Stage.SHORTLISTED, fee=None)
    declined_but_seeded = book(campaign, stage=Stage.DECLINED, fee=None)
    ship(declined_but_seeded)

    ids = {row.collaboration_id for row in _report(campaign).rows}

    assert ids == {booked.pk, declined_but_seeded.pk}


def test_another_campaigns_figures_stay_out(campaign, settings_row, workspace):
    with scopes_disabled():
        other = CampaignFactory(workspace=workspace, name="Other")
    mine = book(campaign)
    theirs = book(other)
    clicks(theirs, {DAY: (999, 999)})
    post_video(theirs, views=99_999)

    report = _report(campaign)

    assert [row.collaboration_id for row in report.rows] == [mine.pk]
    assert (report.totals.clicks, report.totals.views) == (0, 0)


def test_each_creator_gets_a_verdict_with_its_reason(campaign, settings_row):
    early = book(campaign, fee="50.00")  # below the 100 minimum spend
    no_revenue = book(campaign, fee="500.00")
    post_video(no_revenue, views=1000)

    report = _report(campaign)

    assert _row(report, early).verdict.is_early
    # No attributed order: ROAS 0 is below the stop line once past the minimums.
    assert _row(report, no_revenue).verdict.verdict is Verdict.STOP
    assert _row(report, no_revenue).verdict.reason == "ROAS 0.00 is below your 1.00 stop line."
    assert report.verdict_counts == {"scale": 0, "keep": 1, "stop": 1}


def test_emv_and_product_values_in_another_currency_are_not_applied(workspace, settings_row):
    with scopes_disabled():
        euro = CampaignFactory(workspace=workspace, budget=Money(D("5000"), "EUR"))
    collaboration = book(euro, fee="300.00")
    ship(collaboration)
    post_video(collaboration, views=10_000)

    report = _report(euro)

    assert not report.emv_applies
    assert _row(report, collaboration).spend == D("300.00")
    assert _row(report, collaboration).emv == 0


def test_the_workspaces_thresholds_decide_the_verdict(campaign, settings_row):
    collaboration = book(campaign, fee="500.00")
    post_video(collaboration, views=1000)
    attributed(collaboration, orders="10", revenue="1000.00")  # ROAS 2.00
    assert _row(_report(campaign), collaboration).verdict.verdict is Verdict.KEEP

    with scopes_disabled():
        ReportSettings.objects.filter(pk=settings_row.pk).update(scale_roas_at_least=D("2.00"))

    assert _row(_report(campaign), collaboration).verdict.verdict is Verdict.SCALE


def test_days_live_count_in_the_workspaces_time_zone(workspace, settings_row):
    with scopes_disabled():
        workspace.time_zone = "Asia/Tokyo"  # UTC+9, no daylight saving
        workspace.save(update_fields=["time_zone"])
        campaign = CampaignFactory(workspace=workspace)
    collaboration = book(campaign, fee="500.00")
    # 20:00 UTC on 1 Nov is 05:00 on 2 Nov in Tokyo; "now" is 16:00 UTC on 8 Nov, 01:00 on 9 Nov there.
    post_video(collaboration, views=10, live_at=datetime.datetime(2026, 11, 1, 20, tzinfo=datetime.UTC))

    with time_machine.travel(datetime.datetime(2026, 11, 8, 14, 30, tzinfo=datetime.UTC), tick=False):
        late_evening = _row(_report(campaign), collaboration).days_live  # 23:30 on 8 Nov in Tokyo
    with time_machine.travel(datetime.datetime(2026, 11, 8, 16, tzinfo=datetime.UTC), tick=False):
        after_midnight = _row(_report(campaign), collaboration).days_live  # 01:00 on 9 Nov in Tokyo

    # Counted in UTC both would be 7 (1 Nov -> 8 Nov); in Tokyo the video went live on 2 Nov.
    assert (late_evening, after_midnight) == (6, 7)


def _queries_for_report(campaign):
    with workspace_scope(campaign.workspace), CaptureQueriesContext(connection) as captured:
        report = selectors.campaign_report(campaign=campaign)
    return len(captured), report


def _populate(campaign, creators: int):
    for index in range(creators):
        collaboration = book(campaign, handle=f"creator{campaign.pk}x{index}")
        pay(collaboration, "100.00")
        ship(collaboration)
        post_video(collaboration, views=1000 + index, likes=10)
        clicks(collaboration, {DAY: (10, 8)})
        attributed(collaboration, orders="2", revenue="120.00", new_customers="1")


def test_the_campaign_report_costs_the_same_queries_for_3_and_30_creators(
    workspace, settings_row, django_assert_num_queries
):
    with scopes_disabled():
        small = CampaignFactory(workspace=workspace)
        large = CampaignFactory(workspace=workspace)
    _populate(small, 3)
    _populate(large, 30)
    small_count, small_report = _queries_for_report(small)

    with workspace_scope(workspace), django_assert_num_queries(small_count):
        large_report = selectors.campaign_report(campaign=large)

    assert len(small_report.rows) == 3 and len(large_report.rows) == 30
    assert small_count <= 8


def test_the_program_view_costs_the_same_queries_for_3_and_30_creators(
    workspace, settings_row, django_assert_num_queries
):
    with scopes_disabled():
        small_workspace = WorkspaceFactory()
        ReportSettings.objects.create(workspace=small_workspace, currency="USD")
        small = CampaignFactory(workspace=small_workspace)
        large = CampaignFactory(workspace=workspace)
    _populate(small, 3)
    _populate(large, 30)
    with workspace_scope(small_workspace), CaptureQueriesContext(connection) as captured:
        small_view = selectors.program_view(workspace=small_workspace)

    with workspace_scope(workspace), django_assert_num_queries(len(captured)):
        large_view = selectors.program_view(workspace=workspace)

    assert len(small_view.rows) == 3 and len(large_view.rows) == 30


# --- Program view ------------------------------------------------------------------------------------


def test_program_view_finds_repeat_partners_in_campaign_order(workspace, settings_row):
    creator = CreatorFactory(handle="repeat", follower_count=50_000)
    with scopes_disabled():
        spring = CampaignFactory(workspace=workspace, name="Spring", start_date=DAY.replace(month=3))
        autumn = CampaignFactory(workspace=workspace, name="Autumn", start_date=DAY.replace(month=9))
    book(autumn, creator=creator, fee="800.00")
    book(spring, creator=creator, fee="400.00")
    book(spring, handle="once")

    with workspace_scope(workspace):
        view = selectors.program_view(workspace=workspace)

    (partner,) = view.partners
    assert partner.handle == "repeat"
    assert [entry.campaign_name for entry in partner.campaigns] == ["Spring", "Autumn"]
    assert [entry.figures.spend for entry in partner.campaigns] == [D("400.00"), D("800.00")]
    assert partner.totals.spend == D("1200.00")


def test_program_view_groups_by_tier_and_niche(workspace, settings_row):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=workspace)
    book(campaign, followers=5_000, niches=["skincare"], fee="100.00")
    book(campaign, followers=50_000, niches=["skincare", "beauty"], fee="300.00")
    book(campaign, followers=60_000, niches=[], fee="200.00")

    with workspace_scope(workspace):
        view = selectors.program_view(workspace=workspace)

    tiers = {segment.key: (segment.creators, segment.figures.spend) for segment in view.tiers}
    assert tiers == {"nano": (1, D("100.00")), "micro": (2, D("500.00"))}
    niches = {segment.key: (segment.creators, segment.figures.spend) for segment in view.niches}
    assert niches == {"skincare": (2, D("400.00")), "beauty": (1, D("300.00")), "none": (1, D("200.00"))}
    assert view.totals.spend == D("600.00")
    assert view.blended_cac is None  # no new customer attributed: no CAC rather than a division by zero


def test_program_view_reads_one_currency_at_a_time(workspace, settings_row):
    with scopes_disabled():
        dollars = CampaignFactory(workspace=workspace, budget=Money(D("1000"), "USD"))
        euros = CampaignFactory(workspace=workspace, budget=Money(D("1000"), "EUR"))
    book(dollars, fee="100.00")
    book(euros, fee="70.00")

    with workspace_scope(workspace):
        usd = selectors.program_view(workspace=workspace)
        eur = selectors.program_view(workspace=workspace, currency="EUR")

    assert (usd.currency, usd.totals.spend, usd.currencies) == ("USD", D("100.00"), ["EUR", "USD"])
    assert (eur.currency, eur.totals.spend) == ("EUR", D("70.00"))


# --- Orders, under the workspace's attribution rule ----------------------------------------------------


def test_orders_revenue_and_new_customers_come_from_the_attribution_rollups(campaign, settings_row):
    collaboration = book(campaign, fee="500.00")
    post_video(collaboration, views=1000)
    next_day = DAY.replace(day=DAY.day + 1)
    attributed(collaboration, orders="10", revenue="1200.00", new_customers="6", refunds="30.00")
    attributed(collaboration, day=next_day, orders="5", revenue="600.00", new_customers="2")
    attributed(collaboration, rule="first_click", orders="99", revenue="9999.00")  # another rule: not shown

    report = _report(campaign)
    row = _row(report, collaboration)

    assert (row.orders, row.revenue, row.new_customers, row.refunds) == (D(15), D("1800.00"), D(8), D("30.00"))
    assert row.roas == D("3.6")
    assert row.cpa == D("500") / 15
    assert row.verdict.verdict is Verdict.SCALE
    assert row.verdict.reason == "ROAS 3.60 is at or above your 3.00 scale line."
    assert [(p.day, p.orders, p.revenue) for p in report.days] == [(DAY, D(10), D("1200")), (next_day, D(5), D("600"))]
    assert report.attribution.rule == "last_click" and report.attribution.is_workspace_rule


def test_a_rule_parameter_compares_another_rule_without_changing_the_workspaces(campaign, settings_row, workspace):
    with scopes_disabled():
        AttributionSettings.objects.create(workspace=workspace, rule="linear", window_days=14)
    collaboration = book(campaign)
    attributed(collaboration, rule="linear", orders="1.5", revenue="150.00")
    attributed(collaboration, rule="first_click", orders="3", revenue="300.00")

    default = _report(campaign)
    with workspace_scope(workspace):
        compared = selectors.campaign_report(campaign=campaign, rule="first_click")
        unknown = selectors.campaign_report(campaign=campaign, rule="made_up")

    assert (default.attribution.rule, default.attribution.window_days, default.totals.orders) == (
        "linear",
        14,
        D("1.5"),
    )
    assert (compared.attribution.rule, compared.totals.revenue) == ("first_click", D("300.00"))
    assert not compared.attribution.is_workspace_rule
    assert unknown.attribution.rule == "linear"
    with scopes_disabled():
        assert AttributionSettings.objects.get(workspace=workspace).rule == "linear"


def test_a_commission_creator_costs_a_share_of_attributed_revenue(campaign, settings_row):
    collaboration = book(campaign, fee=None)
    with scopes_disabled():
        collaboration.compensation_type = "commission"
        collaboration.commission_percent = D("10")
        collaboration.save()
    attributed(collaboration, orders="4", revenue="2000.00")

    assert _row(_report(campaign), collaboration).spend == D("200.00")


def test_blended_cac_is_all_spend_over_all_new_customers(workspace, settings_row):
    with scopes_disabled():
        spring = CampaignFactory(workspace=workspace)
        autumn = CampaignFactory(workspace=workspace)
    attributed(book(spring, fee="300.00"), new_customers="2", revenue="100.00")
    attributed(book(autumn, fee="500.00"), new_customers="3", revenue="100.00")
    book(autumn, fee="200.00")

    with workspace_scope(workspace):
        view = selectors.program_view(workspace=workspace)

    assert view.totals.new_customers == 5
    assert view.blended_cac == D("200")  # (300 + 500 + 200) / 5
