"""Writes for messages, outreach e-mails, templates and claim links.

Every service has keyword-only arguments and runs in one transaction. Brand actions need a manager
or owner of the collaboration's workspace (analysts only read: `OutreachPermissionError`); a creator
acts only on their own collaborations, past the shortlist (anything else: `OutreachNotFoundError`).
The services open the collaboration's workspace scope themselves, because creators (in the portal)
and the notification sweep run with none. E-mails are sent by a task enqueued after commit, never
inside the transaction. The task takes the e-mail's id only: the claim link's raw token is derived
from its row when sending (accounts.tokens.derived_token), so it never sits in the broker's arguments
or in django-celery-results' rows, which admin shows to staff.

Bulk actions (`invite`, `send_reminder`, `bulk_move`) work row by row, each row in its own savepoint:
the rows the pipeline allows are done, the others are reported with the reason and left as they
were. A table of 40 ticked creators where 3 cannot move should not make the manager untick the 3 and
start again; each row is independent, and the result says exactly which rows did not happen.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from accounts.tokens import derived_token, new_token, token_sha256
from campaigns.models import Collaboration, ReviewComment
from campaigns.pipeline import Stage
from campaigns.services import move_collaboration
from core.errors import ApplicationError
from core.queue import enqueue_on_commit
from creators.models import Creator, PortalGrant
from creators.portal.access import accounts_reaching, grant_portal_access
from creators.selectors import creator_for_user
from creators.workspace.contacts import contact_email_for
from outreach import emails, merge, selectors
from outreach.defaults import DEFAULT_TEXTS
from outreach.errors import OutreachError, OutreachErrorCode, OutreachNotFoundError, OutreachPermissionError
from outreach.models import MESSAGE_MAX_CHARS, ClaimLink, Message, OutreachEmail, OutreachTemplate, Side, Thread

BULK_MAX_ROWS = 500  # a campaign table page; more at once is a mistake, not a workflow
TEMPLATE_NAME_MAX_CHARS = 100  # OutreachTemplate.name's column
TEMPLATE_SUBJECT_MAX_CHARS = 200  # OutreachTemplate.subject's column
TEMPLATE_BODY_MAX_CHARS = 10_000
# Where the claim link goes in a logged e-mail: the raw token is never stored, so the log keeps the
# placeholder and the sending task puts the real link in.
CLAIM_LINK_MARKER = "{{ claim_link }}"
CLAIM_LINK_IN_TIMELINE = "[invitation link]"
# A reminder makes sense while the creator still has something to do; not before the invitation
# (shortlisted: the brand's private list) nor after the collaboration closed.
REMINDABLE_STAGES = frozenset(
    {Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED}
)
UNREAD_EXCERPTS = 5  # the newest messages quoted in an unread-messages e-mail
REVIEW_LOOKBACK_DAYS = 7  # how far back the sweep looks for reviews on collaborations without a thread


# --- Shared checks ------------------------------------------------------------------------------


def _require_manager(*, workspace_id: int, user: User) -> None:
    """Managers and owners write; analysts (and non-members) are refused before anything is written."""
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise OutreachPermissionError(
            "Only the workspace's managers and owners can do this.", code=OutreachErrorCode.ROLE_REQUIRED
        )


def _require_member(*, workspace_id: int, user: User) -> None:
    if not Membership.objects.with_scopes_disabled().filter(workspace_id=workspace_id, user=user).exists():
        raise OutreachNotFoundError("No such collaboration.", code=OutreachErrorCode.NOT_FOUND)


def _invalid(field_name: str, message: str) -> OutreachError:
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
        _require_manager(workspace_id=collaboration.workspace_id, user=by)
    body = (body or "").strip()
    if not body:
        raise _invalid("body", "Write a message first.")
    if len(body) > MESSAGE_MAX_CHARS:
        raise _invalid("body", f"A message has at most {MESSAGE_MAX_CHARS:,} characters.")
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
    return message


@transaction.atomic
def record_event(*, collaboration: Collaboration, kind: str, body: str, by: User | None = None) -> Message:
    """The hook other apps call to put an invitation, reminder, brief change or review comment in the
    collaboration's timeline. No permission check: the caller's own service has made it. The side is
    the author's (brand, creator), or CreatorDesk's when `by` is None. A body longer than a message
    may be is cut (an event is a summary; the full text lives where it happened)."""
    if kind not in Message.Kind.values:
        raise _invalid("kind", f"One of: {', '.join(Message.Kind.values)}.")
    body = (body or "").strip()
    if not body:
        raise _invalid("body", "An event needs a text.")
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
    _require_manager(workspace_id=workspace.pk, user=by)
    if template is not None and template.workspace_id != workspace.pk:
        raise OutreachNotFoundError("No such template.", code=OutreachErrorCode.NOT_FOUND)
    if kind not in OutreachTemplate.Kind.values:
        raise _invalid("kind", f"One of: {', '.join(OutreachTemplate.Kind.values)}.")
    name = (name or "").strip()
    if not name or len(name) > TEMPLATE_NAME_MAX_CHARS:
        raise _invalid("name", f"A name of 1 to {TEMPLATE_NAME_MAX_CHARS} characters.")
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
        raise _invalid("name", f"A {kind} template named “{name}” exists already.") from exc
    record_audit_event(
        workspace=workspace, actor=by, action=action, target=name, data={"template_id": template.pk, "kind": kind}
    )
    return template


@transaction.atomic
def delete_template(*, template: OutreachTemplate, by: User) -> None:
    """Remove a template; e-mails already sent keep their text in the log."""
    _require_manager(workspace_id=template.workspace_id, user=by)
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
            raise _invalid("template", f"“{template.name}” is a {template.kind} template, not a {kind} one.")
        return TemplateText(subject=template.subject, body=template.body, template=template)
    saved = selectors.default_template(workspace=workspace, kind=kind)
    if saved is not None:
        return TemplateText(subject=saved.subject, body=saved.body, template=saved)
    default = DEFAULT_TEXTS[kind]
    return TemplateText(subject=default.subject, body=default.body, template=None)


# --- Outreach e-mails ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowResult:
    collaboration_id: int
    handle: str
    ok: bool
    message: str


@dataclass
class BulkResult:
    rows: list[RowResult] = field(default_factory=list)

    @property
    def done(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def failed(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]


def _bulk_rows(collaborations: Iterable[Collaboration] | QuerySet[Collaboration]) -> list[Collaboration]:
    ids = sorted({c.pk for c in collaborations})  # by pk: rows are locked in one order, so bulk calls cannot deadlock
    if not ids:
        raise _invalid("collaborations", "Select at least one creator.")
    if len(ids) > BULK_MAX_ROWS:
        raise _invalid("collaborations", f"At most {BULK_MAX_ROWS} rows at once.")
    rows = list(
        Collaboration.objects.filter(pk__in=ids).select_related("workspace", "campaign", "creator__user").order_by("pk")
    )
    if len(rows) != len(ids) or len({row.workspace_id for row in rows}) != 1:
        raise OutreachNotFoundError("Some of these collaborations do not exist.", code=OutreachErrorCode.NOT_FOUND)
    return rows


PORTAL_RECIPIENT = "their portal account"


def recipient_for(collaboration: Collaboration) -> str:
    """Where this workspace's outreach to a creator goes, as the brand may see it: the workspace's own
    contact e-mail; else, when a portal account of the creator reaches this workspace, PORTAL_RECIPIENT
    (the e-mail goes to that account, whose address is never shown: the creator may have given it to
    another brand); else '' (nobody to write to). Never another workspace's contact."""
    email = contact_email_for(workspace=collaboration.workspace, creator=collaboration.creator)
    if email:
        return email
    if accounts_reaching(creator=collaboration.creator, workspace=collaboration.workspace).exists():
        return PORTAL_RECIPIENT
    return ""


