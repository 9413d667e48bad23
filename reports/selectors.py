"""Reads for reports: a campaign's report and the program view across campaigns, over all time or a
range compared with the previous period of the same length (reports.ranges).

Each report costs a constant number of queries whatever the number of creators and whatever the range:
one for the collaborations (payouts, shipments and first live date as subqueries), one for their videos'
counts, one or two over the click rollups, at most two over the attribution rollups, and the settings
(reports.sources says how a range and its previous period share each query). Clicks and orders come from
daily rollups maintained by workers, never from raw events, so a campaign with millions of clicks reads
a few thousand rows (bench/bench_reports.py).

Money is never summed across currencies: a report reads one currency (the campaign's budget currency,
or the one the program view is set to); payouts in any other currency are left out and flagged."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Workspace
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from creators.models import Niche
from reports import metrics, sources
from reports.figures import CreatorRow, DayPoint, Figures, Headline, headlines, objective_headlines
from reports.models import ReportSettings
from reports.order_figures import AttributionChoice, OrderFigures, OrderTotals, attribution_choice, order_totals
from reports.ranges import ReportRange, reporting_today
from reports.settings import emv_values, report_settings_for, verdict_thresholds

ZERO = Decimal(0)
ALL_TIME = ReportRange("all")
# Collaborations that were booked: their creators are in the report even before any cost or click.
BOOKED_STAGES = frozenset({Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.LIVE, Stage.PAID})
# "unknown": creators whose follower count is not known (NULL), a segment of their own, listed last.
TIER_ORDER = ("nano", "micro", "macro", "mega", "unknown")
PROGRAM_HEADLINES = ("spend", "views", "clicks", "orders", "revenue", "roas")


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
    report_range: ReportRange = ALL_TIME
    previous_totals: Figures | None = None  # over the previous period; None for all time

    @property
    def objective(self) -> metrics.Objective:
        return metrics.objective_of(self.campaign.objective)

    @property
    def headlines(self) -> list[Headline]:
        """The objective's figures, each compared with the previous period when there is one."""
        return objective_headlines(self.campaign.objective, self.totals, self.previous_totals)

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


