"""Reads for tracking links: a campaign's links with their click counts (from the daily rollups, never
from raw events), and the workspace's domains. Scoped managers plus an explicit workspace filter."""

from __future__ import annotations

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Workspace
from analytics.models import ClickDailyRollup, TrackingLink, VerifiedDomain
from analytics.tracking.services import LINKABLE_STAGES
from campaigns.models import Campaign, Collaboration


def _rollup_sum(column: str) -> Coalesce:
    total = (
        ClickDailyRollup.objects.filter(link=OuterRef("pk"))
        .order_by()
        .values("link")
        .annotate(n=Sum(column))
        .values("n")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0), output_field=IntegerField())


def links_for_campaign(*, campaign: Campaign) -> QuerySet[TrackingLink]:
    """The campaign's links, by creator handle, each with `human_clicks`, `unique_clicks` and `bot_clicks`."""
    return (
        TrackingLink.objects.filter(workspace_id=campaign.workspace_id, collaboration__campaign=campaign)
        .select_related("collaboration__creator")
        .annotate(
            human_clicks=_rollup_sum("total"), unique_clicks=_rollup_sum("uniques"), bot_clicks=_rollup_sum("bots")
        )
        .order_by("collaboration__creator__handle", "pk")
    )


def collaborations_needing_links(*, campaign: Campaign) -> QuerySet[Collaboration]:
    return Collaboration.objects.filter(
        workspace_id=campaign.workspace_id, campaign=campaign, stage__in=LINKABLE_STAGES, tracking_links__isnull=True
    )


def domains_of_workspace(*, workspace: Workspace) -> QuerySet[VerifiedDomain]:
    return VerifiedDomain.objects.filter(workspace=workspace).order_by("domain")
