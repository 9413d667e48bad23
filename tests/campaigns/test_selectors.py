"""Campaign reads: spend against budget, pipeline counts, a campaign's collaborations, and the budget's
spread over follower tiers. Money is never summed across currencies."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from django_scopes.exceptions import ScopeError
from djmoney.money import Money

from accounts.tenancy import workspace_scope
from campaigns import selectors
from campaigns.models import Payout
from campaigns.pipeline import Stage
from creators.selectors import tier_bounds
from tests.campaigns.factories import CampaignFactory, CollaborationFactory, PayoutFactory
from tests.factories import CreatorFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_workspace(workspace):
    with workspace_scope(workspace):
        yield workspace


def _payout(campaign, amount, currency="USD", status=Payout.Status.DUE):
    with scopes_disabled():
        return PayoutFactory(
            collaboration=CollaborationFactory(campaign=campaign, stage="live"),
            amount=Money(Decimal(amount), currency),
            status=status,
            paid_at=timezone.now() if status == Payout.Status.PAID else None,
        )


# --- Spend vs budget ----------------------------------------------------------------------------


def test_spend_counts_due_and_paid_payouts_in_the_budget_currency_only(in_workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, budget=Money(Decimal("10000.00"), "USD"))
        other_campaign = CampaignFactory(workspace=in_workspace)
    _payout(campaign, "500.00")
    _payout(campaign, "1500.50", status=Payout.Status.PAID)
    _payout(campaign, "700.00", status=Payout.Status.CANCELLED)  # not spend
    _payout(campaign, "300.00", currency="EUR")  # another currency: flagged, never added
    _payout(other_campaign, "9999.00")  # another campaign's

    [row] = [c for c in selectors.campaigns_with_spend(workspace=in_workspace) if c.pk == campaign.pk]

    assert row.spend == Decimal("2000.50")
    assert row.budget_remaining == Decimal("7999.50")
    assert row.payouts_in_other_currencies == 1
    assert row.budget == Money(Decimal("10000.00"), "USD")


def test_a_campaign_without_payouts_has_spent_nothing(in_workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, budget=Money(Decimal(800), "GBP"))

    row = selectors.get_campaign(workspace=in_workspace, pk=campaign.pk)

    assert row is not None
    assert (row.spend, row.budget_remaining, row.payouts_in_other_currencies) == (Decimal(0), Decimal(800), 0)


def test_an_overspent_campaign_shows_a_negative_remainder(in_workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, budget=Money(Decimal(1000), "USD"))
    _payout(campaign, "1200.00")

    row = selectors.get_campaign(workspace=in_workspace, pk=campaign.pk)

    assert row is not None
    assert row.budget_remaining == Decimal("-200.00")


def test_another_workspaces_campaigns_and_payouts_are_invisible(in_workspace):
    with scopes_disabled():
        ours = CampaignFactory(workspace=in_workspace)
        theirs = CampaignFactory(workspace=WorkspaceFactory())
    _payout(theirs, "100.00")

    assert [c.pk for c in selectors.campaigns_with_spend(workspace=in_workspace)] == [ours.pk]
    assert selectors.get_campaign(workspace=in_workspace, pk=theirs.pk) is None


def test_reading_campaigns_outside_a_workspace_scope_fails_closed(workspace):
    with pytest.raises(ScopeError):
        list(selectors.campaigns_with_spend(workspace=workspace))


# --- Pipeline -----------------------------------------------------------------------------------


def test_pipeline_counts_list_every_stage_in_order(in_workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)
        for stage in ["shortlisted", "shortlisted", "invited", "live"]:
            CollaborationFactory(campaign=campaign, stage=stage)
        CollaborationFactory(campaign=CampaignFactory(workspace=in_workspace), stage="invited")

    counts = selectors.pipeline_counts(campaign=campaign)

    assert list(counts) == Stage.values
    assert counts == {stage: 0 for stage in Stage.values} | {"shortlisted": 2, "invited": 1, "live": 1}


def test_a_campaigns_collaborations_come_with_their_creators_in_one_query(in_workspace, django_assert_num_queries):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)
        for handle in ["zoe", "amir", "mia"]:
            CollaborationFactory(campaign=campaign, creator=CreatorFactory(handle=handle))
        CollaborationFactory(campaign=CampaignFactory(workspace=in_workspace))

    with django_assert_num_queries(1):
        handles = [c.creator.handle for c in selectors.collaborations_for_campaign(campaign=campaign)]

    assert handles == ["amir", "mia", "zoe"]


# --- Budget by tier -----------------------------------------------------------------------------


def _in_tier(tier):
    low, _high = tier_bounds()[tier]
    return CreatorFactory(follower_count=low + 1)


def test_the_budget_is_allocated_by_tier_in_the_budget_currency(in_workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, budget=Money(Decimal(10000), "USD"))

        def collaboration(tier, stage="contracted", fee=None, currency="USD"):
            return CollaborationFactory(
                campaign=campaign,
                creator=_in_tier(tier),
                stage=stage,
                compensation_type="fixed_fee" if fee is not None else "gifting_only",
                fee=Money(Decimal(fee), currency) if fee is not None else None,
            )

        collaboration("nano")  # gifting only: a creator, no money committed
        micro = collaboration("micro", fee="300.00")
        collaboration("micro", stage="shortlisted", fee="200.00")
        collaboration("micro", stage="declined", fee="999.00")  # out of the campaign: not committed
        collaboration("macro", fee="2000.00")
        killed = collaboration("macro", stage="cancelled", fee="1500.00")
        collaboration("mega", fee="5000.00", currency="EUR")  # another currency: counted apart
        PayoutFactory(collaboration=micro, amount=Money(Decimal(300), "USD"))
        PayoutFactory(collaboration=killed, amount=Money(Decimal(150), "USD"))  # the kill fee is spend
        PayoutFactory(collaboration=killed, amount=Money(Decimal(99), "USD"), status="cancelled")

    allocation = {row.tier: row for row in selectors.budget_allocation_by_tier(campaign=campaign)}

    assert list(allocation) == list(tier_bounds())
    summary = {
        tier: (row.creators, row.committed, row.spent, row.share_of_budget, row.fees_in_other_currencies)
        for tier, row in allocation.items()
    }
    assert summary == {
        "nano": (1, Decimal(0), Decimal(0), Decimal("0.0000"), 0),
        "micro": (2, Decimal(500), Decimal(300), Decimal("0.0500"), 0),
        "macro": (1, Decimal(2000), Decimal(150), Decimal("0.2000"), 0),
        "mega": (1, Decimal(0), Decimal(0), Decimal("0.0000"), 1),
    }


def test_a_zero_budget_has_no_shares(in_workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, budget=Money(Decimal(0), "USD"))
        CollaborationFactory(
            campaign=campaign,
            creator=_in_tier("micro"),
            stage=Stage.CONTRACTED,
            compensation_type="fixed_fee",
            fee=Money(Decimal(100), "USD"),
        )

    allocation = {row.tier: row for row in selectors.budget_allocation_by_tier(campaign=campaign)}

    assert allocation["micro"].committed == Decimal(100)
    assert all(row.share_of_budget is None for row in allocation.values())
