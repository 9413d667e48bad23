"""The creator's link and code: what a creator is given to post (the collaboration's active tracking
link, as the absolute short URL the redirect serves, and its active promo code), the merge sources
that put both in outreach and contract e-mails (registered with `outreach.merge` from
`analytics.apps`), and the thread message that tells creators when a generation gave them new ones.

Reads here take a collaboration the caller has already reached through its own scope (the dashboard's
workspace, or the portal's `creator_collaborations`), and filter by its workspace explicitly: merge
fields are rendered by tasks and portal pages that run outside any workspace scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from analytics.models import PromoCode, TrackingLink
from campaigns.models import Collaboration
from outreach import merge
from outreach.emails import absolute_url
from outreach.models import MessageKind
from outreach.services import record_event

HOW_TO_USE_LINK = "Put it in your TikTok bio (or the link sticker), so viewers can tap through."
HOW_TO_USE_CODE = "Say it in your voice-over or write it in your caption: viewers type it at checkout."


def short_url(token: str) -> str:
    """The absolute short link `/r/<token>` as the redirect serves it, from SITE_URL (never a Host header)."""
    return settings.SITE_URL.rstrip("/") + reverse("tracking-redirect", kwargs={"token": token})


def active_link_for(collaboration: Collaboration) -> TrackingLink | None:
    """The newest active link of the collaboration (a deactivated one is never handed out again)."""
    return (
        TrackingLink.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(workspace_id=collaboration.workspace_id, collaboration_id=collaboration.pk, is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def active_code_for(collaboration: Collaboration) -> PromoCode | None:
    return (
        PromoCode.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(workspace_id=collaboration.workspace_id, collaboration_id=collaboration.pk, is_active=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def tracking_link_value(collaboration: Collaboration) -> str:
    """The `{{ tracking_link }}` merge field: the short URL, or "" before links are generated."""
    link = active_link_for(collaboration)
    return short_url(link.token) if link else ""


def promo_code_value(collaboration: Collaboration) -> str:
    """The `{{ promo_code }}` merge field: the code, or "" before codes are generated."""
    code = active_code_for(collaboration)
    return code.code if code else ""


def register_merge_sources() -> None:
    """Called once from `AnalyticsConfig.ready`: outreach and briefs, lower layers, read the values
    through `outreach.merge.registered_values` without importing analytics."""
    merge.register_merge_source("tracking_link", tracking_link_value)
    merge.register_merge_source("promo_code", promo_code_value)


@dataclass(frozen=True)
class Kit:
    """What the portal card and the messages show: "" for what is not generated yet."""

    link: str
    code: str

    @property
    def is_empty(self) -> bool:
        return not (self.link or self.code)


def kit_for(collaboration: Collaboration) -> Kit:
    return Kit(link=tracking_link_value(collaboration), code=promo_code_value(collaboration))


def kit_message(*, collaboration: Collaboration, kit: Kit) -> str:
    """The thread message telling the creator what they were given and how to use it."""
    ready = " and ".join(part for part, value in (("tracking link", kit.link), ("promo code", kit.code)) if value)
    lines = [f"Your {ready} for {collaboration.campaign.name} {'are' if ' and ' in ready else 'is'} ready."]
    if kit.link:
        lines += ["", f"Link: {kit.link}", HOW_TO_USE_LINK]
    if kit.code:
        lines += ["", f"Code: {kit.code}", HOW_TO_USE_CODE]
    page = absolute_url(reverse("portal-campaigns:collaboration", kwargs={"collaboration_pk": collaboration.pk}))
    lines += ["", f"Copy {'them' if ' and ' in ready else 'it'} from your collaboration page: {page}"]
    return "\n".join(lines)


def tell_creators(*, collaboration_ids: Iterable[int], by: User) -> int:
    """Post one message in each collaboration's thread saying what it now has (link, code or both),
    from `by`'s side (the brand). The creator sees it in the portal's messages, and outreach's unread
    sweep e-mails it. Called by the generating services inside their transaction, with the ids of
    the collaborations that got something new in that generation only, so a generation that makes
    nothing new tells nobody. Returns the number of messages posted."""
    ids = sorted(set(collaboration_ids))  # by pk: threads are locked in one order
    collaborations = (
        Collaboration.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(pk__in=ids)
        .select_related("workspace", "campaign")
        .order_by("pk")
    )
    posted = 0
    for collaboration in collaborations:
        kit = kit_for(collaboration)
        if kit.is_empty:  # deactivated in the same transaction: nothing to tell
            continue
        record_event(
            collaboration=collaboration,
            kind=MessageKind.SYSTEM,
            body=kit_message(collaboration=collaboration, kit=kit),
            by=by,
        )
        posted += 1
    return posted
