"""Factories for campaigns and their collaborations.

Rows are built through the unscoped manager (fixtures set up several workspaces) while the code under
test runs inside one workspace's scope. A child's workspace follows its parent's unless a test sets
another on purpose (the cross-workspace refusals)."""

from decimal import Decimal

import factory
from djmoney.money import Money

from campaigns.models import Campaign, Collaboration, Deliverable, DeliverableSubmission, Payout, Shipment
from tests.creators.workspace_factories import WorkspaceOwnedFactory
from tests.factories import CreatorFactory


class CampaignFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Spring launch {n}")
    objective = Campaign.Objective.SALES
    budget = Money(Decimal("10000.00"), "USD")


class CollaborationFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Collaboration

    campaign = factory.SubFactory(CampaignFactory)
    workspace = factory.SelfAttribute("campaign.workspace")
    creator = factory.SubFactory(CreatorFactory)
    stage = Collaboration.Stage.SHORTLISTED


class DeliverableFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Deliverable

    collaboration = factory.SubFactory(CollaborationFactory)
    workspace = factory.SelfAttribute("collaboration.workspace")
    format = Deliverable.Format.IN_FEED_VIDEO


class SubmissionFactory(WorkspaceOwnedFactory):
    """A draft round given as a link (a file round goes through `submit_draft`, which checks the bytes)."""

    class Meta:
        model = DeliverableSubmission

    deliverable = factory.SubFactory(DeliverableFactory)
    workspace = factory.SelfAttribute("deliverable.workspace")
    round_number = factory.Sequence(lambda n: n + 1)
    link = "https://drafts.example.test/draft"


class ShipmentFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Shipment

    collaboration = factory.SubFactory(CollaborationFactory)
    workspace = factory.SelfAttribute("collaboration.workspace")


class PayoutFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Payout

    collaboration = factory.SubFactory(CollaborationFactory, stage=Collaboration.Stage.CONTRACTED)
    workspace = factory.SelfAttribute("collaboration.workspace")
    amount = Money(Decimal("500.00"), "USD")
    status = Payout.Status.DUE
