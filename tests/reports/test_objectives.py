"""Objective-aware verdicts and the pure rules behind ranges and KPIs (reports.metrics, reports.kpis,
reports.ranges): every expected value worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from core.errors import ApplicationError
from reports import metrics
from reports.figures import Figures
from reports.kpis import kpi_lines
from reports.metrics import CostLine, Objective, Verdict, VerdictThresholds
from reports.ranges import parse_range

D = Decimal
THRESHOLDS = VerdictThresholds(
    scale_roas_at_least=D("3.00"),
    stop_roas_below=D("1.00"),
    stop_cpa_above=None,
    min_spend=D("100"),
    min_days_live=7,
    cpm=CostLine(D("5.00"), D("15.00")),
    cpe=CostLine(D("0.10"), D("0.50")),
    cpc=CostLine(D("0.50"), D("2.00")),
    currency="USD",
)


def judge(objective, *, spend="410", views=0, engagements=0, clicks=0, revenue="0", orders=0, days_live=10):
    return metrics.verdict(
        spend=D(spend), revenue=D(revenue), orders=orders, days_live=days_live, thresholds=THRESHOLDS,
        objective=objective, views=views, engagements=engagements, clicks=clicks,
    )  # fmt: skip


# --- Awareness: CPM = spend / views x 1000 ------------------------------------------------------------


def test_awareness_scales_at_or_under_the_cpm_scale_line():
    # 410 / 100,000 x 1000 = 4.10, under 5.00
    result = judge("awareness", views=100_000)
    assert result.verdict is Verdict.SCALE
    assert result.reason == "CPM $4.10 is under your $5.00 scale line."


def test_awareness_keeps_between_the_cpm_lines():
    # 410 / 41,000 x 1000 = 10.00
    result = judge("awareness", views=41_000)
    assert result.verdict is Verdict.KEEP
    assert result.reason == "CPM $10.00 is between your $5.00 scale line and $15.00 stop line."


def test_awareness_stops_above_the_cpm_stop_line_or_without_views():
    # 410 / 20,000 x 1000 = 20.50
    assert judge("awareness", views=20_000).reason == "CPM $20.50 is above your $15.00 stop line."
    no_views = judge("awareness", views=0)
    assert no_views.verdict is Verdict.STOP and no_views.reason == "No view after $410.00 spent."


def test_an_awareness_campaign_without_orders_is_not_stopped_for_its_roas():
    assert judge("awareness", views=100_000, revenue="0", orders=0).verdict is Verdict.SCALE


# --- Engagement: CPE = spend / (likes + comments + shares + saves) -----------------------------------


def test_engagement_is_judged_on_cpe():
    assert judge("engagement", engagements=5_000).reason == "CPE $0.08 is under your $0.10 scale line."  # 410/5000
    assert judge("engagement", engagements=1_640).verdict is Verdict.KEEP  # 410/1640 = 0.25
    stopped = judge("engagement", engagements=410)  # 1.00
    assert stopped.verdict is Verdict.STOP and stopped.reason == "CPE $1.00 is above your $0.50 stop line."
    assert judge("engagement", engagements=0).reason == "No engagement after $410.00 spent."


def test_the_scale_line_itself_scales():
    # 410 / 4,100 = 0.10 exactly: "at or under" the line
    assert judge("engagement", engagements=4_100).verdict is Verdict.SCALE


# --- Traffic: CPC = spend / human clicks --------------------------------------------------------------


def test_traffic_is_judged_on_cpc():
    assert judge("traffic", clicks=1_000).reason == "CPC $0.41 is under your $0.50 scale line."
    assert judge("traffic", clicks=410).reason == "CPC $1.00 is between your $0.50 scale line and $2.00 stop line."
    assert judge("traffic", clicks=100).reason == "CPC $4.10 is above your $2.00 stop line."
    assert judge("traffic", clicks=0).verdict is Verdict.STOP


# --- Sales: ROAS and CPA (the rules of test_metrics, now in the objective's terms) --------------------


def test_sales_is_judged_on_roas():
    assert judge("sales", revenue="1230", orders=10).reason == "ROAS 3.00 is at or above your 3.00 scale line."
    assert judge("sales", revenue="205", orders=2).reason == "ROAS 0.50 is below your 1.00 stop line."


# --- Shared guard and objective names ----------------------------------------------------------------


@pytest.mark.parametrize("objective", ["awareness", "engagement", "traffic", "sales"])
def test_every_objective_waits_for_the_minimum_spend_and_days(objective):
    early_spend = judge(objective, spend="99", views=10**6, engagements=10**6, clicks=10**6)
    assert early_spend.verdict is Verdict.KEEP and early_spend.is_early
    early_days = judge(objective, days_live=3, views=10**6, engagements=10**6, clicks=10**6)
    assert early_days.is_early and "3 of 7 days" in early_days.reason


def test_old_signups_campaigns_are_traffic_and_unknown_objectives_are_sales():
    assert metrics.objective_of("signups") is Objective.TRAFFIC
    assert metrics.objective_of("awareness") is Objective.AWARENESS
    assert metrics.objective_of("nonsense") is Objective.SALES
    assert metrics.HEADLINES[Objective.AWARENESS] == ("views", "cpm", "reach")
    assert metrics.HEADLINES[Objective.SALES] == ("orders", "roas", "cpa")


def test_amounts_in_a_currency_without_a_sign_carry_its_code():
    assert metrics.money_text(D("4.1"), "SEK") == "4.10 SEK"
    assert metrics.money_text(D("1234.5"), "EUR") == "€1,234.50"


# --- Ranges: spend spread over the campaign, changes, projections -------------------------------------


def test_a_periods_spend_is_its_share_of_the_campaigns_days():
    window = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))  # 30 days
    # 7 days of 30: 900 x 7 / 30 = 210
    week = (datetime.date(2026, 11, 10), datetime.date(2026, 11, 16))
    assert metrics.spend_in_range(spend=D("900"), window=window, period=week) == D("210")
    # A period half outside: 25-30 Nov inside = 6 days -> 180
    straddling = (datetime.date(2026, 11, 25), datetime.date(2026, 12, 8))
    assert metrics.spend_in_range(spend=D("900"), window=window, period=straddling) == D("180")
    before = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    assert metrics.spend_in_range(spend=D("900"), window=window, period=before) == D("0")


def test_change_is_relative_to_the_previous_period():
    assert metrics.change(150, 120) == D("0.25")
    assert metrics.change(D("90"), D("120")) == D("-0.25")
    assert metrics.change(10, 0) is None and metrics.change(None, 5) is None


def test_a_count_is_projected_on_a_straight_line_to_the_end():
    start, end = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    # 10 of 30 days elapsed (1-10 Nov), 40,000 views: 40,000 / 10 x 30 = 120,000
    projected = metrics.linear_projection(actual=D("40000"), start=start, today=datetime.date(2026, 11, 10), end=end)
    assert projected == D("120000")
    assert metrics.linear_projection(actual=D("5"), start=start, today=datetime.date(2026, 12, 5), end=end) == D("5")
    assert metrics.linear_projection(actual=D("5"), start=start, today=datetime.date(2026, 10, 5), end=end) is None


def test_kpi_lines_compare_each_target_with_its_actual_and_projection():
    totals = Figures(spend=D("400"), views=40_000, clicks=200, orders=D("8"), revenue=D("800"))
    lines = kpi_lines(
        kpis=[
            {"metric": "views", "target": "100000"},
            {"metric": "cpa", "target": "40"},
            {"metric": "roas", "target": "2.5", "deadline": "2026-11-20"},
            {"metric": "cpc", "target": "2.5"},
            {"metric": "signups", "target": "10"},  # no longer a KPI metric (campaigns 0007): skipped
        ],
        totals=totals,
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2026, 11, 30),
        today=datetime.date(2026, 11, 10),
    )
    views, cost, roas, cpc = lines
    assert (views.actual, views.projection, views.progress, views.status) == (
        D("40000"),
        D("120000"),
        D("0.4"),
        "on track",
    )
    # CPA 400 / 8 = 50 against a ceiling of 40: 40 / 50 = 80 % there, projected as it stands -> behind
    assert (cost.actual, cost.progress, cost.status) == (D("50"), D("0.8"), "behind")
    # ROAS 800 / 400 = 2.00 of 2.5, by its own deadline
    assert (roas.actual, roas.ends_on, roas.is_deadline, roas.progress) == (
        D("2"),
        datetime.date(2026, 11, 20),
        True,
        D("0.8"),
    )
    # CPC 400 / 200 clicks = 2.00 under a ceiling of 2.50: 2.5 / 2 = 125 %, met; the bar stops at 100
    assert (cpc.actual, cpc.progress, cpc.status, cpc.progress_percent) == (D("2"), D("1.25"), "met", 100)


# --- Parsing a range ----------------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 20)


def test_presets_end_today_and_compare_with_the_days_just_before():
    week = parse_range({"range": "7d"}, today=TODAY)
    assert (week.start, week.end, week.days) == (datetime.date(2026, 11, 14), TODAY, 7)
    assert (week.previous_start, week.previous_end) == (datetime.date(2026, 11, 7), datetime.date(2026, 11, 13))
    assert parse_range({}, today=TODAY).is_all_time
    to_date = parse_range({"range": "ctd"}, today=TODAY, campaign_start=datetime.date(2026, 11, 1))
    assert (to_date.start, to_date.days) == (datetime.date(2026, 11, 1), 20)


def test_a_custom_range_takes_both_ends():
    custom = parse_range({"range": "custom", "from": "2026-10-01", "to": "2026-10-31"}, today=TODAY)
    assert (custom.days, custom.previous_start, custom.previous_end) == (
        31, datetime.date(2026, 8, 31), datetime.date(2026, 9, 30)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"range": "custom", "from": "2026-10-31", "to": "2026-10-01"}, "ends (2026-10-01) before it starts"),
        ({"range": "custom", "from": "last tuesday", "to": "2026-10-01"}, "is not a date"),
        ({"range": "custom", "from": "2020-01-01", "to": "2026-10-01"}, "too long"),
        ({"range": "14d"}, "Unknown range"),
        ({"range": "ctd"}, "needs a campaign"),
    ],
)
def test_bad_ranges_are_refused_with_the_reason(params, message):
    with pytest.raises(ApplicationError) as refused:
        parse_range(params, today=TODAY)
    assert message in refused.value.message and refused.value.code == "invalid_range"


def test_every_kpi_metric_a_campaign_accepts_is_one_the_report_measures():
    from campaigns.services import KPI_METRICS
    from reports.kpis import KPI_KINDS

    assert set(KPI_METRICS) <= set(KPI_KINDS)
