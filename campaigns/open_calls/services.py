"""Open calls: a campaign's public page where creators apply with their handle and a pitch.

Publishing and closing are the brand's (managers and owners). Applying is public and anonymous, so
it is the one write in campaigns without a user: the open call's workspace is the scope, the handle
is checked like an import's, the creator is found in (or added to) the shared index, and the
application arrives as a shortlisted collaboration, with its index profile and score, like any other.
A creator already in the campaign is told so and nothing is written."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import NotificationKind, User
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from campaigns import checks
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError
from campaigns.models import Campaign, Collaboration, CollaborationTransition, OpenCall, OpenCallApplication
from campaigns.notices import tell_brand
from campaigns.pipeline import CampaignStatus, Stage
from creators.importing.mapping import RowError, parse_handle
from creators.models import WorkspaceCreatorContact
from creators.services import ensure_creator

HEADLINE_MAX_CHARS = 150  # OpenCall.headline's column
DESCRIPTION_MAX_CHARS = 5_000
PITCH_MIN_CHARS = 20  # "hi pls pick me" is not a pitch
PITCH_MAX_CHARS = 1_500
SLUG_RANDOM_BYTES = 6  # 48 bits after the readable part: a call is shared, not guessed


def _clean_text(value: str, *, field: str, max_chars: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise checks.invalid(field, "This field is required.")
    if len(value) > max_chars:
        raise checks.invalid(field, f"At most {max_chars:,} characters.")
    return value


@transaction.atomic
def publish_open_call(
    *,
    campaign: Campaign,
    by: User,
    headline: str,
    description: str,
    requirements: str = "",
    closes_on: datetime.date | None = None,
) -> OpenCall:
    """Open (or update and reopen) the campaign's application page. The link stays the same across
    updates, so a link already shared keeps working."""
    campaign = checks.locked(Campaign, campaign.pk, "workspace")
    checks.require_manager(workspace_id=campaign.workspace_id, user=by)
    if campaign.status == CampaignStatus.COMPLETED:
        raise CampaignError("A completed campaign cannot take applications.", code=CampaignErrorCode.STAGE_LOCKED)
    headline = _clean_text(headline, field="headline", max_chars=HEADLINE_MAX_CHARS)
    description = _clean_text(description, field="description", max_chars=DESCRIPTION_MAX_CHARS)
    requirements = _clean_text(requirements, field="requirements", max_chars=DESCRIPTION_MAX_CHARS, required=False)
    if closes_on is not None and closes_on < timezone.now().date():
        raise checks.invalid("closes_on", "The closing date is in the past.")
    open_call = OpenCall.objects.filter(campaign=campaign).first()
    if open_call is None:
        slug = f"{slugify(campaign.name)[:24].strip('-') or 'apply'}-{secrets.token_hex(SLUG_RANDOM_BYTES)}"
        open_call = OpenCall(workspace_id=campaign.workspace_id, campaign=campaign, slug=slug)
    open_call.headline, open_call.description, open_call.requirements = headline, description, requirements
    open_call.closes_on, open_call.is_open, open_call.published_by = closes_on, True, by
    open_call.save()
    record_audit_event(
        workspace=campaign.workspace,
        actor=by,
        action="open_call.published",
        target=campaign.name,
        data={"campaign_id": campaign.pk, "slug": open_call.slug},
    )
    return open_call


@transaction.atomic
def close_open_call(*, open_call: OpenCall, by: User) -> OpenCall:
    open_call = checks.locked(OpenCall, open_call.pk, "workspace", "campaign")
    checks.require_manager(workspace_id=open_call.workspace_id, user=by)
    open_call.is_open = False
    open_call.save(update_fields=["is_open", "updated_at"])
    record_audit_event(
        workspace=open_call.workspace, actor=by, action="open_call.closed", target=open_call.campaign.name
    )
    return open_call


def is_accepting(open_call: OpenCall, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.now().date()
    return (
        open_call.is_open
        and open_call.campaign.status != CampaignStatus.COMPLETED
        and (open_call.closes_on is None or open_call.closes_on >= today)
    )


def open_call_by_slug(*, slug: str) -> OpenCall | None:
    """The public page's one read across workspaces: the slug is the only key a visitor has."""
    return (
        OpenCall.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .select_related("workspace", "campaign")
        .filter(slug=slug)
        .first()
    )


@transaction.atomic
def apply_to_open_call(*, slug: str, handle: str, email: str, pitch: str) -> OpenCallApplication:
    """A creator applies. Every field is checked before anything is written; a closed call, a creator
    already in the campaign, or bad input raise `CampaignError` with the field at fault."""
    found = open_call_by_slug(slug=slug)
    if found is None:
        raise CampaignNotFoundError("This open call does not exist.", code=CampaignErrorCode.NOT_FOUND)
    with workspace_scope(found.workspace):
        open_call = checks.locked(OpenCall, found.pk, "workspace", "campaign")
        if not is_accepting(open_call):
            raise CampaignError("This open call is closed.", code=CampaignErrorCode.STAGE_LOCKED)
        try:
            clean_handle = parse_handle(handle)
        except RowError as exc:
            raise checks.invalid("handle", str(exc)) from exc
        email = (email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise checks.invalid("email", "Enter a valid e-mail address.") from exc
        pitch = _clean_text(pitch, field="pitch", max_chars=PITCH_MAX_CHARS)
        if len(pitch) < PITCH_MIN_CHARS:
            raise checks.invalid("pitch", f"Tell the brand a little more (at least {PITCH_MIN_CHARS} characters).")
        creator, added = ensure_creator(handle=clean_handle)
        if Collaboration.objects.filter(campaign=open_call.campaign, creator=creator).exists():
            raise CampaignError(
                f"@{clean_handle} is already part of this campaign; the brand has your profile.",
                code=CampaignErrorCode.INVALID,
                fields={"handle": ["Already applied or already invited."]},
            )
        collaboration = Collaboration.objects.create(
            workspace_id=open_call.workspace_id,
            campaign=open_call.campaign,
            creator=creator,
            stage=Stage.SHORTLISTED,
        )
        CollaborationTransition.objects.create(
            workspace_id=open_call.workspace_id,
            collaboration=collaboration,
            from_stage="",
            to_stage=Stage.SHORTLISTED,
            note="Applied through the open call",
        )
        # The applicant's address becomes this workspace's contact when it has none, so the brand can invite
        # them. It is unverified: a claim through it reaches this workspace's collaboration only.
        WorkspaceCreatorContact.objects.get_or_create(
            workspace_id=open_call.workspace_id,
            creator=creator,
            defaults={"email": email, "source": WorkspaceCreatorContact.Source.APPLICATION},
        )
        application = OpenCallApplication.objects.create(
            workspace_id=open_call.workspace_id,
            open_call=open_call,
            collaboration=collaboration,
            handle=clean_handle,
            email=email,
            pitch=pitch,
        )
        record_audit_event(
            workspace=open_call.workspace,
            actor=None,
            action="open_call.applied",
            target=f"@{clean_handle}",
            data={"campaign_id": open_call.campaign_id, "creator_added_to_index": added},
        )
        tell_brand(collaboration=collaboration, kind=NotificationKind.OPEN_CALL_APPLICATION,
                   event_key=f"application:{application.pk}", body=pitch,
                   title=f"@{clean_handle} applied to {open_call.campaign.name}")  # fmt: skip
    return application
