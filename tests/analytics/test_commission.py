"""A commission deal is settled from the revenue attributed under the workspace's rule: the percent of
it, less what is already recorded, as one due payout; settling again with nothing new records nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.tenancy import workspace_scope
from analytics.models import AttributionDailyRollup, AttributionRule
from analytics.orders.commission import commission_statement, settle_commission
from analytics.orders.services import attribution_settings
from campaigns import payouts
from campaigns.errors import CampaignError
from campaigns.models import Payout
from tests.campaigns.factories import CollaborationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(workspace):
    with scopes_disabled():
        return CollaborationFactory(
            campaign__workspace=workspace, stage="live", compensation_type="commission",
            commission_percent=Decimal("12.50"),
        )  # fmt: skip


def _revenue(collaboration, amount, *, day=1, rule=None, currency="USD"):
    with scopes_disabled():
        rule = rule or attribution_settings(workspace=collaboration.workspace).rule
        AttributionDailyRollup.objects.create(
            workspace=collaboration.workspace, collaboration=collaboration, rule=rule,
            day=datetime.date(2026, 11, day), orders=Decimal(1), new_customers=Decimal(1),
            revenue=Money(Decimal(amount), currency), refunds=Money(Decimal(0), currency),
        )  # fmt: skip


def _commissions(collaboration):
    with scopes_disabled():
        return sorted(
            Payout.objects.filter(collaboration=collaboration, kind="commission").values_list("amount", "status")
        )


def test_the_percent_of_attributed_revenue_is_recorded_once(workspace, manager, deal):
    _revenue(deal, "600.00", day=1)
    _revenue(deal, "400.00", day=2)
    with scopes_disabled():
        chosen = attribution_settings(workspace=workspace).rule
    other_rule = next(rule for rule in AttributionRule.values if rule != chosen)
    _revenue(deal, "9999.00", day=3, rule=other_rule)  # another rule's credit is not this workspace's figure
    _revenue(deal, "5000.00", day=4, currency="EUR")  # nor is another currency's

    with workspace_scope(workspace):
        first = settle_commission(collaboration=deal, by=manager)
        again = settle_commission(collaboration=deal, by=manager)

    assert first.amount == Money(Decimal("125.00"), "USD") and first.status == "due"
    assert again is None
    assert _commissions(deal) == [(Decimal("125.00"), "due")]


def test_new_revenue_settles_only_the_difference_and_a_cancelled_payout_is_owed_again(workspace, manager, deal):
    _revenue(deal, "1000.00")
    with workspace_scope(workspace):
        first = settle_commission(collaboration=deal, by=manager)
        _revenue(deal, "200.00", day=5)
        second = settle_commission(collaboration=deal, by=manager)
        payouts.cancel_payout(payout=second, by=manager)
        third = settle_commission(collaboration=deal, by=manager)

    assert (first.amount.amount, second.amount.amount, third.amount.amount) == (
        Decimal("125.00"), Decimal("25.00"), Decimal("25.00"),
    )  # fmt: skip


def test_only_a_commission_deal_past_its_contract_is_settled(workspace, manager):
    with scopes_disabled():
        fixed = CollaborationFactory(
            campaign__workspace=workspace, stage="live", compensation_type="fixed_fee", fee=Money(Decimal(500), "USD")
        )
        early = CollaborationFactory(
            campaign__workspace=workspace, stage="negotiating", compensation_type="commission",
            commission_percent=Decimal(10),
        )  # fmt: skip
    _revenue(early, "100.00")
    with workspace_scope(workspace):
        with pytest.raises(CampaignError, match="commission deal"):
            settle_commission(collaboration=fixed, by=manager)
        with pytest.raises(CampaignError, match="before the contract"):
            settle_commission(collaboration=early, by=manager)
        with pytest.raises(CampaignError, match="Only a commission deal"):
            payouts.record_payout(
                collaboration=fixed, by=manager, amount=Decimal(10), currency="USD", kind="commission"
            )
        assert commission_statement(collaboration=fixed) is None
    assert _commissions(early) == []


def test_the_card_on_the_collaboration_page_settles_for_managers_only(client, workspace, manager, analyst, deal):
    _revenue(deal, "80.00")
    url = reverse("commission:panel", kwargs={"collaboration_pk": deal.pk})
    client.force_login(analyst)
    card = client.get(url).content.decode()
    assert 'id="commission-owed">10.00 USD' in card and "settle-commission" not in card
    assert client.post(url).status_code == 403

    client.force_login(manager)
    assert 'id="settle-commission"' in client.get(url).content.decode()
    settled = client.post(url, HTTP_HX_REQUEST="true").content.decode()

    assert "Commission of" in settled and 'id="settle-commission"' not in settled
    assert _commissions(deal) == [(Decimal("10.00"), "due")]
