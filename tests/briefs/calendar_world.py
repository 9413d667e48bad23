"""A small world of dated rows for the calendar tests, with every date chosen by hand.

Workspace "Glow" (New York time) runs "Night serum" with @maya (contracted) and "Summer drop" with @leo;
@ivy declined, so her dates no longer stand. Workspace "Other" has a deliverable of its own."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scopes_disabled

from briefs.models import Contract, ContractVersion
from campaigns.models import Collaboration, Deliverable
from tests.campaigns.factories import CampaignFactory, CollaborationFactory, DeliverableFactory, ShipmentFactory
from tests.factories import CreatorFactory, CreatorUserFactory, WorkspaceFactory

UTC = datetime.UTC


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    workspace: object
    other: object
    serum: object
    summer: object
    maya_collab: object
    leo_collab: object
    maya_user: object
    pending: object  # Maya's deliverable still waiting for a draft
    posted: object  # Maya's deliverable already live
    shipment: object
    leo_deliverable: object
    other_deliverable: object


def build_world() -> World:
    with scopes_disabled():
        glow = WorkspaceFactory(name="Glow", slug="glow-cal", time_zone="America/New_York")
        other = WorkspaceFactory(name="Other brand", slug="other-cal")
        serum = CampaignFactory(workspace=glow, name="Night serum")
        summer = CampaignFactory(workspace=glow, name="Summer drop")
        maya_user = CreatorUserFactory(email="maya@cal.test")
        maya = CreatorFactory(handle="maya", user=maya_user)  # signed in with TikTok: the handle is proven
        maya_collab = CollaborationFactory(campaign=serum, creator=maya, stage=Collaboration.Stage.LIVE)
        pending = DeliverableFactory(
            collaboration=maya_collab, draft_due_on=datetime.date(2026, 3, 5), live_due_on=datetime.date(2026, 3, 12)
        )
        posted = DeliverableFactory(
            collaboration=maya_collab,
            count=2,
            draft_due_on=datetime.date(2026, 3, 1),
            live_due_on=datetime.date(2026, 3, 10),
            status=Deliverable.Status.LIVE,
            live_url="https://www.tiktok.com/@maya/video/1",
            approved_at=at(2026, 3, 8),
            live_at=at(2026, 3, 10, 15),
            spark_ads_code="#spark-code",
            spark_ads_code_expires_on=datetime.date(2026, 4, 30),
        )
        # Shipped at 02:30 UTC on March 3 = 21:30 on March 2 in New York (EST, UTC-5 until March 8).
        shipment = ShipmentFactory(
            collaboration=maya_collab,
            description="Serum kit",
            status="delivered",
            shipped_at=at(2026, 3, 3, 2, 30),
            delivered_at=at(2026, 3, 4, 18),
        )
        contract = Contract.objects.create(workspace=glow, collaboration=maya_collab)
        ContractVersion.objects.create(
            workspace=glow, contract=contract, number=1, body="v1", terms={}, pdf="contracts/v1.pdf",
            sha256="b" * 64, sent_at=at(2026, 2, 18), status="fully_signed", fully_signed_at=at(2026, 2, 20),
            agreed_terms={"usage_duration_months": 6, "exclusivity_days": 30, "exclusivity_category": "Skincare"},
        )  # fmt: skip
        leo_collab = CollaborationFactory(
            campaign=summer, creator=CreatorFactory(handle="leo"), stage=Collaboration.Stage.CONTRACTED
        )
        leo_deliverable = DeliverableFactory(collaboration=leo_collab, draft_due_on=datetime.date(2026, 3, 20))
        ivy_collab = CollaborationFactory(
            campaign=serum, creator=CreatorFactory(handle="ivy"), stage=Collaboration.Stage.DECLINED
        )
        DeliverableFactory(collaboration=ivy_collab, draft_due_on=datetime.date(2026, 3, 7))
        # Maya works for the other brand too; a calendar of Glow must not show it, hers must.
        other_collab = CollaborationFactory(
            campaign=CampaignFactory(workspace=other, name="Other launch"), creator=maya,
            stage=Collaboration.Stage.CONTRACTED,
        )  # fmt: skip
        other_deliverable = DeliverableFactory(collaboration=other_collab, draft_due_on=datetime.date(2026, 3, 6))
    return World(glow, other, serum, summer, maya_collab, leo_collab, maya_user, pending, posted, shipment,
                 leo_deliverable, other_deliverable)  # fmt: skip


def d(month, day, year=2026):
    return datetime.date(year, month, day)


def now():
    return timezone.now()
