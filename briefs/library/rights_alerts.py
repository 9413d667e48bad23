"""Warn a workspace before content's usage rights or Spark Ads codes expire.

Once a day, for each workspace with approved content: what expires within the warning window and has
not been warned about yet becomes one `RightsExpiryWarning` row, and the workspace's managers and
owners get one e-mail listing all of it. The unique (deliverable, kind, expiry date) row is what makes
it idempotent: run twice, the second run finds nothing new and sends nothing."""

import datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, NotificationKind, Role, Workspace
from accounts.notifications.services import notify_workspace_managers
from accounts.tenancy import workspace_scope
from briefs.library.selectors import LibraryItem, expiring_items
from briefs.library.usage_rights import EXPIRY_WARNING_DAYS, RightsStatus
from briefs.models import RightsExpiryWarning
from campaigns.models import Deliverable
from outreach.emails import absolute_url, build_email

Kind = RightsExpiryWarning.Kind
ADVISORY_LOCK_CLASS = 7301  # pg_advisory_xact_lock(class, workspace): this module's runs, one workspace at a time


def _due(item: LibraryItem) -> list[tuple[str, datetime.date]]:
    due = []
    if item.rights is not None and item.rights_status == RightsStatus.EXPIRING:
        due.append((Kind.USAGE_RIGHTS.value, item.rights.ends_on))
    expires_on = item.deliverable.spark_ads_code_expires_on
    if item.spark_status == RightsStatus.EXPIRING and expires_on is not None:
        due.append((Kind.SPARK_ADS_CODE.value, expires_on))
    return due


def _line(item: LibraryItem, kind: str, expires_on: datetime.date) -> str:
    what = "usage rights" if kind == Kind.USAGE_RIGHTS else "Spark Ads code"
    deliverable = item.deliverable
    return (
        f"- @{deliverable.collaboration.creator.handle}, {deliverable.get_format_display()} for "
        f"{deliverable.collaboration.campaign.name}: {what} expire {expires_on:%b %d, %Y}"
    )


def warn_expiring_rights(*, workspace_id: int, today: datetime.date | None = None) -> int:
    """Record and e-mail the new warnings of one workspace; returns how many were new."""
    today = today or timezone.now().date()
    workspace = Workspace.objects.get(pk=workspace_id)
    with workspace_scope(workspace), transaction.atomic():
        # Two overlapping runs (a retried task) must not both see the same warning as new.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, workspace_id])
        items = expiring_items(workspace=workspace, today=today)
        wanted = {(item.deliverable.pk, kind, expires_on): item for item in items for kind, expires_on in _due(item)}
        if not wanted:
            return 0
        warned = set(
            RightsExpiryWarning.objects.filter(deliverable_id__in={key[0] for key in wanted}).values_list(
                "deliverable_id", "kind", "expires_on"
            )
        )
        new = {key: item for key, item in wanted.items() if key not in warned}
        RightsExpiryWarning.objects.bulk_create(
            [
                RightsExpiryWarning(workspace=workspace, deliverable_id=pk, kind=kind, expires_on=expires_on)
                for pk, kind, expires_on in new
            ]
        )
        for (pk, kind, expires_on), item in sorted(new.items()):
            notify_workspace_managers(workspace=workspace, kind=NotificationKind.USAGE_RIGHTS_EXPIRING,
                                      event_key=f"rights:{pk}:{kind}:{expires_on.isoformat()}",
                                      title=_line(item, kind, expires_on).removeprefix("- "),
                                      url=reverse("library:content") + "?status=expiring")  # fmt: skip
        recipients = list(
            Membership.objects.filter(workspace=workspace, role__in=[Role.MANAGER, Role.OWNER]).values_list(
                "user__email", flat=True
            )
        )
        if new and recipients:
            lines = [_line(item, kind, expires_on) for (_, kind, expires_on), item in sorted(new.items())]
            text = (
                f"Within the next {EXPIRY_WARNING_DAYS} days, these rights end:\n\n"
                + "\n".join(lines)
                + "\n\nRenew them with the creator, or stop the ads and reposts that use the content."
            )
            subject = f"{len(new)} usage right{'s' if len(new) != 1 else ''} expiring soon"
            messages = [
                build_email(
                    workspace=workspace,
                    to=email,
                    subject=subject,
                    text=text,
                    action_url=absolute_url(reverse("library:content") + "?status=expiring"),
                    action_label="Open the content library",
                )
                for email in recipients
            ]
            transaction.on_commit(lambda: [message.send() for message in messages])
        return len(new)


def workspaces_with_content() -> list[int]:
    """Workspaces that have approved content: the only ones the daily check visits."""
    return list(
        Deliverable.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(status__in=[Deliverable.Status.APPROVED, Deliverable.Status.LIVE])
        .values_list("workspace_id", flat=True)
        .distinct()
    )
