"""The sync status, "Refresh now" and "why this score" fragments of the creator page."""

import pytest
from django.urls import reverse

from analytics.scoring import services as scoring_services
from creators.models import Creator
from tests.analytics.test_pipeline import SLOT, _pull_demo
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_fallback(settings):
    settings.METRICS_FALLBACK_PROVIDER = "demo"


def test_refresh_now_queues_a_pull_after_commit_and_the_status_polls(
    client, manager, demo_fallback, django_capture_on_commit_callbacks
):
    creator = CreatorFactory()
    client.force_login(manager)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("analytics-creators:creator-refresh", args=[creator.pk]))

    creator.refresh_from_db()
    assert response.status_code == 200
    assert creator.sync_status == Creator.SyncStatus.PENDING
    assert len(callbacks) == 1  # the task is sent once the transaction commits
    assert 'hx-trigger="every 2s"' in response.content.decode()
    status = client.get(reverse("analytics-creators:creator-sync", args=[creator.pk])).content.decode()
    assert "Pulling" in status and 'hx-trigger="every 2s"' in status


def test_an_analyst_cannot_refresh(client, analyst, demo_fallback):
    creator = CreatorFactory()
    client.force_login(analyst)

    response = client.post(reverse("analytics-creators:creator-refresh", args=[creator.pk]))

    assert response.status_code == 403
    creator.refresh_from_db()
    assert creator.sync_status == Creator.SyncStatus.NEVER
    status = client.get(reverse("analytics-creators:creator-sync", args=[creator.pk]))
    assert "refresh-now" not in status.content.decode()


def test_without_a_provider_refresh_says_why_and_queues_nothing(
    client, manager, settings, django_capture_on_commit_callbacks
):
    settings.METRICS_FALLBACK_PROVIDER = "none"
    creator = CreatorFactory()
    client.force_login(manager)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("analytics-creators:creator-refresh", args=[creator.pk]))

    assert "has not connected TikTok" in response.content.decode()
    assert callbacks == []
    creator.refresh_from_db()
    assert creator.sync_status == Creator.SyncStatus.NEVER


def test_the_score_panel_explains_components_beside_tier_medians(client, manager):
    creators = [CreatorFactory(handle=f"panel{i}") for i in range(6)]
    _pull_demo(creators, days=21)
    scoring_services.score_index(as_of=SLOT)
    client.force_login(manager)

    html = client.get(reverse("analytics-creators:creator-score", args=[creators[0].pk])).content.decode()

    assert 'id="score-components"' in html
    assert "Engagement rate (by views)" in html and "Save rate" in html
    assert "median" in html and "Consideration" in html


def test_an_unscored_creator_gets_an_empty_state(client, manager):
    creator = CreatorFactory()
    client.force_login(manager)

    html = client.get(reverse("analytics-creators:creator-score", args=[creator.pk])).content.decode()

    assert "Not scored yet" in html
