"""Report formulas on plain numbers, no database (docs/metrics.md, "Reports").

Every ratio returns None when its denominator is zero or unknown, never raises: a creator with no views
has no CPM, not an error. Money figures are Decimals in one currency; callers never mix currencies."""

from __future__ import annotations

import datetime
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


class Objective(StrEnum):
    """What a campaign is for; it picks the verdict's metric and the report's headline figures."""

    AWARENESS = "awareness"
    ENGAGEMENT = "engagement"
    TRAFFIC = "traffic"
    SALES = "sales"


# The figures a report leads with for each objective (docs/metrics.md, "Objectives").
HEADLINES: dict[Objective, tuple[str, ...]] = {
    Objective.AWARENESS: ("views", "cpm", "reach"),
    Objective.ENGAGEMENT: ("engagement_rate", "cpe"),
    Objective.TRAFFIC: ("clicks", "cpc", "ctr"),
    Objective.SALES: ("orders", "roas", "cpa"),
}


def objective_of(value: str | None) -> Objective:
    """The objective a stored value means: "signups" (before campaigns migration 0007 renamed it) is
    traffic, as that migration maps it; anything unknown is judged as sales, the strictest reading."""
    if value == "signups":
        return Objective.TRAFFIC
    try:
        return Objective(value or "")
    except ValueError:
        return Objective.SALES


@dataclass(frozen=True)
class CostLine:
    """A cost metric's two lines: scale at or under `scale_at_most`, stop above `stop_above`."""

    scale_at_most: Decimal
    stop_above: Decimal


@dataclass(frozen=True)
class VerdictThresholds:
    scale_roas_at_least: Decimal
    stop_roas_below: Decimal
    stop_cpa_above: Decimal | None
    min_spend: Decimal
    min_days_live: int
    cpm: CostLine = CostLine(Decimal("5.00"), Decimal("15.00"))
    cpe: CostLine = CostLine(Decimal("0.10"), Decimal("0.50"))
    cpc: CostLine = CostLine(Decimal("0.50"), Decimal("2.00"))
    currency: str = ""  # shown with the amounts in the reasons ("$4.10", "4.10 SEK")


@dataclass(frozen=True)
class VerdictResult:
    verdict: Verdict
    reason: str
    is_early: bool = False  # "keep" only because there is not enough data yet


CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥", "INR": "₹"}


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def money_text(value: Decimal, currency: str) -> str:
    """An amount as a reason shows it: "$4.10", "€0.30", "4.10 SEK" (no sign known), "4.10" (no currency)."""
    sign = CURRENCY_SIGNS.get(currency)
    if sign:
        return f"{sign}{value:,.2f}"
    return f"{value:,.2f} {currency}".strip()


def _too_early(*, spend: Decimal, days_live: int | None, thresholds: VerdictThresholds) -> VerdictResult | None:
    if spend < thresholds.min_spend:
        return VerdictResult(
            Verdict.KEEP,
            f"Too early: {_fmt(spend)} spent of the {_fmt(thresholds.min_spend)} needed for a verdict.",
            is_early=True,
        )
    if days_live is None or days_live < thresholds.min_days_live:
        live = "not live yet" if days_live is None else f"live for {days_live} of {thresholds.min_days_live} days"
        return VerdictResult(Verdict.KEEP, f"Too early: {live}.", is_early=True)
    return None


def cost_verdict(
    *, name: str, cost: Decimal | None, line: CostLine, spend: Decimal, nothing: str, currency: str
) -> VerdictResult:
    """The rule of the awareness, engagement and traffic objectives: stop when the cost per unit is above
    the stop line (or when nothing was bought: no view, engagement or click for the spend), scale at or
    under the scale line, keep in between."""
    if cost is None:
        return VerdictResult(Verdict.STOP, f"No {nothing} after {money_text(spend, currency)} spent.")
    shown, scale, stop = (money_text(v, currency) for v in (cost, line.scale_at_most, line.stop_above))
    if cost > line.stop_above:
        return VerdictResult(Verdict.STOP, f"{name} {shown} is above your {stop} stop line.")
    if cost <= line.scale_at_most:
        return VerdictResult(Verdict.SCALE, f"{name} {shown} is under your {scale} scale line.")
    return VerdictResult(Verdict.KEEP, f"{name} {shown} is between your {scale} scale line and {stop} stop line.")


