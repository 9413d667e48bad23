"""Reads for threads, templates and claim links.

Brand-side reads go through the scoped managers and filter by the workspace as well; creator-side
reads start from `campaigns.portal.services.creator_collaborations` (the creator's own, past the
shortlist), the portal's one rule. The few reads that cross workspaces say so in their names."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from accounts.models import User, Workspace
from accounts.tenancy import all_workspaces_unscoped
from campaigns.models import Campaign, Collaboration, ReviewComment
from campaigns.portal.services import creator_collaborations
from creators.models import PortalGrant
from creators.workspace.contacts import with_contact_email
from outreach.models import ClaimLink, Message, OutreachEmail, OutreachTemplate, Side, Thread

# Invitations and reminders were e-mailed when they were sent; an unread-messages e-mail about them
# would say the same thing twice.
NOTIFIED_KINDS = (
    Message.Kind.MESSAGE,
    Message.Kind.BRIEF_CHANGE,
    Message.Kind.REVIEW_COMMENT,
    Message.Kind.SYSTEM,
)


def collaboration_for_workspace(*, workspace: Workspace, pk: int) -> Collaboration | None:
    return (
        Collaboration.objects.filter(workspace=workspace, pk=pk)
        .select_related("campaign", "creator", "workspace")
        .first()
    )


def collaboration_for_creator(*, user: User, pk: int) -> Collaboration | None:
    """One of the creator's own collaborations (not a shortlist), or None, whatever workspace it is in."""
    return creator_collaborations(user=user).select_related("campaign", "creator", "workspace").filter(pk=pk).first()


