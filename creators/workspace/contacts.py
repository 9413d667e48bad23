"""How a workspace reaches a creator: its own contact e-mail, never another workspace's and never the
creator's portal login (docs/security.md). Reads annotate or attach `contact_email` so lists, exports
and templates keep one attribute name."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from core.errors import PermissionDeniedError
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import Creator, WorkspaceCreatorContact


def contact_email_for(*, workspace: Workspace, creator: Creator) -> str:
    row = WorkspaceCreatorContact.objects.filter(workspace=workspace, creator=creator).values_list("email", flat=True)
    return row.first() or ""


def contact_emails(*, workspace: Workspace, creator_ids: Iterable[int]) -> dict[int, str]:
    rows = WorkspaceCreatorContact.objects.filter(workspace=workspace, creator_id__in=list(creator_ids)).exclude(
        email=""
    )
    return dict(rows.values_list("creator_id", "email"))


def attach_contact_emails(*, workspace: Workspace, creators: Iterable[Creator]) -> None:
    """Set `contact_email` on each creator (one query for all)."""
    creators = list(creators)
    emails = contact_emails(workspace=workspace, creator_ids=[creator.pk for creator in creators])
    for creator in creators:
        creator.contact_email = emails.get(creator.pk, "")  # type: ignore[attr-defined]


def with_contact_email(queryset: QuerySet, *, workspace: Workspace, creator_field: str = "pk") -> QuerySet:
    """Annotate each row with the workspace's contact e-mail for its creator ('' when none)."""
    email = WorkspaceCreatorContact.objects.filter(workspace=workspace, creator=OuterRef(creator_field)).values(
        "email"
    )[:1]
    return queryset.annotate(contact_email=Coalesce(Subquery(email), Value("")))


def has_contact_email_subquery(*, workspace: Workspace) -> QuerySet[WorkspaceCreatorContact]:
    """For `Exists(...)`: creators this workspace can e-mail."""
    return WorkspaceCreatorContact.objects.filter(workspace=workspace, creator=OuterRef("pk")).exclude(email="")


@transaction.atomic
def set_contact_email(
    *,
    workspace: Workspace,
    creator: Creator,
    email: str,
    by: User | None,
    source: str = WorkspaceCreatorContact.Source.MANUAL,
) -> WorkspaceCreatorContact:
    """Record how this workspace reaches `creator` (managers and owners; '' clears it). Only this
    workspace's outreach, invitations and claim links use it."""
    if by is not None and not has_workspace_role(workspace_id=workspace.pk, user=by):
        raise PermissionDeniedError("Only managers and owners can change contact details.")
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CreatorError(
                "Enter a valid e-mail address.", code=CreatorErrorCode.INVALID, fields={"email": exc.messages}
            ) from exc
    contact, _created = WorkspaceCreatorContact.objects.update_or_create(
        workspace=workspace, creator=creator, defaults={"email": email, "source": source, "updated_by": by}
    )
    record_audit_event(
        workspace=workspace, actor=by, action="creator.contact_changed", target=f"@{creator.handle}",
        data={"source": source, "cleared": not email},
    )  # fmt: skip
    return contact
