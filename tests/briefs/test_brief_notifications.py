"""A new brief version reaches every creator following the campaign through their timeline; the
brand's private shortlist and creators who left are not told."""

import pytest
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from briefs.services import publish_brief
from core.errors import ApplicationError
from outreach.models import Message
from tests.campaigns.factories import CampaignFactory, CollaborationFactory

pytestmark = pytest.mark.django_db


def _publish(campaign, by, **content):
    with workspace_scope(campaign.workspace):
        return publish_brief(campaign=campaign, by=by, content={"objective": "Show the serum at night"} | content)


def _events(collaboration):
    with scopes_disabled():
        return list(
            Message.objects.filter(collaboration=collaboration, kind=Message.Kind.BRIEF_CHANGE).values_list(
                "body", flat=True
            )
        )


def test_creators_on_the_campaign_are_told_what_changed_and_others_are_not(workspace, manager):
    campaign = CampaignFactory(workspace=workspace)
    with scopes_disabled():
        following = CollaborationFactory(campaign=campaign, stage="contracted")
        invited = CollaborationFactory(campaign=campaign, stage="invited")
        shortlisted = CollaborationFactory(campaign=campaign, stage="shortlisted")
        declined = CollaborationFactory(campaign=campaign, stage="declined")
        elsewhere = CollaborationFactory(campaign=CampaignFactory(workspace=workspace), stage="contracted")

    _publish(campaign, manager)
    _publish(campaign, manager, must_avoid="vape", timeline="Live by May 5")

    assert _events(following) == [
        "The brief is published: read it before you start.",
        "The brief was updated to version 2: must avoid, timeline changed.",
    ]
    assert len(_events(invited)) == 2
    assert _events(shortlisted) == _events(declined) == _events(elsewhere) == []


def test_a_refused_publication_tells_nobody(workspace, manager):
    campaign = CampaignFactory(workspace=workspace)
    with scopes_disabled():
        following = CollaborationFactory(campaign=campaign, stage="contracted")
    _publish(campaign, manager)
    with pytest.raises(ApplicationError, match="Nothing changed"):
        _publish(campaign, manager)
    assert len(_events(following)) == 1
