"""Reads for campaigns. Every query goes through the scoped managers (so it raises outside a workspace
scope) and is filtered by the campaign's or workspace's id as well.

Money is never summed across currencies: spend counts the payouts in the campaign's budget currency,
and payouts or fees in any other currency are counted apart, for the page to flag."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Workspace
from campaigns.models import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    Campaign,
    CampaignStatusChange,
    Collaboration,
    CollaborationTransition,
    Payout,
)
from campaigns.pipeline import COMMITTED_STAGES, Stage
from creators.selectors import TIER_UNKNOWN, tier_bounds, tier_of

_MONEY = DecimalField(max_digits=MONEY_MAX_DIGITS + 4, decimal_places=MONEY_DECIMAL_PLACES)  # room for sums


def _payouts_counting_as_spend() -> QuerySet[Payout]:
    return Payout.objects.exclude(status=Payout.Status.CANCELLED)


def campaigns_with_spend(*, workspace: Workspace) -> QuerySet[Campaign]:
    """The workspace's campaigns, newest first, each annotated with:

    - `spend`: the payouts not cancelled (due or paid), in the budget's currency
    - `budget_remaining`: budget - spend (negative when over budget)
    - `payouts_in_other_currencies`: not-cancelled payouts in any other currency, left out of `spend`
    """
    spend = (
        _payouts_counting_as_spend()
        .filter(collaboration__campaign=OuterRef("pk"), amount_currency=OuterRef("budget_currency"))
        .order_by()
        .values("collaboration__campaign")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    other_currencies = (
        _payouts_counting_as_spend()
        .filter(collaboration__campaign=OuterRef("pk"))
        .exclude(amount_currency=OuterRef("budget_currency"))
        .order_by()
        .values("collaboration__campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Campaign.objects.filter(workspace=workspace)
        .select_related("owner")
        .annotate(
            spend=Coalesce(Subquery(spend, output_field=_MONEY), Value(Decimal(0)), output_field=_MONEY),
            payouts_in_other_currencies=Coalesce(
                Subquery(other_currencies, output_field=IntegerField()), Value(0), output_field=IntegerField()
            ),
        )
        .annotate(budget_remaining=ExpressionWrapper(F("budget") - F("spend"), output_field=_MONEY))
        .order_by("-created_at", "-pk")
    )


def get_campaign(*, workspace: Workspace, pk: int) -> Campaign | None:
    """One campaign of the workspace with its spend annotations, or None (another workspace's is None)."""
    return campaigns_with_spend(workspace=workspace).filter(pk=pk).first()


def pipeline_counts(*, campaign: Campaign) -> dict[str, int]:
    """How many collaborations sit in each stage, every stage present (0 included), in pipeline order."""
    counts = dict(
        Collaboration.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return {stage.value: counts.get(stage.value, 0) for stage in Stage}


def collaborations_for_campaign(*, campaign: Campaign, stage: str | None = None) -> QuerySet[Collaboration]:
    """A campaign's collaborations with their creators, by handle; optionally one stage only."""
    collaborations = (
        Collaboration.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id)
        .select_related("creator")
        .order_by("creator__handle", "pk")
    )
    return collaborations.filter(stage=stage) if stage is not None else collaborations


def collaboration_history(*, collaboration: Collaboration) -> QuerySet[CollaborationTransition]:
    """Every stage change of a collaboration, oldest first, with who made it."""
    return (
        CollaborationTransition.objects.filter(collaboration=collaboration, workspace_id=collaboration.workspace_id)
        .select_related("by")
        .order_by("created_at", "pk")
    )


def campaign_status_history(*, campaign: Campaign) -> QuerySet[CampaignStatusChange]:
    """Every status move of a campaign, newest first, with who made it."""
    return (
        CampaignStatusChange.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id)
        .select_related("by")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class TierAllocation:
    """One follower tier's share of a campaign, in the budget's currency."""

    tier: str
    creators: int  # collaborations still in (or through) the pipeline: not declined, not cancelled
    committed: Decimal  # agreed fees of those collaborations
    spent: Decimal  # payouts not cancelled, whatever the collaboration's stage (a kill fee counts)
    share_of_budget: Decimal | None  # committed / budget, to 4 places; None for a zero budget
    fees_in_other_currencies: int  # agreed fees left out of `committed` because of their currency


def budget_allocation_by_tier(*, campaign: Campaign) -> list[TierAllocation]:
    """How a campaign's budget is spread over follower tiers (creators.selectors.tier_of), every tier
    listed, nano to mega, then "unknown" when a creator's follower count is not known. Two queries:
    collaborations with their creators' follower counts, and payouts per collaboration."""
    currency = campaign.budget.currency.code
    budget = campaign.budget.amount
    collaborations = list(
        Collaboration.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id).values_list(
            "pk", "stage", "creator__follower_count", "fee", "fee_currency"
        )
    )
    spent_by_collaboration = dict(
        _payouts_counting_as_spend()
        .filter(
            collaboration__campaign=campaign,
            workspace_id=campaign.workspace_id,
            amount_currency=currency,
        )
        .order_by()
        .values_list("collaboration")
        .annotate(total=Sum("amount"))
        .values_list("collaboration", "total")
    )
    creators: dict[str, int] = defaultdict(int)
    committed: dict[str, Decimal] = defaultdict(Decimal)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    other_currencies: dict[str, int] = defaultdict(int)
    for pk, stage, follower_count, fee, fee_currency in collaborations:
        tier = tier_of(follower_count)
        spent[tier] += spent_by_collaboration.get(pk, Decimal(0))
        if stage not in COMMITTED_STAGES:
            continue
        creators[tier] += 1
        if fee is None:
            continue
        if fee_currency == currency:
            committed[tier] += cast(Decimal, fee)  # values_list gives the amount column, not Money
        else:
            other_currencies[tier] += 1
    return [
        TierAllocation(
            tier=tier,
            creators=creators[tier],
            committed=committed[tier],
            spent=spent[tier],
            share_of_budget=(committed[tier] / budget).quantize(Decimal("0.0001")) if budget else None,
            fees_in_other_currencies=other_currencies[tier],
        )
        for tier in (*tier_bounds(), TIER_UNKNOWN)
        if tier != TIER_UNKNOWN or creators[tier] or spent[tier] or other_currencies[tier]
    ]
