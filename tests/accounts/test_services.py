import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from accounts import services
from accounts.errors import AccountError, AccountPermissionError
from accounts.models import AuditEvent, Invitation, Membership, Role, User
from accounts.tenancy import workspace_scope
from accounts.tokens import token_sha256
from tests.factories import PASSWORD, CreatorUserFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(workspace, owner, email="new@brand.test", role=Role.MANAGER, capture=None):
    with workspace_scope(workspace):
        return services.invite_member(workspace=workspace, email=email, role=role, invited_by=owner)


def test_invite_member_enqueues_the_email_after_commit(workspace, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = _invite(workspace, owner, email="New@Brand.test")
    assert invitation.email == "new@brand.test"
    assert len(callbacks) == 1
    with scopes_disabled():
        assert AuditEvent.objects.filter(workspace=workspace, action="invitation.created").count() == 1


def test_second_pending_invitation_for_same_email_is_refused_and_writes_nothing(workspace, owner):
    _invite(workspace, owner)
    with pytest.raises(AccountError) as excinfo:
        _invite(workspace, owner, email="NEW@brand.test")
    assert excinfo.value.code == "already_invited"
    with scopes_disabled():
        assert Invitation.objects.filter(workspace=workspace).count() == 1
        assert AuditEvent.objects.filter(action="invitation.created").count() == 1


def test_manager_cannot_invite(workspace, manager):
    with pytest.raises(AccountPermissionError), workspace_scope(workspace):
        services.invite_member(workspace=workspace, email="x@y.test", role=Role.ANALYST, invited_by=manager)
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_invitation_email_is_sent_once_even_when_the_task_runs_twice(
    workspace, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = _invite(workspace, owner)
    assert callbacks[0].args == (invitation.pk,)  # the task gets the id only: no raw token in the broker
    assert services.send_invitation_email(invitation_id=invitation.pk) is True
    assert services.send_invitation_email(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
    raw_token = re.search(r"/invitations/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
    assert token_sha256(raw_token) == invitation.token_sha256


def test_a_resend_sends_a_new_link_and_voids_the_old_one(workspace, owner):
    invitation = _invite(workspace, owner)
    services.send_invitation_email(invitation_id=invitation.pk)
    with workspace_scope(workspace):
        services.resend_invitation(invitation=invitation, by=owner)
    services.send_invitation_email(invitation_id=invitation.pk)

    first, second = (re.search(r"/invitations/([A-Za-z0-9_-]+)/", m.body).group(1) for m in mail.outbox)
    invitation.refresh_from_db()
    assert first != second and token_sha256(second) == invitation.token_sha256


def test_a_revoked_invitation_sends_nothing(workspace, owner):
    invitation = _invite(workspace, owner)
    with workspace_scope(workspace):
        services.revoke_invitation(invitation=invitation, by=owner)
    assert services.send_invitation_email(invitation_id=invitation.pk) is False
    assert mail.outbox == []


def test_accept_invitation_creates_membership_with_invited_role(workspace, owner):
    invitation = _invite(workspace, owner, email="joiner@brand.test", role=Role.ANALYST)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(token_sha256=token_sha256("tok"))
    joiner = UserFactory(email="joiner@brand.test")
    membership = services.accept_invitation(token="tok", user=joiner)
    assert (membership.workspace, membership.role) == (workspace, Role.ANALYST)
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).accepted_by == joiner


def test_accepted_invitation_cannot_be_used_again(workspace, owner):
    invitation = _invite(workspace, owner, email="joiner@brand.test")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(token_sha256=token_sha256("tok"))
    services.accept_invitation(token="tok", user=UserFactory(email="joiner@brand.test"))
    with pytest.raises(AccountError) as excinfo:
        services.register_and_accept_invitation(token="tok", full_name="Eve", password=PASSWORD)
    assert excinfo.value.code == "invitation_invalid"


def test_invitation_for_another_email_is_refused_and_writes_nothing(workspace, owner):
    invitation = _invite(workspace, owner, email="joiner@brand.test")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(token_sha256=token_sha256("tok"))
    stranger = UserFactory(email="stranger@else.test")
    with pytest.raises(AccountError) as excinfo:
        services.accept_invitation(token="tok", user=stranger)
    assert excinfo.value.code == "invitation_email_mismatch"
    with scopes_disabled():
        assert not Membership.objects.filter(user=stranger).exists()
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_creator_account_cannot_join_a_workspace(workspace, owner):
    invitation = _invite(workspace, owner, email="maker@creator.test")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(token_sha256=token_sha256("tok"))
    with pytest.raises(AccountError):
        services.accept_invitation(token="tok", user=CreatorUserFactory(email="maker@creator.test"))
    with scopes_disabled():
        assert Membership.objects.filter(workspace=workspace).count() == 1


def test_register_from_invitation_creates_the_account_and_membership(workspace, owner):
    invitation = _invite(workspace, owner, email="fresh@brand.test")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(token_sha256=token_sha256("tok"))
    membership = services.register_and_accept_invitation(token="tok", full_name="Fresh Person", password=PASSWORD)
    user = User.objects.get(email="fresh@brand.test")
    assert membership.user == user and user.check_password(PASSWORD)


def test_last_owner_cannot_be_demoted(workspace, owner):
    with workspace_scope(workspace):
        membership = Membership.objects.get(user=owner)
        with pytest.raises(AccountError) as excinfo:
            services.change_member_role(membership=membership, role=Role.MANAGER, by=owner)
        assert excinfo.value.code == "last_owner"
        assert Membership.objects.get(pk=membership.pk).role == Role.OWNER


def test_owner_can_be_demoted_when_another_owner_remains(workspace, owner):
    with scopes_disabled():
        MembershipFactory(workspace=workspace, role=Role.OWNER)
    with workspace_scope(workspace):
        membership = Membership.objects.get(user=owner)
        services.change_member_role(membership=membership, role=Role.MANAGER, by=owner)
        assert Membership.objects.get(pk=membership.pk).role == Role.MANAGER


def test_last_owner_cannot_leave(workspace, owner):
    with workspace_scope(workspace):
        membership = Membership.objects.get(user=owner)
        with pytest.raises(AccountError):
            services.remove_member(membership=membership, by=owner)
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_manager_cannot_remove_someone_else(workspace, owner, manager):
    with workspace_scope(workspace):
        target = Membership.objects.get(user=owner)
        with pytest.raises(AccountPermissionError):
            services.remove_member(membership=target, by=manager)
        assert Membership.objects.filter(pk=target.pk).exists()


def test_revoked_invitation_cannot_be_accepted(workspace, owner):
    invitation = _invite(workspace, owner, email="joiner@brand.test")
    with workspace_scope(workspace):
        services.revoke_invitation(invitation=invitation, by=owner)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(token_sha256=token_sha256("tok"))
    with pytest.raises(AccountError):
        services.accept_invitation(token="tok", user=UserFactory(email="joiner@brand.test"))
