"""Unread messages are e-mailed once per recipient and thread, after they have waited a while."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.tenancy import workspace_scope
from outreach import sending, services
from outreach.tasks import send_unread_notifications_task

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)


def _at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def test_the_creator_is_e_mailed_once_about_unread_brand_messages(workspace, manager, linked_collaboration):
    with _at(0), workspace_scope(workspace):
        services.post_message(collaboration=linked_collaboration, by=manager, body="Can you post on Friday?")

    with _at(5):
        assert send_unread_notifications_task() == 0  # not waited long enough (15 minutes)
    with _at(20):
        first = send_unread_notifications_task()
        second = send_unread_notifications_task()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["creator@example.test"]]
    assert "Can you post on Friday?" in mail.outbox[0].body
    assert f"/portal/messages/{linked_collaboration.pk}/" in mail.outbox[0].body


def test_a_later_message_gets_its_own_notice_without_repeating_the_first(workspace, manager, linked_collaboration):
    with _at(0), workspace_scope(workspace):
        services.post_message(collaboration=linked_collaboration, by=manager, body="First question")
    with _at(20):
        send_unread_notifications_task()
    with _at(30), workspace_scope(workspace):
        services.post_message(collaboration=linked_collaboration, by=manager, body="Second question")
    with _at(50):
        send_unread_notifications_task()
        send_unread_notifications_task()

    assert len(mail.outbox) == 2
    assert "Second question" in mail.outbox[1].body and "First question" not in mail.outbox[1].body


def test_messages_read_in_time_are_not_e_mailed(workspace, manager, creator_user, linked_collaboration):
    with _at(0), workspace_scope(workspace):
        services.post_message(collaboration=linked_collaboration, by=manager, body="Quick one")
    with _at(3):
        services.mark_read(collaboration=linked_collaboration, by=creator_user)
    with _at(30):
        assert send_unread_notifications_task() == 0

    assert mail.outbox == []


def test_the_campaign_owner_is_e_mailed_about_the_creators_reply(workspace, manager, owner, creator_user,
                                                                 linked_collaboration):  # fmt: skip
    with _at(0):
        services.post_message(collaboration=linked_collaboration, by=creator_user, body="Friday works")
    with _at(20):
        send_unread_notifications_task()
        send_unread_notifications_task()

    assert [m.to for m in mail.outbox] == [["manager@glow.test"]]  # the campaign's owner, not every member
    assert mail.outbox[0].subject == "@linkedcreator wrote about Spring glow"
    assert "Friday works" in mail.outbox[0].body


def test_invitations_are_not_e_mailed_twice_as_unread(workspace, manager, make_collaboration,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    row = make_collaboration(handle="fresh", email="fresh@creator.test")
    with _at(0), django_capture_on_commit_callbacks(execute=False), workspace_scope(workspace):
        sending.invite(collaborations=[row], by=manager)
    with _at(60):
        assert send_unread_notifications_task() == 0


def test_beat_runs_the_sweep_every_five_minutes():
    from django_celery_beat.models import PeriodicTask

    from analytics.schedules import install_schedules

    install_schedules()

    task = PeriodicTask.objects.get(task="outreach.tasks.send_unread_notifications_task")
    assert (task.interval.every, task.interval.period) == (300, "seconds")


def _review(collaboration, manager, decision, comment):
    """A draft round of the collaboration reviewed by the brand (campaigns' own services)."""
    from django_scopes import scopes_disabled

    from campaigns.deliverables import services as deliverable_services
    from tests.campaigns.factories import DeliverableFactory

    with scopes_disabled():
        collaboration.stage = "contracted"
        collaboration.save(update_fields=["stage"])
        deliverable = DeliverableFactory(collaboration=collaboration)
    submission = deliverable_services.submit_draft(
        deliverable_id=deliverable.pk, user=collaboration.creator.user, link="https://drive.test/cut-1"
    )
    with workspace_scope(collaboration.workspace):
        deliverable_services.review_submission(
            submission_id=submission.pk, by=manager, decision=decision, comment=comment
        )


def test_a_review_of_the_creators_draft_is_e_mailed_once_even_without_a_thread(workspace, manager, campaign,
                                                                               creator_user):  # fmt: skip
    from django_scopes import scopes_disabled

    from outreach.models import Thread
    from tests.campaigns.factories import CollaborationFactory

    with scopes_disabled():
        collaboration = CollaborationFactory(
            campaign=campaign, creator=creator_user.creator_profile, stage="contracted"
        )
    with _at(0):
        _review(collaboration, manager, "request_changes", "Show the texture close up, please.")
    with scopes_disabled():
        assert not Thread.objects.filter(collaboration=collaboration).exists()  # nobody wrote a message yet

    with _at(5):
        assert send_unread_notifications_task() == 0
    with _at(20):
        first = send_unread_notifications_task()
        second = send_unread_notifications_task()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["creator@example.test"]]
    assert "Draft round 1: Changes requested — Show the texture close up, please." in mail.outbox[0].body


def test_a_review_the_creator_has_read_is_not_e_mailed(workspace, manager, creator_user, linked_collaboration):
    with _at(0):
        _review(linked_collaboration, manager, "approve", "")
    with _at(3):
        services.mark_read(collaboration=linked_collaboration, by=creator_user)
    with _at(30):
        assert send_unread_notifications_task() == 0
    assert mail.outbox == []


def _open_collaboration_page(client, creator_user, collaboration):
    from django.urls import reverse

    client.force_login(creator_user)
    response = client.get(reverse("portal-campaigns:collaboration", args=[collaboration.pk]))
    assert response.status_code == 200
    return response


def test_a_review_seen_on_the_portal_collaboration_page_is_not_e_mailed(
    workspace, manager, creator_user, linked_collaboration, client
):
    with _at(0):
        _review(linked_collaboration, manager, "request_changes", "Brighter light, please.")
    with _at(3):
        page = _open_collaboration_page(client, creator_user, linked_collaboration)
    assert "Brighter light, please." in page.content.decode()  # the page does show it
    with _at(30):
        assert send_unread_notifications_task() == 0
    assert mail.outbox == []


def test_what_the_collaboration_page_does_not_show_is_still_e_mailed(
    workspace, manager, creator_user, linked_collaboration, client
):
    with _at(0):
        _review(linked_collaboration, manager, "request_changes", "Brighter light, please.")
        with workspace_scope(workspace):
            services.post_message(collaboration=linked_collaboration, by=manager, body="Any news on the parcel?")
    with _at(3):
        _open_collaboration_page(client, creator_user, linked_collaboration)
    with _at(10):
        _review(linked_collaboration, manager, "approve", "Perfect now.")
    with _at(30):
        assert send_unread_notifications_task() == 1

    body = mail.outbox[0].body
    assert "Any news on the parcel?" in body  # messages live on the messages page, not this one
    assert "Perfect now." in body  # written after the visit
    assert "Brighter light, please." not in body
