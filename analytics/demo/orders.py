"""Demo orders for the demo brand: a verified shop domain, a tracking link and a promo code for every
contracted (or later) collaboration, three weeks of clicks and about sixty orders with a refund and a
cancellation, credited by the real attribution path. Deterministic (one seeded generator) apart from
the links' random tokens; a second run adds nothing.

The lead calls `load_demo_orders(workspace=..., by=..., now=...)` inside the workspace's scope, after
`load_demo_campaigns`."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace
from analytics.models import ClickEvent, Order, PromoCode, TrackingLink, VerifiedDomain
from analytics.orders.formats import CANCELLED, PAID, PARTIALLY_REFUNDED, ParsedOrder
from analytics.orders.recording import record_order
from analytics.tracking import click_ingest, creator_kit
from analytics.tracking import services as tracking_services
from analytics.tracking.promo_codes import handle_stem
from analytics.tracking.redirect import hash_ip
from campaigns.models import Campaign, Collaboration

DEMO_DOMAIN = "shop.glow-demo.test"
SEED = 20_261_120
DAYS = 21
ORDERS = 60


def _links(workspace: Workspace, by: User) -> list[TrackingLink]:
    for campaign in Campaign.objects.filter(workspace=workspace).order_by("pk"):
        needing = Collaboration.objects.filter(
            workspace=workspace, campaign=campaign, stage__in=tracking_services.LINKABLE_STAGES,
            tracking_links__isnull=True,
        )  # fmt: skip
        if needing.exists():
            tracking_services.create_links_for_campaign(
                campaign=campaign,
                by=by,
                destination=f"https://{DEMO_DOMAIN}/products/night-serum",
                tell_creators=False,  # told once below, with the code too
            )
    return list(
        TrackingLink.objects.filter(workspace=workspace).select_related("collaboration__creator").order_by("pk")
    )


def _codes(workspace: Workspace, links: list[TrackingLink], by: User) -> dict[int, str]:
    """One readable code per linked collaboration, e.g. `MAYA15`, numbered on a clash."""
    taken = set(PromoCode.objects.filter(workspace=workspace).values_list("code", flat=True))
    codes = dict(PromoCode.objects.filter(workspace=workspace).values_list("collaboration_id", "code"))
    for link in links:
        if link.collaboration_id in codes:
            continue
        stem, n = handle_stem(link.collaboration.creator.handle), 15
        while f"{stem}{n}" in taken or any(ch in str(n) for ch in "01"):
            n += 1
        code = f"{stem}{n}"
        PromoCode.objects.create(workspace=workspace, collaboration=link.collaboration, code=code, created_by=by)
        taken.add(code)
        codes[link.collaboration_id] = code
    return codes


@transaction.atomic
def load_demo_orders(*, workspace: Workspace, by: User, now: dt.datetime | None = None) -> int:
    """Returns the orders written (0 when the demo orders are already there)."""
    if Order.objects.filter(workspace=workspace, external_id__startswith="DEMO-").exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    VerifiedDomain.objects.get_or_create(
        workspace=workspace, domain=DEMO_DOMAIN,
        defaults={"verification_token": "creatordesk-verify=demo", "verified_at": now, "added_by": by},
    )  # fmt: skip
    links = _links(workspace, by)
    if not links:
        return 0
    codes = _codes(workspace, links, by)
    creator_kit.tell_creators(collaboration_ids=[link.collaboration_id for link in links], by=by)  # the thread message
    visitors = [f"198.51.100.{i}" for i in range(1, 200)]
    clicks: list[ClickEvent] = []
    for link in links:
        weight = rng.choice([3, 8, 20])  # some creators convert far better than others
        for day in range(DAYS):
            for _ in range(rng.randint(0, weight)):
                at = now - dt.timedelta(days=day, seconds=rng.randint(0, 86_399))
                is_bot = rng.random() < 0.08
                clicks.append(ClickEvent(
                    workspace=workspace, link=link, click_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    clicked_at=at, ip_hash=hash_ip(rng.choice(visitors)), country="US", method="GET",
                    user_agent="facebookexternalhit/1.1" if is_bot else "Mozilla/5.0 (iPhone) TikTok",
                    verdict="bot" if is_bot else "human", verdict_reason="crawler" if is_bot else "",
                ))  # fmt: skip
    ClickEvent.objects.bulk_create(clicks, batch_size=2000)
    zones = {link.pk: workspace.time_zone for link in links}
    click_ingest.recompute_rollups({(c.link_id, click_ingest.reporting_day(c.clicked_at, workspace.time_zone))
                                    for c in clicks}, zones)  # fmt: skip
    humans = [c for c in clicks if c.verdict == "human"]
    by_link = {link.pk: link.collaboration_id for link in links}
    written = 0
    for n in range(ORDERS):
        click = rng.choice(humans)
        placed = min(click.clicked_at + dt.timedelta(minutes=rng.randint(2, 60 * 48)), now)
        kind = rng.random()
        total = Decimal(rng.choice(["29.00", "49.00", "64.00", "89.00", "120.00"]))
        status, refunded = PAID, Decimal(0)
        if n == 7:
            status, refunded = PARTIALLY_REFUNDED, Decimal("20.00")
        if n == 23:
            status = CANCELLED
        record_order(
            workspace=workspace, source=None,
            parsed=ParsedOrder(
                external_id=f"DEMO-{1001 + n}", name=f"#{1001 + n}", placed_at=placed, total=total, currency="USD",
                status=status, refunded=refunded,
                promo_codes=(codes[by_link[click.link_id]],) if kind < 0.3 else (),
                click_id=click.click_id if kind >= 0.6 else None,
                ip=f"198.51.100.{rng.randint(1, 199)}" if kind < 0.6 else "",
                email=f"customer{rng.randint(1, 40)}@example.com",
            ),
        )  # fmt: skip
        written += 1
    return written
