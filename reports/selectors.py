"""Reads for reports: a campaign's report and the program view across campaigns.

Each report costs a constant number of queries whatever the number of creators: one for the
collaborations (payouts, shipments and first live date as subqueries), one for their videos' latest
stats, one or two over the click rollups, at most two over the attribution rollups, and the settings.
Clicks and orders come from daily rollups maintained by workers, never from raw events, so a campaign
with millions of clicks reads a few thousand rows (bench/bench_reports.py).

Money is never summed across currencies: a report reads one currency (the campaign's budget currency,
or the one the program view is set to); payouts in any other currency are left out and flagged."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Workspace
from analytics.models import ClickDailyRollup
from campaigns.models import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    Campaign,
    Collaboration,
    Deliverable,
    Payout,
    Shipment,
)
from campaigns.pipeline import Stage
from creators.models import Niche
from creators.selectors import tier_of
from reports import metrics
from reports.models import ReportSettings
from reports.order_figures import AttributionChoice, OrderFigures, attribution_choice, order_totals
from reports.settings import emv_values, report_settings_for, verdict_thresholds

ZERO = Decimal(0)
# Collaborations that were booked: their creators are in the report even before any cost or click.
BOOKED_STAGES = frozenset({Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.LIVE, Stage.PAID})
# A shipment's product has left the warehouse once shipped; a returned one was sent too.
SENT_SHIPMENTS = (Shipment.Status.SHIPPED, Shipment.Status.DELIVERED, Shipment.Status.RETURNED)
# "unknown": creators whose follower count is not known (NULL), a segment of their own, listed last.
TIER_ORDER = ("nano", "micro", "macro", "mega", "unknown")

_MONEY_SUM = DecimalField(max_digits=MONEY_MAX_DIGITS + 4, decimal_places=MONEY_DECIMAL_PLACES)  # room for sums


@dataclass
class Figures:
    """Raw counts and money of one creator, campaign, tier or niche; the metrics derive from them."""

    spend: Decimal = ZERO
    views: int = 0
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
    verdict: metrics.VerdictResult | None = None

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


@dataclass
class CampaignReport:
    campaign: Campaign
    currency: str
    settings: ReportSettings
    attribution: AttributionChoice
    rows: list[CreatorRow]
    totals: Figures
    days: list[DayPoint]
    emv_applies: bool  # the settings' values are in the campaign's currency

    @property
    def budget(self) -> Decimal:
        return self.campaign.budget.amount

    @property
    def budget_used(self) -> Decimal | None:
        return metrics.ratio(self.totals.spend, self.budget)

    @property
    def budget_remaining(self) -> Decimal:
        return self.budget - self.totals.spend

    @property
    def has_other_currency(self) -> bool:
        return any(row.has_other_currency for row in self.rows)

    @property
    def verdict_counts(self) -> dict[str, int]:
        counts = {verdict.value: 0 for verdict in metrics.Verdict}
        for row in self.rows:
            if row.verdict is not None:
                counts[row.verdict.verdict.value] += 1
        return counts


# --- Reading the rows ------------------------------------------------------------------------------


def _collaborations(*, workspace: Workspace, currency: str, campaign: Campaign | None) -> QuerySet[Collaboration]:
    payouts = (
        Payout.objects.filter(collaboration=OuterRef("pk"), amount_currency=OuterRef("campaign__budget_currency"))
        .exclude(status=Payout.Status.CANCELLED)
        .order_by()
        .values("collaboration")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    other_currency_payouts = (
        Payout.objects.filter(collaboration=OuterRef("pk"))
        .exclude(status=Payout.Status.CANCELLED)
        .exclude(amount_currency=OuterRef("campaign__budget_currency"))
        .order_by()
        .values("collaboration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    shipments = (
        Shipment.objects.filter(collaboration=OuterRef("pk"), status__in=SENT_SHIPMENTS)
        .order_by()
        .values("collaboration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    first_live = (
        Deliverable.objects.filter(collaboration=OuterRef("pk"), live_at__isnull=False)
        .order_by()
        .values("collaboration")
        .annotate(first=Min("live_at"))
        .values("first")
    )
    collaborations = Collaboration.objects.filter(workspace=workspace, campaign__budget_currency=currency)
    if campaign is not None:
        collaborations = collaborations.filter(campaign=campaign)
    return (
        collaborations.select_related("creator", "campaign")
        .annotate(
            payouts_total=Subquery(payouts, output_field=_MONEY_SUM),
            other_currency_payouts=Coalesce(
                Subquery(other_currency_payouts, output_field=IntegerField()), Value(0), output_field=IntegerField()
            ),
            shipments_sent=Coalesce(
                Subquery(shipments, output_field=IntegerField()), Value(0), output_field=IntegerField()
            ),
            first_live_at=Subquery(first_live, output_field=DateTimeField()),
        )
        .order_by("campaign__start_date", "campaign__created_at", "campaign_id", "creator__handle", "pk")
    )


def _campaign_filter(prefix: str, *, currency: str, campaign: Campaign | None) -> Q:
    if campaign is not None:
        return Q(**{f"{prefix}campaign": campaign})
    return Q(**{f"{prefix}campaign__budget_currency": currency})


def _video_stats(
    *, workspace: Workspace, currency: str, campaign: Campaign | None
) -> dict[int, tuple[int, int, int, int, int, int]]:
    """(views, likes, comments, shares, saves, posts) per collaboration from its live videos' latest
    stats; a video linked to two deliverables counts once."""
    rows = (
        Deliverable.objects.filter(
            _campaign_filter("collaboration__", currency=currency, campaign=campaign),
            workspace=workspace,
            video__isnull=False,
        )
        .order_by()
        .values_list(
            "collaboration_id",
            "video_id",
            "video__views",
            "video__likes",
            "video__comments",
            "video__shares",
            "video__saves",
        )
        .distinct()
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for collaboration_id, _video_id, *counts in rows:
        figures = totals[collaboration_id]
        for index, count in enumerate(counts):
            figures[index] += count or 0
        figures[5] += 1
    return {key: (v[0], v[1], v[2], v[3], v[4], v[5]) for key, v in totals.items()}


def _clicks(*, workspace: Workspace, currency: str, campaign: Campaign | None) -> dict[int, tuple[int, int]]:
    rows = (
        ClickDailyRollup.objects.filter(
            _campaign_filter("link__collaboration__", currency=currency, campaign=campaign), workspace=workspace
        )
        .order_by()
        .values_list("link__collaboration_id")
        .annotate(total=Sum("total"), uniques=Sum("uniques"))
    )
    return {collaboration_id: (total or 0, uniques or 0) for collaboration_id, total, uniques in rows}


def _clicks_by_day(*, workspace: Workspace, campaign: Campaign) -> dict[datetime.date, tuple[int, int]]:
    rows = (
        ClickDailyRollup.objects.filter(workspace=workspace, link__collaboration__campaign=campaign)
        .order_by()
        .values_list("day")
        .annotate(total=Sum("total"), uniques=Sum("uniques"))
    )
    return {day: (total or 0, uniques or 0) for day, total, uniques in rows}


def _today(workspace: Workspace) -> datetime.date:
    try:
        zone = zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def _local_day(moment: datetime.datetime, workspace: Workspace) -> datetime.date:
    try:
        zone = zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(zone).date()


def _rows(
    *,
    workspace: Workspace,
    currency: str,
    campaign: Campaign | None,
    report_settings: ReportSettings,
    attribution: AttributionChoice,
    orders_by_collaboration: dict[int, OrderFigures],
) -> list[CreatorRow]:
    videos = _video_stats(workspace=workspace, currency=currency, campaign=campaign)
    clicks = _clicks(workspace=workspace, currency=currency, campaign=campaign)
    applies = report_settings.currency == currency
    values = emv_values(report_settings)
    product_value = report_settings.product_value_per_shipment if applies else ZERO
    thresholds = verdict_thresholds(report_settings)
    today = _today(workspace)
    rows = []
    for collaboration in _collaborations(workspace=workspace, currency=currency, campaign=campaign):
        views, likes, comments, shares, saves, posts = videos.get(collaboration.pk, (0, 0, 0, 0, 0, 0))
        total_clicks, unique_clicks = clicks.get(collaboration.pk, (0, 0))
        orders = orders_by_collaboration.get(collaboration.pk, OrderFigures())
        payouts = collaboration.payouts_total or ZERO  # type: ignore[attr-defined]
        shipments = collaboration.shipments_sent  # type: ignore[attr-defined]
        booked = collaboration.stage in BOOKED_STAGES
        if not (booked or payouts or shipments or total_clicks or orders.orders or views):
            continue  # shortlisted, invited, declined: nothing spent, nothing brought
        fee = collaboration.fee.amount if collaboration.fee is not None else None
        fee_other_currency = collaboration.fee is not None and str(collaboration.fee.currency) != currency
        first_live_at = collaboration.first_live_at  # type: ignore[attr-defined]
        creator = collaboration.creator
        row = CreatorRow(
            collaboration_id=collaboration.pk,
            creator_id=creator.pk,
            handle=creator.handle,
            follower_count=creator.follower_count,
            niches=list(creator.niches),
            stage=collaboration.stage,
            stage_label=collaboration.get_stage_display(),
            compensation=collaboration.get_compensation_type_display(),
            campaign_id=collaboration.campaign_id,
            campaign_name=collaboration.campaign.name,
            campaign_date=collaboration.campaign.start_date or collaboration.campaign.created_at.date(),
            fee=None if fee_other_currency else fee,
            payouts=payouts,
            shipments=shipments,
            has_other_currency=fee_other_currency or collaboration.other_currency_payouts > 0,  # type: ignore[attr-defined]
            days_live=(today - _local_day(first_live_at, workspace)).days if first_live_at else None,
            spend=metrics.collaboration_spend(
                fee=None if fee_other_currency else fee,
                payouts=payouts,
                shipments=shipments,
                product_value=product_value,
                commission_percent=collaboration.commission_percent,
                revenue=orders.revenue,
            ),
            views=views,
            likes=likes,
            comments=comments,
            shares=shares,
            saves=saves,
            posts=posts,
            clicks=total_clicks,
            unique_clicks=unique_clicks,
            orders=orders.orders,
            revenue=orders.revenue,
            new_customers=orders.new_customers,
            refunds=orders.refunds,
        )
        if applies:
            row.emv = metrics.emv(
                values=values, views=views, likes=likes, comments=comments, shares=shares, saves=saves
            )
        row.verdict = metrics.verdict(
            spend=row.spend, revenue=row.revenue, orders=row.orders, days_live=row.days_live, thresholds=thresholds
        )
        rows.append(row)
    return rows


def _sum(rows: Iterable[Figures]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row.figures() if isinstance(row, CreatorRow) else row)
    return total


# --- The campaign report ---------------------------------------------------------------------------


def campaign_report(*, campaign: Campaign, rule: str | None = None) -> CampaignReport:
    """The campaign's report under `rule` (the workspace's attribution rule when None or unknown)."""
    workspace = campaign.workspace
    currency = str(campaign.budget.currency)
    report_settings = report_settings_for(workspace=workspace)
    attribution = attribution_choice(workspace=workspace, requested=rule)
    orders = order_totals(
        workspace=workspace, rule=attribution.rule, currency=currency, campaign_id=campaign.pk, with_days=True
    )
    rows = _rows(
        workspace=workspace,
        currency=currency,
        campaign=campaign,
        report_settings=report_settings,
        attribution=attribution,
        orders_by_collaboration=orders.by_collaboration,
    )
    clicks_by_day = _clicks_by_day(workspace=workspace, campaign=campaign)
    days = []
    for day in sorted(set(clicks_by_day) | set(orders.by_day)):
        total, uniques = clicks_by_day.get(day, (0, 0))
        day_orders = orders.by_day.get(day, OrderFigures())
        days.append(DayPoint(day, total, uniques, day_orders.orders, day_orders.revenue))
    return CampaignReport(
        campaign=campaign,
        currency=currency,
        settings=report_settings,
        attribution=attribution,
        rows=rows,
        totals=_sum(rows),
        days=_fill_gaps(days),
        emv_applies=report_settings.currency == currency,
    )


def _fill_gaps(days: list[DayPoint]) -> list[DayPoint]:
    """Every day between the first and the last, so a chart's x axis is time, not a list of dates."""
    if not days:
        return []
    known = {point.day: point for point in days}
    filled = []
    day = days[0].day
    while day <= days[-1].day:
        filled.append(known.get(day) or DayPoint(day, 0, 0, ZERO, ZERO))
        day += datetime.timedelta(days=1)
    return filled


