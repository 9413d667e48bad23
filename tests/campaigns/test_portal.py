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
