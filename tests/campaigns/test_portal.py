"""The portal shows a creator the collaborations brands invited them to: theirs only, never a shortlist."""

import pytest
from django.urls import reverse

from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_a_creator_sees_their_invitations_from_every_brand_but_not_shortlists_or_others(client, creator_user):
    mine = creator_user.creator_profile
    CollaborationFactory(campaign=CampaignFactory(name="Glow invite", workspace=WorkspaceFactory()), creator=mine,
                         stage="invited")  # fmt: skip
    CollaborationFactory(campaign=CampaignFactory(name="Run contract", workspace=WorkspaceFactory()), creator=mine,
                         stage="contracted")  # fmt: skip
    CollaborationFactory(campaign=CampaignFactory(name="Secret shortlist"), creator=mine, stage="shortlisted")
    CollaborationFactory(campaign=CampaignFactory(name="Someone else's"), creator=CreatorFactory(), stage="invited")
    client.force_login(creator_user)

    html = client.get(reverse("portal-campaigns:card")).content.decode()

    assert "Glow invite" in html and "Run contract" in html
    assert "Secret shortlist" not in html and "Someone else" not in html


def test_a_marketer_gets_404_in_the_portal(client, manager):
    client.force_login(manager)

    assert client.get(reverse("portal-campaigns:card")).status_code == 404


def test_a_creator_accepts_or_declines_their_invitation_once(client, creator_user):
    from django_scopes import scopes_disabled

    from campaigns.models import CollaborationTransition

    mine = creator_user.creator_profile
    accept = CollaborationFactory(campaign=CampaignFactory(name="Take it"), creator=mine, stage="invited")
    decline = CollaborationFactory(campaign=CampaignFactory(name="Leave it"), creator=mine, stage="invited")
    client.force_login(creator_user)

    client.post(reverse("portal-campaigns:respond", args=[accept.pk]), {"response": "accept"})
    html = client.post(
        reverse("portal-campaigns:respond", args=[decline.pk]), {"response": "decline"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    again = client.post(reverse("portal-campaigns:respond", args=[accept.pk]), {"response": "decline"})

    with scopes_disabled():
        accept.refresh_from_db()
        decline.refresh_from_db()
        history = CollaborationTransition.objects.get(collaboration=accept)
    assert (accept.stage, decline.stage) == ("negotiating", "declined")
    assert (history.by, history.from_stage) == (creator_user, "invited")
    assert "You declined Leave it" in html
    assert again.status_code == 302 and accept.stage == "negotiating"  # answered once; refused with a message


def test_a_creator_cannot_answer_for_someone_else_or_a_shortlist(client, creator_user):
    other = CollaborationFactory(creator=CreatorFactory(), stage="invited")
    shortlisted = CollaborationFactory(creator=creator_user.creator_profile, stage="shortlisted")
    client.force_login(creator_user)

    for collaboration in (other, shortlisted):
        response = client.post(reverse("portal-campaigns:respond", args=[collaboration.pk]), {"response": "accept"})
        assert response.status_code == 404
        collaboration.refresh_from_db()
    assert (other.stage, shortlisted.stage) == ("invited", "shortlisted")