# --- The program view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerCampaign:
    campaign_id: int
    campaign_name: str
    campaign_date: datetime.date | None
    figures: Figures
    verdict: metrics.VerdictResult | None


@dataclass
class RepeatPartner:
    creator_id: int
    handle: str
    tier: str
    campaigns: list[PartnerCampaign]
    totals: Figures

    @property
    def roas_trend(self) -> str:
        """ "up", "down" or "flat" from the first campaign's ROAS to the last's ("" when unknown)."""
        first, last = self.campaigns[0].figures.roas, self.campaigns[-1].figures.roas
        if first is None or last is None:
            return ""
        return "up" if last > first else "down" if last < first else "flat"


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    creators: int
    figures: Figures


@dataclass
class ProgramView:
    currency: str
    currencies: list[str]
    settings: ReportSettings
    attribution: AttributionChoice
    rows: list[CreatorRow]
    totals: Figures
    campaigns: list[Segment]
    partners: list[RepeatPartner]
    tiers: list[Segment]
    niches: list[Segment]

    @property
    def blended_cac(self) -> Decimal | None:
        return self.totals.cac


def program_currencies(*, workspace: Workspace) -> list[str]:
    return sorted(
        {str(code) for code in Campaign.objects.filter(workspace=workspace).values_list("budget_currency", flat=True)}
    )