def claim_token(link: ClaimLink) -> str:
    """The link's raw token, derived from the row (accounts.tokens.derived_token): the sending task
    takes ids only."""
    return derived_token(purpose="claim-link", pk=link.pk, salt=link.expires_at.isoformat())


def _merge_values(*, collaboration: Collaboration, by: User, claim_link: str) -> dict[str, str]:
    creator = collaboration.creator
    return {
        "creator_name": creator.display_name or f"@{creator.handle}",
        "creator_handle": f"@{creator.handle}",
        "campaign_name": collaboration.campaign.name,
        "brand_name": collaboration.workspace.name,
        "sender_name": by.display_name,
        "claim_link": claim_link,
        "portal_link": emails.portal_thread_url(collaboration.pk),
    }


def _queue_email(
    *, kind: str, collaboration: Collaboration, text: TemplateText, by: User, to: str
) -> tuple[OutreachEmail, str]:
    """Log one outreach e-mail (with a fresh claim link when the creator has no portal account yet),
    put it in the timeline and enqueue its sending after commit. Returns the log row and the raw token
    ("" when no claim link was needed)."""
    creator = collaboration.creator
    claim, raw = None, ""
    if not accounts_reaching(creator=creator, workspace=collaboration.workspace).exists():
        claim = ClaimLink.objects.create(
            workspace_id=collaboration.workspace_id,
            creator=creator,
            collaboration=collaboration,
            email=to,
            token_sha256=new_token()[1],  # replaced below, once the row has the id its token derives from
            expires_at=timezone.now() + datetime.timedelta(days=settings.CLAIM_LINK_TTL_DAYS),
            created_by=by,
        )
        raw = claim_token(claim)
        claim.token_sha256 = token_sha256(raw)
        claim.save(update_fields=["token_sha256", "updated_at"])
    link = CLAIM_LINK_MARKER if claim else emails.portal_thread_url(collaboration.pk)
    values = _merge_values(collaboration=collaboration, by=by, claim_link=link)
    subject = " ".join(merge.render(text.subject, values).split())[:300]
    body = merge.render(text.body, values)
    email = OutreachEmail.objects.create(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        kind=kind,
        template=text.template,
        claim_link=claim,
        to_email="" if to == PORTAL_RECIPIENT else to,
        subject=subject,
        body=body,
        sent_by=by,
    )
    timeline = f"{subject}\n\n{body}".replace(CLAIM_LINK_MARKER, CLAIM_LINK_IN_TIMELINE)
    record_event(collaboration=collaboration, kind=kind, body=timeline, by=by)
    enqueue_on_commit("outreach.tasks.send_outreach_email_task", email.pk)
    return email, raw


