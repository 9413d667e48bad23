"""The content library: every approved deliverable of the workspace with the rights its signed
contract grants. Two queries whatever the size: the deliverables, then the signed versions of their
collaborations; the rights are computed in Python from the versions' agreed terms."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Workspace
from briefs.library.usage_rights import RightsStatus, UsageRights, expiry_status, rights_from_terms
from briefs.models import ContractVersion
from campaigns.models import Deliverable

LIBRARY_STATUSES = (Deliverable.Status.APPROVED, Deliverable.Status.LIVE)


@dataclass(frozen=True)
class LibraryItem:
    deliverable: Deliverable
    rights: UsageRights | None  # None: no fully signed contract, nothing may be reused
    rights_status: RightsStatus
    spark_status: RightsStatus  # of the Spark Ads code; NONE when no code is recorded


@dataclass(frozen=True)
class LibraryFilters:
    campaign_id: int | None = None
    creator_query: str = ""
    platform: str = ""  # rights that name this platform, e.g. "Instagram"
    paid_ads: bool = False  # only content whose rights allow paid ads
    status: str = ""  # a RightsStatus value, or "" for all


def _signed_versions(collaboration_ids: set[int]) -> dict[int, ContractVersion]:
    """The latest fully signed version per collaboration. A later amendment that is not signed yet
    does not take the signed rights away."""
    versions = (
        ContractVersion.objects.filter(contract__collaboration_id__in=collaboration_ids, fully_signed_at__isnull=False)
        .select_related("contract")
        .order_by("contract__collaboration_id", "-number")
    )
    latest: dict[int, ContractVersion] = {}
    for version in versions:
        latest.setdefault(version.contract.collaboration_id, version)
    return latest


def content_library(
    *, workspace: Workspace, filters: LibraryFilters, today: datetime.date | None = None
) -> list[LibraryItem]:
    today = today or timezone.now().date()
    deliverables = (
        Deliverable.objects.filter(workspace=workspace, status__in=LIBRARY_STATUSES)
        .select_related("collaboration__campaign", "collaboration__creator", "video")
        .order_by("-approved_at", "-pk")
    )
    if filters.campaign_id is not None:
        deliverables = deliverables.filter(collaboration__campaign_id=filters.campaign_id)
    if query := filters.creator_query.strip().lstrip("@").lower():
        deliverables = deliverables.filter(collaboration__creator__handle__icontains=query)
    rows = list(deliverables)
    signed = _signed_versions({d.collaboration_id for d in rows})
    items = []
    for deliverable in rows:
        version = signed.get(deliverable.collaboration_id)
        rights = None
        # The query keeps only versions with a signing time, so `start` is never None here.
        start = deliverable.live_at or (version.fully_signed_at if version is not None else None)
        if version is not None and start is not None:
            rights = rights_from_terms(version.agreed_terms, starts_on=start.date())
        item = LibraryItem(
            deliverable=deliverable,
            rights=rights,
            rights_status=rights.status(today=today) if rights else RightsStatus.NONE,
            spark_status=expiry_status(deliverable.spark_ads_code_expires_on, today=today)
            if deliverable.spark_ads_code
            else RightsStatus.NONE,
        )
        if _matches(item, filters):
            items.append(item)
    return items


def _matches(item: LibraryItem, filters: LibraryFilters) -> bool:
    if filters.status and item.rights_status != filters.status:
        return False
    if filters.paid_ads and not (item.rights and item.rights.allows_paid_ads):
        return False
    if filters.platform:
        return item.rights is not None and filters.platform.lower() in item.rights.platforms.lower()
    return True


def expiring_items(*, workspace: Workspace, today: datetime.date | None = None) -> list[LibraryItem]:
    """Content whose rights or Spark Ads code expire within the warning window (and not yet expired)."""
    items = content_library(workspace=workspace, filters=LibraryFilters(), today=today)
    return [item for item in items if RightsStatus.EXPIRING in (item.rights_status, item.spark_status)]
