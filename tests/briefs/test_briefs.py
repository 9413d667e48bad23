"""Briefs: versions are published, never edited; the panel says what changed; brand safety scans the
latest version's must-avoid topics."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.brand_safety import scan_workspace
from briefs.models import Brief
from briefs.services import publish_brief
from core.errors import ApplicationError, PermissionDeniedError
from creators.models import BrandSafetyHit, Video
from tests.campaigns.factories import CampaignFactory
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def _publish(campaign, by, **content):
    with workspace_scope(campaign.workspace):
        return publish_brief(campaign=campaign, by=by, content={"objective": "Show the serum at night"} | content)


def test_each_publication_is_a_new_frozen_version(workspace, manager):
    campaign = CampaignFactory(workspace=workspace)

    first = _publish(campaign, manager)
    second = _publish(campaign, manager, key_messages="Fragrance free")

    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.key_messages == ""  # the old version is untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [({"objective": " "}, "not valid"), ({"objective": "x", "budget": "1"}, "Unknown"), ({}, "Nothing changed")],
)
def test_a_bad_or_unchanged_brief_is_refused_and_nothing_is_written(workspace, manager, content, message):
    campaign = CampaignFactory(workspace=workspace)
    _publish(campaign, manager)

    with pytest.raises(ApplicationError, match=message):
        _publish(campaign, manager, **content)
    with scopes_disabled():
        assert Brief.objects.count() == 1


def test_an_analyst_cannot_publish(workspace, analyst):
    with pytest.raises(PermissionDeniedError):
        _publish(CampaignFactory(workspace=workspace), analyst)
    with scopes_disabled():
        assert not Brief.objects.exists()


def test_the_panel_publishes_and_says_what_changed(client, manager, workspace):
    campaign = CampaignFactory(workspace=workspace)
    client.force_login(manager)
    url = reverse("briefs:campaign-brief", args=[campaign.pk])
    fields = {"objective": "Night routine", "disclosure": "#ad"}

    assert "No brief yet" in client.get(url).content.decode()
    client.post(url, fields, HTTP_HX_REQUEST="true")
    html = client.post(url, fields | {"must_avoid": "vape\ncompetitor X"}, HTTP_HX_REQUEST="true").content.decode()

    assert "v2" in html and 'id="brief-changes"' in html and "Must avoid" in html
    assert client.post(url, fields | {"must_avoid": "vape\ncompetitor X"}).status_code == 400  # unchanged


def test_brand_safety_scans_the_latest_briefs_must_avoid_topics(workspace, manager):
    campaign = CampaignFactory(workspace=workspace)
    _publish(campaign, manager, must_avoid="casino")
    _publish(campaign, manager, must_avoid="vape")  # the latest version replaces the topics
    creator = CreatorFactory()
    now = datetime.now(UTC)
    for n, caption in enumerate(("new vape flavours", "casino night")):
        Video.objects.create(
            creator=creator, platform_video_id=str(n), caption=caption, posted_at=now - timedelta(days=1)
        )

    scan_workspace(workspace_id=workspace.pk, as_of=now)

    with scopes_disabled():
        assert list(BrandSafetyHit.objects.values_list("term", flat=True)) == ["vape"]
