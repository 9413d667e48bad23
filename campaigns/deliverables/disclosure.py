"""Disclosure compliance of live deliverables: a sponsored post must say so (#ad, #sponsored, #partner,
#paidpartnership, or the platform's paid-partnership label), by FTC and EU rules. The rule itself is
creators.disclosure's, the one that classifies every stored video."""

from collections.abc import Collection
from enum import StrEnum

from django.db import transaction

from accounts.models import AuditEvent, NotificationKind
from accounts.services import record_audit_event
from campaigns.models import Deliverable
from campaigns.notices import tell_brand
from creators.disclosure import discloses_sponsorship


class DisclosureStatus(StrEnum):
    NOT_LIVE = "not_live"  # no live video linked yet: nothing to check
    DISCLOSED = "disclosed"
    MISSING = "missing"  # live without a disclosure: flag it to the workspace


def disclosure_status(deliverable: Deliverable) -> DisclosureStatus:
    video = deliverable.video
    if video is None:
        return DisclosureStatus.NOT_LIVE
    disclosed = video.is_sponsored or discloses_sponsorship(
        caption=video.caption, hashtags=video.hashtags, paid=video.is_paid_partnership
    )
    return DisclosureStatus.DISCLOSED if disclosed else DisclosureStatus.MISSING


DISCLOSURE_MISSING_ACTION = "deliverable.disclosure_missing"


def flag_missing_disclosure(*, deliverable: Deliverable) -> bool:
    """Store and alert, once, that a live deliverable's video lacks a disclosure: the finding is the
    workspace's audit event `deliverable.disclosure_missing` (deliverable and video), and the brand's
    managers are notified (`disclosure:<deliverable>:<video>`). Called when the live link is posted
    (once the caption is known) and after each metrics pull; a finding already stored is not repeated.
    Returns whether the finding is new."""
    if deliverable.video_id is None or disclosure_status(deliverable) is not DisclosureStatus.MISSING:
        return False
    collaboration = deliverable.collaboration
    data = {"deliverable_id": deliverable.pk, "video_id": deliverable.video_id}
    found = AuditEvent.objects.with_scopes_disabled().filter(
        workspace_id=deliverable.workspace_id, action=DISCLOSURE_MISSING_ACTION, data__contains=data
    )
    if found.exists():
        return False
    record_audit_event(
        workspace=collaboration.workspace, actor=None, action=DISCLOSURE_MISSING_ACTION,
        target=str(collaboration), data=data,
    )  # fmt: skip
    tell_brand(
        collaboration=collaboration,
        kind=NotificationKind.DISCLOSURE_MISSING,
        event_key=f"disclosure:{deliverable.pk}:{deliverable.video_id}",
        title=f"@{collaboration.creator.handle}'s live post lacks a disclosure",
        body=f"{collaboration.campaign.name}: the video {deliverable.live_url} carries no #ad, #sponsored, "
        "#partner or paid-partnership label. Ask the creator to add one.",
    )
    return True


def flag_undisclosed_live_posts(*, creator_ids: Collection[int]) -> int:
    """After a metrics pull of `creator_ids`: flag every live deliverable of theirs (in any workspace)
    whose freshly read caption lacks a disclosure. Returns the number of new findings."""
    live = (
        Deliverable.objects.with_scopes_disabled()
        .filter(status=Deliverable.Status.LIVE, video__creator_id__in=list(creator_ids), video__is_sponsored=False)
        .select_related("video", "collaboration__workspace", "collaboration__campaign", "collaboration__creator")
        .order_by("pk")
    )
    flagged = 0
    for deliverable in live:
        with transaction.atomic():
            flagged += flag_missing_disclosure(deliverable=deliverable)
    return flagged