def campaign_window(
    campaign: Campaign, *, workspace: Workspace, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The days a campaign's spend is spread over in a range: its start date (or the day it was created)
    to its end date (or today while it has none)."""
    start = campaign.start_date or sources.local_day(campaign.created_at, workspace)
    end = campaign.end_date or today
    return start, max(start, end)


def _orders(
    *, workspace: Workspace, rule: str, currency: str, campaign: Campaign | None, report_range: ReportRange
) -> OrderTotals:
    ranged = not report_range.is_all_time
    return order_totals(
        workspace=workspace,
        rule=rule,
        currency=currency,
        campaign_id=campaign.pk if campaign is not None else None,
        with_days=campaign is not None,
        days=(report_range.start, report_range.end) if ranged else None,  # type: ignore[arg-type]
        previous_days=(report_range.previous_start, report_range.previous_end) if ranged else None,  # type: ignore[arg-type]
    )


def _period_figures(
    *,
    spend: Decimal,
    videos: sources.VideoCounts,
    clicks: tuple[int, int],
    orders: OrderFigures,
    followers: int | None,
    values: metrics.EmvValues | None,
) -> Figures:
    figures = Figures(
        spend=spend,
        views=videos.views,
        reach=(followers or 0) if videos.views else 0,
        likes=videos.likes,
        comments=videos.comments,
        shares=videos.shares,
        saves=videos.saves,
        posts=videos.posts,
        clicks=clicks[0],
        unique_clicks=clicks[1],
        orders=orders.orders,
        revenue=orders.revenue,
        new_customers=orders.new_customers,
        refunds=orders.refunds,
    )
    if values is not None:
        figures.emv = metrics.emv(
            values=values, views=videos.views, likes=videos.likes, comments=videos.comments,
            shares=videos.shares, saves=videos.saves,
        )  # fmt: skip
    return figures


def _rows(
    *,
    workspace: Workspace,
    currency: str,
    campaign: Campaign | None,
    report_settings: ReportSettings,
    orders: OrderTotals,
    report_range: ReportRange,
) -> list[CreatorRow]:
    videos = sources.video_counts(workspace=workspace, currency=currency, campaign=campaign, report_range=report_range)
    clicks = sources.clicks(workspace=workspace, currency=currency, campaign=campaign, report_range=report_range)
    applies = report_settings.currency == currency
    values = emv_values(report_settings) if applies else None
    product_value = report_settings.product_value_per_shipment if applies else ZERO
    thresholds = verdict_thresholds(report_settings)
    today = reporting_today(workspace.time_zone)
    ranged = not report_range.is_all_time
    no_videos = sources.PeriodPair(sources.VideoCounts(), sources.VideoCounts())
    no_clicks = sources.PeriodPair((0, 0), (0, 0))
    rows = []
    for collaboration in sources.collaborations(workspace=workspace, currency=currency, campaign=campaign):
        video_pair = videos.get(collaboration.pk, no_videos)
        click_pair = clicks.get(collaboration.pk, no_clicks)
        own_orders = orders.by_collaboration.get(collaboration.pk, OrderFigures())
        payouts = collaboration.payouts_total or ZERO  # type: ignore[attr-defined]
        shipments = collaboration.shipments_sent  # type: ignore[attr-defined]
        booked = collaboration.stage in BOOKED_STAGES
        current_videos: sources.VideoCounts = video_pair.current  # type: ignore[assignment]
        current_clicks: tuple[int, int] = click_pair.current  # type: ignore[assignment]
        if not (booked or payouts or shipments or current_clicks[0] or own_orders.orders or current_videos.views):
            continue  # shortlisted, invited, declined: nothing spent, nothing brought
        row = _row(
            collaboration, workspace=workspace, currency=currency, payouts=payouts, shipments=shipments, today=today
        )
        spend = metrics.collaboration_spend(
            fee=row.fee,
            payouts=payouts,
            shipments=shipments,
            product_value=product_value,
            commission_percent=collaboration.commission_percent,
            revenue=own_orders.revenue,
        )
        figures = {"current": spend, "previous": spend}
        if ranged:
            window = campaign_window(collaboration.campaign, workspace=workspace, today=today)
            figures = {
                "current": metrics.spend_in_range(
                    spend=spend, window=window, period=(report_range.start, report_range.end)  # type: ignore[arg-type]
                ),
                "previous": metrics.spend_in_range(
                    spend=spend, window=window,
                    period=(report_range.previous_start, report_range.previous_end),  # type: ignore[arg-type]
                ),
            }  # fmt: skip
        current = _period_figures(
            spend=figures["current"], videos=current_videos, clicks=current_clicks, orders=own_orders,
            followers=row.follower_count, values=values,
        )  # fmt: skip
        for name in Figures.__dataclass_fields__:
            setattr(row, name, getattr(current, name))
        if ranged:
            row.previous = _period_figures(
                spend=figures["previous"], videos=video_pair.previous, clicks=click_pair.previous,  # type: ignore[arg-type]
                orders=orders.previous_by_collaboration.get(collaboration.pk, OrderFigures()),
                followers=row.follower_count, values=values,
            )  # fmt: skip
        row.verdict = metrics.verdict(
            spend=row.spend, revenue=row.revenue, orders=row.orders, days_live=row.days_live, thresholds=thresholds,
            objective=row.objective, views=row.views, engagements=row.engagements, clicks=row.clicks,
        )  # fmt: skip
        rows.append(row)
    return rows


def _row(
    collaboration: Collaboration,
    *,
    workspace: Workspace,
    currency: str,
    payouts: Decimal,
    shipments: int,
    today: datetime.date,
) -> CreatorRow:
    """The collaboration's facts (who, which campaign, what was agreed); the figures come after."""
    fee = collaboration.fee.amount if collaboration.fee is not None else None
    fee_other_currency = collaboration.fee is not None and str(collaboration.fee.currency) != currency
    first_live_at = collaboration.first_live_at  # type: ignore[attr-defined]
    creator = collaboration.creator
    campaign = collaboration.campaign
    return CreatorRow(
        collaboration_id=collaboration.pk,
        creator_id=creator.pk,
        handle=creator.handle,
        follower_count=creator.follower_count,
        niches=list(creator.niches),
        stage=collaboration.stage,
        stage_label=collaboration.get_stage_display(),
        compensation=collaboration.get_compensation_type_display(),
        campaign_id=collaboration.campaign_id,
        campaign_name=campaign.name,
        campaign_date=campaign.start_date or campaign.created_at.date(),
        objective=campaign.objective,
        fee=None if fee_other_currency else fee,
        payouts=payouts,
        shipments=shipments,
        has_other_currency=fee_other_currency or collaboration.other_currency_payouts > 0,  # type: ignore[attr-defined]
        days_live=(today - sources.local_day(first_live_at, workspace)).days if first_live_at else None,
    )


def _sum(rows: Iterable[Figures]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row.figures() if isinstance(row, CreatorRow) else row)
    return total


def _previous_sum(rows: list[CreatorRow], report_range: ReportRange) -> Figures | None:
    if report_range.is_all_time:
        return None
    return _sum(row.previous for row in rows if row.previous is not None)


# --- The campaign report ---------------------------------------------------------------------------


def campaign_report(
    *, campaign: Campaign, rule: str | None = None, report_range: ReportRange = ALL_TIME
) -> CampaignReport:
    """The campaign's report under `rule` (the workspace's attribution rule when None or unknown), over
    `report_range` (all time by default) with the previous period's totals when it has a range."""
    workspace = campaign.workspace
    currency = str(campaign.budget.currency)
    report_settings = report_settings_for(workspace=workspace)
    attribution = attribution_choice(workspace=workspace, requested=rule)
    orders = _orders(
        workspace=workspace, rule=attribution.rule, currency=currency, campaign=campaign, report_range=report_range
    )
    rows = _rows(
        workspace=workspace,
        currency=currency,
        campaign=campaign,
        report_settings=report_settings,
        orders=orders,
        report_range=report_range,
    )
    clicks_by_day = sources.clicks_by_day(workspace=workspace, campaign=campaign, report_range=report_range)
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
        days=_fill_gaps(days, report_range),
        emv_applies=report_settings.currency == currency,
        report_range=report_range,
        previous_totals=_previous_sum(rows, report_range),
    )