def thread_messages(*, collaboration: Collaboration) -> QuerySet[Message]:
    """The timeline, oldest first. Unscoped on purpose: callers have already checked that the viewer
    may see this collaboration (brand member or its own creator); the filter is the collaboration."""
    return (
        Message.objects.with_scopes_disabled()
        .filter(collaboration_id=collaboration.pk, workspace_id=collaboration.workspace_id)
        .select_related("author")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a thread as the pages show it: a `Message`, or a review comment read from campaigns."""

    key: str  # unique within the thread, for element ids
    kind: str
    kind_label: str
    sender_side: str
    author: User | None
    body: str
    created_at: datetime.datetime


def timeline(*, collaboration: Collaboration, limit: int = 200) -> list[TimelineEntry]:
    """The thread's newest `limit` entries, oldest first: its messages and events, and the review
    comments on the collaboration's drafts. Review comments live in campaigns, a lower layer that
    cannot call up into outreach, so the timeline reads them here instead of having them copied in."""
    entries = [
        TimelineEntry(f"m{m.pk}", m.kind, m.get_kind_display(), m.sender_side, m.author, m.body, m.created_at)
        for m in thread_messages(collaboration=collaboration).reverse()[:limit]
    ]
    comments = (
        ReviewComment.objects.with_scopes_disabled()
        .filter(submission__deliverable__collaboration_id=collaboration.pk, workspace_id=collaboration.workspace_id)
        .select_related("author", "submission")
        .order_by("-created_at", "-pk")[:limit]
    )
    for comment in comments:
        decision = comment.get_decision_display() if getattr(comment, "decision", "") else ""  # type: ignore[attr-defined]
        text = " — ".join(part for part in (decision, comment.body.strip()) if part)
        body = (
            f"Round {comment.submission.round_number}: {text}" if text else f"Round {comment.submission.round_number}"
        )
        entries.append(
            TimelineEntry(
                f"r{comment.pk}",
                Message.Kind.REVIEW_COMMENT,
                Message.Kind.REVIEW_COMMENT.label,
                Side.BRAND,
                comment.author,
                body,
                comment.created_at,
            )
        )
    entries.sort(key=lambda entry: entry.created_at)
    return entries[-limit:]


def thread_of(*, collaboration: Collaboration) -> Thread | None:
    return (
        Thread.objects.with_scopes_disabled()
        .filter(collaboration_id=collaboration.pk, workspace_id=collaboration.workspace_id)
        .first()
    )


def unread_count(*, collaboration: Collaboration, side: str) -> int:
    """Messages from the other side (or CreatorDesk) that `side` has not opened yet."""
    thread = thread_of(collaboration=collaboration)
    if thread is None:
        return 0
    read_at = thread.brand_read_at if side == Side.BRAND else thread.creator_read_at
    messages = thread_messages(collaboration=collaboration).exclude(sender_side=side)
    return (messages.filter(created_at__gt=read_at) if read_at else messages).count()


def templates_for(*, workspace: Workspace, kind: str | None = None) -> QuerySet[OutreachTemplate]:
    templates = OutreachTemplate.objects.filter(workspace=workspace).select_related("created_by")
    return templates.filter(kind=kind) if kind else templates


def get_template(*, workspace: Workspace, pk: int) -> OutreachTemplate | None:
    return templates_for(workspace=workspace).filter(pk=pk).first()


def default_template(*, workspace: Workspace, kind: str) -> OutreachTemplate | None:
    return templates_for(workspace=workspace, kind=kind).filter(is_default=True).first()


def claim_link_by_token_across_workspaces(*, token_sha256: str) -> ClaimLink | None:
    """Dangerous: crosses workspaces. The claim page is public and the 256-bit token is the credential."""
    with all_workspaces_unscoped():
        return (
            ClaimLink.objects.filter(token_sha256=token_sha256)
            .select_related("workspace", "creator", "collaboration__campaign")
            .first()
        )


def threads_with_unread_across_workspaces(*, older_than: object) -> list[int]:
    """Dangerous: crosses workspaces (the notification sweep). Ids of threads with a message from one
    side, sent before `older_than`, that the other side has neither read nor been e-mailed about."""

    def newer_than(mark: str) -> Q:
        return Q(**{f"thread__{mark}__isnull": True}) | Q(created_at__gt=F(f"thread__{mark}"))

    with all_workspaces_unscoped():
        candidates = Message.objects.filter(thread=OuterRef("pk"), created_at__lte=older_than, kind__in=NOTIFIED_KINDS)
        brand_unread = candidates.exclude(sender_side=Side.BRAND).filter(
            newer_than("brand_read_at"), newer_than("brand_notified_through")
        )
        creator_unread = candidates.exclude(sender_side=Side.CREATOR).filter(
            newer_than("creator_read_at"), newer_than("creator_notified_through")
        )
        return list(
            Thread.objects.filter(
                Q(Exists(brand_unread)) | Q(Exists(creator_unread)) | Q(Exists(_unread_reviews(older_than)))
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _unread_reviews(older_than: object) -> QuerySet[ReviewComment]:
    """The review comments on a thread's collaboration (an `OuterRef`) the creator has neither read nor
    been e-mailed about: reviews live in campaigns, so they are not messages, but they are news."""
    seen = Coalesce(Greatest(OuterRef("creator_read_at"), OuterRef("creator_notified_through")), Value(EPOCH))
    return ReviewComment.objects.filter(
        submission__deliverable__collaboration_id=OuterRef("collaboration_id"),
        created_at__lte=older_than,
        created_at__gt=seen,
    ).filter(_not_seen_on_the_collaboration_page())


def _not_seen_on_the_collaboration_page() -> Q:
    seen_at = "submission__deliverable__collaboration__creator_reviews_seen_at"
    return Q(**{f"{seen_at}__isnull": True}) | Q(created_at__gt=F(seen_at))


def unread_reviews_for(*, thread: Thread, older_than: datetime.datetime) -> list[ReviewComment]:
    """The review comments a creator's unread notice quotes, oldest first (unscoped: the sweep)."""
    marks = [m for m in (thread.creator_read_at, thread.creator_notified_through) if m]
    reviews = ReviewComment.objects.with_scopes_disabled().filter(
        submission__deliverable__collaboration_id=thread.collaboration_id,
        workspace_id=thread.workspace_id,
        created_at__lte=older_than,
    )
    if marks:
        reviews = reviews.filter(created_at__gt=max(marks))
    reviews = reviews.filter(_not_seen_on_the_collaboration_page())
    return list(reviews.select_related("submission").order_by("created_at", "pk"))


def collaborations_needing_a_thread_across_workspaces(*, older_than: object, since: object) -> list[Collaboration]:
    """Dangerous: crosses workspaces (the sweep). Collaborations with a recent review comment but no
    thread yet: the sweep opens one, so the creator hears about the review."""
    with all_workspaces_unscoped():
        return list(
            Collaboration.objects.filter(
                deliverables__submissions__comments__created_at__lte=older_than,
                deliverables__submissions__comments__created_at__gt=since,
                thread__isnull=True,
            ).distinct()
        )


def collaborations_for_table(*, campaign: Campaign, stage: str = "") -> QuerySet[Collaboration]:
    """A campaign's collaborations for the table view, by handle, each with `last_email_at` (the last
    outreach e-mail sent) and `brand_unread` (creator messages the brand has not opened)."""
    last_email = (
        OutreachEmail.objects.filter(collaboration=OuterRef("pk"), sent_at__isnull=False)
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )
    unread = (
        Message.objects.filter(collaboration=OuterRef("pk"), sender_side=Side.CREATOR)
        .filter(Q(created_at__gt=F("thread__brand_read_at")) | Q(thread__brand_read_at__isnull=True))
        .order_by()
        .values("collaboration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    granted = PortalGrant.objects.filter(
        creator=OuterRef("creator"), workspace=OuterRef("workspace"), revoked_at__isnull=True
    )
    rows = (
        Collaboration.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id)
        .select_related("creator")
        .annotate(
            last_email_at=Subquery(last_email),
            brand_unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
            # Whether the creator's portal account reaches this workspace (a grant, or the proven handle).
            has_portal_access=ExpressionWrapper(
                Q(creator__user__isnull=False) | Q(Exists(granted)), output_field=BooleanField()
            ),
        )
        .order_by("creator__handle", "pk")
    )
    rows = with_contact_email(rows, workspace=campaign.workspace, creator_field="creator")
    return rows.filter(stage=stage) if stage else rows
