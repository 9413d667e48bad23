from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Invitation, Membership, Role, User, Workspace
from accounts.tenancy import all_workspaces_unscoped


def needs_first_run_setup() -> bool:
    """Whether this installation has no account at all, so `/` offers the first-run setup. Any account
    (a marketer, a creator, staff made with createsuperuser) closes it for good."""
    return not User.objects.exists()


def memberships_of_user_across_workspaces(*, user: User) -> list[Membership]:
    """The user's own memberships in every workspace: the one legitimate cross-workspace read,
    used to resolve and switch the current workspace."""
    if not user.is_authenticated or user.is_creator:
        return []
    with all_workspaces_unscoped():
        return list(
            Membership.objects.filter(user=user, workspace__isnull=False)
            .select_related("workspace")
            .order_by("workspace__name", "workspace_id")
        )


def membership_for(
    *, user: User, requested_slug: str | None = None, remembered_slug: str | None = None
) -> tuple[Membership | None, list[Membership]]:
    """The membership to act as, and all of the user's memberships (for the switcher), in one query.

    A workspace asked for explicitly (the API's X-Workspace header, the switcher) must be one the
    user belongs to, or there is none; a remembered one (the session) that is gone falls back to
    the user's first workspace.
    """
    memberships = memberships_of_user_across_workspaces(user=user)
    if requested_slug:
        return next((m for m in memberships if m.workspace.slug == requested_slug), None), memberships
    remembered = next((m for m in memberships if m.workspace.slug == remembered_slug), None)
    return remembered or (memberships[0] if memberships else None), memberships


def list_members(*, workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__email")


def list_invitations(*, workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace).select_related("invited_by").order_by("-created_at")


def list_pending_invitations(*, workspace: Workspace) -> QuerySet[Invitation]:
    return list_invitations(workspace=workspace).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def list_audit_events(*, workspace: Workspace, limit: int = 20) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(workspace=workspace).select_related("actor")[:limit]


def invitation_by_token_across_workspaces(*, token_sha256: str) -> Invitation | None:
    """Dangerous name on purpose: an invitation link is opened before its workspace is known."""
    with all_workspaces_unscoped():
        return Invitation.objects.select_related("workspace").filter(token_sha256=token_sha256).first()


def api_token_for(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


def has_workspace_role(*, workspace_id: int, user: User, at_least: Role = Role.MANAGER) -> bool:
    """Whether `user` is a member of the workspace with at least `at_least`: the one check every
    service makes before it writes. Filters by the workspace itself, so it needs no scope (the portal,
    tasks and the sweep call services with none)."""
    membership = Membership.objects.with_scopes_disabled().filter(workspace_id=workspace_id, user=user).first()
    return membership is not None and membership.has_role(at_least)


def totp_device_for(*, user: User, confirmed: bool = True) -> TOTPDevice | None:
    """The user's authenticator (confirmed), or the one being set up (unconfirmed); the newest if several."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def has_two_factor(*, user: User) -> bool:
    """Whether sign-in asks this user for a code: a confirmed authenticator. Recovery codes only exist beside one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def workspaces_requiring_two_factor_for(*, user: User) -> list[Workspace]:
    """The user's workspaces whose owners require two-factor sign-in (their own memberships only)."""
    return [m.workspace for m in memberships_of_user_across_workspaces(user=user) if m.workspace.requires_two_factor]
