"""Factories and helpers for contracts: a collaboration ready for a contract (negotiating, with a fee
agreed) and the creator account that owns it."""

from decimal import Decimal

from djmoney.money import Money

from accounts.tenancy import workspace_scope
from briefs.contracts.services import send_contract
from briefs.models import ContractVersion
from campaigns.models import Collaboration
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory, CreatorUserFactory

TERMS = {
    "usage_platforms": "TikTok, Instagram",
    "usage_duration_months": 6,
    "usage_formats": "Organic posts",
    "allows_paid_ads": True,
    "allows_whitelisting": False,
    "allows_spark_ads": True,
    "allows_brand_repost": True,
    "exclusivity_category": "Skincare",
    "exclusivity_days": 30,
    "payment_terms": "Net 30 after the video goes live.",
    "cancellation_terms": "Either party may cancel in writing before publication.",
}


def negotiating_collaboration(*, workspace, creator_email="maya@creator.test", full_name="Maya Lopez", **kwargs):
    """A collaboration at `negotiating` with a 500.00 USD fixed fee, and its creator's portal account."""
    user = CreatorUserFactory(email=creator_email, full_name=full_name)
    creator = CreatorFactory(user=user, display_name="Maya makes things")
    fields = {
        "stage": Collaboration.Stage.NEGOTIATING,
        "compensation_type": Collaboration.Compensation.FIXED_FEE,
        "fee": Money(Decimal("500.00"), "USD"),
    } | kwargs
    return CollaborationFactory(
        campaign=CampaignFactory(workspace=workspace, name="Night serum"), creator=creator, **fields
    )


def send(collaboration, by, **terms) -> ContractVersion:
    with workspace_scope(collaboration.workspace):
        return send_contract(collaboration=collaboration, by=by, terms=TERMS | terms)
