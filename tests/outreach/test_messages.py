"""Messages: one thread per collaboration, written by the brand's managers or the collaboration's own
creator, read by both, and nobody else's business."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from outreach import services
from outreach.errors import OutreachError, OutreachNotFoundError, OutreachPermissionError
from outreach.models import Message, Thread
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory, CreatorUserFactory

pytestmark = pytest.mark.django_db


def _messages(collaboration):
    with scopes_disabled():
        return list(Message.objects.filter(collaboration=collaboration).values_list("sender_side", "body"))


def test_the_brand_and_the_creator_write_in_the_same_thread(workspace, manager, creator_user, linked_collaboration):
    with workspace_scope(workspace):
        services.post_message(collaboration=linked_collaboration, by=manager, body="  Hi Maya!  ")
    services.post_message(collaboration=linked_collaboration, by=creator_user, body="Hello back")

    assert _messages(linked_collaboration) == [("brand", "Hi Maya!"), ("creator", "Hello back")]
    with scopes_disabled():
        assert Thread.objects.filter(collaboration=linked_collaboration).count() == 1


def test_an_empty_or_oversized_message_is_refused_and_nothing_is_written(workspace, manager, linked_collaboration):
    with workspace_scope(workspace):
        for body in ("   ", "x" * 5_001):
            with pytest.raises(OutreachError) as excinfo:
                services.post_message(collaboration=linked_collaboration, by=manager, body=body)
            assert "body" in excinfo.value.fields
    assert _messages(linked_collaboration) == []


def test_an_analyst_reads_but_cannot_post(workspace, analyst, linked_collaboration, client):
    with workspace_scope(workspace), pytest.raises(OutreachPermissionError):
        services.post_message(collaboration=linked_collaboration, by=analyst, body="Hi")
    client.force_login(analyst)
    url = reverse("outreach:collaboration-messages", args=[linked_collaboration.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Hi"}).status_code == 403
    assert _messages(linked_collaboration) == []


def test_another_creator_cannot_post_or_read_a_thread(client, linked_collaboration):
    stranger = CreatorUserFactory(email="stranger@creator.test")
    CreatorFactory(handle="stranger", user=stranger)

    with pytest.raises(OutreachNotFoundError):
        services.post_message(collaboration=linked_collaboration, by=stranger, body="Let me in")
    client.force_login(stranger)
    url = reverse("portal-outreach:thread", args=[linked_collaboration.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Let me in"}).status_code == 404
    assert _messages(linked_collaboration) == []


def test_a_creator_cannot_write_on_a_shortlist_they_do_not_know_of(campaign, creator_user):
    with scopes_disabled():
        shortlisted = CollaborationFactory(campaign=campaign, creator=creator_user.creator_profile)

    with pytest.raises(OutreachNotFoundError):
        services.post_message(collaboration=shortlisted, by=creator_user, body="Hi")
    assert _messages(shortlisted) == []


def test_a_manager_of_another_workspace_cannot_post(linked_collaboration):
    from tests.factories import MembershipFactory, UserFactory

    other = MembershipFactory(user=UserFactory(email="bob@bravo.test")).user

    with pytest.raises(OutreachPermissionError):
        services.post_message(collaboration=linked_collaboration, by=other, body="Hi")
    assert _messages(linked_collaboration) == []


def test_the_dashboard_panel_posts_and_lists_and_marks_the_brand_side_read(
    client, workspace, manager, creator_user, linked_collaboration
):
    services.post_message(collaboration=linked_collaboration, by=creator_user, body="Is the fee negotiable?")
    client.force_login(manager)
    url = reverse("outreach:collaboration-messages", args=[linked_collaboration.pk])

    html = client.get(url).content.decode()
    posted = client.post(url, {"body": "Yes, within reason."}, HTTP_HX_REQUEST="true")

    assert "Is the fee negotiable?" in html
    assert posted.status_code == 200 and "Yes, within reason." in posted.content.decode()
    with scopes_disabled():
        thread = Thread.objects.get(collaboration=linked_collaboration)
        creator_message = Message.objects.get(sender_side="creator")
    assert thread.brand_read_at is not None and thread.brand_read_at >= creator_message.created_at


def test_the_portal_thread_shows_the_timeline_and_marks_the_creator_side_read(
    client, workspace, manager, creator_user, linked_collaboration
):
    with workspace_scope(workspace):
        services.post_message(collaboration=linked_collaboration, by=manager, body="Welcome aboard")
        services.record_event(collaboration=linked_collaboration, kind="brief_change", body="Brief v2: new timeline",
                              by=manager)  # fmt: skip
    client.force_login(creator_user)
    url = reverse("portal-outreach:thread", args=[linked_collaboration.pk])

    inbox = client.get(reverse("portal-outreach:inbox")).content.decode()
    html = client.get(url).content.decode()
    client.post(url, {"body": "Thanks!"})

    assert "2 new" in inbox
    assert "Welcome aboard" in html and "Brief v2: new timeline" in html
    assert _messages(linked_collaboration)[-1] == ("creator", "Thanks!")
    with scopes_disabled():
        assert Thread.objects.get(collaboration=linked_collaboration).creator_read_at is not None
    assert "new</span>" not in client.get(reverse("portal-outreach:inbox")).content.decode()


def test_a_brand_member_of_another_workspace_gets_404_on_the_panel(client, linked_collaboration):
    from tests.factories import MembershipFactory, UserFactory

    bob = MembershipFactory(workspace=CampaignFactory().workspace, user=UserFactory(email="bob@b.test")).user
    client.force_login(bob)
    url = reverse("outreach:collaboration-messages", args=[linked_collaboration.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "hi"}).status_code == 404
    assert _messages(linked_collaboration) == []


def test_record_event_refuses_an_unknown_kind(workspace, linked_collaboration):
    with pytest.raises(OutreachError):
        services.record_event(collaboration=linked_collaboration, kind="gossip", body="x")
    assert _messages(linked_collaboration) == []


def test_review_comments_on_the_drafts_appear_in_the_thread_on_both_sides(
    client, workspace, manager, creator_user, linked_collaboration
):
    from campaigns.models import DeliverableSubmission, ReviewComment
    from tests.campaigns.factories import DeliverableFactory

    with scopes_disabled():
        deliverable = DeliverableFactory(collaboration=linked_collaboration)
        submission = DeliverableSubmission.objects.create(
            workspace=workspace, deliverable=deliverable, round_number=1, link="https://drafts.test/v1"
        )
        ReviewComment.objects.create(workspace=workspace, submission=submission, author=manager,
                                     body="Please show the label")  # fmt: skip
    client.force_login(creator_user)
    portal = client.get(reverse("portal-outreach:thread", args=[linked_collaboration.pk])).content.decode()
    client.force_login(manager)
    dashboard = client.get(reverse("outreach:collaboration-messages", args=[linked_collaboration.pk])).content.decode()

    assert "Round 1: Please show the label" in portal and "Round 1: Please show the label" in dashboard


def test_the_collaboration_page_embeds_the_thread_panel(client, manager, linked_collaboration):
    client.force_login(manager)

    html = client.get(reverse("campaigns:collaboration-detail", args=[linked_collaboration.pk])).content.decode()

    assert f'hx-get="{reverse("outreach:collaboration-messages", args=[linked_collaboration.pk])}"' in html


def test_a_message_cannot_be_rewritten_even_outside_the_services(workspace, manager, linked_collaboration):
    from django.db import DatabaseError, transaction

    from accounts.models import User

    with workspace_scope(workspace):
        message = services.post_message(collaboration=linked_collaboration, by=manager, body="As agreed: $500")

    with scopes_disabled():
        with pytest.raises(DatabaseError), transaction.atomic():
            Message.objects.filter(pk=message.pk).update(body="As agreed: $50")
        User.objects.filter(pk=manager.pk).delete()  # the author may go; the message stays, unsigned
        message.refresh_from_db()
    assert (message.body, message.author_id) == ("As agreed: $500", None)
