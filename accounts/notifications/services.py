"""Writes of the notification centre: making notifications (once per event), marking them read, the
e-mail preferences, and sending the immediate e-mails and the daily digests.

`notify` may be called inside the caller's transaction: the rows commit (or roll back) with the event,
and the immediate e-mails are queued only after commit. E-mails are sent outside any transaction, each
claimed first by a compare-and-set (`emailed_at`, the digest row), so a re-delivered task sends nothing.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.errors import AccountError, AccountErrorCode
from accounts.models import (
    EmailDelivery,
    Membership,
    Notification,
    NotificationDigest,
    NotificationKind,
    NotificationPreference,
    Role,
    User,
    Workspace,
)
from accounts.notifications import emails
from core.queue import enqueue_on_commit

K = NotificationKind
BRAND_KINDS = (
    K.CONTRACT_SIGNED, K.DRAFT_SUBMITTED, K.LIVE_LINK_POSTED, K.OPEN_CALL_APPLICATION, K.SHIPPING_ADDRESS_GIVEN,
    K.MESSAGE_RECEIVED, K.DISCLOSURE_MISSING, K.USAGE_RIGHTS_EXPIRING,
)  # fmt: skip
CREATOR_KINDS = (K.INVITATION, K.CONTRACT_TO_SIGN, K.REVIEW_DECISION, K.BRIEF_CHANGED, K.PAYOUT_RECORDED,
                 K.ADDRESS_NEEDED)  # fmt: skip
# Without a preference row: immediately, except where another e-mail already covers the event. Unread
# messages are e-mailed by outreach's sweep, and usage rights by the rights alert, so those default to
# the digest instead of a second e-mail within minutes.
DEFAULT_DELIVERY: dict[str, str] = {kind: str(EmailDelivery.IMMEDIATELY) for kind in K.values} | {
    K.MESSAGE_RECEIVED: str(EmailDelivery.DAILY_DIGEST),
    K.USAGE_RIGHTS_EXPIRING: str(EmailDelivery.DAILY_DIGEST),
}
TITLE_MAX_CHARS = 200  # Notification.title's column
BODY_MAX_CHARS = 2_000  # a notification is a summary; the whole text lives where it happened
EVENT_KEY_MAX_CHARS = 120  # Notification.event_key's column


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds a user can receive: the creator's in the portal, the brand's in the dashboard."""
    return CREATOR_KINDS if user.is_creator else BRAND_KINDS