def _fill_gaps(days: list[DayPoint], report_range: ReportRange = ALL_TIME) -> list[DayPoint]:
    """Every day between the first and the last (of the range, when there is one), so a chart's x axis is
    time, not a list of dates."""
    first = report_range.start or (days[0].day if days else None)
    last = report_range.end or (days[-1].day if days else None)
    if first is None or last is None:
        return []
    known = {point.day: point for point in days}
    filled = []
    day = first
    while day <= last:
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
    report_range: ReportRange = ALL_TIME
    previous_totals: Figures | None = None  # over the previous period; None for all time
    previous_campaigns: dict[str, Figures] = field(default_factory=dict)  # by campaign id, with a range

    @property
    def blended_cac(self) -> Decimal | None:
        return self.totals.cac

    @property
    def headlines(self) -> list[Headline]:
        """The program's figures, each compared with the previous period when there is one."""
        return headlines(PROGRAM_HEADLINES, self.totals, self.previous_totals)


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


def program_view(
    *,
    workspace: Workspace,
    currency: str | None = None,
    rule: str | None = None,
    report_range: ReportRange = ALL_TIME,
) -> ProgramView:
    """Every campaign in one currency: the creators booked more than once and how each campaign went for
    them, performance by follower tier and by niche, and blended CAC (all spend over all new customers),
    over `report_range` (all time by default) with the previous period's totals when it has a range."""
    report_settings = report_settings_for(workspace=workspace)
    currencies = program_currencies(workspace=workspace)
    if currency not in currencies:
        usable = report_settings.currency in currencies or not currencies
        currency = report_settings.currency if usable else currencies[0]
    attribution = attribution_choice(workspace=workspace, requested=rule)
    orders = _orders(
        workspace=workspace, rule=attribution.rule, currency=currency, campaign=None, report_range=report_range
    )
    rows = _rows(
        workspace=workspace,
        currency=currency,
        campaign=None,
        report_settings=report_settings,
        orders=orders,
        report_range=report_range,
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
        report_range=report_range,
        previous_totals=_previous_sum(rows, report_range),
        previous_campaigns={
            key: _sum(row.previous for row in own if row.previous is not None)
            for key, own in by_campaign.items()
            if not report_range.is_all_time
        },
    )
