"""Payout records follow the compensation the contract states: no money for gifting, the agreed
currency, and never more in total than the fee and bonus agreed (a commission follows revenue)."""

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.tenancy import workspace_scope
from campaigns import payouts
from campaigns.errors import CampaignError
from campaigns.models import Payout
from tests.campaigns.factories import CollaborationFactory, PayoutFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_workspace(workspace):
    with workspace_scope(workspace):
        yield workspace


def _agreed(workspace, **compensation):
    with scopes_disabled():
        return CollaborationFactory(campaign__workspace=workspace, stage="live", **compensation)


def _payouts(collaboration):
    with scopes_disabled():
        return sorted(Payout.objects.filter(collaboration=collaboration).values_list("amount", "status"))


def _pay(collaboration, by, amount, currency="USD"):
    return payouts.record_payout(collaboration=collaboration, by=by, amount=Decimal(amount), currency=currency)


FEE = {"compensation_type": "fixed_fee", "fee": Money(Decimal("400.00"), "EUR")}
BONUS = {
    "compensation_type": "fee_plus_bonus",
    "fee": Money(Decimal("300.00"), "USD"),
    "bonus": Money(Decimal("100.00"), "USD"),
    "bonus_metric": "orders",
    "bonus_threshold": Decimal(50),
}


def test_gifting_only_owes_no_money(in_workspace, manager):
    collaboration = _agreed(in_workspace, compensation_type="gifting_only")
    with pytest.raises(CampaignError, match="gifting only"):
        _pay(collaboration, manager, "10.00")
    assert _payouts(collaboration) == []


def test_a_payout_is_in_the_agreed_currency(in_workspace, manager):
    collaboration = _agreed(in_workspace, **FEE)
    with pytest.raises(CampaignError) as refusal:
        _pay(collaboration, manager, "400.00", "USD")
    assert "currency" in refusal.value.fields
    _pay(collaboration, manager, "400.00", "EUR")
    assert _payouts(collaboration) == [(Decimal("400.00"), "due")]


def test_payouts_never_exceed_the_fee_in_total(in_workspace, manager):
    collaboration = _agreed(in_workspace, **FEE)
    _pay(collaboration, manager, "250.00", "EUR")
    with pytest.raises(CampaignError, match=r"at most 150\.00 is left"):
        _pay(collaboration, manager, "150.01", "EUR")
    _pay(collaboration, manager, "150.00", "EUR")
    assert sum(amount for amount, _ in _payouts(collaboration)) == Decimal("400.00")


def test_a_cancelled_payout_frees_its_amount(in_workspace, manager):
    collaboration = _agreed(in_workspace, **FEE)
    with scopes_disabled():
        PayoutFactory(collaboration=collaboration, amount=Money(Decimal("400.00"), "EUR"), status="cancelled")
    _pay(collaboration, manager, "400.00", "EUR")
    assert (Decimal("400.00"), "due") in _payouts(collaboration)


def test_fee_plus_bonus_allows_the_fee_and_the_bonus_and_no_more(in_workspace, manager):
    collaboration = _agreed(in_workspace, **BONUS)
    _pay(collaboration, manager, "300.00")
    _pay(collaboration, manager, "100.00")
    with pytest.raises(CampaignError):
        _pay(collaboration, manager, "0.01")


def test_a_commission_has_no_ceiling(in_workspace, manager):
    collaboration = _agreed(in_workspace, compensation_type="commission", commission_percent=Decimal("12.50"))
    _pay(collaboration, manager, "5000.00")
    _pay(collaboration, manager, "7000.00")
    assert len(_payouts(collaboration)) == 2
