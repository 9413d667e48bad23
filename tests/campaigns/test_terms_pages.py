"""The collaboration page's forms for what is agreed and owed: compensation, deliverables, seeding
and payouts. Each goes through its service; a refusal is shown and writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from campaigns.models import Collaboration, Deliverable, Payout, Shipment
from tests.campaigns.factories import CollaborationFactory, PayoutFactory

pytestmark = pytest.mark.django_db


def _url(name, obj):
    kwarg = "payout_pk" if isinstance(obj, Payout) else "collaboration_pk"
    return reverse(f"campaigns:{name}", kwargs={kwarg: obj.pk})


def _reloaded(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def negotiating(workspace):
    with scopes_disabled():
        return CollaborationFactory(campaign__workspace=workspace, stage="negotiating")


def test_a_manager_sets_a_fixed_fee_from_the_page(client, manager, negotiating):
    client.force_login(manager)
    page = client.get(_url("collaboration-detail", negotiating)).content.decode()
    assert 'id="terms-form"' in page

    response = client.post(
        _url("collaboration-terms", negotiating), {"compensation_type": "fixed_fee", "fee": "750.00", "currency": "EUR"}
    )

    assert response.status_code == 302 and response["Location"].endswith("#agreement")
    saved = _reloaded(negotiating)
    assert (saved.compensation_type, saved.fee) == ("fixed_fee", Money(Decimal("750.00"), "EUR"))


def test_a_fee_type_without_a_fee_is_refused_with_the_reason(client, manager, negotiating):
    client.force_login(manager)
    response = client.post(
        _url("collaboration-terms", negotiating), {"compensation_type": "fixed_fee", "currency": "USD"}, follow=True
    )
    assert "needs a fee" in response.content.decode()
    assert _reloaded(negotiating).compensation_type == ""


def test_terms_are_locked_once_contracted(client, manager, workspace):
    with scopes_disabled():
        contracted = CollaborationFactory(campaign__workspace=workspace, stage="contracted")
    client.force_login(manager)
    assert 'id="terms-form"' not in client.get(_url("collaboration-detail", contracted)).content.decode()
    response = client.post(_url("collaboration-terms", contracted), {"compensation_type": "gifting_only"}, follow=True)
    assert "fixed once" in response.content.decode()
    assert _reloaded(contracted).compensation_type == ""


def test_an_analyst_cannot_post_any_terms_form(client, analyst, negotiating):
    client.force_login(analyst)
    for name in ("collaboration-terms", "collaboration-deliverable-add", "collaboration-shipment-add"):
        assert client.post(_url(name, negotiating), {"compensation_type": "gifting_only"}).status_code == 403
    assert _reloaded(negotiating).compensation_type == ""


def test_deliverables_and_seeding_are_added_from_the_page(client, manager, negotiating):
    client.force_login(manager)
    client.post(
        _url("collaboration-deliverable-add", negotiating),
        {"format": "story", "count": "2", "draft_due_on": "2027-03-01", "live_due_on": "2027-03-10"},
    )
    bad = client.post(
        _url("collaboration-deliverable-add", negotiating),
        {"format": "story", "count": "1", "draft_due_on": "2027-03-10", "live_due_on": "2027-03-01"},
        follow=True,
    )
    client.post(_url("collaboration-shipment-add", negotiating), {"description": "Serum kit"})

    assert "go-live date cannot come before" in bad.content.decode()
    with scopes_disabled():
        assert list(Deliverable.objects.filter(collaboration=negotiating).values_list("format", "count")) == [
            ("story", 2)
        ]
        assert Shipment.objects.get(collaboration=negotiating).description == "Serum kit"


def test_payouts_are_recorded_paid_and_cancelled_from_the_page(client, manager, workspace):
    with scopes_disabled():
        live = CollaborationFactory(
            campaign__workspace=workspace, stage=Collaboration.Stage.LIVE, compensation_type="fixed_fee",
            fee=Money(Decimal("500.00"), "USD"),
        )  # fmt: skip
        to_cancel = PayoutFactory(collaboration=live, amount=Money(Decimal("100.00"), "USD"))
    client.force_login(manager)

    over = client.post(_url("collaboration-payout-add", live), {"amount": "450.00", "currency": "USD"}, follow=True)
    assert "at most 400.00 is left" in over.content.decode()
    client.post(_url("collaboration-payout-add", live), {"amount": "400.00", "currency": "USD"})
    with scopes_disabled():
        recorded = Payout.objects.get(collaboration=live, amount=Decimal("400.00"))
    client.post(_url("payout-paid", recorded), {"reference": "SEPA-9"})
    client.post(_url("payout-cancel", to_cancel))

    assert (_reloaded(recorded).status, _reloaded(recorded).reference) == ("paid", "SEPA-9")
    assert _reloaded(to_cancel).status == "cancelled"
