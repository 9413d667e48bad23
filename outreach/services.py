"""Writes for message threads and outreach templates, and the checks the outreach services share.

Every service has keyword-only arguments and runs in one transaction. Brand actions need a manager
or owner of the collaboration's workspace (analysts only read: `OutreachPermissionError`); a creator
acts only on their own collaborations, past the shortlist (anything else: `OutreachNotFoundError`).
The services open the collaboration's workspace scope themselves, because creators (in the portal)
and the notification sweep run with none. Outreach e-mails are in `outreach.sending`, unread-message
notices in `outreach.notifications`, claim links in `outreach.claims`.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, NotificationKind, User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from campaigns.models import Collaboration, ReviewComment
from campaigns.notices import tell_brand
from outreach import merge, selectors
from outreach.defaults import DEFAULT_TEXTS
from outreach.errors import OutreachError, OutreachErrorCode, OutreachNotFoundError, OutreachPermissionError
from outreach.models import MESSAGE_MAX_CHARS, Message, OutreachTemplate, Side, Thread

TEMPLATE_NAME_MAX_CHARS = 100  # OutreachTemplate.name's column
TEMPLATE_SUBJECT_MAX_CHARS = 200  # OutreachTemplate.subject's column
TEMPLATE_BODY_MAX_CHARS = 10_000


# --- Shared checks ------------------------------------------------------------------------------


def require_manager(*, workspace_id: int, user: User) -> None:
    """Managers and owners write; analysts (and non-members) are refused before anything is written."""
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise OutreachPermissionError(
            "Only the workspace's managers and owners can do this.", code=OutreachErrorCode.ROLE_REQUIRED
        )


def _require_member(*, workspace_id: int, user: User) -> None:
    if not Membership.objects.with_scopes_disabled().filter(workspace_id=workspace_id, user=user).exists():
        raise OutreachNotFoundError("No such collaboration.", code=OutreachErrorCode.NOT_FOUND)


def invalid(field_name: str, message: str) -> OutreachError:
    return OutreachError(message, code=OutreachErrorCode.INVALID, fields={field_name: [message]})


def _side_of(user: User | None) -> str:
    if user is None:
        return Side.SYSTEM
    return Side.CREATOR if user.is_creator else Side.BRAND


def _own_collaboration(*, collaboration: Collaboration, user: User) -> Collaboration:
    """The creator's own collaboration (re-read through the portal's filter), or not found."""
    own = selectors.collaboration_for_creator(user=user, pk=collaboration.pk)
    if own is None:
        raise OutreachNotFoundError("No such collaboration.", code=OutreachErrorCode.NOT_FOUND)
    return own


def _locked_thread(collaboration: Collaboration) -> Thread:
    """The collaboration's thread, created on first use, locked (two posts serialise on it)."""
    thread, _ = Thread.objects.get_or_create(
        collaboration=collaboration, defaults={"workspace_id": collaboration.workspace_id}
    )
    return Thread.objects.select_for_update(of=("self",)).get(pk=thread.pk)


def _append(*, collaboration: Collaboration, kind: str, side: str, author: User | None, body: str) -> Message:
    thread = _locked_thread(collaboration)
    message = Message.objects.create(
        workspace_id=collaboration.workspace_id,
        thread=thread,
        collaboration=collaboration,
        kind=kind,
        sender_side=side,
        author=author,
        body=body,
    )
    thread.last_message_at = message.created_at
    update_fields = ["last_message_at", "updated_at"]
    # Whoever writes has seen the thread up to their own message.
    if side in (Side.BRAND, Side.CREATOR):
        setattr(thread, f"{side}_read_at", message.created_at)
        update_fields.append(f"{side}_read_at")
    thread.save(update_fields=update_fields)
    return message


# --- Messages -----------------------------------------------------------------------------------


