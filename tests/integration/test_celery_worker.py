"""A real Celery worker, consuming from the real Redis, writing to the real PostgreSQL."""

import re
import time

import pytest
from django.core import mail
from django_celery_results.models import TaskResult
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import Invitation, Role
from accounts.tenancy import workspace_scope
from creators.models import WorkspaceCreatorContact
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_invitation_enqueued_on_commit_is_sent_by_the_worker(worker, workspace, owner):
    with workspace_scope(workspace):
        invitation = services.invite_member(
            workspace=workspace, email="worker@brand.test", role=Role.MANAGER, invited_by=owner
        )

    def sent():
        with scopes_disabled():
            return Invitation.objects.get(pk=invitation.pk).sent_at is not None

    assert wait_for(sent), "the worker did not send the invitation"
    assert [message.to for message in mail.outbox] == [["worker@brand.test"]]
    assert wait_for(
        lambda: TaskResult.objects.filter(task_name__endswith="send_invitation_email_task", status="SUCCESS").exists()
    )


def test_nothing_is_enqueued_when_the_transaction_rolls_back(worker, workspace, owner):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic(), workspace_scope(workspace):
        services.invite_member(workspace=workspace, email="rollback@brand.test", role=Role.MANAGER, invited_by=owner)
        raise RuntimeError("abort the request")
    time.sleep(1.5)  # time for a wrongly enqueued task to have run
    assert mail.outbox == []
    assert not TaskResult.objects.exists()


def test_healthz_is_200_with_a_worker_up(worker, client, settings):
    settings.HEALTHZ_TOKEN = "monitor-token"  # the details are for monitors and staff only
    response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer monitor-token")
    assert response.status_code == 200, response.json()
    assert all(check["ok"] for check in response.json()["checks"].values())
    assert client.get("/healthz").json() == {"status": "ok"}  # anonymously: the verdict alone


def test_no_raw_token_lands_in_any_task_result(worker, workspace, owner, manager):
    """django-celery-results stores each task's arguments (CELERY_RESULT_EXTENDED) and admin shows them to
    staff of any workspace: invitation and claim tasks must carry ids only, deriving the token to send."""
    from outreach import sending as outreach
    from tests.campaigns.factories import CampaignFactory, CollaborationFactory
    from tests.factories import CreatorFactory

    with scopes_disabled():
        creator = CreatorFactory(handle="tokenless")
        WorkspaceCreatorContact.objects.create(workspace=workspace, creator=creator, email="tokenless@creator.test")
        row = CollaborationFactory(campaign=CampaignFactory(workspace=workspace), creator=creator)
    with workspace_scope(workspace):
        services.invite_member(workspace=workspace, email="member@brand.test", role=Role.MANAGER, invited_by=owner)
        outreach.invite(collaborations=[row], by=manager)

    assert wait_for(lambda: TaskResult.objects.filter(status="SUCCESS").count() == 2), "the worker sent nothing"
    links = [re.search(r"/(?:invitations|portal/claim)/([A-Za-z0-9_-]{20,})/", m.body).group(1) for m in mail.outbox]
    assert len(links) == 2
    stored = " ".join(str(value) for result in TaskResult.objects.values() for value in result.values())
    assert not [token for token in links if token in stored]