def _record_bulk(*, workspace: Workspace, by: User, action: str, result: BulkResult) -> None:
    record_audit_event(
        workspace=workspace,
        actor=by,
        action=action,
        data={"done": [r.collaboration_id for r in result.done], "failed": [r.collaboration_id for r in result.failed]},
    )


def _run_rows(rows: Sequence[Collaboration], action: Callable[[Collaboration], str]) -> BulkResult:
    result = BulkResult()
    for collaboration in rows:
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
                message = action(collaboration)
            result.rows.append(RowResult(collaboration.pk, collaboration.creator.handle, True, message))
        except ApplicationError as exc:
            result.rows.append(RowResult(collaboration.pk, collaboration.creator.handle, False, exc.message))
    return result


@transaction.atomic
def invite(
    *,
    collaborations: Iterable[Collaboration] | QuerySet[Collaboration],
    by: User,
    template: OutreachTemplate | None = None,
) -> BulkResult:
    """Invite shortlisted creators by e-mail: each row moves to `invited` (through
    `campaigns.services.move_collaboration`, so the pipeline decides), gets an e-mail from `template`
    (or the default) to the creator's contact e-mail with a fresh claim link when the creator has no
    portal account yet (the portal otherwise), logged and put in the timeline. Rows without an e-mail
    address, or that the pipeline refuses, are reported and left as they were."""
    rows = _bulk_rows(collaborations)
    workspace = rows[0].workspace
    _require_manager(workspace_id=workspace.pk, user=by)
    with workspace_scope(workspace):
        text = template_text(workspace=workspace, kind=OutreachTemplate.Kind.INVITATION, template=template)

        def invite_one(collaboration: Collaboration) -> str:
            to = recipient_for(collaboration)
            if not to:
                raise OutreachError(
                    "No contact e-mail: add your contact e-mail on the creator's profile, then invite again.",
                    code=OutreachErrorCode.INVALID,
                )
            if collaboration.stage != Stage.SHORTLISTED:
                raise OutreachError(
                    f"Already {collaboration.get_stage_display().lower()}: send a reminder instead.",
                    code=OutreachErrorCode.INVALID,
                )
            moved = move_collaboration(collaboration=collaboration, to_stage=Stage.INVITED, by=by,
                                       note="Invited by e-mail")  # fmt: skip
            _queue_email(kind=OutreachEmail.Kind.INVITATION, collaboration=moved, text=text, by=by, to=to)
            return f"Invitation sent to {to}."  # the contact e-mail, or "their portal account"

        result = _run_rows(rows, invite_one)
        _record_bulk(workspace=workspace, by=by, action="outreach.invited", result=result)
    return result


