"""Invitations and reminders by e-mail: the pipeline moves, the e-mail goes out once after commit,
from the workspace's template, with a claim link for creators without a portal account."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from accounts.tokens import token_sha256
from campaigns.models import Collaboration
from outreach import sending, services
from outreach.errors import OutreachPermissionError
from outreach.models import ClaimLink, Message, OutreachEmail

pytestmark = pytest.mark.django_db


def _invite(workspace, by, collaborations, template=None):
    with workspace_scope(workspace):
        return sending.invite(collaborations=collaborations, by=by, template=template)


def _send_queued(callbacks):
    """Run the sending the services enqueued, as the worker would: the task's own arguments."""
    for callback in callbacks:
        (email_id,) = callback.args  # ids only: no raw token in the task's arguments
        sending.send_outreach_email(email_id=email_id)


def test_inviting_moves_the_row_and_e_mails_a_claim_link_from_the_default_text(
    workspace, manager, make_collaboration, django_capture_on_commit_callbacks
):
    row = make_collaboration(handle="mayamakes", email="maya@creator.test", display_name="Maya Lopez")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = _invite(workspace, manager, [row])
    _send_queued(callbacks)

    assert [r.ok for r in result.rows] == [True]
    row.refresh_from_db()
    assert row.stage == "invited"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["maya@creator.test"]
    assert sent.subject == "Glow Test would love to work with you on Spring glow"
    assert "Hi Maya Lopez," in sent.body and "@mayamakes" in sent.body
    token = re.search(r"/portal/claim/([A-Za-z0-9_-]+)/", sent.body).group(1)
    with scopes_disabled():
        link = ClaimLink.objects.get(creator=row.creator)
        logged = OutreachEmail.objects.get(collaboration=row)
        timeline = Message.objects.get(collaboration=row)
    assert link.token_sha256 == token_sha256(token) and link.used_at is None
    assert token not in logged.body and "{{ claim_link }}" in logged.body  # the raw token is never stored
    assert logged.sent_at is not None and logged.sent_by == manager
    assert timeline.kind == "invitation" and "[invitation link]" in timeline.body and token not in timeline.body
    html = sent.alternatives[0][0]
    assert f"/portal/claim/{token}/" in html and "#066FD1" in html  # CreatorDesk's colour: none set


