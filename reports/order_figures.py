"""Orders, revenue, new customers and refunds credited to collaborations, read from the attribution
daily rollups under one attribution rule. The one place reports read order figures from."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from accounts.models import Workspace
from analytics.models import AttributionDailyRollup, AttributionRule
from analytics.orders.services import attribution_settings

ZERO = Decimal(0)


@dataclass(frozen=True)
class OrderFigures:
    orders: Decimal = ZERO  # a Decimal: a rule may split one order's credit between creators
    revenue: Decimal = ZERO
    new_customers: Decimal = ZERO  # a Decimal for the same reason
    refunds: Decimal = ZERO

    def __add__(self, other: OrderFigures) -> OrderFigures:
        return OrderFigures(
            orders=self.orders + other.orders,
            revenue=self.revenue + other.revenue,
            new_customers=self.new_customers + other.new_customers,
            refunds=self.refunds + other.refunds,
        )


@dataclass(frozen=True)
class OrderTotals:
    by_collaboration: dict[int, OrderFigures] = field(default_factory=dict)
    by_day: dict[datetime.date, OrderFigures] = field(default_factory=dict)
    # The previous period of the same length, when the figures were read for a range.
    previous_by_collaboration: dict[int, OrderFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class AttributionChoice:
    rule: str  # the rule the figures are read under
    label: str
    workspace_rule: str  # the rule the workspace chose (the default of every report)
    window_days: int | None
    choices: Sequence[tuple[str, str]]

    @property
    def is_workspace_rule(self) -> bool:
        return self.rule == self.workspace_rule


def attribution_choice(*, workspace: Workspace, requested: str | None = None) -> AttributionChoice:
    """The rule a report reads under: `requested` when it is a known rule (a ?rule= comparison), else the
    workspace's own. Every rule is stored for every order, so a comparison costs nothing extra."""
    chosen = attribution_settings(workspace=workspace)
    rule = requested if requested in AttributionRule.values else chosen.rule
    return AttributionChoice(
        rule=rule,
        label=AttributionRule(rule).label,
        workspace_rule=chosen.rule,
        window_days=chosen.window_days,
        choices=list(AttributionRule.choices),
    )


def order_totals(
    *,
    workspace: Workspace,
    rule: str,
    currency: str,
    campaign_id: int | None = None,
    with_days: bool = False,
    days: tuple[datetime.date, datetime.date] | None = None,
    previous_days: tuple[datetime.date, datetime.date] | None = None,
) -> OrderTotals:
    """Per collaboration (and per day of the workspace's time zone when `with_days`), the attributed
    figures in `currency`, for one campaign or the whole workspace, over the days `days` (both ends
    included; None: all) and, per collaboration, over `previous_days` in the same query. Two queries at
    most."""
    rollups = AttributionDailyRollup.objects.filter(workspace=workspace, rule=rule, revenue_currency=currency)
    if campaign_id is not None:
        rollups = rollups.filter(collaboration__campaign_id=campaign_id)
    else:
        rollups = rollups.filter(collaboration__campaign__budget_currency=currency)
    current = Q(day__range=days) if days else Q()
    previous = Q(day__range=previous_days) if previous_days else None
    if days and previous_days:
        rollups = rollups.filter(day__range=(min(days[0], previous_days[0]), max(days[1], previous_days[1])))
    elif days:
        rollups = rollups.filter(current)
    sums = _sums("", current)
    if previous is not None:
        sums |= _sums("previous_", previous)
    by_collaboration, previous_by_collaboration = {}, {}
    for row in rollups.order_by().values("collaboration_id").annotate(**sums):
        by_collaboration[row["collaboration_id"]] = _figures(row)
        if previous is not None:
            previous_by_collaboration[row["collaboration_id"]] = _figures(row, prefix="previous_")
    by_day = {}
    if with_days:
        in_days = rollups.filter(current) if previous is not None else rollups
        by_day = {row["day"]: _figures(row) for row in in_days.order_by().values("day").annotate(**_sums("", Q()))}
    return OrderTotals(
        by_collaboration=by_collaboration, by_day=by_day, previous_by_collaboration=previous_by_collaboration
    )


def _sums(prefix: str, condition: Q) -> dict[str, Any]:
    return {
        f"{prefix}{name}_sum": Sum(name, filter=condition or None)
        for name in ("orders", "revenue", "new_customers", "refunds")
    }


def _figures(row: Any, *, prefix: str = "") -> OrderFigures:  # a values() row: sums by annotation names
    return OrderFigures(
        orders=row[f"{prefix}orders_sum"] or ZERO,
        revenue=row[f"{prefix}revenue_sum"] or ZERO,
        new_customers=row[f"{prefix}new_customers_sum"] or ZERO,
        refunds=row[f"{prefix}refunds_sum"] or ZERO,
    )