@transaction.atomic
def post_message(*, collaboration: Collaboration, by: User, body: str) -> Message:
    """Post a message in a collaboration's thread, as the brand (a manager or owner of its workspace)
    or as the collaboration's own creator (not a shortlist: the creator does not know of it yet).
    Locks the thread. An empty or oversized body is refused and nothing is written."""
    if by.is_creator:
        collaboration = _own_collaboration(collaboration=collaboration, user=by)
    else:
        require_manager(workspace_id=collaboration.workspace_id, user=by)
    body = (body or "").strip()
    if not body:
        raise invalid("body", "Write a message first.")
    if len(body) > MESSAGE_MAX_CHARS:
        raise invalid("body", f"A message has at most {MESSAGE_MAX_CHARS:,} characters.")
    side = _side_of(by)
    with workspace_scope(collaboration.workspace):
        message = _append(collaboration=collaboration, kind=Message.Kind.MESSAGE, side=side, author=by, body=body)
        record_audit_event(
            workspace=collaboration.workspace,
            actor=by,
            action="message.posted",
            target=str(collaboration),
            data={"collaboration_id": collaboration.pk, "message_id": message.pk, "side": side},
        )
        if side == Side.CREATOR:
            tell_brand(collaboration=collaboration, kind=NotificationKind.MESSAGE_RECEIVED, body=body,
                       event_key=f"message:{message.pk}",
                       title=f"@{collaboration.creator.handle} wrote to you")  # fmt: skip
    return message


@transaction.atomic
def record_event(*, collaboration: Collaboration, kind: str, body: str, by: User | None = None) -> Message:
    """The hook other apps call to put an invitation, reminder, brief change or review comment in the
    collaboration's timeline. No permission check: the caller's own service has made it. The side is
    the author's (brand, creator), or CreatorDesk's when `by` is None. A body longer than a message
    may be is cut (an event is a summary; the full text lives where it happened)."""
    if kind not in Message.Kind.values:
        raise invalid("kind", f"One of: {', '.join(Message.Kind.values)}.")
    body = (body or "").strip()
    if not body:
        raise invalid("body", "An event needs a text.")
    if len(body) > MESSAGE_MAX_CHARS:
        body = body[: MESSAGE_MAX_CHARS - 1] + "…"
    with workspace_scope(collaboration.workspace):
        return _append(collaboration=collaboration, kind=kind, side=_side_of(by), author=by, body=body)


@transaction.atomic
def mark_read(*, collaboration: Collaboration, by: User) -> Thread | None:
    """Record that `by`'s side has read the thread up to now: any member of the workspace for the
    brand (analysts read too), the collaboration's own creator for the creator. None when there is
    nothing to read yet (no message, no review). The read time only moves forward."""
    if by.is_creator:
        collaboration = _own_collaboration(collaboration=collaboration, user=by)
    else:
        _require_member(workspace_id=collaboration.workspace_id, user=by)
    side = _side_of(by)
    with workspace_scope(collaboration.workspace):
        thread = (
            Thread.objects.select_for_update(of=("self",))
            .filter(collaboration_id=collaboration.pk, workspace_id=collaboration.workspace_id)
            .first()
        )
        if thread is None:
            reviewed = ReviewComment.objects.filter(submission__deliverable__collaboration_id=collaboration.pk).exists()
            if not reviewed:
                return None
            thread = _locked_thread(collaboration)  # reviews are news without a message: their reading counts
        now = timezone.now()
        previous = getattr(thread, f"{side}_read_at")
        if previous is None or previous < now:
            setattr(thread, f"{side}_read_at", now)
            thread.save(update_fields=[f"{side}_read_at", "updated_at"])
        return thread


# --- Templates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str
    template: OutreachTemplate | None  # None: CreatorDesk's default text


