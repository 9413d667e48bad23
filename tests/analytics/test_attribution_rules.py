"""Attribution rules on hand-built cases (plain data), and the SQL that runs them in bulk agreeing with
the plain rules on the same cases."""

import datetime as dt
import random
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django_scopes import scopes_disabled
from djmoney.money import Money

from analytics.models import Attribution, AttributionSettings, Order
from analytics.orders import attribution_rules as rules
from analytics.orders.attribution import reattribute
from analytics.orders.attribution_rules import Credit, OrderFacts, Touch, attribute, credited_revenue
from analytics.tracking.redirect import hash_ip
from tests.analytics.order_support import click, code, make_link

T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
VISITOR = "visitor-hash"


def _touch(collab: int, hours_before: float, *, ip: str = VISITOR, bot: bool = False, cid=None) -> Touch:
    return Touch(collaboration_id=collab, clicked_at=T0 - dt.timedelta(hours=hours_before),
                 click_id=cid or uuid.uuid4(), ip_hash=ip, is_bot=bot)  # fmt: skip


ORDER = OrderFacts(placed_at=T0, ip_hash=VISITOR)


def test_a_promo_code_wins_over_any_click_under_every_rule():
    clicks = [_touch(1, 2), _touch(2, 1)]
    order = OrderFacts(placed_at=T0, ip_hash=VISITOR, code_collaboration_ids=(3,))
    for rule in rules.RULES:
        assert attribute(order, clicks, rule=rule) == [Credit(3, Decimal(1), "promo_code")]


def test_two_codes_of_two_creators_split_the_order():
    order = OrderFacts(placed_at=T0, code_collaboration_ids=(5, 4, 5))
    assert attribute(order, [], rule="last_click") == [
        Credit(4, Decimal("0.5"), "promo_code"), Credit(5, Decimal("0.5"), "promo_code")
    ]  # fmt: skip


def test_last_click_credits_the_latest_and_first_click_the_earliest():
    clicks = [_touch(2, 1), _touch(1, 30), _touch(3, 5)]
    assert attribute(ORDER, clicks, rule="last_click") == [Credit(2, Decimal(1), "click")]
    assert attribute(ORDER, clicks, rule="first_click") == [Credit(1, Decimal(1), "click")]


def test_linear_gives_each_click_an_equal_part():
    clicks = [_touch(1, 1), _touch(1, 2), _touch(2, 3)]
    assert attribute(ORDER, clicks, rule="linear") == [
        Credit(1, Decimal("0.666667"), "click"), Credit(2, Decimal("0.333333"), "click")
    ]  # fmt: skip


def test_clicks_outside_the_window_or_after_the_order_do_not_count():
    clicks = [_touch(1, 7 * 24 + 1), _touch(2, -1)]
    assert attribute(ORDER, clicks, rule="last_click", window_days=7) == []
    assert attribute(ORDER, clicks, rule="last_click", window_days=8) == [Credit(1, Decimal(1), "click")]


def test_bots_and_other_visitors_do_not_count_but_the_orders_click_id_does():
    mine = uuid.uuid4()
    clicks = [_touch(1, 1, bot=True), _touch(2, 2, ip="someone-else"), _touch(3, 3, ip="phone", cid=mine)]
    assert attribute(ORDER, clicks, rule="last_click") == []
    with_click = OrderFacts(placed_at=T0, ip_hash=VISITOR, click_id=mine)
    assert attribute(with_click, clicks, rule="last_click") == [Credit(3, Decimal(1), "click")]


def test_an_order_without_visitor_or_click_matches_nothing():
    clicks = [_touch(1, 1, ip="")]
    assert attribute(OrderFacts(placed_at=T0), clicks, rule="linear") == []


def test_revenue_is_the_share_of_what_was_kept():
    assert credited_revenue(
        Decimal("0.5"), total=Decimal("100.00"), refunded=Decimal("20.00"), is_cancelled=False
    ) == Decimal("40.00")
    assert credited_revenue(Decimal(1), total=Decimal("100.00"), refunded=Decimal(0), is_cancelled=True) == Decimal(
        "0.00"
    )


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="Unknown"):
        attribute(ORDER, [], rule="u-shaped")