@transaction.atomic
def send_reminder(
    *,
    collaborations: Iterable[Collaboration] | QuerySet[Collaboration],
    by: User,
    template: OutreachTemplate | None = None,
) -> BulkResult:
    """E-mail a reminder to creators who have been invited and whose collaboration is still open;
    logged and put in the timeline like an invitation. Shortlisted, closed or unreachable rows are
    reported and get nothing."""
    rows = _bulk_rows(collaborations)
    workspace = rows[0].workspace
    _require_manager(workspace_id=workspace.pk, user=by)
    with workspace_scope(workspace):
        text = template_text(workspace=workspace, kind=OutreachTemplate.Kind.REMINDER, template=template)

        def remind_one(collaboration: Collaboration) -> str:
            if collaboration.stage == Stage.SHORTLISTED:
                raise OutreachError("Not invited yet: invite first.", code=OutreachErrorCode.INVALID)
            if collaboration.stage not in REMINDABLE_STAGES:
                raise OutreachError(
                    f"The collaboration is {collaboration.get_stage_display().lower()}: nothing to remind.",
                    code=OutreachErrorCode.INVALID,
                )
            to = recipient_for(collaboration)
            if not to:
                raise OutreachError(
                    "No contact e-mail: add one to the creator's profile.", code=OutreachErrorCode.INVALID
                )
            _queue_email(kind=OutreachEmail.Kind.REMINDER, collaboration=collaboration, text=text, by=by, to=to)
            return f"Reminder sent to {to}."

        result = _run_rows(rows, remind_one)
        _record_bulk(workspace=workspace, by=by, action="outreach.reminded", result=result)
    return result


@transaction.atomic
def bulk_move(
    *, collaborations: Iterable[Collaboration] | QuerySet[Collaboration], to_stage: str, by: User
) -> BulkResult:
    """Move each row to `to_stage` through `campaigns.services.move_collaboration` (the pipeline
    validates every move). Rows the pipeline refuses are reported with its reason; the others move."""
    if to_stage not in Stage.values:
        raise _invalid("to_stage", f"One of: {', '.join(Stage.values)}.")
    rows = _bulk_rows(collaborations)
    workspace = rows[0].workspace
    _require_manager(workspace_id=workspace.pk, user=by)
    with workspace_scope(workspace):

        def move_one(collaboration: Collaboration) -> str:
            moved = move_collaboration(collaboration=collaboration, to_stage=to_stage, by=by)
            return f"Moved to {moved.get_stage_display().lower()}."

        return _run_rows(rows, move_one)


def _portal_addresses(email: OutreachEmail) -> list[str]:
    collaboration = (
        Collaboration.objects.with_scopes_disabled().select_related("creator").get(pk=email.collaboration_id)
    )
    return [user.email for user in accounts_reaching(creator=collaboration.creator, workspace=email.workspace)]


