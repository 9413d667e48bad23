"""The calendar's events, read from deliverables, shipments and fully signed contract versions.

Two entry points share one collector: a workspace's calendar (inside its scope) and a creator's (through
the portal's one scope, `campaigns.portal.services.creator_collaborations`, across every brand that granted
them). Four queries whatever the size: collaborations, deliverables, shipments, signed versions.

What "contract deadline" means here: the dates a fully signed contract version sets, which are the only
contract dates CreatorDesk stores: when the usage rights of each approved or live deliverable end (from
its go-live, or the signing when not live yet, as the content library counts them), when exclusivity ends
(the agreed days from the collaboration's first post), and when a Spark Ads code the creator gave expires."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User, Workspace
from briefs.calendar.events import CalendarEvent, EventKind, sort_events
from briefs.library.selectors import LIBRARY_STATUSES
from briefs.library.usage_rights import add_months
from briefs.models import ContractVersion
from campaigns.models import Collaboration, Deliverable, Shipment
from campaigns.pipeline import Stage
from campaigns.portal.services import creator_collaborations

# Collaborations whose dates no longer stand: the creator said no, or the brand called it off.
ENDED_STAGES = (Stage.DECLINED, Stage.CANCELLED)
# What a draft due date is met by: a draft in review, approved or posted.
DRAFT_DONE = (Deliverable.Status.IN_REVIEW, Deliverable.Status.APPROVED, Deliverable.Status.LIVE)


def workspace_calendar_events(
    *,
    workspace: Workspace,
    campaign_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> list[CalendarEvent]:
    """The workspace's events between `start` and `end` (inclusive, either open), optionally of one campaign.
    Runs inside the workspace's scope (the dashboard's middleware, or the feed view's `workspace_scope`)."""
    collaborations = Collaboration.objects.filter(workspace=workspace)
    return _events(collaborations, campaign_id=campaign_id, start=start, end=end, unscoped=False)


