"""Fixtures of the outreach tests: a campaign of the test workspace with creators at given stages."""

import pytest
from django_scopes import scopes_disabled

from creators.models import WorkspaceCreatorContact
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory


@pytest.fixture
def campaign(workspace, manager):
    return CampaignFactory(workspace=workspace, name="Spring glow", owner=manager)


@pytest.fixture
def make_collaboration(campaign):
    def make(*, handle: str, stage: str = "shortlisted", email: str = "", user=None, display_name: str = ""):
        with scopes_disabled():
            creator = CreatorFactory(handle=handle, user=user, display_name=display_name)
            if email:  # the workspace's own contact row: the shared profile holds none (docs/security.md)
                WorkspaceCreatorContact.objects.create(workspace=campaign.workspace, creator=creator, email=email)
            return CollaborationFactory(campaign=campaign, creator=creator, stage=stage)

    return make


@pytest.fixture
def linked_collaboration(campaign, creator_user):
    """An invited collaboration of the creator who has a portal account (`creator_user`)."""
    with scopes_disabled():
        return CollaborationFactory(campaign=campaign, creator=creator_user.creator_profile, stage="invited")
