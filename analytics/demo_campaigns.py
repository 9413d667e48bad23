"""Demo campaigns for the demo brand, written once through the campaigns services: one in each status,
collaborations at every pipeline stage (each reached through the allowed moves, so the history is
real), agreed fees and payouts, and the demo creator on several of them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from briefs.services import publish_brief
from campaigns import services
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from creators.models import Creator

# The path to each stage from shortlisted, through allowed moves only.
PATHS: dict[str, list[str]] = {
    Stage.SHORTLISTED: [],
    Stage.INVITED: [Stage.INVITED],
    Stage.NEGOTIATING: [Stage.INVITED, Stage.NEGOTIATING],
    Stage.CONTRACTED: [Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED],
    Stage.CONTENT_IN_REVIEW: [Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW],
    Stage.APPROVED: [Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED],
    Stage.LIVE: [Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED,
                 Stage.LIVE],
    Stage.PAID: [Stage.INVITED, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED,
                 Stage.LIVE, Stage.PAID],
    Stage.DECLINED: [Stage.INVITED, Stage.DECLINED],
    Stage.CANCELLED: [Stage.CANCELLED],
}  # fmt: skip
CAMPAIGNS = [
    # name, objective, budget, status, days from today to start and end
    ("Spring glow launch", Campaign.Objective.SALES, Decimal("12000"), "active", -20, 40),
    ("Summer SPF awareness", Campaign.Objective.AWARENESS, Decimal("8000"), "draft", 30, 90),
    ("Holiday gifting", Campaign.Objective.SIGNUPS, Decimal("3000"), "paused", -45, 10),
    ("Night serum pilot", Campaign.Objective.SALES, Decimal("5000"), "completed", -120, -60),
]
# Where the demo creator stands in each campaign, as the portal shows it (a shortlist is never shown).
DEMO_CREATOR_STAGES = [Stage.INVITED, Stage.NEGOTIATING, Stage.INVITED, Stage.CONTRACTED]
STATUS_PATHS = {"draft": [], "active": ["active"], "paused": ["active", "paused"], "completed": ["active", "completed"]}


def load_demo_campaigns(*, workspace: Any, by: Any, today: datetime.date, demo_creator: Creator | None) -> int:
    """Returns how many campaigns were created (0 when the workspace already has campaigns)."""
    if Campaign.objects.filter(workspace=workspace).exists():
        return 0
    pool = list(Creator.objects.filter(score__isnull=False).order_by("-score", "id")[:60])
    if demo_creator is not None:
        pool = [demo_creator, *[c for c in pool if c.pk != demo_creator.pk]]
    for index, (name, objective, budget, status, start, end) in enumerate(CAMPAIGNS):
        campaign = services.create_campaign(
            workspace=workspace,
            by=by,
            name=name,
            objective=objective,
            budget=budget,
            currency="USD",
            start_date=today + datetime.timedelta(days=start),
            end_date=today + datetime.timedelta(days=end),
            target_audience={"countries": ["US", "GB"], "genders": ["female"], "niches": ["skincare", "beauty"]},
        )
        # The first campaign has a collaboration at every stage; the others a few early ones.
        wanted = list(PATHS) if index == 0 else list(PATHS)[: 3 + index]
        # The first creator (the demo creator, when there is one) takes a stage the portal shows.
        shown = wanted.index(DEMO_CREATOR_STAGES[index])
        wanted[0], wanted[shown] = wanted[shown], wanted[0]
        creators = [pool[0], *pool[1 + index * 10 : 1 + index * 10 + len(wanted) - 1]]
        collaborations = services.shortlist_creators(campaign=campaign, creators=creators, by=by)
        by_creator = {c.creator_id: c for c in collaborations}
        for creator, stage in zip(creators, wanted, strict=False):
            _advance(by_creator[creator.pk], stage=stage, by=by, today=today)
        for step in STATUS_PATHS[status]:
            campaign = services.update_campaign(campaign=campaign, by=by, status=step)
        if index == 0:
            _publish_demo_brief(campaign=campaign, by=by)
    return len(CAMPAIGNS)


def _advance(collaboration: Collaboration, *, stage: str, by: Any, today: datetime.date) -> None:
    for step in PATHS[stage]:
        if step == Stage.CONTRACTED:
            # Fees are agreed before the contract; some creators are paid in product only.
            if collaboration.pk % 4 == 0:
                services.set_compensation(collaboration=collaboration, by=by, compensation_type="gifting_only")
            else:
                fee = Decimal(300 + (collaboration.pk % 7) * 100)
                services.set_compensation(
                    collaboration=collaboration, by=by, compensation_type="fixed_fee", fee=fee, currency="USD"
                )
        collaboration = services.move_collaboration(collaboration=collaboration, to_stage=step, by=by)
        if step == Stage.LIVE and collaboration.fee is not None:
            services.record_payout(
                collaboration=collaboration,
                by=by,
                amount=collaboration.fee.amount,
                currency="USD",
                due_on=today + datetime.timedelta(days=14),
            )


def _publish_demo_brief(*, campaign: Campaign, by: Any) -> None:
    """Two versions, so the portal and the campaign page have a change to show."""
    content = {
        "objective": "Show your real night routine with the Glow serum: how it feels, not a claim sheet.",
        "key_messages": "Fragrance free.\nWorks under make-up the next morning.",
        "must_avoid": "competitor brands\nmedical claims",
        "formats": "1 in-feed video, 30-60 s; 2 stories",
        "timeline": "Draft within 10 days of receiving the product; live within 5 days of approval.",
        "examples": "POV hooks, get-ready-with-me, honest first impressions.",
        "creative_freedom": "Your voice and your edit; we only check the claims.",
        "disclosure": "Use #ad and TikTok's paid-partnership label on every sponsored post.",
    }
    publish_brief(campaign=campaign, by=by, content=content)
    publish_brief(campaign=campaign, by=by, content=content | {"must_avoid": "competitor brands\nmedical claims\nvape"})
