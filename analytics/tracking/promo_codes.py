"""Promo codes: generated per collaboration in bulk (like tracking links), human-friendly and free of
look-alike characters, unique per workspace whatever the case typed at checkout."""

from __future__ import annotations

import re
import secrets

from django.db import transaction

from accounts.models import User
from accounts.services import record_audit_event
from analytics.models import PromoCode, TrackingLink
from analytics.tracking import creator_kit
from analytics.tracking.domains import require_manager
from analytics.tracking.errors import TrackingError, TrackingErrorCode, TrackingNotFoundError
from analytics.tracking.services import LINKABLE_STAGES, create_links_for_campaign
from campaigns.models import Campaign, Collaboration

# No 0/O, 1/I/L: a code read aloud in a video or copied from a caption must survive being retyped.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SUFFIX_CHARS = 4  # 31**4 = 923,521 suffixes per handle: collisions are retried, never expected
HANDLE_CHARS = 12
MAX_ATTEMPTS = 20
_LOOKALIKES = str.maketrans({"0": "", "O": "", "1": "", "I": "", "L": ""})


def handle_stem(handle: str) -> str:
    """The handle upper-cased, letters and digits only, look-alikes dropped: `glow.by.maya` -> `GWBYMAYA`."""
    stem = re.sub(r"[^A-Z0-9]", "", handle.upper()).translate(_LOOKALIKES)
    return stem[:HANDLE_CHARS] or "CODE"


def new_code(handle: str, *, discount: int | None = None) -> str:
    """`<HANDLE><discount>-<4 random>`, e.g. `MAYA15-7KQ2`; only characters of ALPHABET (plus `-`)."""
    stem = handle_stem(handle)
    number = "".join(ch for ch in str(discount or "") if ch in ALPHABET)
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(SUFFIX_CHARS))
    return f"{stem}{number}-{suffix}"


@transaction.atomic
def create_codes_for_campaign(
    *, campaign: Campaign, by: User, discount: int | None = None, tell_creators: bool = True
) -> list[PromoCode]:
    """One code for every collaboration of `campaign` at `contracted` or later that has none yet. Locks
    the campaign (two clicks make one set). Refuses (NOTHING_TO_LINK) when none needs a code. Each
    creator who got a code is told in their thread unless `tell_creators` is False."""
    require_manager(workspace_id=campaign.workspace_id, user=by)
    locked = Campaign.objects.select_for_update(of=("self",)).filter(pk=campaign.pk).first()
    if locked is None:
        raise TrackingNotFoundError("This campaign does not exist.", code=TrackingErrorCode.NOT_FOUND)
    collaborations = list(
        Collaboration.objects.filter(
            workspace_id=locked.workspace_id, campaign=locked, stage__in=LINKABLE_STAGES, promo_codes__isnull=True
        )
        .select_related("creator")
        .order_by("pk")
    )
    if not collaborations:
        raise TrackingError(
            "Every contracted creator of this campaign already has a code (or none is contracted yet).",
            code=TrackingErrorCode.NOTHING_TO_LINK,
        )
    taken = set(PromoCode.objects.filter(workspace_id=locked.workspace_id).values_list("code", flat=True))
    codes = []
    for collaboration in collaborations:
        for _ in range(MAX_ATTEMPTS):
            code = new_code(collaboration.creator.handle, discount=discount)
            if code not in taken:
                break
        taken.add(code)
        codes.append(PromoCode(workspace_id=locked.workspace_id, collaboration=collaboration, code=code, created_by=by))
    created = PromoCode.objects.bulk_create(codes)
    if tell_creators:
        creator_kit.tell_creators(collaboration_ids=[code.collaboration_id for code in created], by=by)
    record_audit_event(
        workspace=locked.workspace, actor=by, action="promo_codes.created", target=locked.name,
        data={"campaign": locked.pk, "codes": len(created)},
    )  # fmt: skip
    return created


@transaction.atomic
def create_links_and_codes_for_campaign(
    *, campaign: Campaign, by: User, destination: str, discount: int | None = None
) -> tuple[list[TrackingLink], list[PromoCode]]:
    """The one bulk action: links and codes for every contracted collaboration that lacks either. All or
    nothing; refuses only when neither is missing anywhere. A creator who got a link, a code or both
    is told once, in one message naming both."""
    links: list[TrackingLink] = []
    codes: list[PromoCode] = []
    try:
        with transaction.atomic():
            links = create_links_for_campaign(campaign=campaign, by=by, destination=destination, tell_creators=False)
    except TrackingError as exc:
        if exc.code != TrackingErrorCode.NOTHING_TO_LINK:
            raise
    try:
        with transaction.atomic():
            codes = create_codes_for_campaign(campaign=campaign, by=by, discount=discount, tell_creators=False)
    except TrackingError as exc:
        if exc.code != TrackingErrorCode.NOTHING_TO_LINK or not links:
            raise
    told = [link.collaboration_id for link in links] + [code.collaboration_id for code in codes]
    creator_kit.tell_creators(collaboration_ids=told, by=by)  # once per creator, naming both
    return links, codes
