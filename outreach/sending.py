"""Outreach e-mails: invitations, reminders and the campaign table's bulk actions (`invite`,
`send_reminder`, `bulk_move`, with their `BulkResult`), where a creator's e-mail goes
(`recipient_for`), the claim link each invitation carries (`claim_token`), and the sending itself
(`send_outreach_email`, run by `outreach.tasks.send_outreach_email_task`).

E-mails are sent by a task enqueued after commit, never inside the transaction. The task takes the
e-mail's id only: the claim link's raw token is derived from its row when sending
(accounts.tokens.derived_token), so it never sits in the broker's arguments or in
django-celery-results' rows, which admin shows to staff.

Bulk actions (`invite`, `send_reminder`, `bulk_move`) work row by row, each row in its own savepoint:
the rows the pipeline allows are done, the others are reported with the reason and left as they
were. A table of 40 ticked creators where 3 cannot move should not make the manager untick the 3 and
start again; each row is independent, and the result says exactly which rows did not happen.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import NotificationKind, User, Workspace
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from accounts.tokens import derived_token, new_token, token_sha256
from campaigns.collaborations import move_collaboration
from campaigns.models import Collaboration
from campaigns.notices import tell_creator
from campaigns.pipeline import Stage
from core.errors import ApplicationError
from core.queue import enqueue_on_commit
from creators.portal.access import accounts_reaching
from creators.workspace.contacts import contact_email_for
from outreach import emails, merge
from outreach.errors import OutreachError, OutreachErrorCode, OutreachNotFoundError
from outreach.models import ClaimLink, OutreachEmail, OutreachTemplate
from outreach.services import TemplateText, invalid, record_event, require_manager, template_text

BULK_MAX_ROWS = 500  # a campaign table page; more at once is a mistake, not a workflow
# Where the claim link goes in a logged e-mail: the raw token is never stored, so the log keeps the
# placeholder and the sending task puts the real link in.
CLAIM_LINK_MARKER = "{{ claim_link }}"
CLAIM_LINK_IN_TIMELINE = "[invitation link]"
# A reminder makes sense while the creator still has something to do; not before the invitation
# (shortlisted: the brand's private list) nor after the collaboration closed.
REMINDABLE_STAGES = frozenset(
    {Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED}
)


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
        raise invalid("collaborations", "Select at least one creator.")
    if len(ids) > BULK_MAX_ROWS:
        raise invalid("collaborations", f"At most {BULK_MAX_ROWS} rows at once.")
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
        **merge.registered_values(collaboration=collaboration),  # tracking_link, promo_code: "" until generated
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
    `campaigns.collaborations.move_collaboration`, so the pipeline decides), gets an e-mail from `template`
    (or the default) to the creator's contact e-mail with a fresh claim link when the creator has no
    portal account yet (the portal otherwise), logged and put in the timeline. Rows without an e-mail
    address, or that the pipeline refuses, are reported and left as they were."""
    rows = _bulk_rows(collaborations)
    workspace = rows[0].workspace
    require_manager(workspace_id=workspace.pk, user=by)
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
            tell_creator(collaboration=moved, kind=NotificationKind.INVITATION, event_key=f"invitation:{moved.pk}",
                         title=f"{workspace.name} invited you to {moved.campaign.name}")  # fmt: skip
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
    require_manager(workspace_id=workspace.pk, user=by)
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
    """Move each row to `to_stage` through `campaigns.collaborations.move_collaboration` (the pipeline
    validates every move). Rows the pipeline refuses are reported with its reason; the others move."""
    if to_stage not in Stage.values:
        raise invalid("to_stage", f"One of: {', '.join(Stage.values)}.")
    rows = _bulk_rows(collaborations)
    workspace = rows[0].workspace
    require_manager(workspace_id=workspace.pk, user=by)
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
