"""The private calendar feed's token: made, replaced and revoked here, found by its hash in `feeds`.

The raw token is shown once, in the URL the user copies; only its SHA-256 is stored (accounts.tokens),
so a database leak gives no working feed URL. Making a new URL replaces the hash in place, which is
what revokes the old one."""

from django.db import transaction

from accounts.models import User, Workspace
from accounts.services import record_audit_event
from accounts.tokens import new_token
from briefs.models import CalendarFeed


@transaction.atomic
def regenerate_calendar_feed(*, user: User, workspace: Workspace | None) -> str:
    """Give `user` a new feed URL for `workspace` (None: a creator's portal feed) and return its raw token;
    the previous URL, if any, stops working now. The caller checks that the user belongs there."""
    raw, digest = new_token()
    feed, created = CalendarFeed.objects.select_for_update(of=("self",)).get_or_create(
        user=user, workspace=workspace, defaults={"token_sha256": digest}
    )
    if not created:
        feed.token_sha256 = digest
        feed.save(update_fields=["token_sha256", "updated_at"])
    _audit(user=user, workspace=workspace, action="calendar_feed.created" if created else "calendar_feed.regenerated")
    return raw


@transaction.atomic
def revoke_calendar_feed(*, user: User, workspace: Workspace | None) -> bool:
    """Turn the user's feed URL off; False when there was none."""
    deleted, _ = CalendarFeed.objects.filter(user=user, workspace=workspace).delete()
    if deleted:
        _audit(user=user, workspace=workspace, action="calendar_feed.revoked")
    return bool(deleted)


def _audit(*, user: User, workspace: Workspace | None, action: str) -> None:
    if workspace is not None:  # the audit trail is a workspace's; a creator's feed has none
        record_audit_event(workspace=workspace, actor=user, action=action, target=user.email)
