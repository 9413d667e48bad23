"""Report formulas on plain numbers (docs/metrics.md, "Reports"): each checked against a figure worked
out by hand, and every ratio over zero is None, never an exception."""

from decimal import Decimal

import pytest

from reports import metrics
from reports.metrics import Verdict, VerdictThresholds

D = Decimal
THRESHOLDS = VerdictThresholds(
    scale_roas_at_least=D("3.00"), stop_roas_below=D("1.00"), stop_cpa_above=None, min_spend=D("100"), min_days_live=7
)


def test_cpm_is_cost_per_thousand_views():
    assert metrics.cpm(spend=D("250"), views=50_000) == D("5")


def test_cpe_divides_spend_by_likes_comments_shares_and_saves():
    engagements = metrics.engagements(likes=300, comments=50, shares=100, saves=50)
    assert engagements == 500
    assert metrics.cpe(spend=D("250"), engagements=engagements) == D("0.5")


def test_cpc_cpa_cac_and_roas():
    assert metrics.cpc(spend=D("300"), clicks=1200) == D("0.25")
    assert metrics.cpa(spend=D("300"), orders=D("12")) == D("25")
    assert metrics.cac(spend=D("300"), new_customers=4) == D("75")
    assert metrics.roas(revenue=D("900"), spend=D("300")) == D("3")


def test_ctr_and_engagement_rate_are_fractions_of_views():
    assert metrics.ctr(clicks=150, views=10_000) == D("0.015")
    assert metrics.engagement_rate(engagements=600, views=10_000) == D("0.06")


@pytest.mark.parametrize(
    "formula",
    [
        lambda: metrics.cpm(spend=D("100"), views=0),
        lambda: metrics.cpe(spend=D("100"), engagements=0),
        lambda: metrics.cpc(spend=D("100"), clicks=0),
        lambda: metrics.cpa(spend=D("100"), orders=D(0)),
        lambda: metrics.cac(spend=D("100"), new_customers=0),
        lambda: metrics.roas(revenue=D("100"), spend=D(0)),
        lambda: metrics.ctr(clicks=10, views=0),
        lambda: metrics.engagement_rate(engagements=10, views=0),
        lambda: metrics.ratio(None, 10),
        lambda: metrics.ratio(10, None),
    ],
)
def test_a_ratio_over_zero_or_unknown_is_none(formula):
    assert formula() is None


def test_zero_spend_over_views_is_a_free_cpm_of_zero():
    assert metrics.cpm(spend=D(0), views=1000) == 0


def test_emv_values_each_action():
    values = metrics.EmvValues(view=D("0.01"), like=D("0.10"), comment=D("0.50"), share=D("1.00"), save=D("0.50"))
    # 10,000 x 0.01 + 500 x 0.10 + 40 x 0.50 + 30 x 1.00 + 20 x 0.50 = 100 + 50 + 20 + 30 + 10
    assert metrics.emv(values=values, views=10_000, likes=500, comments=40, shares=30, saves=20) == D("210")


def test_spend_is_the_fee_when_nothing_is_paid_yet():
    assert metrics.collaboration_spend(fee=D("500"), payouts=D(0), shipments=0, product_value=D("40")) == D("500")


def test_spend_is_the_payouts_when_they_exceed_the_fee_as_a_recorded_bonus_does():
    assert metrics.collaboration_spend(fee=D("500"), payouts=D("650"), shipments=0, product_value=D(0)) == D("650")


def test_spend_adds_each_shipped_product():
    assert metrics.collaboration_spend(fee=None, payouts=D(0), shipments=2, product_value=D("35")) == D("70")


def test_a_commission_deal_costs_its_share_of_attributed_revenue():
    spend = metrics.collaboration_spend(
        fee=None, payouts=D(0), shipments=0, product_value=D(0), commission_percent=D("15"), revenue=D("1000")
    )
    assert spend == D("150")


def test_verdict_waits_below_the_minimum_spend():
    result = metrics.verdict(spend=D("99"), revenue=D("0"), orders=0, days_live=30, thresholds=THRESHOLDS)
    assert result.verdict is Verdict.KEEP
    assert result.is_early
    assert "99.00 spent of the 100.00" in result.reason


def test_verdict_waits_until_the_video_has_been_live_long_enough():
    result = metrics.verdict(spend=D("500"), revenue=D("0"), orders=0, days_live=3, thresholds=THRESHOLDS)
    assert result.verdict is Verdict.KEEP and result.is_early
    assert "3 of 7 days" in result.reason
    not_live = metrics.verdict(spend=D("500"), revenue=D("0"), orders=0, days_live=None, thresholds=THRESHOLDS)
    assert not_live.is_early and "not live yet" in not_live.reason


def test_verdict_stops_below_the_stop_roas():
    result = metrics.verdict(spend=D("500"), revenue=D("250"), orders=5, days_live=10, thresholds=THRESHOLDS)
    assert result.verdict is Verdict.STOP
    assert result.reason == "ROAS 0.50 is below your 1.00 stop line."


def test_verdict_scales_at_the_scale_roas():
    result = metrics.verdict(spend=D("500"), revenue=D("1500"), orders=30, days_live=10, thresholds=THRESHOLDS)
    assert result.verdict is Verdict.SCALE
    assert result.reason == "ROAS 3.00 is at or above your 3.00 scale line."


def test_verdict_keeps_between_the_lines():
    result = metrics.verdict(spend=D("500"), revenue=D("1000"), orders=20, days_live=10, thresholds=THRESHOLDS)
    assert result.verdict is Verdict.KEEP and not result.is_early
    assert result.reason == "ROAS 2.00 is between your 1.00 stop line and 3.00 scale line."


def test_verdict_stops_above_the_cpa_ceiling_even_with_a_good_roas():
    ceiling = VerdictThresholds(**{**THRESHOLDS.__dict__, "stop_cpa_above": D("40")})
    result = metrics.verdict(spend=D("500"), revenue=D("2000"), orders=10, days_live=10, thresholds=ceiling)
    assert result.verdict is Verdict.STOP
    assert result.reason == "CPA 50.00 is above your 40.00 ceiling."
    no_order = metrics.verdict(spend=D("500"), revenue=D("0"), orders=0, days_live=10, thresholds=ceiling)
    assert no_order.verdict is Verdict.STOP


def test_verdict_with_a_zero_minimum_spend_and_nothing_spent_does_not_crash():
    free = VerdictThresholds(**{**THRESHOLDS.__dict__, "min_spend": D(0), "stop_roas_below": D(0)})
    result = metrics.verdict(spend=D(0), revenue=D(0), orders=0, days_live=10, thresholds=free)
    assert result.verdict is Verdict.KEEP
