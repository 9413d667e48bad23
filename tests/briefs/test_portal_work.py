"""The portal home's "Your work" card: real counts of the creator's collaborations, briefs to read,
contracts to sign and signed, payments due and paid, read through the portal's one scope (the grants),
with links to each."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from djmoney.money import Money

from briefs.contracts.signing import sign_as_creator
from briefs.models import Brief
from briefs.portal.selectors import portal_work_for
from campaigns.models import Collaboration, Payout
from tests.briefs.factories import negotiating_collaboration, send
from tests.campaigns.factories import CampaignFactory, CollaborationFactory, PayoutFactory
from tests.factories import CreatorUserFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(workspace):
    with scopes_disabled():
        return MembershipFactory(workspace=workspace, user=UserFactory(email="olivia@glow.test"), role="owner").user


def _collaboration(creator, workspace, *, name, stage, **fields):
    return CollaborationFactory(campaign=CampaignFactory(workspace=workspace, name=name), creator=creator, stage=stage,
                                **fields)  # fmt: skip


def _brief(campaign, version):
    with scopes_disabled():
        Brief.objects.create(
            workspace=campaign.workspace, campaign=campaign, version=version, published_at=timezone.now(),
            objective="Show the serum at night",
        )  # fmt: skip


@pytest.fixture
def portfolio(workspace, brand):
    """Maya's work with the brand: a contract to sign (Night serum, with a brief in two versions), one she
    signed, a declined invitation whose brief no longer counts, and payouts due (USD, EUR) and paid."""
    to_sign = negotiating_collaboration(workspace=workspace)
    creator, user = to_sign.creator, to_sign.creator.user
    send(to_sign, brand)
    _brief(to_sign.campaign, 1)
    _brief(to_sign.campaign, 2)
    signed = _collaboration(
        creator, workspace, name="Summer SPF", stage=Collaboration.Stage.NEGOTIATING,
        compensation_type=Collaboration.Compensation.FIXED_FEE, fee=Money(Decimal("650.00"), "USD"),
    )  # fmt: skip
    version = send(signed, brand)
    sign_as_creator(version_id=version.pk, user=user, typed_name="Maya Lopez", consent=True, ip=None, user_agent="")
    declined = _collaboration(creator, workspace, name="Holiday gifting", stage=Collaboration.Stage.DECLINED)
    _brief(declined.campaign, 1)
    _collaboration(creator, workspace, name="Autumn glow", stage=Collaboration.Stage.INVITED)
    paid = _collaboration(creator, workspace, name="Spring glow launch", stage=Collaboration.Stage.PAID)
    PayoutFactory(collaboration=paid, amount=Money(Decimal("800.00"), "USD"), status=Payout.Status.PAID,
                  paid_at=timezone.now())  # fmt: skip
    PayoutFactory(collaboration=signed, amount=Money(Decimal("650.00"), "USD"))
    PayoutFactory(collaboration=signed, amount=Money(Decimal("100.00"), "EUR"))
    PayoutFactory(collaboration=signed, amount=Money(Decimal("50.00"), "USD"), status=Payout.Status.CANCELLED)
    # The brand's private shortlist is never shown, nor counted.
    _collaboration(creator, workspace, name="Shortlist only", stage=Collaboration.Stage.SHORTLISTED)
    return user


def test_the_work_figures_count_the_creators_own_briefs_contracts_and_payments(portfolio):
    work = portal_work_for(user=portfolio)

    assert (work.collaboration_count, work.invitation_count) == (5, 1)
    assert work.brief_count == 1
    assert [(c.campaign.name, c.brief_version) for c in work.briefs] == [("Night serum", 2)]
    assert (work.to_sign_count, work.signed_count) == (1, 1)
    assert [v.contract.collaboration.campaign.name for v in work.to_sign] == ["Night serum"]
    # Money is never summed across currencies; a cancelled payout is neither due nor paid.
    assert (work.due.count, work.due.totals) == (2, [(Decimal("100.00"), "EUR"), (Decimal("650.00"), "USD")])
    assert (work.paid.count, work.paid.totals) == (1, [(Decimal("800.00"), "USD")])
    assert sorted(c.campaign.name for c in work.with_payments) == ["Spring glow launch", "Summer SPF"]


def test_another_creators_work_is_not_counted(portfolio, workspace, brand):
    other = CreatorUserFactory(email="sam@creator.test")

    work = portal_work_for(user=other)

    assert (work.collaboration_count, work.brief_count, work.to_sign_count, work.signed_count) == (0, 0, 0, 0)
    assert (work.due.count, work.paid.count, work.with_payments) == (0, 0, [])


def _count(html: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}">(\d+)<', html)
    assert found, f"#{element_id} missing"
    return int(found.group(1))


def test_the_card_shows_the_counts_with_links_to_each(client, portfolio):
    client.force_login(portfolio)

    html = client.get(reverse("portal-briefs:work-card")).content.decode()

    counts = {name: _count(html, f"count-{name}") for name in ("collaborations", "briefs", "to-sign", "signed", "due",
                                                                "paid")}  # fmt: skip
    assert counts == {"collaborations": 5, "briefs": 1, "to-sign": 1, "signed": 1, "due": 2, "paid": 1}
    with scopes_disabled():
        night = Collaboration.objects.get(campaign__name="Night serum")
        version = night.contract.versions.get()
        paid = Collaboration.objects.get(campaign__name="Spring glow launch")
    assert reverse("portal-briefs:campaign-brief", kwargs={"campaign_pk": night.campaign_id}) in html
    assert reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk}) in html
    assert reverse("portal-contracts:list") in html
    assert reverse("portal-campaigns:collaboration", kwargs={"collaboration_pk": paid.pk}) + "#payouts" in html
    assert "100.00 EUR due" in html and "800.00 USD paid" in html


def test_an_account_without_a_creator_profile_sees_zeroes_and_what_will_appear(client):
    client.force_login(CreatorUserFactory(email="new@creator.test"))

    html = client.get(reverse("portal-briefs:work-card")).content.decode()

    assert all(_count(html, f"count-{name}") == 0 for name in ("collaborations", "briefs", "to-sign", "paid"))
    assert "When a brand sends you a contract" in html


def test_the_home_page_loads_the_card_from_the_briefs_app(client, portfolio):
    client.force_login(portfolio)

    html = client.get(reverse("portal:home")).content.decode()

    assert f'hx-get="{reverse("portal-briefs:work-card")}"' in html
    assert "No briefs yet" not in html and "No payments yet" not in html