def send_outreach_email(*, email_id: int) -> bool:
    """Send a logged outreach e-mail once. Returns False (and sends nothing) when it was sent already or
    is gone — so a re-delivered task is a no-op. The claim link's token is derived here from its row."""
    with transaction.atomic():
        email = (
            OutreachEmail.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .select_related("workspace", "claim_link")
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.sent_at is not None:
            return False
        token = claim_token(email.claim_link) if email.claim_link is not None else ""
        if email.claim_link is not None and email.claim_link.token_sha256 != token_sha256(token):
            return False  # a link made before tokens were derived: it cannot be rebuilt, so it is not sent
        # Claim first: the compare-and-set on sent_at is what makes a second delivery send nothing.
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at", "updated_at"])
    link = emails.claim_url(token) if email.claim_link is not None else emails.portal_thread_url(email.collaboration_id)
    messages = [
        emails.build_email(
            workspace=email.workspace,
            to=to,
            subject=email.subject.replace(CLAIM_LINK_MARKER, link),
            text=email.body.replace(CLAIM_LINK_MARKER, link),
            action_url=link,
            action_label="Open the invitation" if email.kind == OutreachEmail.Kind.INVITATION else "Open CreatorDesk",
        )
        for to in ([email.to_email] if email.to_email else _portal_addresses(email))
    ]
    try:
        for message in messages:
            message.send()
    except Exception:
        # Release the claim so the task's retry sends it; only this claim, not a newer one.
        OutreachEmail.objects.with_scopes_disabled().filter(pk=email.pk, sent_at=email.sent_at).update(sent_at=None)
        raise
    return True


# --- Unread notifications -----------------------------------------------------------------------


def _brand_recipients(thread: Thread) -> list[str]:
    """The campaign's owner while they are a member; otherwise every manager and owner."""
    members = Membership.objects.with_scopes_disabled().filter(workspace_id=thread.workspace_id).select_related("user")
    owner_id = thread.collaboration.campaign.owner_id
    if owner_id and (owner := members.filter(user_id=owner_id).first()) is not None:
        return [owner.user.email]
    return sorted(m.user.email for m in members if m.has_role(Role.MANAGER) and m.user.is_active)


def _creator_recipients(thread: Thread) -> list[str]:
    # Only portal accounts that reach this workspace can open the thread; others are reached by invitations.
    accounts = accounts_reaching(creator=thread.collaboration.creator, workspace=thread.workspace)
    return [user.email for user in accounts]


def _review_text(review: ReviewComment) -> str:
    decision = review.get_decision_display() if review.decision else "Comment"
    text = f"Draft round {review.submission.round_number}: {decision}"
    return f"{text} — {review.body.strip()}" if review.body.strip() else text


def notify_unread(*, thread_id: int, side: str, older_than: datetime.datetime) -> int:
    """E-mail `side` (one e-mail per recipient) about the thread's messages from the other side that
    arrived before `older_than`, are unread, and were not in an earlier notice. Returns the number of
    e-mails sent. The thread's `<side>_notified_through` is moved past those messages before sending,
    under the thread's lock, so a second run finds nothing new; a failed send puts it back."""
    with transaction.atomic():
        thread = (
            Thread.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .select_related("workspace", "collaboration__campaign", "collaboration__creator__user")
            .filter(pk=thread_id)
            .first()
        )
        if thread is None:
            return 0
        marks = [m for m in (getattr(thread, f"{side}_read_at"), getattr(thread, f"{side}_notified_through")) if m]
        pending = (
            Message.objects.with_scopes_disabled()
            .filter(thread=thread, kind__in=selectors.NOTIFIED_KINDS, created_at__lte=older_than)
            .exclude(sender_side=side)
            .order_by("created_at", "pk")
        )
        if marks:
            pending = pending.filter(created_at__gt=max(marks))
        # (time, text) of each item the notice quotes; the creator also hears of the brand's reviews.
        items = [(m.created_at, m.body) for m in pending]
        if side == Side.CREATOR:
            reviews = selectors.unread_reviews_for(thread=thread, older_than=older_than)
            items += [(review.created_at, _review_text(review)) for review in reviews]
        items.sort(key=lambda item: item[0])
        if not items:
            return 0
        previous = getattr(thread, f"{side}_notified_through")
        through = items[-1][0]
        setattr(thread, f"{side}_notified_through", through)
        thread.save(update_fields=[f"{side}_notified_through", "updated_at"])
        recipients = _brand_recipients(thread) if side == Side.BRAND else _creator_recipients(thread)
    collaboration = thread.collaboration
    count = len(items)
    subject = (
        f"{count} unread message{'s' if count != 1 else ''} about {collaboration.campaign.name}"
        if side == Side.CREATOR
        else f"@{collaboration.creator.handle} wrote about {collaboration.campaign.name}"
    )
    quoted = "\n\n".join(f"— {text[:500]}" for _, text in items[-UNREAD_EXCERPTS:])
    link = (
        emails.portal_thread_url(collaboration.pk)
        if side == Side.CREATOR
        else emails.dashboard_thread_url(collaboration.pk)
    )
    text = f"{subject}:\n\n{quoted}\n\nRead and reply: {link}"
    sent = 0
    try:
        for to in recipients:
            emails.build_email(
                workspace=thread.workspace, to=to, subject=subject, text=text, action_url=link,
                action_label="Read and reply",
            ).send()  # fmt: skip
            sent += 1
    except Exception:
        if sent == 0:  # nobody got it: let the next sweep try again (after someone did, a retry would repeat it)
            Thread.objects.with_scopes_disabled().filter(pk=thread.pk, **{f"{side}_notified_through": through}).update(
                **{f"{side}_notified_through": previous}
            )
        raise
    return sent


def send_unread_notifications(*, now: datetime.datetime | None = None) -> int:
    """The sweep beat runs every few minutes: notify each side of each thread with messages unread for
    longer than `OUTREACH_UNREAD_NOTIFY_AFTER_MINUTES`. Idempotent: run twice, it sends once."""
    older_than = (now or timezone.now()) - datetime.timedelta(minutes=settings.OUTREACH_UNREAD_NOTIFY_AFTER_MINUTES)
    # A review on a collaboration without a thread yet (no message so far) opens one, so it is heard of.
    since = older_than - datetime.timedelta(days=REVIEW_LOOKBACK_DAYS)
    threadless = selectors.collaborations_needing_a_thread_across_workspaces(older_than=older_than, since=since)
    for collaboration in threadless:
        Thread.objects.with_scopes_disabled().get_or_create(
            collaboration=collaboration, defaults={"workspace_id": collaboration.workspace_id}
        )
    sent = 0
    for thread_id in selectors.threads_with_unread_across_workspaces(older_than=older_than):
        for side in (Side.BRAND, Side.CREATOR):
            sent += notify_unread(thread_id=thread_id, side=side, older_than=older_than)
    return sent


# --- Claim links --------------------------------------------------------------------------------


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
