"""Claim links: a creator using the link from their invitation to enter the creator portal (`claim`),
with a new creator account or the one they are signed in with. The links are made when an
invitation is logged (`outreach.sending`).
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from accounts.tokens import token_sha256
from creators.models import Creator, PortalGrant
from creators.portal.access import grant_portal_access
from creators.selectors import creator_for_user
from outreach import selectors
from outreach.errors import OutreachError, OutreachErrorCode, OutreachNotFoundError
from outreach.models import ClaimLink, Message
from outreach.services import record_event


@transaction.atomic
def claim(*, token: str, user: User | None = None, password: str = "", full_name: str = "") -> User:
    """Use a claim link: once, before it expires. It grants the account the link's workspace, and
    nothing else (creators.portal.access): other brands' collaborations need their own invitation, or
    the handle proven by signing in with TikTok. Signed in (`user`), that account is granted — refused
    for a brand account and for a creator account acting for another handle. Signed out, a creator
    account is created with the e-mail the link was sent to and `password`. Locks the link and the
    creator profile, so two uses of one link cannot both succeed."""
    found = selectors.claim_link_by_token_across_workspaces(token_sha256=token_sha256(token or ""))
    if found is None:
        raise OutreachNotFoundError("This link is not valid.", code=OutreachErrorCode.CLAIM_INVALID)
    with workspace_scope(found.workspace):
        link = (
            ClaimLink.objects.select_for_update(of=("self",))
            .select_related("workspace", "collaboration__campaign", "collaboration__workspace")
            .get(pk=found.pk)
        )
        if link.used_at is not None:
            raise OutreachError(
                "This link was already used. Sign in to the portal instead.", code=OutreachErrorCode.CLAIM_INVALID
            )
        if link.expires_at <= timezone.now():
            raise OutreachError(
                f"This link has expired. Ask {link.workspace.name} to send a new invitation.",
                code=OutreachErrorCode.CLAIM_INVALID,
            )
        creator = Creator.objects.select_for_update().get(pk=link.creator_id)
        if user is not None:
            account = _claiming_account(user=user, creator=creator)
        else:
            account = _new_creator_account(link=link, creator=creator, password=password, full_name=full_name)
        grant_portal_access(
            user=account, creator=creator, workspace=link.workspace, method=PortalGrant.Method.CLAIM_LINK,
            reference=f"claim link {link.pk}",
        )  # fmt: skip
        link.used_at, link.used_by = timezone.now(), account
        link.save(update_fields=["used_at", "used_by", "updated_at"])
        record_audit_event(
            workspace=link.workspace, actor=account, action="creator.account_claimed", target=f"@{creator.handle}",
            data={"claim_link_id": link.pk, "creator_id": creator.pk, "new_account": user is None},
        )  # fmt: skip
        record_event(
            collaboration=link.collaboration, kind=Message.Kind.SYSTEM,
            body=f"@{creator.handle} joined the creator portal.",
        )  # fmt: skip
    return account


def _claiming_account(*, user: User, creator: Creator) -> User:
    if not user.is_creator:
        raise OutreachError(
            "You are signed in with a brand account. Sign out, then open the link again.",
            code=OutreachErrorCode.CLAIM_WRONG_CREATOR,
        )
    own = creator_for_user(user=user)
    if own is not None and own.pk != creator.pk:
        raise OutreachError(
            f"This invitation is for @{creator.handle}, and you are signed in as @{own.handle}.",
            code=OutreachErrorCode.CLAIM_WRONG_CREATOR,
        )
    return user


def _new_creator_account(*, link: ClaimLink, creator: Creator, password: str, full_name: str) -> User:
    email = link.email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise OutreachError(
            f"An account for {email} exists already. Sign in, then open this link again.",
            code=OutreachErrorCode.ACCOUNT_EXISTS,
        )
    full_name = (full_name or "").strip()[:150] or creator.display_name[:150]
    candidate = User(email=email, full_name=full_name, kind=User.Kind.CREATOR)
    try:
        validate_password(password or "", user=candidate)
    except ValidationError as exc:
        raise OutreachError(
            exc.messages[0], code=OutreachErrorCode.INVALID, fields={"password": list(exc.messages)}
        ) from exc
    return User.objects.create_user(email, password, full_name=full_name, kind=User.Kind.CREATOR)
