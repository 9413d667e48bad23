"""Writes for tracking links: created in bulk for a campaign's contracted creators, deactivated one by one.

Like every service: one transaction, keyword-only arguments, run inside the caller's workspace scope,
managers and owners only (`TrackingPermissionError`), bad input refused before anything is written,
an audit event per action. The redirect's cache entry of a changed link is dropped after commit."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from accounts.services import record_audit_event
from analytics.models import TrackingLink
from analytics.tracking import creator_kit, redirect
from analytics.tracking.destinations import Utm, clean_click_id_param, clean_utm_value, validate_destination, with_utm
from analytics.tracking.domains import require_manager, verified_hosts
from analytics.tracking.errors import TrackingError, TrackingErrorCode, TrackingNotFoundError
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage

# A link is made once a creator is contracted: before that there is nothing to post, after a
# cancellation or a refusal nothing to track.
LINKABLE_STAGES = (Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.LIVE, Stage.PAID)
TOKEN_BYTES = 16  # 128 bits from `secrets`: 22 URL-safe characters
DEFAULT_CLICK_ID_PARAM = "cd_click"
HANDLE_PLACEHOLDER = "{handle}"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def campaign_utm_slug(campaign: Campaign) -> str:
    return slugify(campaign.name)[:100] or f"campaign-{campaign.pk}"


@transaction.atomic
def create_links_for_campaign(
    *,
    campaign: Campaign,
    by: User,
    destination: str,
    utm_source: str = "tiktok",
    utm_medium: str = "influencer",
    utm_campaign: str | None = None,
    utm_content: str = HANDLE_PLACEHOLDER,
    click_id_param: str = DEFAULT_CLICK_ID_PARAM,
    tell_creators: bool = True,
) -> list[TrackingLink]:
    """One link to `destination` for every collaboration of `campaign` at `contracted` or later that has
    none yet. `utm_campaign` defaults to the campaign's slug; `utm_content` may use `{handle}` (the
    creator's handle, the default). Locks the campaign so two clicks on the button make one set of
    links. Refuses (NOTHING_TO_LINK) when no collaboration needs a link. Each creator who got a link
    is told in their thread (`creator_kit.tell_creators`) unless `tell_creators` is False (a caller
    that also makes codes tells once for both)."""
    require_manager(workspace_id=campaign.workspace_id, user=by)
    locked = Campaign.objects.select_for_update(of=("self",)).filter(pk=campaign.pk).first()
    if locked is None:
        raise TrackingNotFoundError("This campaign does not exist.", code=TrackingErrorCode.NOT_FOUND)
    param = clean_click_id_param(click_id_param)
    base = validate_destination(destination, verified_hosts=verified_hosts(workspace=locked.workspace))
    source = clean_utm_value(utm_source, field="utm_source")
    medium = clean_utm_value(utm_medium, field="utm_medium")
    campaign_value = clean_utm_value(utm_campaign or campaign_utm_slug(locked), field="utm_campaign")
    clean_utm_value(utm_content.replace(HANDLE_PLACEHOLDER, "handle"), field="utm_content")
    collaborations = list(
        Collaboration.objects.filter(
            workspace_id=locked.workspace_id, campaign=locked, stage__in=LINKABLE_STAGES, tracking_links__isnull=True
        )
        .select_related("creator")
        .order_by("pk")
    )
    if not collaborations:
        raise TrackingError(
            "Every contracted creator of this campaign already has a link (or none is contracted yet).",
            code=TrackingErrorCode.NOTHING_TO_LINK,
        )
    links = []
    for collaboration in collaborations:
        content = clean_utm_value(
            utm_content.replace(HANDLE_PLACEHOLDER, collaboration.creator.handle), field="utm_content"
        )
        utm = Utm(source=source, medium=medium, campaign=campaign_value, content=content)
        final = with_utm(base, utm=utm, click_id_param=param)
        links.append(
            TrackingLink(
                workspace_id=locked.workspace_id,
                collaboration=collaboration,
                token=new_token(),
                destination=final,
                utm_source=source,
                utm_medium=medium,
                utm_campaign=campaign_value,
                utm_content=content,
                click_id_param=param,
                created_by=by,
            )
        )
    created = TrackingLink.objects.bulk_create(links)
    if tell_creators:
        creator_kit.tell_creators(collaboration_ids=[link.collaboration_id for link in created], by=by)
    record_audit_event(
        workspace=locked.workspace,
        actor=by,
        action="tracking_links.created",
        target=locked.name,
        data={"campaign": locked.pk, "links": len(created), "destination": base},
    )
    return created


@transaction.atomic
def deactivate_tracking_link(*, link: TrackingLink, by: User) -> TrackingLink:
    """The link answers 404 from now on (its cache entry is dropped after commit); clicks already
    recorded stay."""
    require_manager(workspace_id=link.workspace_id, user=by)
    locked = TrackingLink.objects.select_for_update(of=("self",)).filter(pk=link.pk).first()
    if locked is None:
        raise TrackingNotFoundError("This link does not exist.", code=TrackingErrorCode.NOT_FOUND)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        record_audit_event(
            workspace=locked.workspace, actor=by, action="tracking_link.deactivated", target=locked.token
        )
        token = locked.token
        transaction.on_commit(lambda: redirect.forget_link(token))
    return locked
