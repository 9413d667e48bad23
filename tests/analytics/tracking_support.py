"""Fixtures and builders shared by tests/analytics/test_tracking_*.py."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.models import TrackingLink, VerifiedDomain
from analytics.tracking import services as tracking_services
from campaigns.pipeline import Stage
from core.redis_pool import redis_client
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory

SHOP = "shop.glow.test"


@pytest.fixture
def click_stream(settings) -> Iterator[str]:
    """A stream of this test's own on the devstack's real Redis, removed afterwards."""
    key = f"test:clicks:{secrets.token_hex(6)}"
    settings.CLICK_STREAM_KEY = key
    yield key
    redis_client().delete(key, f"{key}:flush-lock")


def verify(workspace, domain: str = SHOP) -> VerifiedDomain:
    with scopes_disabled():
        return VerifiedDomain.objects.create(
            workspace=workspace, domain=domain, verification_token="t", verified_at=timezone.now()
        )


def contracted(workspace, *, campaign=None, handle: str | None = None, stage: str = Stage.CONTRACTED):
    with scopes_disabled():
        campaign = campaign or CampaignFactory(workspace=workspace, name="Glow Serum Launch")
        creator = CreatorFactory(handle=handle) if handle else CreatorFactory()
        return CollaborationFactory(campaign=campaign, creator=creator, stage=stage)


def make_link(workspace, by, *, destination: str = f"https://{SHOP}/serum?ref=bio") -> TrackingLink:
    """One link of a contracted collaboration, made by the real service."""
    if not VerifiedDomain.objects.with_scopes_disabled().filter(workspace=workspace, domain=SHOP).exists():  # type: ignore[attr-defined]
        verify(workspace)
    collaboration = contracted(workspace)
    with workspace_scope(workspace):
        (link,) = tracking_services.create_links_for_campaign(
            campaign=collaboration.campaign, by=by, destination=destination
        )
    return link
