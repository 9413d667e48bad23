"""Report formulas on plain numbers, no database (docs/metrics.md, "Reports").

Every ratio returns None when its denominator is zero or unknown, never raises: a creator with no views
has no CPM, not an error. Money figures are Decimals in one currency; callers never mix currencies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

Number = Decimal | int

ZERO = Decimal(0)


def ratio(numerator: Number | None, denominator: Number | None, *, scale: int = 1) -> Decimal | None:
    """numerator / denominator * scale, or None when either is unknown or the denominator is not positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return Decimal(numerator) * scale / Decimal(denominator)


def engagements(*, likes: int, comments: int, shares: int, saves: int) -> int:
    return likes + comments + shares + saves


def cpm(*, spend: Decimal, views: int) -> Decimal | None:
    """Cost per thousand views."""
    return ratio(spend, views, scale=1000)


def cpe(*, spend: Decimal, engagements: int) -> Decimal | None:
    """Cost per engagement (like, comment, share or save)."""
    return ratio(spend, engagements)


def cpc(*, spend: Decimal, clicks: int) -> Decimal | None:
    """Cost per human click (bots and link previews are not clicks)."""
    return ratio(spend, clicks)


def cpa(*, spend: Decimal, orders: Number) -> Decimal | None:
    """Cost per attributed order."""
    return ratio(spend, orders)


def cac(*, spend: Decimal, new_customers: Number) -> Decimal | None:
    """Customer acquisition cost: spend per new customer (blended over a program)."""
    return ratio(spend, new_customers)


def roas(*, revenue: Decimal, spend: Decimal) -> Decimal | None:
    """Return on ad spend: attributed revenue per unit of spend (2.5 = 2.50 back for each 1.00)."""
    return ratio(revenue, spend)


def ctr(*, clicks: int, views: int) -> Decimal | None:
    """Click-through rate as a fraction (0.012 = 1.2 %): human clicks over views."""
    return ratio(clicks, views)


def engagement_rate(*, engagements: int, views: int) -> Decimal | None:
    return ratio(engagements, views)


@dataclass(frozen=True)
class EmvValues:
    """What one action is worth, in the report settings' currency."""

    view: Decimal
    like: Decimal
    comment: Decimal
    share: Decimal
    save: Decimal


def emv(*, values: EmvValues, views: int, likes: int, comments: int, shares: int, saves: int) -> Decimal:
    """Earned media value: each action times what the workspace says it is worth."""
    return (
        views * values.view
        + likes * values.like
        + comments * values.comment
        + shares * values.share
        + saves * values.save
    )


def collaboration_spend(
    *,
    fee: Decimal | None,
    payouts: Decimal,
    shipments: int,
    product_value: Decimal,
    commission_percent: Decimal | None = None,
    revenue: Decimal = ZERO,
) -> Decimal:
    """What a collaboration cost, without anyone typing a rate:

    max(contract cost, recorded payouts) + shipments x product value, where the contract cost is the
    agreed fee, plus the commission on attributed revenue for commission deals. Payouts (due or paid,
    never cancelled) win when they are higher, which is how an earned bonus is counted once it is
    recorded as a payout; a fee not paid yet still counts, as it is owed."""
    contract = fee or ZERO
    if commission_percent:
        contract += revenue * commission_percent / 100
    return max(contract, payouts) + shipments * product_value


class Verdict(StrEnum):
    SCALE = "scale"
    KEEP = "keep"
    STOP = "stop"


@dataclass(frozen=True)
class VerdictThresholds:
    scale_roas_at_least: Decimal
    stop_roas_below: Decimal
    stop_cpa_above: Decimal | None
    min_spend: Decimal
    min_days_live: int


@dataclass(frozen=True)
class VerdictResult:
    verdict: Verdict
    reason: str
    is_early: bool = False  # "keep" only because there is not enough data yet


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def verdict(
    *, spend: Decimal, revenue: Decimal, orders: Number, days_live: int | None, thresholds: VerdictThresholds
) -> VerdictResult:
    """Scale, keep or stop, with the reason in words (docs/metrics.md, "Verdicts").

    Too early (less than the minimum spend, or live for fewer than the minimum days) is always "keep":
    the thresholds would judge on noise. Then stop rules come first, since losing money outweighs
    everything else: ROAS below the stop line, or CPA above the ceiling (no order at all counts as above
    any ceiling). Then scale at or above the scale line; keep in between."""
    if spend < thresholds.min_spend:
        return VerdictResult(
            Verdict.KEEP,
            f"Too early: {_fmt(spend)} spent of the {_fmt(thresholds.min_spend)} needed for a verdict.",
            is_early=True,
        )
    if days_live is None or days_live < thresholds.min_days_live:
        live = "not live yet" if days_live is None else f"live for {days_live} of {thresholds.min_days_live} days"
        return VerdictResult(Verdict.KEEP, f"Too early: {live}.", is_early=True)
    return_on_spend = roas(revenue=revenue, spend=spend) or ZERO  # spend >= min_spend, so only a 0 minimum gives None
    if return_on_spend < thresholds.stop_roas_below:
        return VerdictResult(Verdict.STOP, f"ROAS {_fmt(return_on_spend)} is below {_fmt(thresholds.stop_roas_below)}.")
    if thresholds.stop_cpa_above is not None:
        cost_per_order = cpa(spend=spend, orders=orders)
        if cost_per_order is None:
            return VerdictResult(Verdict.STOP, f"No order after {_fmt(spend)} spent.")
        if cost_per_order > thresholds.stop_cpa_above:
            return VerdictResult(
                Verdict.STOP, f"CPA {_fmt(cost_per_order)} is above {_fmt(thresholds.stop_cpa_above)}."
            )
    if return_on_spend >= thresholds.scale_roas_at_least:
        return VerdictResult(
            Verdict.SCALE, f"ROAS {_fmt(return_on_spend)} is at or above {_fmt(thresholds.scale_roas_at_least)}."
        )
    return VerdictResult(
        Verdict.KEEP,
        f"ROAS {_fmt(return_on_spend)} is between {_fmt(thresholds.stop_roas_below)} and "
        f"{_fmt(thresholds.scale_roas_at_least)}.",
    )