def sales_verdict(*, spend: Decimal, revenue: Decimal, orders: Number, thresholds: VerdictThresholds) -> VerdictResult:
    """Stop below the stop ROAS or above the CPA ceiling (no order at all is above any ceiling), scale at
    or above the scale ROAS, keep in between."""
    return_on_spend = roas(revenue=revenue, spend=spend) or ZERO  # spend >= min_spend, so only a 0 minimum gives None
    if return_on_spend < thresholds.stop_roas_below:
        return VerdictResult(
            Verdict.STOP, f"ROAS {_fmt(return_on_spend)} is below your {_fmt(thresholds.stop_roas_below)} stop line."
        )
    if thresholds.stop_cpa_above is not None:
        cost_per_order = cpa(spend=spend, orders=orders)
        if cost_per_order is None:
            return VerdictResult(Verdict.STOP, f"No order after {money_text(spend, thresholds.currency)} spent.")
        if cost_per_order > thresholds.stop_cpa_above:
            shown, ceiling = (money_text(v, thresholds.currency) for v in (cost_per_order, thresholds.stop_cpa_above))
            return VerdictResult(Verdict.STOP, f"CPA {shown} is above your {ceiling} ceiling.")
    if return_on_spend >= thresholds.scale_roas_at_least:
        return VerdictResult(
            Verdict.SCALE,
            f"ROAS {_fmt(return_on_spend)} is at or above your {_fmt(thresholds.scale_roas_at_least)} scale line.",
        )
    return VerdictResult(
        Verdict.KEEP,
        f"ROAS {_fmt(return_on_spend)} is between your {_fmt(thresholds.stop_roas_below)} stop line and "
        f"{_fmt(thresholds.scale_roas_at_least)} scale line.",
    )


def verdict(
    *,
    spend: Decimal,
    revenue: Decimal,
    orders: Number,
    days_live: int | None,
    thresholds: VerdictThresholds,
    objective: Objective | str = Objective.SALES,
    views: int = 0,
    engagements: int = 0,
    clicks: int = 0,
) -> VerdictResult:
    """Scale, keep or stop in the terms of the campaign's objective, with the reason in words
    (docs/metrics.md, "Verdicts").

    Too early (less than the minimum spend, or live for fewer than the minimum days) is always "keep",
    whatever the objective: the thresholds would judge on noise. Then awareness is judged on CPM,
    engagement on CPE, traffic on CPC (each by `cost_verdict`), sales on ROAS and CPA (`sales_verdict`)."""
    early = _too_early(spend=spend, days_live=days_live, thresholds=thresholds)
    if early is not None:
        return early
    currency = thresholds.currency
    match objective_of(str(objective)):
        case Objective.AWARENESS:
            return cost_verdict(
                name="CPM", cost=cpm(spend=spend, views=views), line=thresholds.cpm, spend=spend,
                nothing="view", currency=currency,
            )  # fmt: skip
        case Objective.ENGAGEMENT:
            return cost_verdict(
                name="CPE", cost=cpe(spend=spend, engagements=engagements), line=thresholds.cpe, spend=spend,
                nothing="engagement", currency=currency,
            )  # fmt: skip
        case Objective.TRAFFIC:
            return cost_verdict(
                name="CPC", cost=cpc(spend=spend, clicks=clicks), line=thresholds.cpc, spend=spend,
                nothing="click", currency=currency,
            )  # fmt: skip
    return sales_verdict(spend=spend, revenue=revenue, orders=orders, thresholds=thresholds)


def spend_in_range(
    *, spend: Decimal, window: tuple[datetime.date, datetime.date], period: tuple[datetime.date, datetime.date]
) -> Decimal:
    """The share of a campaign's spend that falls in `period`: spend is spread evenly over the days of the
    campaign's `window` (both ends included), so a period covering a third of them carries a third of it.
    Fees and products are not paid per day; an even spread is what makes a period's CPM or ROAS mean
    something (docs/metrics.md, "Ranges")."""
    window_days = (window[1] - window[0]).days + 1
    if window_days <= 0:
        return spend
    overlap = (min(window[1], period[1]) - max(window[0], period[0])).days + 1
    if overlap <= 0:
        return ZERO
    return spend * overlap / window_days


def linear_projection(
    *, actual: Decimal, start: datetime.date, today: datetime.date, end: datetime.date
) -> Decimal | None:
    """A counted KPI's straight-line projection to `end`: actual / days elapsed x days of the whole run,
    both counted with their first and last day (docs/metrics.md, "KPIs"). None before the start or without
    a run (end before start); the actual itself once the end has passed."""
    if end < start or today < start:
        return None
    if today >= end:
        return actual
    elapsed = (today - start).days + 1
    total = (end - start).days + 1
    return actual * total / elapsed


def change(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """The relative change from `previous` to `current` as a fraction (0.25 = +25 %); None when either is
    unknown or the previous is 0 (a change from nothing has no percentage)."""
    if current is None or previous is None or previous == 0:
        return None
    return (Decimal(current) - Decimal(previous)) / abs(Decimal(previous))
