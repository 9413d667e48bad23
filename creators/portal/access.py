"""Who may act for a creator in the portal, and for which brands (docs/security.md).

A portal account reaches a workspace's collaborations with a creator only through a `PortalGrant`
(or as the creator's proven account, `Creator.user`, which only `prove_handle` sets):
- a claim link from that workspace's invitation grants that workspace, and nothing else;
- signing in with TikTok as the handle proves it, and grants every workspace (a grant with no workspace);
- staff may grant one workspace from admin (recorded as such).
Every grant says who, which workspace, how and when; the creator sees them on the portal's account page."""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User, Workspace
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import Creator, PortalGrant


def active_grants(*, user: User) -> QuerySet[PortalGrant]:
    return PortalGrant.objects.filter(user=user, revoked_at__isnull=True)


def creator_for_account(*, user: User) -> Creator | None:
    """The creator profile a portal account acts as: the one it proved, else the one it was granted.
    Two indexed lookups rather than one OR across the index (which would scan every creator)."""
    if not user.is_authenticated:
        return None
    proven = Creator.objects.filter(user=user).first()
    if proven is not None:
        return proven
    return Creator.objects.filter(pk__in=active_grants(user=user).values("creator_id")).order_by("pk").first()


def grant_condition(*, user: User, creator_field: str = "creator", workspace_field: str = "workspace") -> Q:
    """A filter for rows (collaborations, threads, …) the account may reach: its creator's rows in the
    workspaces it was granted, or in every workspace once it proved the handle.

    The account's few grants are read first (one query), so the filter is a handful of equalities on
    indexed columns instead of a correlated subquery per row of a big table."""
    reach = Q(pk__in=[])
    for creator_id in Creator.objects.filter(user=user).values_list("pk", flat=True):
        reach |= Q(**{f"{creator_field}_id": creator_id})
    for creator_id, workspace_id in (
        active_grants(user=user).exclude(workspace__isnull=True).values_list("creator_id", "workspace_id")
    ):
        reach |= Q(**{f"{creator_field}_id": creator_id, f"{workspace_field}_id": workspace_id})
    return reach


def accounts_reaching(*, creator: Creator, workspace: Workspace) -> QuerySet[User]:
    """The portal accounts that may act for `creator` in `workspace` (for notices and reply-to)."""
    granted = PortalGrant.objects.filter(creator=creator, workspace=workspace, revoked_at__isnull=True)
    proven = Q(pk=creator.user_id) if creator.user_id else Q(pk__in=[])
    return User.objects.filter(proven | Q(pk__in=granted.values("user_id")), is_active=True).order_by("pk")


def grants_for_creator(*, user: User) -> QuerySet[PortalGrant]:
    """What the portal's account page lists: the brands that can reach this account, and how."""
    return active_grants(user=user).select_related("workspace", "creator", "granted_by").order_by("-created_at")


@transaction.atomic
def grant_portal_access(
    *,
    user: User,
    creator: Creator,
    workspace: Workspace | None,
    method: str,
    granted_by: User | None = None,
    reference: str = "",
) -> PortalGrant:
    """Record that `user` may act for `creator` in `workspace` (None: every workspace, TikTok proof only).
    Idempotent: granting again returns the existing grant, re-activated if it was revoked. An account acts
    for one creator: a grant for a second handle is refused."""
    if not user.is_creator:
        raise CreatorError("Only creator accounts can reach the portal.", code=CreatorErrorCode.INVALID)
    if workspace is None and method != PortalGrant.Method.TIKTOK:
        raise CreatorError("Only a proven handle reaches every brand.", code=CreatorErrorCode.INVALID)
    own = creator_for_account(user=user)
    if own is not None and own.pk != creator.pk:
        raise CreatorError(
            f"This account acts for @{own.handle}, not @{creator.handle}.", code=CreatorErrorCode.INVALID
        )
    grant, created = PortalGrant.objects.select_for_update().get_or_create(
        user=user,
        creator=creator,
        workspace=workspace,
        defaults={"method": method, "granted_by": granted_by, "reference": reference},
    )
    if not created and grant.revoked_at is not None:
        grant.revoked_at, grant.method, grant.granted_by, grant.reference = None, method, granted_by, reference
        grant.save(update_fields=["revoked_at", "method", "granted_by", "reference", "updated_at"])
    return grant


@transaction.atomic
def prove_handle(*, user: User, creator: Creator) -> PortalGrant:
    """The account signed in with TikTok as `creator`'s handle (the caller checked the username): it
    becomes the creator's proven account and reaches every workspace. Another account that was proven
    before loses that (its per-workspace grants stay: a brand's own invitation gave them)."""
    creator = Creator.objects.select_for_update().get(pk=creator.pk)
    previous = Creator.objects.select_for_update().filter(user=user).exclude(pk=creator.pk).first()
    if previous is not None:
        raise CreatorError(f"This account is already proven as @{previous.handle}.", code=CreatorErrorCode.INVALID)
    if creator.user_id not in (None, user.pk):
        PortalGrant.objects.filter(creator=creator, workspace__isnull=True).exclude(user=user).update(
            revoked_at=timezone.now()
        )
    if creator.user_id != user.pk:
        creator.user = user
        creator.save(update_fields=["user", "updated_at"])
    PortalGrant.objects.filter(user=user).exclude(creator=creator).update(revoked_at=timezone.now())
    return grant_portal_access(user=user, creator=creator, workspace=None, method=PortalGrant.Method.TIKTOK)