def test_the_e_mail_carries_the_workspace_colour_and_escapes_merged_values(
    workspace, manager, make_collaboration, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        Workspace.objects.filter(pk=workspace.pk).update(brand_color="#E4405F")
        workspace.refresh_from_db()
    row = make_collaboration(handle="sam", email="sam@creator.test", display_name="<b>Sam</b>")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(workspace, manager, [row])
    _send_queued(callbacks)

    html = mail.outbox[0].alternatives[0][0]
    assert "#E4405F" in html
    assert "<b>Sam</b>" not in html and "&lt;b&gt;Sam&lt;/b&gt;" in html


def test_a_creator_with_a_portal_account_gets_the_portal_link_and_no_claim_link(
    workspace, manager, campaign, creator_user, django_capture_on_commit_callbacks
):
    from tests.campaigns.factories import CollaborationFactory

    with scopes_disabled():
        row = CollaborationFactory(campaign=campaign, creator=creator_user.creator_profile)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = _invite(workspace, manager, [row])
    _send_queued(callbacks)

    assert mail.outbox[0].to == ["creator@example.test"]  # no contact e-mail: the account's
    # ... whose address the brand never sees: it may be one the creator gave another brand.
    assert result.rows[0].message == "Invitation sent to their portal account."
    with scopes_disabled():
        assert OutreachEmail.objects.get().to_email == ""
    assert f"/portal/messages/{row.pk}/" in mail.outbox[0].body and "/portal/claim/" not in mail.outbox[0].body
    with scopes_disabled():
        assert not ClaimLink.objects.exists()


def test_creators_without_an_e_mail_and_rows_past_the_shortlist_are_reported_not_skipped(
    workspace, manager, make_collaboration, django_capture_on_commit_callbacks
):
    good = make_collaboration(handle="good", email="good@creator.test")
    no_email = make_collaboration(handle="noemail")
    already = make_collaboration(handle="already", email="already@creator.test", stage="negotiating")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = _invite(workspace, manager, [good, no_email, already])
    _send_queued(callbacks)

    by_handle = {r.handle: r for r in result.rows}
    assert by_handle["good"].ok
    assert not by_handle["noemail"].ok and "No contact e-mail" in by_handle["noemail"].message
    assert not by_handle["already"].ok and "negotiating" in by_handle["already"].message
    with scopes_disabled():
        stages = dict(Collaboration.objects.values_list("creator__handle", "stage"))
        assert OutreachEmail.objects.count() == 1 and ClaimLink.objects.count() == 1
    assert stages == {"good": "invited", "noemail": "shortlisted", "already": "negotiating"}
    assert [m.to for m in mail.outbox] == [["good@creator.test"]]


def test_the_e_mail_is_sent_once_even_when_the_task_runs_twice(
    workspace, manager, make_collaboration, django_capture_on_commit_callbacks
):
    row = make_collaboration(handle="twice", email="twice@creator.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(workspace, manager, [row])
    (email_id,) = callbacks[0].args

    assert sending.send_outreach_email(email_id=email_id) is True
    assert sending.send_outreach_email(email_id=email_id) is False
    assert len(mail.outbox) == 1


def test_an_analyst_cannot_invite_and_nothing_is_written(workspace, analyst, make_collaboration):
    row = make_collaboration(handle="nope", email="nope@creator.test")

    with pytest.raises(OutreachPermissionError):
        _invite(workspace, analyst, [row])

    row.refresh_from_db()
    assert row.stage == "shortlisted"
    with scopes_disabled():
        assert not OutreachEmail.objects.exists() and not ClaimLink.objects.exists()


def test_a_saved_default_template_is_used_with_its_merge_fields(
    workspace, manager, make_collaboration, django_capture_on_commit_callbacks
):
    with workspace_scope(workspace):
        services.save_template(
            workspace=workspace, by=manager, kind="invitation", name="Short", is_default=True,
            subject="{{ brand_name }} x {{ creator_handle }}", body="Join {{ campaign_name }}: {{ claim_link }}",
        )  # fmt: skip
    row = make_collaboration(handle="shorty", email="shorty@creator.test")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(workspace, manager, [row])
    _send_queued(callbacks)

    assert mail.outbox[0].subject == "Glow Test x @shorty"
    assert re.fullmatch(r"Join Spring glow: http://\S+/portal/claim/[A-Za-z0-9_-]+/", mail.outbox[0].body)


def test_a_reminder_goes_to_invited_creators_only(
    workspace, manager, make_collaboration, django_capture_on_commit_callbacks
):
    invited = make_collaboration(handle="waiting", email="waiting@creator.test", stage="invited")
    shortlisted = make_collaboration(handle="notyet", email="notyet@creator.test")
    closed = make_collaboration(handle="gone", email="gone@creator.test", stage="declined")

    with django_capture_on_commit_callbacks(execute=False) as callbacks, workspace_scope(workspace):
        result = sending.send_reminder(collaborations=[invited, shortlisted, closed], by=manager)
    _send_queued(callbacks)

    assert [(r.handle, r.ok) for r in result.rows] == [("waiting", True), ("notyet", False), ("gone", False)]
    assert [m.to for m in mail.outbox] == [["waiting@creator.test"]]
    assert mail.outbox[0].subject == "A reminder about Spring glow"
    with scopes_disabled():
        assert list(Message.objects.values_list("collaboration_id", "kind")) == [(invited.pk, "reminder")]


def test_a_template_of_another_workspace_or_kind_is_refused_before_anything(workspace, manager, make_collaboration):
    from outreach.errors import OutreachError, OutreachNotFoundError
    from outreach.models import OutreachTemplate
    from tests.factories import WorkspaceFactory

    row = make_collaboration(handle="careful", email="careful@creator.test")
    with scopes_disabled():
        foreign = OutreachTemplate.objects.create(
            workspace=WorkspaceFactory(), kind="invitation", name="Theirs", subject="x", body="x"
        )
        reminder = OutreachTemplate.objects.create(workspace=workspace, kind="reminder", name="Nudge", subject="x",
                                                   body="x")  # fmt: skip

    with pytest.raises(OutreachNotFoundError):
        _invite(workspace, manager, [row], template=foreign)
    with pytest.raises(OutreachError) as excinfo:
        _invite(workspace, manager, [row], template=reminder)

    assert "is a reminder template" in excinfo.value.message
    row.refresh_from_db()
    assert row.stage == "shortlisted"
    with scopes_disabled():
        assert not OutreachEmail.objects.exists()