def creator_calendar_events(
    *,
    user: User,
    campaign_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> list[CalendarEvent]:
    """A creator's events across brands: only collaborations the portal's scope lets them see."""
    return _events(creator_collaborations(user=user), campaign_id=campaign_id, start=start, end=end, unscoped=True)


def creator_calendar_campaigns(*, user: User) -> list[tuple[int, str]]:
    """(campaign id, "Campaign · Brand") for the portal calendar's filter."""
    rows = (
        creator_collaborations(user=user)
        .exclude(stage__in=ENDED_STAGES)
        .values_list("campaign_id", "campaign__name", "workspace__name")
        .order_by("campaign__name", "campaign_id")
        .distinct()
    )
    return [(pk, f"{name} · {brand}") for pk, name, brand in rows]


def _events(
    collaborations: QuerySet[Collaboration],
    *,
    campaign_id: int | None,
    start: datetime.date | None,
    end: datetime.date | None,
    unscoped: bool,
) -> list[CalendarEvent]:
    collaborations = collaborations.exclude(stage__in=ENDED_STAGES)
    if campaign_id is not None:
        collaborations = collaborations.filter(campaign_id=campaign_id)
    by_id = {c.pk: c for c in collaborations.select_related("campaign", "creator", "workspace")}
    if not by_id:
        return []

    def rows(model: type[Deliverable] | type[Shipment] | type[ContractVersion]) -> QuerySet:  # type: ignore[type-arg]
        manager = model.objects.with_scopes_disabled() if unscoped else model.objects
        return manager.all()

    deliverables = list(rows(Deliverable).filter(collaboration_id__in=by_id).order_by("pk"))
    shipments = rows(Shipment).filter(collaboration_id__in=by_id).exclude(shipped_at=None, delivered_at=None)
    versions = (
        rows(ContractVersion)
        .filter(contract__collaboration_id__in=by_id, fully_signed_at__isnull=False)
        .select_related("contract")
        .order_by("contract__collaboration_id", "-number")
    )
    signed: dict[int, ContractVersion] = {}
    for version in versions:  # the latest fully signed version of each collaboration
        signed.setdefault(version.contract.collaboration_id, version)

    events = [
        *_deliverable_events(deliverables, by_id),
        *_shipment_events(shipments, by_id),
        *_contract_events(deliverables, signed, by_id),
    ]
    return sort_events(e for e in events if (start is None or e.day >= start) and (end is None or e.day <= end))


def _event(kind: EventKind, *, row_id: int, day: datetime.date, what: str, collaboration: Collaboration,
           is_done: bool = False) -> CalendarEvent:  # fmt: skip
    return CalendarEvent(
        kind=kind,
        row_id=row_id,
        day=day,
        what=what,
        collaboration_id=collaboration.pk,
        campaign_id=collaboration.campaign_id,
        campaign_name=collaboration.campaign.name,
        workspace_name=collaboration.workspace.name,
        creator_handle=collaboration.creator.handle,
        is_done=is_done,
    )


def _what(deliverable: Deliverable) -> str:
    return f"{deliverable.count} x {deliverable.get_format_display()}"


def _deliverable_events(deliverables: Iterable[Deliverable], by_id: dict[int, Collaboration]) -> list[CalendarEvent]:
    events = []
    for d in deliverables:
        collaboration = by_id[d.collaboration_id]
        if d.draft_due_on is not None:
            events.append(_event(EventKind.DRAFT_DUE, row_id=d.pk, day=d.draft_due_on, what=_what(d),
                                 collaboration=collaboration, is_done=d.status in DRAFT_DONE))  # fmt: skip
        if d.live_due_on is not None:
            events.append(_event(EventKind.LIVE_DUE, row_id=d.pk, day=d.live_due_on, what=_what(d),
                                 collaboration=collaboration, is_done=d.status == Deliverable.Status.LIVE))  # fmt: skip
    return events


def _local_day(moment: datetime.datetime, zone: str) -> datetime.date:
    """The day a stored UTC time falls on in the workspace's time zone (an unknown zone name: UTC)."""
    try:
        return timezone.localtime(moment, ZoneInfo(zone)).date()
    except (ValueError, KeyError):
        return moment.astimezone(datetime.UTC).date()


def _shipment_events(shipments: Iterable[Shipment], by_id: dict[int, Collaboration]) -> list[CalendarEvent]:
    events = []
    for s in shipments:
        collaboration = by_id[s.collaboration_id]
        what = s.description or "Product"
        zone = collaboration.workspace.time_zone
        if s.shipped_at is not None:
            events.append(_event(EventKind.SHIPPED, row_id=s.pk, day=_local_day(s.shipped_at, zone), what=what,
                                 collaboration=collaboration, is_done=True))  # fmt: skip
        if s.delivered_at is not None:
            events.append(_event(EventKind.DELIVERED, row_id=s.pk, day=_local_day(s.delivered_at, zone), what=what,
                                 collaboration=collaboration, is_done=True))  # fmt: skip
    return events


def _contract_events(
    deliverables: list[Deliverable], signed: dict[int, ContractVersion], by_id: dict[int, Collaboration]
) -> list[CalendarEvent]:
    events = []
    first_post: dict[int, datetime.datetime] = {}
    for d in deliverables:
        collaboration = by_id[d.collaboration_id]
        if d.live_at is not None:
            first_post[d.collaboration_id] = min(d.live_at, first_post.get(d.collaboration_id, d.live_at))
        if d.spark_ads_code and d.spark_ads_code_expires_on is not None:
            events.append(_event(EventKind.SPARK_CODE_EXPIRES, row_id=d.pk, day=d.spark_ads_code_expires_on,
                                 what=_what(d), collaboration=collaboration))  # fmt: skip
        version = signed.get(d.collaboration_id)
        months = int(version.agreed_terms.get("usage_duration_months") or 0) if version else 0
        if version is not None and version.fully_signed_at is not None and months and d.status in LIBRARY_STATUSES:
            # As the content library counts them (briefs.library.selectors): from the post, else the signing.
            starts_on = (d.live_at or version.fully_signed_at).date()
            events.append(_event(EventKind.RIGHTS_END, row_id=d.pk, day=add_months(starts_on, months),
                                 what=_what(d), collaboration=collaboration))  # fmt: skip
    for collaboration_id, version in signed.items():
        days = int(version.agreed_terms.get("exclusivity_days") or 0)
        if days and collaboration_id in first_post:  # "for N days from the first post" (the contract's words)
            category = str(version.agreed_terms.get("exclusivity_category") or "")
            day = first_post[collaboration_id].date() + datetime.timedelta(days=days)
            events.append(_event(EventKind.EXCLUSIVITY_END, row_id=collaboration_id, day=day,
                                 what=category or "Exclusivity", collaboration=by_id[collaboration_id]))  # fmt: skip
    return events
