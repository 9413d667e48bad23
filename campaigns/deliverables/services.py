"""The deliverable journey: a creator submits drafts and the live link and gives a shipping address in
the portal; the brand reviews each draft round, records the Spark Ads code and ships the product.

Creator-side services take the creator's `user` and an id: the row is looked up among that creator's
own collaborations (`portal_services.creator_collaborations`), so another creator's row, or a brand's
private shortlist, is not found (404). A creator belongs to no workspace, so these reads are unscoped
and the filter on the creator's profile is the scope. Brand-side services run in the workspace's scope
and need a manager or owner (`campaigns.checks.require_manager`), like `campaigns.services`.

Every service is one transaction and locks in one order, collaboration then deliverable (or shipment),
so a review and a new draft for the same collaboration queue behind each other instead of crossing.
The collaboration's stage follows the deliverables through `collaborations.record_move`:

    contracted        -> content_in_review   the first draft of a round is submitted
    content_in_review -> contracted          the brand asks for changes
    content_in_review -> approved            the last deliverable is approved
    approved          -> live                every deliverable is live
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accounts.models import NotificationKind, User
from accounts.services import record_audit_event
from campaigns import checks, pipeline
from campaigns.collaborations import record_move
from campaigns.deliverables.disclosure import DisclosureStatus, disclosure_status, flag_missing_disclosure
from campaigns.deliverables.uploads import ALLOWED_TYPES, check_draft_upload, max_draft_upload_bytes
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError
from campaigns.models import Collaboration, Deliverable, DeliverableSubmission, Payout, ReviewComment, Shipment
from campaigns.notices import tell_brand, tell_creator
from campaigns.pipeline import Stage
from campaigns.portal.services import creator_collaborations
from creators.index import provenance
from creators.models import Video

LINK_MAX_CHARS = 500  # DeliverableSubmission.link's and Deliverable.live_url's columns
COMMENT_MAX_CHARS = 5_000  # a review note is a few paragraphs, not a document
SPARK_ADS_CODE_MAX_CHARS = 255  # Deliverable.spark_ads_code's column; TikTok's codes are ~90 characters
# Stages in which a creator may hand in a draft: under contract, or with another round in review.
DRAFT_STAGES = frozenset({Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW})
# Deliverable states that take a new draft round (a round in review may be replaced by a better one).
DRAFT_STATUSES = frozenset(
    {Deliverable.Status.PENDING, Deliverable.Status.CHANGES_REQUESTED, Deliverable.Status.IN_REVIEW}
)
# Stages in which an approved deliverable may go live: content is being (or has been) approved.
LIVE_LINK_STAGES = frozenset({Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED})
# https://www.tiktok.com/@handle/video/1234567890123456789, optionally with a query string (TikTok's
# share links add ?is_from_webapp=1&sender_device=pc) or a trailing slash. Handles: 2-24 characters of
# letters, digits, '_' and '.'; video ids are 64-bit numbers (at most 20 digits).
TIKTOK_VIDEO_URL = re.compile(
    r"^https://(?:www\.|m\.)?tiktok\.com/@(?P<handle>[A-Za-z0-9_.]{2,24})/video/(?P<video_id>\d{1,20})/?(?:\?[^#\s]*)?$"
)
REVIEW_DECISIONS = {
    "approve": ReviewComment.Decision.APPROVED,
    "request_changes": ReviewComment.Decision.CHANGES_REQUESTED,
}
# Shipping address parts: (key, label, required, max characters).
ADDRESS_FIELDS: tuple[tuple[str, str, bool, int], ...] = (
    ("name", "Name", True, 100),
    ("line1", "Address line 1", True, 200),
    ("line2", "Address line 2", False, 200),
    ("city", "City", True, 100),
    ("postal_code", "Postal code", True, 20),
    ("region", "State or region", False, 100),
    ("country", "Country", True, 2),
    ("phone", "Phone", False, 30),
)
POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,18}[A-Za-z0-9]?$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,28}[0-9]$")
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{2,98}[A-Za-z0-9]$")


ALLOWED_UPLOAD_TYPES = ALLOWED_TYPES  # what the portal's file input offers (`accept`)


def max_upload_mb() -> int:
    return max_draft_upload_bytes() // (1024 * 1024)


# --- Reads for the creator ----------------------------------------------------------------------


def creator_deliverables(*, user: User) -> QuerySet[Deliverable]:
    """The deliverables of the creator's own collaborations (never a shortlist's, never another's)."""
    return Deliverable.objects.with_scopes_disabled().filter(
        collaboration__in=creator_collaborations(user=user).values("pk")
    )