def _segments(groups: dict[str, list[CreatorRow]], labels: dict[str, str], order: list[str]) -> list[Segment]:
    return [
        Segment(key, labels.get(key, key), len({row.creator_id for row in groups[key]}), _sum(groups[key]))
        for key in order
        if groups.get(key)
    ]


def program_view(*, workspace: Workspace, currency: str | None = None, rule: str | None = None) -> ProgramView:
    """Every campaign in one currency: the creators booked more than once and how each campaign went for
    them, performance by follower tier and by niche, and blended CAC (all spend over all new customers)."""
    report_settings = report_settings_for(workspace=workspace)
    currencies = program_currencies(workspace=workspace)
    if currency not in currencies:
        usable = report_settings.currency in currencies or not currencies
        currency = report_settings.currency if usable else currencies[0]
    attribution = attribution_choice(workspace=workspace, requested=rule)
    orders = order_totals(workspace=workspace, rule=attribution.rule, currency=currency)
    rows = _rows(
        workspace=workspace,
        currency=currency,
        campaign=None,
        report_settings=report_settings,
        attribution=attribution,
        orders_by_collaboration=orders.by_collaboration,
    )
    by_creator: dict[int, list[CreatorRow]] = defaultdict(list)
    by_campaign: dict[str, list[CreatorRow]] = defaultdict(list)
    by_tier: dict[str, list[CreatorRow]] = defaultdict(list)
    by_niche: dict[str, list[CreatorRow]] = defaultdict(list)
    campaign_names: dict[str, str] = {}
    for row in rows:
        by_creator[row.creator_id].append(row)
        by_campaign[str(row.campaign_id)].append(row)
        campaign_names[str(row.campaign_id)] = row.campaign_name
        by_tier[row.tier].append(row)
        for niche in row.niches or ["none"]:
            by_niche[niche].append(row)
    partners = [
        RepeatPartner(
            creator_id=creator_id,
            handle=own[0].handle,
            tier=own[0].tier,
            campaigns=[
                PartnerCampaign(row.campaign_id, row.campaign_name, row.campaign_date, row.figures(), row.verdict)
                for row in own  # rows come in campaign order (start date, then creation)
            ],
            totals=_sum(own),
        )
        for creator_id, own in by_creator.items()
        if len({row.campaign_id for row in own}) >= 2
    ]
    partners.sort(key=lambda partner: (-len(partner.campaigns), -partner.totals.revenue, partner.handle))
    niche_names = dict(Niche.objects.filter(slug__in=list(by_niche)).values_list("slug", "name"))
    niche_names["none"] = "No niche"
    niche_order = sorted(by_niche, key=lambda key: (-_sum(by_niche[key]).spend, key))
    return ProgramView(
        currency=currency,
        currencies=currencies,
        settings=report_settings,
        attribution=attribution,
        rows=rows,
        totals=_sum(rows),
        campaigns=_segments(by_campaign, campaign_names, list(by_campaign)),
        partners=partners,
        tiers=_segments(by_tier, {tier: tier.capitalize() for tier in TIER_ORDER}, list(TIER_ORDER)),
        niches=_segments(by_niche, niche_names, niche_order),
    )
