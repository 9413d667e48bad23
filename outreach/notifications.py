"""Unread-message notices: the sweep beat runs (`send_unread_notifications`) and the e-mail it sends
one side of a thread about the other side's messages, and the brand's draft reviews, left unread
(`notify_unread`). Both run without a workspace scope, across workspaces; a thread's notice is
claimed under its row lock before anything is sent, so running the sweep twice sends once.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from campaigns.models import ReviewComment
from creators.portal.access import accounts_reaching
from outreach import emails, selectors
from outreach.models import Message, Side, Thread

UNREAD_EXCERPTS = 5  # the newest messages quoted in an unread-messages e-mail
REVIEW_LOOKBACK_DAYS = 7  # how far back the sweep looks for reviews on collaborations without a thread


def _brand_recipients(thread: Thread) -> list[str]:
    """The campaign's owner while they are a member; otherwise every manager and owner."""
    members = Membership.objects.with_scopes_disabled().filter(workspace_id=thread.workspace_id).select_related("user")
    owner_id = thread.collaboration.campaign.owner_id
    if owner_id and (owner := members.filter(user_id=owner_id).first()) is not None:
        return [owner.user.email]
    return sorted(m.user.email for m in members if m.has_role(Role.MANAGER) and m.user.is_active)


def _creator_recipients(thread: Thread) -> list[str]:
    # Only portal accounts that reach this workspace can open the thread; others are reached by invitations.
    accounts = accounts_reaching(creator=thread.collaboration.creator, workspace=thread.workspace)
    return [user.email for user in accounts]


def _review_text(review: ReviewComment) -> str:
    decision = review.get_decision_display() if review.decision else "Comment"
    text = f"Draft round {review.submission.round_number}: {decision}"
    return f"{text} — {review.body.strip()}" if review.body.strip() else text


def notify_unread(*, thread_id: int, side: str, older_than: datetime.datetime) -> int:
    """E-mail `side` (one e-mail per recipient) about the thread's messages from the other side that
    arrived before `older_than`, are unread, and were not in an earlier notice. Returns the number of
    e-mails sent. The thread's `<side>_notified_through` is moved past those messages before sending,
    under the thread's lock, so a second run finds nothing new; a failed send puts it back."""
    with transaction.atomic():
        thread = (
            Thread.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .select_related("workspace", "collaboration__campaign", "collaboration__creator__user")
            .filter(pk=thread_id)
            .first()
        )
        if thread is None:
            return 0
        marks = [m for m in (getattr(thread, f"{side}_read_at"), getattr(thread, f"{side}_notified_through")) if m]
        pending = (
            Message.objects.with_scopes_disabled()
            .filter(thread=thread, kind__in=selectors.NOTIFIED_KINDS, created_at__lte=older_than)
            .exclude(sender_side=side)
            .order_by("created_at", "pk")
        )
        if marks:
            pending = pending.filter(created_at__gt=max(marks))
        # (time, text) of each item the notice quotes; the creator also hears of the brand's reviews.
        items = [(m.created_at, m.body) for m in pending]
        if side == Side.CREATOR:
            reviews = selectors.unread_reviews_for(thread=thread, older_than=older_than)
            items += [(review.created_at, _review_text(review)) for review in reviews]
        items.sort(key=lambda item: item[0])
        if not items:
            return 0
        previous = getattr(thread, f"{side}_notified_through")
        through = items[-1][0]
        setattr(thread, f"{side}_notified_through", through)
        thread.save(update_fields=[f"{side}_notified_through", "updated_at"])
        recipients = _brand_recipients(thread) if side == Side.BRAND else _creator_recipients(thread)
    collaboration = thread.collaboration
    count = len(items)
    subject = (
        f"{count} unread message{'s' if count != 1 else ''} about {collaboration.campaign.name}"
        if side == Side.CREATOR
        else f"@{collaboration.creator.handle} wrote about {collaboration.campaign.name}"
    )
    quoted = "\n\n".join(f"— {text[:500]}" for _, text in items[-UNREAD_EXCERPTS:])
    link = (
        emails.portal_thread_url(collaboration.pk)
        if side == Side.CREATOR
        else emails.dashboard_thread_url(collaboration.pk)
    )
    text = f"{subject}:\n\n{quoted}\n\nRead and reply: {link}"
    sent = 0
    try:
        for to in recipients:
            emails.build_email(
                workspace=thread.workspace, to=to, subject=subject, text=text, action_url=link,
                action_label="Read and reply",
            ).send()  # fmt: skip
            sent += 1
    except Exception:
        if sent == 0:  # nobody got it: let the next sweep try again (after someone did, a retry would repeat it)
            Thread.objects.with_scopes_disabled().filter(pk=thread.pk, **{f"{side}_notified_through": through}).update(
                **{f"{side}_notified_through": previous}
            )
        raise
    return sent


def send_unread_notifications(*, now: datetime.datetime | None = None) -> int:
    """The sweep beat runs every few minutes: notify each side of each thread with messages unread for
    longer than `OUTREACH_UNREAD_NOTIFY_AFTER_MINUTES`. Idempotent: run twice, it sends once."""
    older_than = (now or timezone.now()) - datetime.timedelta(minutes=settings.OUTREACH_UNREAD_NOTIFY_AFTER_MINUTES)
    # A review on a collaboration without a thread yet (no message so far) opens one, so it is heard of.
    since = older_than - datetime.timedelta(days=REVIEW_LOOKBACK_DAYS)
    threadless = selectors.collaborations_needing_a_thread_across_workspaces(older_than=older_than, since=since)
    for collaboration in threadless:
        Thread.objects.with_scopes_disabled().get_or_create(
            collaboration=collaboration, defaults={"workspace_id": collaboration.workspace_id}
        )
    sent = 0
    for thread_id in selectors.threads_with_unread_across_workspaces(older_than=older_than):
        for side in (Side.BRAND, Side.CREATOR):
            sent += notify_unread(thread_id=thread_id, side=side, older_than=older_than)
    return sent