def deliveries_for(*, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's e-mail delivery for `kind`: their preference, or the kind's default."""
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "email_delivery")
    )
    return {user_id: chosen.get(user_id, DEFAULT_DELIVERY[kind]) for user_id in ids}


def _clip(text: str, max_chars: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def notify(
    *,
    recipients: Iterable[User],
    workspace: Workspace,
    kind: str,
    event_key: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Tell each recipient (active accounts only) about one event in `workspace`, once: a recipient who
    already has a notification of this kind for `event_key` gets nothing new (INSERT ... ON CONFLICT DO
    NOTHING on the (recipient, kind, event key) constraint). Returns the notifications made now; the
    immediate e-mails of those are queued after commit. `url` is a path on this site."""
    if kind not in K.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if not event_key or len(event_key) > EVENT_KEY_MAX_CHARS:
        raise ValueError("An event key names the event in 1 to 120 characters, e.g. 'submission:123'.")
    users = {user.pk: user for user in recipients if user.is_active}
    if not users:
        return []
    deliveries = deliveries_for(user_ids=users, kind=kind)
    now = timezone.now()
    title, body = _clip(title, TITLE_MAX_CHARS), _clip(body, BODY_MAX_CHARS)
    rows = [(workspace.pk, user_id, kind, event_key, title, body, url, now, deliveries[user_id]) for user_id in users]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with transaction.atomic(), connection.cursor() as cursor:
        # No conflict target: the one constraint that can conflict is (recipient, kind, event_key).
        # Only placeholders are formatted in; every value travels as a parameter.
        columns = "workspace_id, recipient_id, kind, event_key, title, body, url, created_at, email_delivery"
        sql = f"INSERT INTO accounts_notification ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id"  # noqa: S608
        cursor.execute(
            sql,
            [value for row in rows for value in row],
        )
        created_ids = [row[0] for row in cursor.fetchall()]
    made = list(Notification.objects.with_scopes_disabled().filter(pk__in=created_ids).order_by("pk"))
    for notification in made:
        if notification.email_delivery == EmailDelivery.IMMEDIATELY:
            enqueue_on_commit("accounts.tasks.send_notification_email_task", notification.pk)
    return made


def workspace_managers(*, workspace: Workspace) -> QuerySet[User]:
    """Who hears of the brand's events: the workspace's active managers and owners (analysts only read)."""
    member_ids = (
        Membership.objects.with_scopes_disabled()
        .filter(workspace=workspace, role__in=[Role.MANAGER, Role.OWNER])
        .values("user_id")
    )
    return User.objects.filter(pk__in=member_ids, is_active=True, kind=User.Kind.MARKETER).order_by("pk")


def notify_workspace_managers(
    *, workspace: Workspace, kind: str, event_key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """`notify` every manager and owner of `workspace` (the brand's side of an event)."""
    return notify(
        recipients=workspace_managers(workspace=workspace),
        workspace=workspace,
        kind=kind,
        event_key=event_key,
        title=title,
        body=body,
        url=url,
    )


# --- Reading ------------------------------------------------------------------------------------


def mark_notification_read(*, notification: Notification) -> bool:
    """Mark one notification (found through the reader's own selector) read; returns whether it moved."""
    return bool(
        Notification.objects.with_scopes_disabled()
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def mark_all_notifications_read(*, notifications: QuerySet[Notification]) -> int:
    """Mark every unread notification of the reader's own list (a selector's queryset) read."""
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


# --- Preferences --------------------------------------------------------------------------------


@transaction.atomic
def set_notification_preferences(*, user: User, choices: Mapping[str, str]) -> list[NotificationPreference]:
    """Save the user's e-mail delivery for each of their kinds. Every kind the user can receive must be
    given a valid delivery; a kind of the other side, or an unknown delivery, is refused and nothing is
    written."""
    own = kinds_for(user)
    errors: dict[str, list[str]] = {}
    for kind in own:
        if choices.get(kind) not in EmailDelivery.values:
            errors[kind] = ["Choose immediately, daily digest or off."]
    for kind in set(choices) - set(own):
        errors[kind] = ["Not a notification you receive."]
    if errors:
        raise AccountError(
            "Choose how to be e-mailed about each kind.", code=AccountErrorCode.INVALID_INPUT, fields=errors
        )
    rows = [NotificationPreference(user=user, kind=kind, email_delivery=choices[kind]) for kind in own]
    return NotificationPreference.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["email_delivery", "updated_at"]
    )


# --- E-mails ------------------------------------------------------------------------------------


def send_notification_email(*, notification_id: int) -> bool:
    """E-mail one notification whose recipient wanted it immediately, once. Returns False (sending
    nothing) when it is gone, was e-mailed already, or is not an immediate one. `emailed_at` is claimed
    before sending and released when the send fails, so the task's retry sends it."""
    with transaction.atomic():
        notification = (
            Notification.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .select_related("recipient", "workspace")
            .filter(pk=notification_id)
            .first()
        )
        if (
            notification is None
            or notification.emailed_at is not None
            or notification.email_delivery != EmailDelivery.IMMEDIATELY
            or not notification.recipient.is_active
        ):
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    try:
        emails.notification_email(notification).send()
    except Exception:
        Notification.objects.with_scopes_disabled().filter(
            pk=notification.pk, emailed_at=notification.emailed_at
        ).update(emailed_at=None)
        raise
    return True


def _pending_digest(*, user_id: int, until: datetime.datetime) -> QuerySet[Notification]:
    return Notification.objects.with_scopes_disabled().filter(
        recipient_id=user_id,
        email_delivery=EmailDelivery.DAILY_DIGEST,
        digest__isnull=True,
        created_at__lte=until,
    )


def send_notification_digest(*, user_id: int, day: datetime.date, until: datetime.datetime) -> int:
    """E-mail `user_id` one digest of their digest notifications made up to `until`, unless they had one
    on `day` already. The (user, day) row is claimed with the notifications it covers, under their row
    locks, before anything is sent; a failed send deletes the claim, so a retry sends it. Returns the
    number of notifications the e-mail listed (0 when nothing was sent)."""
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        pending = list(
            _pending_digest(user_id=user_id, until=until)
            .select_for_update(of=("self",))
            .select_related("workspace")
            .order_by("created_at", "pk")
        )
        if user is None or not pending:
            return 0
        try:
            with transaction.atomic():
                digest = NotificationDigest.objects.create(
                    user_id=user_id, day=day, sent_at=timezone.now(), notification_count=len(pending)
                )
        except IntegrityError:
            return 0  # already sent today: what arrived since waits for tomorrow's
        Notification.objects.with_scopes_disabled().filter(pk__in=[n.pk for n in pending]).update(digest=digest)
    try:
        emails.digest_email(user=user, notifications=pending, day=day).send()
    except Exception:
        digest.delete()  # the notifications' digest goes back to NULL (SET_NULL)
        raise
    return len(pending)


def send_notification_digests(*, now: datetime.datetime | None = None) -> int:
    """The daily beat run: one digest to each user with digest notifications waiting, dated with the
    UTC day of `now`. Idempotent: a second run on the same day sends nothing. Returns the number of
    digests sent."""
    now = now or timezone.now()
    user_ids = (
        Notification.objects.with_scopes_disabled()
        .filter(email_delivery=EmailDelivery.DAILY_DIGEST, digest__isnull=True, created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    day = now.astimezone(datetime.UTC).date()
    return sum(1 for user_id in list(user_ids) if send_notification_digest(user_id=user_id, day=day, until=now))