# --- the SQL path agrees with the plain rules ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bulk_sql_credits_what_the_plain_rules_credit(workspace, manager, seed):
    rng = random.Random(seed)
    links = [make_link(workspace, manager) for _ in range(3)]
    for link in links[:1]:
        code(link.collaboration, f"CODE{seed}A")
    ips = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    touches = []
    for _ in range(25):
        link = rng.choice(links)
        at = T0 - dt.timedelta(hours=rng.uniform(-24, 10 * 24))
        event = click(link, at=at, ip=rng.choice(ips), verdict=rng.choice(["human", "human", "duplicate", "bot"]))
        touch = Touch(
            collaboration_id=link.collaboration_id, clicked_at=event.clicked_at, click_id=event.click_id,
            ip_hash=event.ip_hash, is_bot=event.verdict == "bot",
        )  # fmt: skip
        touches.append(touch)
    with scopes_disabled():
        AttributionSettings.objects.create(workspace=workspace, window_days=5)
        made = []
        for n in range(12):
            placed = T0 + dt.timedelta(hours=rng.uniform(-48, 48))
            codes = [f"CODE{seed}A"] if n % 5 == 0 else (["NOT-A-CODE"] if n % 7 == 0 else [])
            click_id = rng.choice(touches).click_id if n % 3 == 0 else None
            made.append(Order.objects.create(
                workspace=workspace, external_id=f"o{n}", placed_at=placed, total=Money("80.00", "USD"),
                refunded=Money("10.00", "USD"), promo_codes=codes, click_id=click_id,
                ip_hash=hash_ip(rng.choice(ips)) if n % 2 else "",
            ))  # fmt: skip
        with transaction.atomic():
            reattribute([o.pk for o in made], workspace_ids=[workspace.pk])
        stored: dict[tuple[int, str], list] = {}
        for a in Attribution.objects.filter(order__in=made):
            stored.setdefault((a.order_id, a.rule), []).append(
                (a.collaboration_id, a.share, a.reason, a.revenue.amount)
            )
    reasons = {row[2] for rows in stored.values() for row in rows}
    assert reasons == {"click", "promo_code"}  # the cases exercise both kinds of credit
    owners = {f"CODE{seed}A": links[0].collaboration_id}
    for order in made:
        owned = tuple(owners[c] for c in order.promo_codes if c in owners)
        facts = OrderFacts(
            placed_at=order.placed_at, click_id=order.click_id, ip_hash=order.ip_hash, code_collaboration_ids=owned
        )
        for rule in rules.RULES:
            expected = sorted(
                (c.collaboration_id, c.share, c.reason,
                 credited_revenue(c.share, total=Decimal(80), refunded=Decimal(10), is_cancelled=False))
                for c in attribute(facts, touches, rule=rule, window_days=5)
            )  # fmt: skip
            assert sorted(stored.get((order.pk, rule), [])) == expected, (order.external_id, rule)


@pytest.mark.django_db
def test_a_longer_window_credits_again_every_order_of_the_workspace(workspace, manager):
    from analytics.orders.services import reattribute_workspace

    link = make_link(workspace, manager)
    click(link, at=T0 - dt.timedelta(days=10), ip="10.0.0.9")
    with scopes_disabled():
        order = Order.objects.create(
            workspace=workspace, external_id="w1", placed_at=T0, total=Money("50.00", "USD"),
            refunded=Money("0.00", "USD"), ip_hash=hash_ip("10.0.0.9"),
        )  # fmt: skip
        with transaction.atomic():
            reattribute([order.pk], workspace_ids=[workspace.pk])
        assert not Attribution.objects.filter(order=order).exists()  # 10 days > the default 7
        AttributionSettings.objects.create(workspace=workspace, window_days=14)
    assert reattribute_workspace(workspace_id=workspace.pk) == 1
    with scopes_disabled():
        assert set(Attribution.objects.filter(order=order).values_list("collaboration_id", flat=True)) == {
            link.collaboration_id
        }
