"""Attribution rules on plain data: which collaborations an order credits, and with what share.

No database here. `analytics.orders.attribution` runs the same rules as one set-based SQL statement for
any number of orders (the bench's 1,000,000 at once); tests/analytics/test_attribution_rules.py checks
the two agree. The rules (docs/metrics.md, "Orders and attribution"):

1. A promo code of a collaboration used on the order wins, under every rule; several codes of different
   collaborations split the order equally.
2. Otherwise the order's touches are the human clicks (bots excluded, repeat visits included) that
   either carry the order's click id or come from the same visitor (IP hash), at most `window_days`
   before the order and not after it.
3. `last_click` credits the latest touch, `first_click` the earliest (ties broken by click id, so the
   answer never depends on row order); `linear` gives every touch an equal part, summed per
   collaboration.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LAST_CLICK = "last_click"
FIRST_CLICK = "first_click"
LINEAR = "linear"
RULES = (LAST_CLICK, FIRST_CLICK, LINEAR)
DEFAULT_WINDOW_DAYS = 7
SHARE_QUANTUM = Decimal("0.000001")  # Attribution.share has 6 decimal places
REASON_PROMO_CODE = "promo_code"
REASON_CLICK = "click"


@dataclass(frozen=True)
class Touch:
    """A click that may have led to the order."""

    collaboration_id: int
    clicked_at: dt.datetime
    click_id: uuid.UUID
    ip_hash: str = ""
    is_bot: bool = False


@dataclass(frozen=True)
class OrderFacts:
    placed_at: dt.datetime
    click_id: uuid.UUID | None = None
    ip_hash: str = ""
    code_collaboration_ids: tuple[int, ...] = ()  # owners of the promo codes used (unknown codes left out)


@dataclass(frozen=True)
class Credit:
    collaboration_id: int
    share: Decimal
    reason: str


def _split(counts: Counter[int]) -> list[Credit]:
    total = sum(counts.values())
    return [
        Credit(collaboration_id=cid, share=(Decimal(n) / Decimal(total)).quantize(SHARE_QUANTUM, ROUND_HALF_UP),
               reason=REASON_CLICK)
        for cid, n in sorted(counts.items())
    ]  # fmt: skip


def promo_code_credits(order: OrderFacts) -> list[Credit]:
    """Equal shares among the distinct collaborations whose codes the order used; [] without a code."""
    owners = sorted(set(order.code_collaboration_ids))
    if not owners:
        return []
    share = (Decimal(1) / Decimal(len(owners))).quantize(SHARE_QUANTUM, ROUND_HALF_UP)
    return [Credit(collaboration_id=cid, share=share, reason=REASON_PROMO_CODE) for cid in owners]


def touches_in_window(order: OrderFacts, clicks: list[Touch], *, window_days: int) -> list[Touch]:
    """The human clicks of the same click id or the same visitor in (placed_at - window, placed_at],
    oldest first."""
    start = order.placed_at - dt.timedelta(days=window_days)
    kept = [
        c
        for c in clicks
        if not c.is_bot
        and start < c.clicked_at <= order.placed_at
        and (
            (order.click_id is not None and c.click_id == order.click_id)
            or (order.ip_hash and c.ip_hash == order.ip_hash)
        )
    ]
    return sorted(kept, key=lambda c: (c.clicked_at, c.click_id.hex))


def attribute(
    order: OrderFacts, clicks: list[Touch], *, rule: str, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[Credit]:
    """The credits `rule` gives for `order`, shares summing to 1 (up to rounding), or [] when nothing
    led to it."""
    if rule not in RULES:
        raise ValueError(f"Unknown attribution rule {rule!r}")
    codes = promo_code_credits(order)
    if codes:
        return codes
    touches = touches_in_window(order, clicks, window_days=window_days)
    if not touches:
        return []
    if rule == LAST_CLICK:
        return [Credit(collaboration_id=touches[-1].collaboration_id, share=Decimal(1), reason=REASON_CLICK)]
    if rule == FIRST_CLICK:
        return [Credit(collaboration_id=touches[0].collaboration_id, share=Decimal(1), reason=REASON_CLICK)]
    return _split(Counter(t.collaboration_id for t in touches))


def credited_revenue(share: Decimal, *, total: Decimal, refunded: Decimal, is_cancelled: bool) -> Decimal:
    """A share of what the brand kept: total minus refunds, nothing once cancelled; to the cent."""
    net = Decimal(0) if is_cancelled else total - refunded
    return (share * net).quantize(Decimal("0.01"), ROUND_HALF_UP)