def clean_template_text(*, subject: str, body: str) -> tuple[str, str]:
    """Check a template's subject and body, merge fields included; raises with every problem per field."""
    subject, body = (subject or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not subject or len(subject) > TEMPLATE_SUBJECT_MAX_CHARS:
        errors["subject"] = [f"A subject of 1 to {TEMPLATE_SUBJECT_MAX_CHARS} characters."]
    elif "\n" in subject or "\r" in subject:
        errors["subject"] = ["A subject is one line."]
    if not body or len(body) > TEMPLATE_BODY_MAX_CHARS:
        errors["body"] = [f"A body of 1 to {TEMPLATE_BODY_MAX_CHARS:,} characters."]
    for name, text in (("subject", subject), ("body", body)):
        if problems := merge.template_errors(text):
            errors.setdefault(name, []).extend(problems)
    if errors:
        first = next(iter(errors.values()))[0]
        code = (
            OutreachErrorCode.UNKNOWN_MERGE_FIELD
            if any("merge field" in message for messages in errors.values() for message in messages)
            else OutreachErrorCode.INVALID
        )
        raise OutreachError(first, code=code, fields=errors)
    return subject, body


@transaction.atomic
def save_template(
    *,
    workspace: Workspace,
    by: User,
    kind: str,
    name: str,
    subject: str,
    body: str,
    is_default: bool = False,
    template: OutreachTemplate | None = None,
) -> OutreachTemplate:
    """Create a template (or change `template`). Managers and owners. Unknown merge fields and template
    syntax other than `{{ field }}` are refused with the field named. Making it the default unsets the
    kind's previous default in the same transaction."""
    require_manager(workspace_id=workspace.pk, user=by)
    if template is not None and template.workspace_id != workspace.pk:
        raise OutreachNotFoundError("No such template.", code=OutreachErrorCode.NOT_FOUND)
    if kind not in OutreachTemplate.Kind.values:
        raise invalid("kind", f"One of: {', '.join(OutreachTemplate.Kind.values)}.")
    name = (name or "").strip()
    if not name or len(name) > TEMPLATE_NAME_MAX_CHARS:
        raise invalid("name", f"A name of 1 to {TEMPLATE_NAME_MAX_CHARS} characters.")
    subject, body = clean_template_text(subject=subject, body=body)
    if is_default:
        others = OutreachTemplate.objects.filter(workspace=workspace, kind=kind, is_default=True)
        if template is not None:
            others = others.exclude(pk=template.pk)
        others.update(is_default=False, updated_at=timezone.now())
    values = {"kind": kind, "name": name, "subject": subject, "body": body, "is_default": is_default}
    try:
        with transaction.atomic():
            if template is None:
                template = OutreachTemplate.objects.create(workspace=workspace, created_by=by, **values)
                action = "outreach_template.created"
            else:
                template = OutreachTemplate.objects.select_for_update(of=("self",)).get(pk=template.pk)
                for key, value in values.items():
                    setattr(template, key, value)
                template.save(update_fields=[*values, "updated_at"])
                action = "outreach_template.updated"
    except IntegrityError as exc:
        raise invalid("name", f"A {kind} template named “{name}” exists already.") from exc
    record_audit_event(
        workspace=workspace, actor=by, action=action, target=name, data={"template_id": template.pk, "kind": kind}
    )
    return template


@transaction.atomic
def delete_template(*, template: OutreachTemplate, by: User) -> None:
    """Remove a template; e-mails already sent keep their text in the log."""
    require_manager(workspace_id=template.workspace_id, user=by)
    name, pk = template.name, template.pk
    OutreachTemplate.objects.filter(pk=pk, workspace_id=template.workspace_id).delete()
    record_audit_event(
        workspace=template.workspace, actor=by, action="outreach_template.deleted", target=name,
        data={"template_id": pk},
    )  # fmt: skip


def template_text(*, workspace: Workspace, kind: str, template: OutreachTemplate | None = None) -> TemplateText:
    """The text to send: `template` (it must be this workspace's and of this kind), else the
    workspace's default of the kind, else CreatorDesk's built-in text."""
    if template is not None:
        if template.workspace_id != workspace.pk:
            raise OutreachNotFoundError("No such template.", code=OutreachErrorCode.NOT_FOUND)
        if template.kind != kind:
            raise invalid("template", f"“{template.name}” is a {template.kind} template, not a {kind} one.")
        return TemplateText(subject=template.subject, body=template.body, template=template)
    saved = selectors.default_template(workspace=workspace, kind=kind)
    if saved is not None:
        return TemplateText(subject=saved.subject, body=saved.body, template=saved)
    default = DEFAULT_TEXTS[kind]
    return TemplateText(subject=default.subject, body=default.body, template=None)