def note_reviews_seen(*, user: User, collaboration: Collaboration) -> bool:
    """The creator's collaboration page, which shows every review comment, was opened now: remember it
    when a comment is newer than the last visit (a visit with nothing new writes nothing). Returns
    whether the mark moved."""
    own = creator_collaborations(user=user).filter(pk=collaboration.pk)
    latest = (
        ReviewComment.objects.with_scopes_disabled()
        .filter(submission__deliverable__collaboration__in=own.values("pk"))
        .aggregate(latest=Max("created_at"))["latest"]
    )
    if latest is None:
        return False
    moved = (
        Collaboration.objects.with_scopes_disabled()
        .filter(pk=collaboration.pk)  # their own: `latest` was found through it
        .filter(Q(creator_reviews_seen_at__isnull=True) | Q(creator_reviews_seen_at__lt=latest))
        .update(creator_reviews_seen_at=timezone.now())
    )
    return bool(moved)


def creator_submissions(*, user: User) -> QuerySet[DeliverableSubmission]:
    return DeliverableSubmission.objects.with_scopes_disabled().filter(
        deliverable__collaboration__in=creator_collaborations(user=user).values("pk")
    )


def creator_shipments(*, user: User) -> QuerySet[Shipment]:
    return Shipment.objects.with_scopes_disabled().filter(
        collaboration__in=creator_collaborations(user=user).values("pk")
    )


def creator_payouts(*, user: User) -> QuerySet[Payout]:
    return Payout.objects.with_scopes_disabled().filter(
        collaboration__in=creator_collaborations(user=user).values("pk")
    )


# --- Shared checks ------------------------------------------------------------------------------


def _lock_collaboration(pk: int, *, unscoped: bool) -> Collaboration:
    manager = Collaboration.objects.with_scopes_disabled() if unscoped else Collaboration.objects.all()
    return manager.select_for_update(of=("self",)).select_related("workspace", "campaign", "creator").get(pk=pk)


def _lock_deliverable(pk: int, *, unscoped: bool) -> Deliverable:
    manager = Deliverable.objects.with_scopes_disabled() if unscoped else Deliverable.objects.all()
    return manager.select_for_update(of=("self",)).get(pk=pk)


def _own_deliverable(*, deliverable_id: int, user: User) -> tuple[Collaboration, Deliverable]:
    """The creator's deliverable and its collaboration, both locked (collaboration first)."""
    found = creator_deliverables(user=user).filter(pk=deliverable_id).values_list("collaboration_id", flat=True)
    collaboration_id = found.first()
    if collaboration_id is None:
        raise CampaignNotFoundError("No such deliverable.", code=CampaignErrorCode.NOT_FOUND)
    collaboration = _lock_collaboration(collaboration_id, unscoped=True)
    return collaboration, _lock_deliverable(deliverable_id, unscoped=True)


def _no_control_chars(value: str, *, field: str, label: str) -> str:
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise checks.invalid(field, f"{label} contains invisible control characters.")
    return value


def _clean_link(link: str, *, field: str) -> str:
    link = link.strip()
    if len(link) > LINK_MAX_CHARS:
        raise checks.invalid(field, f"A link has at most {LINK_MAX_CHARS} characters.")
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError as exc:
        raise checks.invalid(field, "Give a full https:// link.") from exc
    return link


