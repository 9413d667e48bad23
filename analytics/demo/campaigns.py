"""Demo campaigns for the demo brand, written once through the campaigns services: one in each status,
collaborations at every pipeline stage (each reached through the allowed moves, so the history is
real), agreed fees and payouts, and the demo creator on several of them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from briefs.contracts.services import send_contract
from briefs.contracts.signing import sign_as_brand, sign_as_creator
from briefs.services import publish_brief
from campaigns.collaborations import move_collaboration, set_compensation, shortlist_creators
from campaigns.deliverables.services import record_spark_ads_code, review_submission, submit_draft, submit_live_link
from campaigns.models import Campaign, Collaboration, Deliverable
from campaigns.open_calls.services import apply_to_open_call, publish_open_call
from campaigns.payouts import add_deliverable, create_shipment, mark_payout_paid, record_payout
from campaigns.pipeline import Stage
from campaigns.services import change_campaign_status, create_campaign
from creators.models import Creator
from creators.portal.access import accounts_reaching
from outreach.services import post_message

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
    ("Holiday gifting", Campaign.Objective.TRAFFIC, Decimal("3000"), "paused", -45, 10),
    ("Night serum pilot", Campaign.Objective.SALES, Decimal("5000"), "completed", -120, -60),
    ("Winter hydration test", Campaign.Objective.ENGAGEMENT, Decimal("2500"), "archived", -300, -240),
]
# What each objective's campaign aims at (campaigns.services.KPI_METRICS), and a deadline this many days
# after the start (None: by the end). Ratios are fractions, like the figures the reports compute.
DEMO_KPIS: dict[str, list[tuple[str, str, int | None]]] = {
    Campaign.Objective.SALES: [("orders", "120", None), ("roas", "3.0", None), ("videos_live", "8", 30)],
    Campaign.Objective.AWARENESS: [("views", "500000", None), ("cpm", "12.00", None), ("reach", "250000", 45)],
    Campaign.Objective.TRAFFIC: [("clicks", "4000", None), ("cpc", "0.75", None), ("ctr", "0.012", 30)],
    Campaign.Objective.ENGAGEMENT: [("engagement_rate", "0.06", None), ("cpe", "0.10", None)],
}
DEMO_AUDIENCE = {
    "niches": ["skincare", "beauty"],
    "countries": ["US", "GB"],
    "languages": ["en"],
    "tiers": ["nano", "micro"],
    "age_buckets": ["18-24", "25-34"],
    "genders": ["female"],
}
# Where the demo creator stands in each campaign, as the portal shows it (a shortlist is never shown):
# signed and owing a draft; invited; a contract waiting for their signature; done and paid.
DEMO_CREATOR_STAGES = [Stage.CONTRACTED, Stage.INVITED, Stage.NEGOTIATING, Stage.PAID]
DEMO_TERMS = {
    "usage_platforms": "TikTok, Instagram, brand website",
    "usage_duration_months": 6,
    "usage_formats": "Organic reposts and paid ads",
    "allows_paid_ads": True,
    "allows_whitelisting": False,
    "allows_spark_ads": True,
    "allows_brand_repost": True,
    "exclusivity_category": "Skincare serums",
    "exclusivity_days": 30,
    "payment_terms": "Paid within 30 days of the video going live, by bank transfer.",
    "cancellation_terms": "Either party may cancel in writing before the draft is approved; work done is paid.",
}
# The finished campaign's post went live this long ago, so its 6-month rights expire within the
# library's warning window and the demo shows the warning.
DEMO_LIVE_DAYS_AGO = 170
STATUS_PATHS = {
    "draft": [],
    "active": ["active"],
    "paused": ["active", "paused"],
    "completed": ["active", "completed"],
    "archived": ["active", "completed", "archived"],
}


def _demo_kpis(objective: str, start: datetime.date) -> list[dict[str, Any]]:
    return [
        {"metric": metric, "target": target, "deadline": start + datetime.timedelta(days=days) if days else None}
        for metric, target, days in DEMO_KPIS[objective]
    ]


def load_demo_campaigns(*, workspace: Any, by: Any, today: datetime.date, demo_creator: Creator | None) -> int:
    """Returns how many campaigns were created (0 when the workspace already has campaigns)."""
    if Campaign.objects.filter(workspace=workspace).exists():
        return 0
    pool = list(Creator.objects.filter(score__isnull=False).order_by("-score", "id")[:60])
    if demo_creator is not None:
        demo_creator.refresh_from_db()  # linked to its portal account moments ago, maybe
        pool = [demo_creator, *[c for c in pool if c.pk != demo_creator.pk]]
    for index, (name, objective, budget, status, start, end) in enumerate(CAMPAIGNS):
        campaign = create_campaign(
            workspace=workspace,
            by=by,
            name=name,
            objective=objective,
            budget=budget,
            currency="USD",
            start_date=today + datetime.timedelta(days=start),
            end_date=today + datetime.timedelta(days=end),
            target_audience=DEMO_AUDIENCE,
            kpis=_demo_kpis(objective, today + datetime.timedelta(days=start)),
        )
        # The first campaign has a collaboration at every stage; the others a few early ones.
        wanted = list(PATHS) if index == 0 else list(PATHS)[: 3 + index]
        # The first creator (the demo creator, when there is one) takes a stage the portal shows; the
        # campaigns after DEMO_CREATOR_STAGES's run without them.
        if index < len(DEMO_CREATOR_STAGES):
            if DEMO_CREATOR_STAGES[index] not in wanted:
                wanted.append(DEMO_CREATOR_STAGES[index])
            shown = wanted.index(DEMO_CREATOR_STAGES[index])
            wanted[0], wanted[shown] = wanted[shown], wanted[0]
            creators = [pool[0], *pool[1 + index * 10 : 1 + index * 10 + len(wanted) - 1]]
        else:
            creators = pool[1 + index * 10 : 1 + index * 10 + len(wanted)]
        collaborations = shortlist_creators(campaign=campaign, creators=creators, by=by)
        by_creator = {c.creator_id: c for c in collaborations}
        for creator, stage in zip(creators, wanted, strict=False):
            if demo_creator is not None and creator.pk == demo_creator.pk:
                _advance_demo_creator(by_creator[creator.pk], stage=stage, by=by, today=today)
            else:
                _advance(by_creator[creator.pk], stage=stage, by=by, today=today)
        for step in STATUS_PATHS[status]:
            change_campaign_status(campaign=campaign, by=by, to_status=step)
        campaign.refresh_from_db()
        if index == 0:
            _publish_demo_brief(campaign=campaign, by=by)
            _publish_demo_open_call(campaign=campaign, by=by, applicants=pool[-2:])
    return len(CAMPAIGNS)


def _publish_demo_open_call(*, campaign: Campaign, by: Any, applicants: list[Creator]) -> None:
    """An open call with two applications, so the campaign page and the public page have something."""
    open_call = publish_open_call(
        campaign=campaign,
        by=by,
        headline="Glow with us this spring",
        description="We are looking for skincare creators to show their real night routine with the Glow serum. "
        "Paid collaboration: one in-feed video and two stories, product included.",
        requirements="10k-100k followers, an audience mostly in the US or UK, honest reviews.",
    )
    pitches = [
        "My followers ask me about night routines every week; my last serum review got 38k saves.",
        "I film slow, honest get-ready-with-me videos; 70% of my audience is women 18-34 in the US.",
    ]
    for creator, pitch in zip(applicants, pitches, strict=False):
        if not creator.collaborations.filter(campaign=campaign).exists():
            apply_to_open_call(
                slug=open_call.slug, handle=creator.handle, email=f"{creator.handle}@creators.test", pitch=pitch
            )


def _advance(collaboration: Collaboration, *, stage: str, by: Any, today: datetime.date) -> None:
    for step in PATHS[stage]:
        if step == Stage.CONTRACTED:
            # Fees are agreed before the contract; some creators are paid in product only.
            if collaboration.pk % 4 == 0:
                set_compensation(collaboration=collaboration, by=by, compensation_type="gifting_only")
            else:
                fee = Decimal(300 + (collaboration.pk % 7) * 100)
                set_compensation(
                    collaboration=collaboration, by=by, compensation_type="fixed_fee", fee=fee, currency="USD"
                )
        collaboration = move_collaboration(collaboration=collaboration, to_stage=step, by=by)
        if step == Stage.LIVE and collaboration.fee is not None:
            record_payout(
                collaboration=collaboration,
                by=by,
                amount=collaboration.fee.amount,
                currency="USD",
                due_on=today + datetime.timedelta(days=14),
            )


def _portal_user(collaboration: Collaboration) -> User:
    user = accounts_reaching(creator=collaboration.creator, workspace=collaboration.workspace).first()
    if user is None:
        raise RuntimeError("The demo creator's journey needs its portal account granted first.")
    return user


def _sign(collaboration: Collaboration, *, by: Any) -> None:
    """Send the contract and sign it on both sides, as the creator and the brand would in the browser."""
    version = send_contract(collaboration=collaboration, by=by, terms=DEMO_TERMS)
    creator_user = _portal_user(collaboration)
    sign_as_creator(
        version_id=version.pk, user=creator_user, typed_name=creator_user.full_name, consent=True,
        ip="203.0.113.7", user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148",
    )  # fmt: skip
    sign_as_brand(
        version=version, by=by, typed_name=by.full_name, consent=True, ip="198.51.100.20",
        user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/131.0",
    )  # fmt: skip


def _advance_demo_creator(collaboration: Collaboration, *, stage: str, by: Any, today: datetime.date) -> None:
    """The demo creator's collaborations go through the real journey: the contract sent and signed
    (or waiting for their signature), the draft uploaded as a link, reviewed, posted and paid."""
    creator_user = _portal_user(collaboration)
    for step in PATHS[stage]:
        if step == Stage.NEGOTIATING:
            collaboration = move_collaboration(collaboration=collaboration, to_stage=step, by=by)
            fee = Decimal("800.00") if stage == Stage.PAID else Decimal("650.00")
            if stage == Stage.NEGOTIATING:  # the brand offers product only; the contract waits for the creator
                set_compensation(collaboration=collaboration, by=by, compensation_type="gifting_only")
                send_contract(collaboration=collaboration, by=by, terms=DEMO_TERMS | {"allows_paid_ads": False})
            else:
                set_compensation(
                    collaboration=collaboration, by=by, compensation_type="fixed_fee", fee=fee, currency="USD"
                )
        elif step == Stage.CONTRACTED:
            _sign(collaboration, by=by)
            deliverable = add_deliverable(
                collaboration=collaboration,
                by=by,
                format="in_feed_video",
                draft_due_on=today + datetime.timedelta(days=7),
                live_due_on=today + datetime.timedelta(days=14),
            )
            create_shipment(collaboration=collaboration, by=by, description="Glow serum kit (30 ml + mask)")
            if stage == Stage.CONTRACTED:  # the collaboration the creator is working on now: a thread to answer
                post_message(
                    collaboration=collaboration,
                    by=by,
                    body="Welcome aboard! Add your address and the serum kit ships tomorrow. "
                    "The draft is due in a week: a link or the video file both work.",
                )
                post_message(
                    collaboration=collaboration,
                    by=creator_user,
                    body="Thanks! Can I film the routine at night with a ring light, or do you want daylight?",
                )
                post_message(
                    collaboration=collaboration, by=by, body="Night is perfect, it's a night serum. Ring light is fine."
                )
        elif step == Stage.CONTENT_IN_REVIEW:
            submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.example/nina/glow-v1")
        elif step == Stage.APPROVED:
            submission = deliverable.submissions.get()
            review_submission(submission_id=submission.pk, by=by, decision="approve", comment="Love the hook. Ship it!")
        elif step == Stage.LIVE:
            video = collaboration.creator.videos.order_by("-posted_at", "pk").first()
            video_id = video.platform_video_id if video is not None else "7300000000000000001"
            url = f"https://www.tiktok.com/@{collaboration.creator.handle}/video/{video_id}"
            submit_live_link(deliverable_id=deliverable.pk, user=creator_user, url=url)
            record_spark_ads_code(
                deliverable=deliverable,
                by=by,
                code="#YXdlc29tZS1zcGFyay1jb2Rl",
                expires_on=today + datetime.timedelta(days=9),
            )
            went_live = timezone.now() - datetime.timedelta(days=DEMO_LIVE_DAYS_AGO)
            Deliverable.objects.filter(pk=deliverable.pk).update(live_at=went_live, approved_at=went_live)
            collaboration.refresh_from_db()
            payout = record_payout(
                collaboration=collaboration, by=by, amount=Decimal("800.00"), currency="USD",
                due_on=went_live.date() + datetime.timedelta(days=30),
            )  # fmt: skip
        elif step == Stage.PAID:
            mark_payout_paid(payout=payout, by=by, reference="SEPA-2026-0412")
            collaboration = move_collaboration(collaboration=collaboration, to_stage=step, by=by)
        else:
            collaboration = move_collaboration(collaboration=collaboration, to_stage=step, by=by)
        collaboration.refresh_from_db()


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
