"""Builders for report tests: a booked collaboration with its contract, payouts, shipments, a live video
with its latest stats, and a tracking link with daily click rollups (written directly: the rollups are
what workers maintain and what reports read)."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled
from djmoney.money import Money

from analytics.models import AttributionDailyRollup, ClickDailyRollup, TrackingLink
from campaigns.models import Collaboration, Deliverable, Payout, Shipment
from campaigns.pipeline import Stage
from creators.models import Video
from tests.campaigns.factories import CollaborationFactory, DeliverableFactory, PayoutFactory, ShipmentFactory
from tests.factories import CreatorFactory

DAY = datetime.date(2026, 11, 2)


def book(
    campaign,
    *,
    handle: str | None = None,
    fee: str | None = "500.00",
    stage: str = Stage.LIVE,
    followers: int = 20_000,
    niches: list[str] | None = None,
    creator=None,
) -> Collaboration:
    with scopes_disabled():
        creator = creator or CreatorFactory(
            handle=handle or f"c{secrets.token_hex(4)}", follower_count=followers, niches=niches or []
        )
        currency = str(campaign.budget.currency)
        return CollaborationFactory(
            campaign=campaign,
            creator=creator,
            stage=stage,
            compensation_type=Collaboration.Compensation.FIXED_FEE if fee else Collaboration.Compensation.GIFTING_ONLY,
            fee=Money(Decimal(fee), currency) if fee else None,
        )


def pay(collaboration, amount: str, *, currency: str | None = None, status: str = Payout.Status.DUE) -> Payout:
    with scopes_disabled():
        return PayoutFactory(
            collaboration=collaboration,
            amount=Money(Decimal(amount), currency or str(collaboration.campaign.budget.currency)),
            status=status,
            paid_at=timezone.now() if status == Payout.Status.PAID else None,
        )


def ship(collaboration, *, status: str = Shipment.Status.DELIVERED) -> Shipment:
    with scopes_disabled():
        return ShipmentFactory(collaboration=collaboration, status=status)


def post_video(
    collaboration,
    *,
    views: int,
    likes: int = 0,
    comments: int = 0,
    shares: int = 0,
    saves: int = 0,
    live_at: datetime.datetime | None = None,
) -> Deliverable:
    """A live deliverable whose video carries its latest stats (the copy every stats writer keeps)."""
    with scopes_disabled():
        video = Video.objects.create(
            creator=collaboration.creator,
            platform_video_id=secrets.token_hex(6),
            views=views,
            likes=likes,
            comments=comments,
            shares=shares,
            saves=saves,
        )
        return DeliverableFactory(
            collaboration=collaboration,
            status=Deliverable.Status.LIVE,
            live_url="https://www.tiktok.com/@x/video/1",
            live_at=live_at or timezone.now() - datetime.timedelta(days=30),
            video=video,
        )


def clicks(collaboration, days: dict[datetime.date, tuple[int, int]], *, bots: int = 0) -> TrackingLink:
    """A link with one rollup per day: {day: (total human clicks, uniques)}."""
    with scopes_disabled():
        link = TrackingLink.objects.create(
            workspace=collaboration.workspace,
            collaboration=collaboration,
            token=secrets.token_urlsafe(16),
            destination="https://shop.glow.test/?utm_source=tiktok",
            utm_source="tiktok",
            utm_medium="influencer",
            utm_campaign="glow",
            utm_content=collaboration.creator.handle,
        )
        ClickDailyRollup.objects.bulk_create(
            ClickDailyRollup(
                workspace=collaboration.workspace, link=link, day=day, total=total, uniques=uniques, bots=bots
            )
            for day, (total, uniques) in days.items()
        )
        return link


def attributed(
    collaboration,
    *,
    day: datetime.date = DAY,
    rule: str = "last_click",
    orders: str = "1",
    revenue: str = "0.00",
    new_customers: str = "0",
    refunds: str = "0.00",
) -> AttributionDailyRollup:
    """One day of attributed orders as the attribution worker leaves it (the rollup reports read)."""
    currency = str(collaboration.campaign.budget.currency)
    with scopes_disabled():
        return AttributionDailyRollup.objects.create(
            workspace=collaboration.workspace,
            collaboration=collaboration,
            rule=rule,
            day=day,
            orders=Decimal(orders),
            revenue=Money(Decimal(revenue), currency),
            new_customers=Decimal(new_customers),
            refunds=Money(Decimal(refunds), currency),
        )