def _all_deliverables_are(collaboration: Collaboration, statuses: Collection[str]) -> bool:
    states = set(
        Deliverable.objects.with_scopes_disabled()
        .filter(collaboration_id=collaboration.pk, workspace_id=collaboration.workspace_id)
        .values_list("status", flat=True)
    )
    return bool(states) and states <= set(statuses)


# --- Creator: drafts, live links, address -------------------------------------------------------


@transaction.atomic
def submit_draft(*, deliverable_id: int, user: User, file: Any = None, link: str = "") -> DeliverableSubmission:
    """Hand in a draft as a new round: an uploaded file (checked by `uploads.check_draft_upload`) or a
    link, not both. The deliverable goes to review; a contracted collaboration moves to
    content_in_review. Refused unless the collaboration is contracted or already in review, and unless
    the deliverable waits for a draft (pending, changes requested, or in review: a newer round replaces
    the one waiting). Locks the collaboration, then the deliverable; writes the file last, after every
    check, so a refusal stores nothing."""
    collaboration, deliverable = _own_deliverable(deliverable_id=deliverable_id, user=user)
    if collaboration.stage not in DRAFT_STAGES:
        raise CampaignError(
            f"Drafts are taken once the contract is signed; this collaboration is "
            f"{collaboration.get_stage_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if deliverable.status not in DRAFT_STATUSES:
        raise CampaignError(
            f"This deliverable is {deliverable.get_status_display().lower()}: it takes no new draft.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    link = (link or "").strip()
    if (file is None) == (not link):
        raise checks.invalid("file", "Upload a file or give a link to the draft (one of the two).")
    checked = check_draft_upload(file) if file is not None else None
    clean_link = _clean_link(link, field="link") if link else ""
    rounds = DeliverableSubmission.objects.with_scopes_disabled().filter(deliverable=deliverable)
    round_number = (rounds.aggregate(n=Max("round_number"))["n"] or 0) + 1
    submission = DeliverableSubmission(
        workspace_id=deliverable.workspace_id,
        deliverable=deliverable,
        round_number=round_number,
        link=clean_link,
        submitted_by=user,
    )
    if checked is not None:
        submission.file_name, submission.content_type, submission.file_size = (
            checked.name,
            checked.content_type,
            checked.size,
        )
        submission.file.save(checked.name, checked.file, save=False)
    try:
        _record_draft(collaboration=collaboration, deliverable=deliverable, submission=submission, user=user)
    except Exception:
        # The transaction rolls back; a file stored for this round would be left without a row.
        if submission.file.name:
            submission.file.storage.delete(submission.file.name)
        raise
    return submission


def _record_draft(
    *, collaboration: Collaboration, deliverable: Deliverable, submission: DeliverableSubmission, user: User
) -> None:
    submission.save()
    deliverable.status = Deliverable.Status.IN_REVIEW
    deliverable.save(update_fields=["status", "updated_at"])
    if collaboration.stage == Stage.CONTRACTED:
        record_move(
            collaboration=collaboration,
            to_stage=Stage.CONTENT_IN_REVIEW,
            by=user,
            note=f"Draft round {submission.round_number} submitted in the portal",
        )
    record_audit_event(
        workspace=collaboration.workspace,
        actor=user,
        action="deliverable.draft_submitted",
        target=str(collaboration),
        data={
            "deliverable_id": deliverable.pk,
            "submission_id": submission.pk,
            "round": submission.round_number,
            "kind": "file" if submission.file else "link",
            "content_type": submission.content_type,
        },
    )
    tell_brand(collaboration=collaboration, kind=NotificationKind.DRAFT_SUBMITTED,
               event_key=f"submission:{submission.pk}", body=collaboration.campaign.name,
               title=f"@{collaboration.creator.handle} submitted draft round {submission.round_number}")  # fmt: skip


@dataclass(frozen=True)
class LiveLinkResult:
    """`disclosure` is campaigns.deliverables.disclosure's verdict; `caption_known` says whether the video's caption
    has been read yet (a video first seen through this link has none until the next metrics pull, and
    is counted as missing a disclosure until then, so an unlabelled post is never passed by default)."""

    deliverable: Deliverable
    video: Video
    disclosure: DisclosureStatus
    caption_known: bool


def parse_tiktok_video_url(url: str) -> tuple[str, str, str]:
    """`(handle, video id, canonical url)` of a TikTok video link, or CampaignError on the `url` field."""
    url = (url or "").strip()
    match = TIKTOK_VIDEO_URL.match(url) if len(url) <= LINK_MAX_CHARS else None
    if match is None:
        raise checks.invalid(
            "url", "Paste the TikTok video's link, like https://www.tiktok.com/@yourname/video/1234567890."
        )
    handle, video_id = match["handle"].lower(), match["video_id"]
    return handle, video_id, f"https://www.tiktok.com/@{handle}/video/{video_id}"


@transaction.atomic
def submit_live_link(*, deliverable_id: int, user: User, url: str) -> LiveLinkResult:
    """Link the posted TikTok video to an approved deliverable. The URL must be a TikTok video of the
    creator's own handle; the `Video` row of the index is found or created for that creator. When every
    deliverable is live, an approved collaboration moves to live. Then the disclosure check runs on the
    video's caption and hashtags (campaigns.deliverables.disclosure); a post found without one is flagged in the
    audit trail and on the brand's board. Locks the collaboration, then the deliverable."""
    collaboration, deliverable = _own_deliverable(deliverable_id=deliverable_id, user=user)
    if deliverable.status != Deliverable.Status.APPROVED:
        raise CampaignError(
            "Post the video once the draft is approved; this deliverable is "
            f"{deliverable.get_status_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if collaboration.stage not in LIVE_LINK_STAGES:
        raise CampaignError(
            f"This collaboration is {collaboration.get_stage_display().lower()}: it takes no live link.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    handle, video_id, canonical = parse_tiktok_video_url(url)
    creator = collaboration.creator
    if handle != creator.handle.lower():
        raise checks.invalid(
            "url", f"This video is @{handle}'s; link a video posted from your account, @{creator.handle}."
        )
    video, _ = Video.objects.get_or_create(
        creator=creator,
        platform_video_id=video_id,
        defaults={"share_url": canonical, "provenance": provenance.entry(provenance.Source.CREATOR)},
    )
    elsewhere = Deliverable.objects.with_scopes_disabled().filter(video=video).exclude(pk=deliverable.pk).exists()
    if elsewhere:
        raise checks.invalid("url", "This video is already linked to another deliverable.")
    deliverable.live_url, deliverable.video, deliverable.status = canonical, video, Deliverable.Status.LIVE
    deliverable.live_at = timezone.now()
    deliverable.save(update_fields=["live_url", "video", "status", "live_at", "updated_at"])
    if collaboration.stage == Stage.APPROVED and _all_deliverables_are(collaboration, {Deliverable.Status.LIVE}):
        record_move(collaboration=collaboration, to_stage=Stage.LIVE, by=user, note="Every deliverable is live")
    disclosure = disclosure_status(deliverable)
    caption_known = bool(video.caption or video.hashtags or video.is_paid_partnership or video.stats_captured_at)
    record_audit_event(
        workspace=collaboration.workspace,
        actor=user,
        action="deliverable.live",
        target=str(collaboration),
        data={
            "deliverable_id": deliverable.pk,
            "video_id": video.pk,
            "platform_video_id": video_id,
            "disclosure": disclosure.value if caption_known else "caption_not_read_yet",
        },
    )
    tell_brand(collaboration=collaboration, kind=NotificationKind.LIVE_LINK_POSTED,
               event_key=f"live:{deliverable.pk}:{video.pk}", title=f"@{creator.handle} posted the live video",
               body=f"{collaboration.campaign.name}: {canonical}")  # fmt: skip
    if caption_known:  # stores and alerts a missing disclosure once (also found by later metrics pulls)
        flag_missing_disclosure(deliverable=deliverable)
    return LiveLinkResult(deliverable=deliverable, video=video, disclosure=disclosure, caption_known=caption_known)


def clean_shipping_address(address: Mapping[str, Any]) -> dict[str, str]:
    """`{name, line1, line2, city, postal_code, region, country, phone}`: text trimmed, required parts
    present, each within its length, no control characters, `country` an ISO 3166-1 alpha-2 code
    (upper-cased), postal code and phone in plain characters. Unknown keys are refused."""
    if not isinstance(address, Mapping):
        raise checks.invalid(
            "address", "Expected the address as name, line1, line2, city, postal_code, region, country."
        )
    known = {key for key, *_ in ADDRESS_FIELDS}
    errors: dict[str, list[str]] = {}
    if unknown := sorted(set(address) - known):
        errors["address"] = [f"Unknown parts: {', '.join(map(str, unknown))}."]
    clean: dict[str, str] = {}
    for key, label, required, max_chars in ADDRESS_FIELDS:
        value = address.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[key] = [f"{label} must be text."]
            continue
        value = " ".join(value.split())
        if any(unicodedata.category(char).startswith("C") for char in value):
            errors[key] = [f"{label} contains invisible control characters."]
        elif required and not value:
            errors[key] = [f"{label} is required."]
        elif len(value) > max_chars:
            errors[key] = [f"{label} has at most {max_chars} characters."]
        elif key == "country" and not _is_country_code(value.upper()):
            errors[key] = ["Choose a country (two-letter ISO code, e.g. US, DE, FR)."]
        elif key == "postal_code" and not POSTAL_CODE.fullmatch(value):
            errors[key] = ["Letters, digits, spaces and dashes only."]
        elif key == "phone" and value and not PHONE.fullmatch(value):
            errors[key] = ["A phone number with its country code, e.g. +1 415 555 0100."]
        clean[key] = value.upper() if key == "country" else value
    if errors:
        raise CampaignError("The address is not complete or not valid.", code=CampaignErrorCode.INVALID, fields=errors)
    return clean


# CLDR "territories" that are groupings or placeholders, not countries a parcel can go to.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@functools.cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 countries with their English names, by name (Babel's CLDR data, which
    django-money's py-moneyed already installs)."""
    territories = Locale("en").territories
    countries = (
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )
    return tuple(sorted(countries, key=lambda pair: pair[1]))


def _is_country_code(code: str) -> bool:
    return any(code == known for known, _ in country_choices())


@transaction.atomic
def save_shipping_address(*, shipment_id: int, user: User, address: Mapping[str, Any]) -> Shipment:
    """The creator gives (or corrects) the address for a product shipment; the shipment becomes ready
    to ship. Refused once it has shipped. The address is the workspace's to see, on the collaboration
    page only. Locks the collaboration, then the shipment."""
    found = creator_shipments(user=user).filter(pk=shipment_id).values_list("collaboration_id", flat=True).first()
    if found is None:
        raise CampaignNotFoundError("No such shipment.", code=CampaignErrorCode.NOT_FOUND)
    collaboration = _lock_collaboration(found, unscoped=True)
    shipment = Shipment.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=shipment_id)
    if shipment.status not in (Shipment.Status.PENDING_ADDRESS, Shipment.Status.READY):
        raise CampaignError(
            f"This parcel is {shipment.get_status_display().lower()}: the address can no longer change.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if collaboration.stage in pipeline.TERMINAL_STAGES and collaboration.stage != Stage.PAID:
        raise CampaignError(
            f"This collaboration is {collaboration.get_stage_display().lower()}.", code=CampaignErrorCode.STAGE_LOCKED
        )
    shipment.address = clean_shipping_address(address)
    shipment.status = Shipment.Status.READY
    shipment.save(update_fields=["address", "status", "updated_at"])
    record_audit_event(
        workspace=collaboration.workspace,
        actor=user,
        action="shipment.address_given",
        target=str(collaboration),
        data={"shipment_id": shipment.pk, "country": shipment.address["country"]},  # never the address itself
    )
    tell_brand(collaboration=collaboration, kind=NotificationKind.SHIPPING_ADDRESS_GIVEN,
               event_key=f"shipment:{shipment.pk}", body=shipment.description,
               title=f"@{collaboration.creator.handle} gave a shipping address")  # fmt: skip
    return shipment


# --- Brand: reviews, usage rights, shipping -----------------------------------------------------


@transaction.atomic
def review_submission(*, submission_id: int, by: User, decision: str, comment: str = "") -> ReviewComment:
    """Approve the latest draft round, or ask for changes (a comment is then required). Approving the
    last deliverable moves a collaboration in review to approved; asking for changes moves it back to
    contracted while the creator reworks the draft. Only the latest round of a deliverable in review
    can be decided. Managers and owners only; locks the collaboration, then the deliverable."""
    submission = DeliverableSubmission.objects.select_related("deliverable").filter(pk=submission_id).first()
    if submission is None:
        raise CampaignNotFoundError("This draft does not exist.", code=CampaignErrorCode.NOT_FOUND)
    collaboration = _lock_collaboration(submission.deliverable.collaboration_id, unscoped=False)
    deliverable = _lock_deliverable(submission.deliverable_id, unscoped=False)
    checks.require_manager(workspace_id=collaboration.workspace_id, user=by)
    checks.same_workspace(submission, deliverable)
    checks.same_workspace(deliverable, collaboration)
    if decision not in REVIEW_DECISIONS:
        raise checks.invalid("decision", "Approve or request changes.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise checks.invalid("comment", f"A comment has at most {COMMENT_MAX_CHARS:,} characters.")
    if decision == "request_changes" and not comment:
        raise checks.invalid("comment", "Say what should change, so the creator knows what to rework.")
    if collaboration.stage in pipeline.TERMINAL_STAGES:
        raise CampaignError(
            f"This collaboration is {collaboration.get_stage_display().lower()}.", code=CampaignErrorCode.STAGE_LOCKED
        )
    latest = DeliverableSubmission.objects.filter(deliverable=deliverable).aggregate(n=Max("round_number"))["n"]
    if deliverable.status != Deliverable.Status.IN_REVIEW or submission.round_number != latest:
        raise CampaignError(
            "Only the latest draft of a deliverable in review can be decided.",
            code=CampaignErrorCode.TRANSITION_NOT_ALLOWED,
        )
    review = ReviewComment.objects.create(
        workspace_id=submission.workspace_id,
        submission=submission,
        author=by,
        decision=REVIEW_DECISIONS[decision],
        body=comment,
    )
    if decision == "approve":
        deliverable.status, deliverable.approved_at = Deliverable.Status.APPROVED, timezone.now()
        deliverable.save(update_fields=["status", "approved_at", "updated_at"])
        done = {Deliverable.Status.APPROVED, Deliverable.Status.LIVE}
        if collaboration.stage == Stage.CONTENT_IN_REVIEW and _all_deliverables_are(collaboration, done):
            record_move(collaboration=collaboration, to_stage=Stage.APPROVED, by=by, note="Every deliverable approved")
    else:
        deliverable.status = Deliverable.Status.CHANGES_REQUESTED
        deliverable.save(update_fields=["status", "updated_at"])
        if collaboration.stage == Stage.CONTENT_IN_REVIEW:
            record_move(collaboration=collaboration, to_stage=Stage.CONTRACTED, by=by, note="Changes requested")
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action="deliverable.approved" if decision == "approve" else "deliverable.changes_requested",
        target=str(collaboration),
        data={"deliverable_id": deliverable.pk, "submission_id": submission.pk, "round": submission.round_number},
    )
    verdict = "approved" if decision == "approve" else "needs changes"
    tell_creator(collaboration=collaboration, kind=NotificationKind.REVIEW_DECISION, event_key=f"review:{review.pk}",
                 title=f"Draft round {submission.round_number} {verdict}", body=comment)  # fmt: skip
    return review


@transaction.atomic
def record_spark_ads_code(*, deliverable: Deliverable, by: User, code: str, expires_on: datetime.date) -> Deliverable:
    """Record the Spark Ads authorization code the creator generated for an approved (or live)
    deliverable, and when it expires (today or later). Replaces an earlier code. Managers and owners
    only; locks the deliverable."""
    deliverable = checks.locked(Deliverable, deliverable.pk, "workspace", "collaboration")
    checks.require_manager(workspace_id=deliverable.workspace_id, user=by)
    checks.same_workspace(deliverable, deliverable.collaboration)
    if deliverable.status not in (Deliverable.Status.APPROVED, Deliverable.Status.LIVE):
        raise CampaignError(
            "Usage rights are recorded for approved or live deliverables.", code=CampaignErrorCode.STAGE_LOCKED
        )
    code = (code or "").strip()
    if not code or len(code) > SPARK_ADS_CODE_MAX_CHARS or any(char.isspace() for char in code):
        raise checks.invalid(
            "code", f"Paste the code as TikTok shows it: 1 to {SPARK_ADS_CODE_MAX_CHARS} characters, no spaces."
        )
    _no_control_chars(code, field="code", label="The code")
    if not isinstance(expires_on, datetime.date) or isinstance(expires_on, datetime.datetime):
        raise checks.invalid("expires_on", "Give the expiry as a date.")
    if expires_on < timezone.now().date():
        raise checks.invalid("expires_on", "This code has already expired; ask the creator for a new one.")
    deliverable.spark_ads_code, deliverable.spark_ads_code_expires_on = code, expires_on
    deliverable.save(update_fields=["spark_ads_code", "spark_ads_code_expires_on", "updated_at"])
    record_audit_event(
        workspace=deliverable.workspace,
        actor=by,
        action="deliverable.spark_ads_code_recorded",
        target=str(deliverable.collaboration),
        data={"deliverable_id": deliverable.pk, "expires_on": expires_on.isoformat()},  # not the code itself
    )
    return deliverable


@transaction.atomic
def mark_shipped(*, shipment: Shipment, by: User, carrier: str, tracking_number: str) -> Shipment:
    """Record that a shipment ready to go (the creator gave the address) left with a carrier, under a
    tracking number. Managers and owners only; locks the shipment."""
    shipment = checks.locked(Shipment, shipment.pk, "workspace", "collaboration")
    checks.require_manager(workspace_id=shipment.workspace_id, user=by)
    checks.same_workspace(shipment, shipment.collaboration)
    if shipment.status != Shipment.Status.READY:
        raise CampaignError(
            f"Only a shipment ready to go can be shipped; this one is {shipment.get_status_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    carrier = " ".join((carrier or "").split())
    if not carrier or len(carrier) > 60:
        raise checks.invalid("carrier", "Name the carrier (1 to 60 characters), e.g. UPS or DHL.")
    _no_control_chars(carrier, field="carrier", label="The carrier")
    tracking_number = " ".join((tracking_number or "").split())
    if not TRACKING_NUMBER.fullmatch(tracking_number):
        raise checks.invalid("tracking_number", "A tracking number of 4 to 100 letters, digits, spaces or dashes.")
    shipment.carrier, shipment.tracking_number = carrier, tracking_number
    shipment.status, shipment.shipped_at = Shipment.Status.SHIPPED, timezone.now()
    shipment.save(update_fields=["carrier", "tracking_number", "status", "shipped_at", "updated_at"])
    record_audit_event(
        workspace=shipment.workspace,
        actor=by,
        action="shipment.shipped",
        target=str(shipment.collaboration),
        data={"shipment_id": shipment.pk, "carrier": carrier},
    )
    return shipment
