"""Writes for accounts and workspaces. Each service is one transaction; permission checks live
here (not only in views) so the API and pages cannot disagree."""

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from accounts import branding
from accounts.errors import AccountError, AccountErrorCode, AccountPermissionError
from accounts.models import AuditEvent, Invitation, Membership, Role, User, Workspace
from accounts.selectors import has_two_factor, invitation_by_token_across_workspaces, needs_first_run_setup
from accounts.tenancy import workspace_scope
from accounts.tokens import derived_token, new_token, token_sha256
from core.queue import enqueue_on_commit


def record_audit_event(
    *, workspace: Workspace, actor: User | None, action: str, target: str = "", data: dict[str, Any] | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(workspace=workspace, actor=actor, action=action, target=target, data=data or {})


def _require_role(*, workspace: Workspace, user: User, at_least: Role) -> Membership:
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None or not membership.has_role(at_least):
        raise AccountPermissionError(
            f"This needs the {at_least.label.split(' ')[0].lower()} role.", code=AccountErrorCode.ROLE_REQUIRED
        )
    return membership


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _workspace_field_errors(*, name: str, time_zone: str, name_field: str = "name") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    max_length = Workspace._meta.get_field("name").max_length or 120
    if not name.strip():
        errors[name_field] = ["Give the workspace a name, e.g. your brand's."]
    elif len(name.strip()) > max_length:
        errors[name_field] = [f"At most {max_length} characters."]
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [f"{time_zone!r} is not a time zone this server knows."]
    return errors


def _insert_workspace(*, name: str, time_zone: str, slug: str | None) -> Workspace:
    if slug:
        return Workspace.objects.create(name=name, slug=slug, time_zone=time_zone)
    # _unique_slug reads before it writes, so two workspaces of one name made at the same moment can pick
    # the same slug; the unique constraint refuses the second, which takes the next free one. 3 tries: a
    # fourth collision in a row would mean a flood of identical names, which should fail loudly.
    for attempt in range(3):
        try:
            with transaction.atomic():
                return Workspace.objects.create(name=name, slug=_unique_slug(name), time_zone=time_zone)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def create_workspace(*, name: str, owner: User, time_zone: str = "UTC", slug: str | None = None) -> Workspace:
    """Create a workspace with `owner` as its first owner (the "New workspace" page, first-run setup, the demo).
    Any marketer may: an agency keeps one workspace per brand. Audited in the new workspace."""
    if owner.is_creator:
        raise AccountError("Creator accounts cannot own a workspace.", code=AccountErrorCode.CREATOR_ACCOUNT)
    errors = _workspace_field_errors(name=name, time_zone=time_zone)
    if errors:
        raise AccountError(
            "Check the workspace's name and time zone.", code=AccountErrorCode.INVALID_INPUT, fields=errors
        )
    workspace = _insert_workspace(name=name.strip(), time_zone=time_zone, slug=slug)
    with workspace_scope(workspace):
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
        record_audit_event(workspace=workspace, actor=owner, action="workspace.created", target=workspace.name)
    return workspace


# pg_advisory_xact_lock's key for first-run setup ("CDSETUP" in ASCII): every setup takes the same one.
FIRST_RUN_LOCK_KEY = 0x43_44_53_45_54_55_50


@transaction.atomic
def complete_first_run_setup(
    *, email: str, full_name: str, password: str, workspace_name: str, time_zone: str = "UTC"
) -> tuple[User, Workspace]:
    """Create the installation's first account and its first workspace, which it owns.

    Only while no account exists at all. Two setups racing (two tabs, two people at a fresh install) are
    serialised by a transaction-scoped PostgreSQL advisory lock, and the check is made again inside it:
    the second waits for the first to commit, then sees its account and is refused with SETUP_CLOSED (the
    page answers 404). Every field is checked before the first write, and the account and the workspace are
    one transaction, so bad input leaves no account without a workspace. The account is also staff and
    superuser: whoever installs CreatorDesk administers it (Django admin still asks for a second factor).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FIRST_RUN_LOCK_KEY])
    if not needs_first_run_setup():
        raise AccountError("This installation is already set up.", code=AccountErrorCode.SETUP_CLOSED)
    email, full_name = email.strip().lower(), full_name.strip()
    errors = _account_field_errors(email=email, full_name=full_name, password=password)
    errors.update(_workspace_field_errors(name=workspace_name, time_zone=time_zone, name_field="workspace_name"))
    if errors:
        raise AccountError("Check the highlighted fields.", code=AccountErrorCode.INVALID_INPUT, fields=errors)
    owner = User.objects.create_user(
        email, password, full_name=full_name, kind=User.Kind.MARKETER, is_staff=True, is_superuser=True
    )
    workspace = create_workspace(name=workspace_name, owner=owner, time_zone=time_zone)
    with workspace_scope(workspace):
        record_audit_event(workspace=workspace, actor=owner, action="installation.set_up", target=owner.email)
    return owner, workspace


def _account_field_errors(*, email: str, full_name: str, password: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid e-mail address."]
    max_length = User._meta.get_field("full_name").max_length or 150
    if not full_name:
        errors["full_name"] = ["Enter your name: teammates and creators see it."]
    elif len(full_name) > max_length:
        errors["full_name"] = [f"At most {max_length} characters."]
    try:
        # With the would-be account, so the similarity check compares the password to the e-mail and name.
        password_validation.validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


@transaction.atomic
def update_workspace(*, workspace: Workspace, by: User, name: str, time_zone: str) -> Workspace:
    _require_role(workspace=workspace, user=by, at_least=Role.OWNER)
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    workspace.name, workspace.time_zone = name.strip(), time_zone
    workspace.save(update_fields=["name", "time_zone", "updated_at"])
    record_audit_event(
        workspace=workspace, actor=by, action="workspace.updated", data={"name": name, "time_zone": time_zone}
    )
    return workspace


@transaction.atomic
def set_workspace_two_factor_requirement(*, workspace: Workspace, by: User, is_required: bool) -> Workspace:
    """Owners require (or stop requiring) two-factor sign-in of every member. To require it the owner must
    use it already, so the one who turns it on is never the one it locks out."""
    _require_role(workspace=workspace, user=by, at_least=Role.OWNER)
    if is_required and not has_two_factor(user=by):
        raise AccountError(
            "Turn on two-factor sign-in for your own account first (Account security), then require it here.",
            code=AccountErrorCode.TWO_FACTOR_NOT_ENABLED,
        )
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if workspace.requires_two_factor == is_required:
        return workspace
    workspace.requires_two_factor = is_required
    workspace.save(update_fields=["requires_two_factor", "updated_at"])
    record_audit_event(
        workspace=workspace,
        actor=by,
        action="workspace.two_factor_required" if is_required else "workspace.two_factor_not_required",
        data={"requires_two_factor": is_required},
    )
    return workspace


def _branding_checked(field: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except branding.BrandingError as exc:
        raise AccountError(str(exc), code=AccountErrorCode.BRANDING_INVALID, fields={field: [str(exc)]}) from exc


@transaction.atomic
def update_branding(
    *, workspace: Workspace, by: User, brand_color: str, logo: UploadedFile | None = None, remove_logo: bool = False
) -> Workspace:
    """Set the colour and logo creators see. Both are checked before anything is written; a new
    logo replaces the old file, which is deleted once the change is committed."""
    _require_role(workspace=workspace, user=by, at_least=Role.OWNER)
    color = _branding_checked("brand_color", lambda: branding.clean_brand_color(brand_color))
    extension = _branding_checked("logo", lambda: branding.check_logo(logo, size=logo.size)) if logo else ""
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    old_logo_name = workspace.logo.name if workspace.logo else ""
    workspace.brand_color = color
    if logo is not None:
        # The stored name is ours (slug + detected type), never the uploader's file name.
        workspace.logo.save(f"{workspace.slug}.{extension}", logo, save=False)
    elif remove_logo:
        workspace.logo = ""  # type: ignore[assignment]
    workspace.save(update_fields=["brand_color", "logo", "updated_at"])
    new_logo_name = workspace.logo.name if workspace.logo else ""
    if old_logo_name and old_logo_name != new_logo_name:
        storage = workspace.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo_name))
    record_audit_event(
        workspace=workspace,
        actor=by,
        action="workspace.branding_updated",
        data={"brand_color": color, "logo": new_logo_name},
    )
    return workspace


@transaction.atomic
def invite_member(*, workspace: Workspace, email: str, role: Role, invited_by: User) -> Invitation:
    """Owners invite by e-mail. Enqueues the invitation e-mail after commit; the raw token only
    travels in the e-mail (the task derives it from the row: `invitation_token`)."""
    _require_role(workspace=workspace, user=invited_by, at_least=Role.OWNER)
    email = email.strip().lower()
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise AccountError(
            f"{email} is already a member of {workspace.name}.",
            code=AccountErrorCode.ALREADY_MEMBER,
            fields={"email": ["Already a member."]},
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                workspace=workspace,
                email=email,
                role=role,
                token_sha256=new_token()[1],  # replaced below, once the row has the id its token derives from
                invited_by=invited_by,
                expires_at=timezone.now() + settings.INVITATION_TTL,
            )
            invitation.token_sha256 = token_sha256(invitation_token(invitation))
            invitation.save(update_fields=["token_sha256", "updated_at"])
    except IntegrityError as exc:
        raise AccountError(
            f"{email} already has a pending invitation.",
            code=AccountErrorCode.ALREADY_INVITED,
            fields={"email": ["Already invited; resend or revoke the pending invitation."]},
        ) from exc
    record_audit_event(
        workspace=workspace, actor=invited_by, action="invitation.created", target=email, data={"role": role}
    )
    enqueue_on_commit("accounts.tasks.send_invitation_email_task", invitation.pk)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    """The invitation's raw token, derived from its row (accounts.tokens.derived_token): tasks take ids
    only, so no raw token sits in the broker or in task results. A resend moves the expiry, so the token
    changes and the old link stops working."""
    return derived_token(purpose="invitation", pk=invitation.pk, salt=invitation.expires_at.isoformat())


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """Rotate the token (the old link stops working), extend the expiry and send again."""
    _require_role(workspace=invitation.workspace, user=by, at_least=Role.OWNER)
    invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise AccountError("Only a pending invitation can be resent.", code=AccountErrorCode.INVITATION_INVALID)
    invitation.expires_at = timezone.now() + settings.INVITATION_TTL
    invitation.token_sha256 = token_sha256(invitation_token(invitation))
    invitation.sent_at = None
    invitation.save(update_fields=["token_sha256", "expires_at", "sent_at", "updated_at"])
    record_audit_event(workspace=invitation.workspace, actor=by, action="invitation.resent", target=invitation.email)
    enqueue_on_commit("accounts.tasks.send_invitation_email_task", invitation.pk)
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> Invitation:
    _require_role(workspace=invitation.workspace, user=by, at_least=Role.OWNER)
    invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise AccountError("This invitation is no longer pending.", code=AccountErrorCode.INVITATION_INVALID)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record_audit_event(workspace=invitation.workspace, actor=by, action="invitation.revoked", target=invitation.email)
    return invitation


def send_invitation_email(*, invitation_id: int) -> bool:
    """Send the invitation e-mail once. Returns False (and sends nothing) when it was already sent or
    the invitation is no longer pending — so a retried task is a no-op. The link's token is derived from
    the row here (`invitation_token`)."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .select_related("workspace", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if (
            invitation is None
            or invitation.sent_at is not None
            or not invitation.is_pending
            or invitation.token_sha256 != token_sha256(invitation_token(invitation))
        ):
            return False
        # Claim first: the compare-and-set on sent_at is what makes a re-delivered task send nothing.
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at", "updated_at"])
    link = settings.SITE_URL.rstrip("/") + reverse("invitation-accept", kwargs={"token": invitation_token(invitation)})
    inviter = invitation.invited_by.display_name if invitation.invited_by else "A teammate"
    try:
        send_mail(
            subject=f"{inviter} invited you to {invitation.workspace.name} on CreatorDesk",
            message=(
                f"{inviter} invited you to join {invitation.workspace.name} on CreatorDesk as "
                f"{invitation.get_role_display()}.\n\nAccept: {link}\n\n"
                f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
            ),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except Exception:
        # Release the claim so the task's retry sends it; only this claim, not a newer one.
        Invitation.objects.with_scopes_disabled().filter(pk=invitation.pk, sent_at=invitation.sent_at).update(
            sent_at=None
        )
        raise
    return True


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    """Join the invitation's workspace as `user`, whose e-mail must match the invited address."""
    found = invitation_by_token_across_workspaces(token_sha256=token_sha256(token))
    if found is None:
        raise AccountError("This invitation link is not valid.", code=AccountErrorCode.INVITATION_INVALID)
    with workspace_scope(found.workspace):
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=found.pk)
        if not invitation.is_pending:
            raise AccountError(
                "This invitation has expired or was already used.", code=AccountErrorCode.INVITATION_INVALID
            )
        if user.is_creator:
            raise AccountError("Creator accounts cannot join a workspace.", code=AccountErrorCode.CREATOR_ACCOUNT)
        if user.email.lower() != invitation.email.lower():
            raise AccountError(
                f"This invitation is for {invitation.email}; you are signed in as {user.email}.",
                code=AccountErrorCode.INVITATION_EMAIL_MISMATCH,
            )
        membership, created = Membership.objects.get_or_create(
            workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        record_audit_event(
            workspace=invitation.workspace,
            actor=user,
            action="invitation.accepted",
            target=invitation.email,
            data={"role": invitation.role, "new_member": created},
        )
        return membership


@transaction.atomic
def register_and_accept_invitation(*, token: str, full_name: str, password: str) -> Membership:
    """Create the invited person's account (e-mail from the invitation) and join the workspace."""
    invitation = invitation_by_token_across_workspaces(token_sha256=token_sha256(token))
    if invitation is None or not invitation.is_pending:
        raise AccountError("This invitation has expired or was already used.", code=AccountErrorCode.INVITATION_INVALID)
    if User.objects.filter(email=invitation.email).exists():
        raise AccountError(
            "An account with this e-mail exists; sign in to accept.", code=AccountErrorCode.ALREADY_MEMBER
        )
    user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    return accept_invitation(token=token, user=user)


def _lock_owners(workspace: Workspace) -> list[Membership]:
    return list(
        Membership.objects.select_for_update(of=("self",)).filter(workspace=workspace, role=Role.OWNER).order_by("pk")
    )


@transaction.atomic
def change_member_role(*, membership: Membership, role: Role, by: User) -> Membership:
    """Owners change roles. Locks the workspace's owners (ordered by pk) so two demotions cannot
    race past the last-owner check."""
    _require_role(workspace=membership.workspace, user=by, at_least=Role.OWNER)
    owners = _lock_owners(membership.workspace)
    membership = Membership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
        raise AccountError("A workspace needs at least one owner.", code=AccountErrorCode.LAST_OWNER)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    record_audit_event(
        workspace=membership.workspace,
        actor=by,
        action="member.role_changed",
        target=membership.user.email,
        data={"from": previous, "to": role},
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User) -> None:
    """Owners remove anyone; anyone may leave. The last owner can do neither."""
    if membership.user_id != by.pk:
        _require_role(workspace=membership.workspace, user=by, at_least=Role.OWNER)
    owners = _lock_owners(membership.workspace)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise AccountError("A workspace needs at least one owner.", code=AccountErrorCode.LAST_OWNER)
    email = membership.user.email
    membership.delete()
    record_audit_event(workspace=membership.workspace, actor=by, action="member.removed", target=email)


@transaction.atomic
def rotate_api_token(*, user: User) -> Token:
    """Replace the user's API token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
