"""The figures of a report, as plain data: raw counts and money per creator, campaign, tier or niche,
the metrics derived from them (reports.metrics), and the headline figures an objective leads with,
compared with the previous period (docs/metrics.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from creators.selectors import tier_of
from reports import metrics

ZERO = Decimal(0)


@dataclass
class Figures:
    """Raw counts and money of one creator, campaign, tier or niche; the metrics derive from them."""

    spend: Decimal = ZERO
    views: int = 0
    reach: int = 0  # follower counts of the creators with views in the period (docs/metrics.md, "Reach")
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    posts: int = 0
    clicks: int = 0
    unique_clicks: int = 0
    orders: Decimal = ZERO
    revenue: Decimal = ZERO
    new_customers: Decimal = ZERO
    refunds: Decimal = ZERO
    emv: Decimal = ZERO

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def engagements(self) -> int:
        return metrics.engagements(likes=self.likes, comments=self.comments, shares=self.shares, saves=self.saves)

    @property
    def cpm(self) -> Decimal | None:
        return metrics.cpm(spend=self.spend, views=self.views)

    @property
    def cpe(self) -> Decimal | None:
        return metrics.cpe(spend=self.spend, engagements=self.engagements)

    @property
    def cpc(self) -> Decimal | None:
        return metrics.cpc(spend=self.spend, clicks=self.clicks)

    @property
    def cpa(self) -> Decimal | None:
        return metrics.cpa(spend=self.spend, orders=self.orders)

    @property
    def cac(self) -> Decimal | None:
        return metrics.cac(spend=self.spend, new_customers=self.new_customers)

    @property
    def roas(self) -> Decimal | None:
        return metrics.roas(revenue=self.revenue, spend=self.spend)

    @property
    def ctr(self) -> Decimal | None:
        return metrics.ctr(clicks=self.clicks, views=self.views)

    @property
    def engagement_rate(self) -> Decimal | None:
        return metrics.engagement_rate(engagements=self.engagements, views=self.views)


@dataclass
class CreatorRow(Figures):
    """One collaboration in a report, with what it cost and what it brought."""

    collaboration_id: int = 0
    creator_id: int = 0
    handle: str = ""
    follower_count: int | None = None  # None: unknown
    niches: list[str] = field(default_factory=list)
    stage: str = ""
    stage_label: str = ""
    compensation: str = ""
    campaign_id: int = 0
    campaign_name: str = ""
    campaign_date: datetime.date | None = None
    fee: Decimal | None = None
    payouts: Decimal = ZERO
    shipments: int = 0
    has_other_currency: bool = False
    days_live: int | None = None
    objective: str = ""
    verdict: metrics.VerdictResult | None = None
    previous: Figures | None = None  # the same figures over the previous period, when the report has a range

    @property
    def tier(self) -> str:
        return tier_of(self.follower_count)

    def figures(self) -> Figures:
        return Figures(**{name: getattr(self, name) for name in Figures.__dataclass_fields__})


@dataclass(frozen=True)
class DayPoint:
    day: datetime.date
    clicks: int
    unique_clicks: int
    orders: Decimal
    revenue: Decimal


# What each figure is called and how it is shown: count, money, ratio (a fraction shown as %), multiple.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "spend": ("Spend", "money"),
    "views": ("Views", "count"),
    "reach": ("Reach", "count"),
    "engagements": ("Engagements", "count"),
    "engagement_rate": ("Engagement rate", "ratio"),
    "clicks": ("Clicks", "count"),
    "unique_clicks": ("Unique clicks", "count"),
    "ctr": ("CTR", "ratio"),
    "orders": ("Orders", "count"),
    "revenue": ("Revenue", "money"),
    "new_customers": ("New customers", "count"),
    "cpm": ("CPM", "money"),
    "cpe": ("CPE", "money"),
    "cpc": ("CPC", "money"),
    "cpa": ("CPA", "money"),
    "roas": ("ROAS", "multiple"),
    "emv": ("EMV", "money"),
}
# A fall is good news for these (a cost going down), so the page colours their deltas the other way.
LOWER_IS_BETTER = frozenset({"cpm", "cpe", "cpc", "cpa"})
SUMMARY_KEYS = ("spend", "views", "reach", "engagements", "engagement_rate", "clicks", "ctr", "orders",
                "revenue", "cpm", "cpe", "cpc", "cpa", "roas", "emv")  # fmt: skip


@dataclass(frozen=True)
class Headline:
    """One figure with its value over the previous period and the change between them."""

    key: str
    label: str
    kind: str
    value: Decimal | int | None
    previous: Decimal | int | None
    change: Decimal | None

    @property
    def is_better(self) -> bool | None:
        if self.change is None or self.change == 0:
            return None
        return (self.change < 0) if self.key in LOWER_IS_BETTER else (self.change > 0)


def headlines(keys: tuple[str, ...], current: Figures, previous: Figures | None) -> list[Headline]:
    """`keys` of `current`, each with its previous value and relative change (none without a previous)."""
    result = []
    for key in keys:
        label, kind = FIGURE_LABELS[key]
        value = getattr(current, key)
        before = getattr(previous, key) if previous is not None else None
        result.append(Headline(key, label, kind, value, before, metrics.change(value, before)))
    return result


def objective_headlines(objective: str, current: Figures, previous: Figures | None) -> list[Headline]:
    """The figures a campaign of `objective` leads with (reports.metrics.HEADLINES)."""
    return headlines(metrics.HEADLINES[metrics.objective_of(objective)], current, previous)
