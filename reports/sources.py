"""Where a report's figures are read from, in a constant number of queries: the collaborations (payouts,
shipments and first live day as subqueries), their videos' counts, the click rollups and (in
reports.order_figures) the attribution rollups.

With a range, each read covers the period and the previous one in the same query: clicks and orders
sum their daily rollups under two filters; views and engagements are the growth of each video's
cumulative counts between the snapshots (VideoStats) that close each period, read as correlated
subqueries on the (video, captured_at) key. Without a range, videos give their latest counts."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    F,
    IntegerField,
    JSONField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject

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
from creators.models import VideoStats
from reports.ranges import ReportRange

# A shipment's product has left the warehouse once shipped; a returned one was sent too.
SENT_SHIPMENTS = (Shipment.Status.SHIPPED, Shipment.Status.DELIVERED, Shipment.Status.RETURNED)
COUNTERS = ("views", "likes", "comments", "shares", "saves")

_MONEY_SUM = DecimalField(max_digits=MONEY_MAX_DIGITS + 4, decimal_places=MONEY_DECIMAL_PLACES)  # room for sums


@dataclass(frozen=True)
class VideoCounts:
    """Views, likes, comments, shares and saves of a collaboration's videos, and how many videos."""

    views: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    posts: int = 0


@dataclass(frozen=True)
class PeriodPair:
    """A collaboration's figures over the report's period and over the previous period (zeros when the
    report has no range)."""

    current: VideoCounts | tuple[int, int]
    previous: VideoCounts | tuple[int, int]


def zone_of(workspace: Workspace) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_day(moment: datetime.datetime, workspace: Workspace) -> datetime.date:
    return moment.astimezone(zone_of(workspace)).date()


def day_start(day: datetime.date, workspace: Workspace) -> datetime.datetime:
    """Midnight opening `day` in the workspace's zone, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone_of(workspace))


def collaborations(*, workspace: Workspace, currency: str, campaign: Campaign | None) -> QuerySet[Collaboration]:
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


def _snapshot_at(moment: datetime.datetime) -> Subquery:
    """The video's cumulative counts in its latest snapshot before `moment` (NULL when none)."""
    latest = (
        VideoStats.objects.filter(video=OuterRef("video_id"), captured_at__lt=moment)
        .order_by("-captured_at")
        .values(counts=JSONObject(**{name: F(name) for name in COUNTERS}))[:1]
    )
    return Subquery(latest, output_field=JSONField())


def _counts(snapshot: dict[str, int | None] | None) -> list[int]:
    return [int((snapshot or {}).get(name) or 0) for name in COUNTERS]


def video_counts(
    *, workspace: Workspace, currency: str, campaign: Campaign | None, report_range: ReportRange
) -> dict[int, PeriodPair]:
    """Per collaboration, its live videos' counts over the period and the previous one; a video linked
    to two deliverables counts once. All time: the latest counts, and zeros as the previous period.
    In a range: the growth between the last snapshot before the period's first day and the last one
    before the day after its last day; a video counts as a post of a period in which it gained views."""
    rows = Deliverable.objects.filter(
        _campaign_filter("collaboration__", currency=currency, campaign=campaign),
        workspace=workspace,
        video__isnull=False,
    ).order_by()
    totals: dict[int, list[list[int]]] = defaultdict(lambda: [[0] * 6, [0] * 6])
    if report_range.is_all_time:
        for collaboration_id, _video_id, *counts in rows.values_list(
            "collaboration_id", "video_id", *(f"video__{name}" for name in COUNTERS)
        ).distinct():
            current = totals[collaboration_id][0]
            for index, count in enumerate(counts):
                current[index] += count or 0
            current[5] += 1
    else:
        assert report_range.start and report_range.end and report_range.previous_start  # noqa: S101 - a range
        bounds = {
            "before_previous": _snapshot_at(day_start(report_range.previous_start, workspace)),
            "before_start": _snapshot_at(day_start(report_range.start, workspace)),
            "at_end": _snapshot_at(day_start(report_range.end + datetime.timedelta(days=1), workspace)),
        }
        annotated: Any = rows.annotate(**bounds)  # names the stubs cannot see through **bounds
        for collaboration_id, _video_id, before_previous, before_start, at_end in annotated.values_list(
            "collaboration_id", "video_id", "before_previous", "before_start", "at_end"
        ).distinct():
            opening, middle, closing = _counts(before_previous), _counts(before_start), _counts(at_end)
            for period, (low, high) in enumerate(((middle, closing), (opening, middle))):
                grown = [max(b - a, 0) for a, b in zip(low, high, strict=True)]
                figures = totals[collaboration_id][period]
                for index, count in enumerate(grown):
                    figures[index] += count
                figures[5] += 1 if grown[0] > 0 else 0
    return {key: PeriodPair(VideoCounts(*pair[0]), VideoCounts(*pair[1])) for key, pair in totals.items()}


def _period_filters(report_range: ReportRange) -> tuple[Q, Q, Q]:
    """(rows to read, rows of the period, rows of the previous period) over a rollup's `day`."""
    if report_range.is_all_time:
        return Q(), Q(), Q()
    return (
        Q(day__range=(report_range.previous_start, report_range.end)),
        Q(day__range=(report_range.start, report_range.end)),
        Q(day__range=(report_range.previous_start, report_range.previous_end)),
    )


def clicks(
    *, workspace: Workspace, currency: str, campaign: Campaign | None, report_range: ReportRange
) -> dict[int, PeriodPair]:
    """Per collaboration, (human clicks, unique clicks) over the period and the previous one: one query
    over the click rollups."""
    read, current, previous = _period_filters(report_range)
    sums = {"clicks_sum": Sum("total", filter=current or None), "uniques_sum": Sum("uniques", filter=current or None)}
    if not report_range.is_all_time:
        sums |= {
            "previous_clicks_sum": Sum("total", filter=previous),
            "previous_uniques_sum": Sum("uniques", filter=previous),
        }
    rows: Any = (  # a values() row with the sums' names, which the stubs cannot see through **sums
        ClickDailyRollup.objects.filter(
            read, _campaign_filter("link__collaboration__", currency=currency, campaign=campaign), workspace=workspace
        )
        .order_by()
        .values("link__collaboration_id")
        .annotate(**sums)
    )
    return {
        row["link__collaboration_id"]: PeriodPair(
            (row["clicks_sum"] or 0, row["uniques_sum"] or 0),
            (row.get("previous_clicks_sum") or 0, row.get("previous_uniques_sum") or 0),
        )
        for row in rows
    }


def clicks_by_day(
    *, workspace: Workspace, campaign: Campaign, report_range: ReportRange
) -> dict[datetime.date, tuple[int, int]]:
    rows = ClickDailyRollup.objects.filter(workspace=workspace, link__collaboration__campaign=campaign)
    if not report_range.is_all_time:
        rows = rows.filter(day__range=(report_range.start, report_range.end))
    grouped = rows.order_by().values_list("day").annotate(clicks_sum=Sum("total"), uniques_sum=Sum("uniques"))
    return {day: (total or 0, uniques or 0) for day, total, uniques in grouped}
