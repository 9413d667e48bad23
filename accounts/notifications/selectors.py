"""Reads of the notification centre. A marketer sees their own notifications of the current workspace
(in its scope); a creator sees their own from every brand, which is why that selector names itself
across workspaces: the recipient is the filter."""

from django.db.models import QuerySet

from accounts.models import EmailDelivery, Notification, NotificationKind, NotificationPreference, User, Workspace
from accounts.notifications.services import DEFAULT_DELIVERY, kinds_for

UNREAD_BADGE_MAX = 99  # the bell shows "99+" beyond this, and counts no further


def notifications_for_member(*, user: User, workspace: Workspace) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, workspace=workspace).select_related("workspace")


def notifications_for_creator_account_across_workspaces(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.with_scopes_disabled().filter(recipient=user).select_related("workspace")


def notifications_of(*, user: User, workspace: Workspace | None) -> QuerySet[Notification]:
    """The reader's own list: the creator's from every brand, the marketer's in their current workspace
    (none without one)."""
    if user.is_creator:
        return notifications_for_creator_account_across_workspaces(user=user)
    if workspace is None:
        return Notification.objects.with_scopes_disabled().none()
    return notifications_for_member(user=user, workspace=workspace)


def unread_count(*, notifications: QuerySet[Notification]) -> int:
    """Unread notifications of a list, counted up to UNREAD_BADGE_MAX + 1 (the bell's "99+")."""
    return len(notifications.filter(read_at__isnull=True).values_list("pk", flat=True)[: UNREAD_BADGE_MAX + 1])


def preferences_for(*, user: User) -> list[tuple[str, str, str]]:
    """(kind, label, delivery) for every kind the user receives, their choice or the kind's default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email_delivery"))
    return [(kind, NotificationKind(kind).label, chosen.get(kind, DEFAULT_DELIVERY[kind])) for kind in kinds_for(user)]


DELIVERY_CHOICES = EmailDelivery.choices
