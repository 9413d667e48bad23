"""Settle a commission deal from the attribution figures: the creator is owed their percent of the
revenue attributed to them under the workspace's rule, net of refunds, less the commission already
recorded. Settling records the difference as one due payout, so settling twice with no new revenue
records nothing. A refund after settlement lowers what is owed; it is shown, not clawed back."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models, transaction

from accounts.models import User
from analytics.models import AttributionDailyRollup
from analytics.orders.services import attribution_settings
from campaigns import pipeline
from campaigns.errors import CampaignError, CampaignErrorCode
from campaigns.models import Collaboration, Payout
from campaigns.payouts import record_payout

CENT = Decimal("0.01")


@dataclass(frozen=True)
class CommissionStatement:
    currency: str
    rule: str
    revenue: Decimal  # attributed, net of refunds
    percent: Decimal
    owed: Decimal  # revenue x percent, to the cent
    settled: Decimal  # commission payouts recorded (due or paid)

    @property
    def to_settle(self) -> Decimal:
        return max(self.owed - self.settled, Decimal(0))


def commission_statement(*, collaboration: Collaboration) -> CommissionStatement | None:
    """What a commission deal owes so far; None for any other compensation."""
    if collaboration.compensation_type != Collaboration.Compensation.COMMISSION:
        return None
    percent = collaboration.commission_percent or Decimal(0)
    currency = (collaboration.fee or collaboration.campaign.budget).currency.code
    rule = attribution_settings(workspace=collaboration.workspace).rule
    revenue = AttributionDailyRollup.objects.filter(
        collaboration=collaboration, rule=rule, revenue_currency=currency
    ).aggregate(total=models.Sum("revenue"))["total"] or Decimal(0)
    settled = Payout.objects.filter(collaboration=collaboration, kind=Payout.Kind.COMMISSION).exclude(
        status=Payout.Status.CANCELLED
    ).aggregate(total=models.Sum("amount"))["total"] or Decimal(0)
    owed = (revenue * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return CommissionStatement(
        currency=currency, rule=rule, revenue=revenue, percent=percent, owed=owed, settled=settled
    )


@transaction.atomic
def settle_commission(*, collaboration: Collaboration, by: User) -> Payout | None:
    """Record the commission owed and not yet recorded as a due payout (None when nothing is owed).
    Locks the collaboration first, so two settlements at once cannot both record the same amount."""
    locked = Collaboration.objects.select_for_update(of=("self",)).select_related("campaign", "workspace")
    collaboration = locked.get(pk=collaboration.pk)
    statement = commission_statement(collaboration=collaboration)
    if statement is None:
        raise CampaignError("Only a commission deal is settled from revenue.", code=CampaignErrorCode.INVALID)
    if collaboration.stage not in pipeline.PAYABLE_STAGES:
        raise CampaignError("Nothing is owed before the contract.", code=CampaignErrorCode.STAGE_LOCKED)
    if statement.to_settle <= 0:
        return None
    return record_payout(
        collaboration=collaboration,
        by=by,
        amount=statement.to_settle,
        currency=statement.currency,
        reference=f"Commission {statement.percent}% of {statement.revenue:.2f} {statement.currency}",
        kind=Payout.Kind.COMMISSION,
    )
