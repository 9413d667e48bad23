"""The demo's notification centre. The demo campaigns run through the real services, so their events
(drafts, signatures, reviews, payouts, messages...) have already notified the brand's managers and the
demo creator; this marks all but the newest few of each person read, as after a week of use."""

from django.utils import timezone

from accounts.models import Notification, Workspace

UNREAD_KEPT = 4  # the bell shows a handful, not the whole history of the seeded campaigns


def load_demo_notifications(*, workspace: Workspace) -> int:
    """Mark every notification of `workspace` read except each recipient's UNREAD_KEPT newest; returns
    how many stay unread."""
    notifications = Notification.objects.filter(workspace=workspace).order_by("recipient_id", "-created_at", "-pk")
    kept: dict[int, int] = {}
    read = []
    for pk, recipient_id in notifications.values_list("pk", "recipient_id"):
        kept[recipient_id] = kept.get(recipient_id, 0) + 1
        if kept[recipient_id] > UNREAD_KEPT:
            read.append(pk)
    Notification.objects.filter(pk__in=read, read_at__isnull=True).update(read_at=timezone.now())
    return sum(min(count, UNREAD_KEPT) for count in kept.values())
