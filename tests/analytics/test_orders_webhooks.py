"""The order webhook: signature first, one delivery per event, one order per store order, processing by
the worker's service; refunds and cancellations reverse the credit; reporting days in the workspace's zone."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled
from djmoney.money import Money

from analytics.models import Attribution, AttributionDailyRollup, Order, WebhookDelivery
from analytics.orders import recording as orders
from analytics.orders import webhooks
from analytics.orders.formats import parse_shopify
from tests.analytics.order_support import SECRET, click, code, make_link, source, utc
from tests.fakes.order_webhooks import shopify_order, shopify_request, woocommerce_order, woocommerce_request

pytestmark = pytest.mark.django_db


def _url(workspace) -> str:
    return f"/hooks/orders/{workspace.slug}/"


def _post(client, workspace, body, headers):
    return client.generic("POST", _url(workspace), body, content_type="application/json", **headers)


def _process_all():
    with scopes_disabled():
        ids = list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))
    return [orders.process_delivery(delivery_id=i) for i in ids]


def _counts():
    with scopes_disabled():
        return (WebhookDelivery.objects.count(), Order.objects.count(), Attribution.objects.count())


def _rollups(rule="last_click"):
    with scopes_disabled():
        return list(
            AttributionDailyRollup.objects.filter(rule=rule)
            .order_by("day")
            .values_list("day", "orders", "revenue", "refunds")
        )


def test_a_bad_signature_is_refused_and_nothing_is_written(client, workspace, django_capture_on_commit_callbacks):
    source(workspace)
    body, headers = shopify_request(shopify_order(), secret="not-the-secret-at-all-000000")
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(client, workspace, body, headers)
    assert response.status_code == 401
    assert _counts() == (0, 0, 0)
    assert callbacks == []


def test_the_signature_is_checked_before_the_body_is_read_as_json(client, workspace):
    source(workspace)
    body = b"{not json"
    _, headers = shopify_request({}, secret="wrong-secret-0000000000000000")
    headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = "AAAA"
    assert _post(client, workspace, body, headers).status_code == 401
    assert _counts() == (0, 0, 0)


def test_a_signed_webhook_is_stored_and_handed_to_a_worker(client, workspace, django_capture_on_commit_callbacks):
    source(workspace)
    body, headers = shopify_request(shopify_order(), secret=SECRET)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(client, workspace, body, headers)
    assert response.status_code == 200
    assert _counts() == (1, 0, 0)  # nothing parsed in the request
    assert len(callbacks) == 1
    assert _process_all() == ["processed"]
    with scopes_disabled():
        order = Order.objects.get()
    assert (order.external_id, order.total.amount, str(order.total.currency)) == (
        "820982911946154508",
        Decimal("199.00"),
        "USD",
    )
    assert order.placed_at == utc(2026, 11, 20, 15, 0)


def test_a_signature_of_another_workspace_source_is_refused(client, workspace):
    from tests.factories import WorkspaceFactory

    with scopes_disabled():
        other = WorkspaceFactory(slug="other-shop")
    source(other, secret="the-other-workspaces-secret-000")
    source(workspace)
    body, headers = shopify_request(shopify_order(), secret="the-other-workspaces-secret-000")
    assert _post(client, workspace, body, headers).status_code == 401
    assert _counts() == (0, 0, 0)


def test_the_same_webhook_delivered_ten_times_counts_once(client, workspace, manager):
    link = make_link(workspace, manager)
    click(link, at=utc(2026, 11, 20, 14, 0))
    source(workspace)
    body, headers = shopify_request(shopify_order(), secret=SECRET)
    statuses = {_post(client, workspace, body, headers).status_code for _ in range(10)}
    assert statuses == {200}
    _process_all()
    _process_all()
    assert _counts() == (1, 1, 3)  # one delivery, one order, one credit per rule
    assert _rollups() == [(dt.date(2026, 11, 20), Decimal("1"), Decimal("199.00"), Decimal("0.00"))]


def test_create_and_paid_events_of_one_order_make_one_order(client, workspace, manager):
    link = make_link(workspace, manager)
    click(link, at=utc(2026, 11, 20, 14, 0))
    source(workspace)
    for topic in ("orders/create", "orders/paid", "orders/updated"):
        _post(client, workspace, *shopify_request(shopify_order(), secret=SECRET, topic=topic))
    _process_all()
    assert _counts() == (3, 1, 3)
    assert _rollups()[0][1] == Decimal("1")


def test_a_refund_reduces_the_credit_and_a_cancellation_removes_it(client, workspace, manager):
    link = make_link(workspace, manager)
    click(link, at=utc(2026, 11, 20, 14, 0))
    source(workspace)
    later = "2026-11-22T10:00:00-05:00"
    _post(client, workspace, *shopify_request(shopify_order(), secret=SECRET))
    _process_all()
    refunded = shopify_order(updated_at=later, financial_status="partially_refunded", refunds=("49.00",))
    _post(client, workspace, *shopify_request(refunded, secret=SECRET, topic="orders/updated"))
    _process_all()
    with scopes_disabled():
        assert Order.objects.get().status == "partially_refunded"
        assert {a.revenue.amount for a in Attribution.objects.all()} == {Decimal("150.00")}
    assert _rollups() == [(dt.date(2026, 11, 20), Decimal("1"), Decimal("150.00"), Decimal("49.00"))]
    cancelled = shopify_order(updated_at="2026-11-23T10:00:00-05:00", cancelled_at="2026-11-23T10:00:00-05:00",
                              financial_status="refunded", refunds=("49.00", "150.00"))  # fmt: skip
    _post(client, workspace, *shopify_request(cancelled, secret=SECRET, topic="orders/cancelled"))
    _process_all()
    assert _rollups() == [(dt.date(2026, 11, 20), Decimal("0"), Decimal("0.00"), Decimal("199.00"))]


def test_an_older_version_arriving_late_changes_nothing(client, workspace, manager):
    source(workspace)
    newer = shopify_order(updated_at="2026-11-22T10:00:00-05:00", financial_status="refunded", refunds=("199.00",))
    _post(client, workspace, *shopify_request(newer, secret=SECRET, topic="orders/updated"))
    _process_all()
    _post(client, workspace, *shopify_request(shopify_order(), secret=SECRET))
    _process_all()
    with scopes_disabled():
        assert Order.objects.get().status == "refunded"


def test_the_reporting_day_is_the_workspaces(client, workspace, manager):
    workspace.time_zone = "America/Los_Angeles"
    workspace.save(update_fields=["time_zone"])
    link = make_link(workspace, manager)
    click(link, at=utc(2026, 11, 21, 4, 0))
    source(workspace)
    # 05:00 UTC on the 21st is 21:00 on the 20th in Los Angeles.
    order = shopify_order(created_at="2026-11-21T05:00:00Z")
    _post(client, workspace, *shopify_request(order, secret=SECRET))
    _process_all()
    assert [day for day, *_ in _rollups()] == [dt.date(2026, 11, 20)]


def test_a_woocommerce_order_with_a_coupon_is_credited_to_the_codes_creator(client, workspace, manager):
    link = make_link(workspace, manager)
    code(link.collaboration, "MAYA15-7KQ2")
    source(workspace, kind="woocommerce", secret="woo-secret-0123456789abcdef")
    order = woocommerce_order(codes=("MAYA15-7KQ2",))
    response = _post(client, workspace, *woocommerce_request(order, secret="woo-secret-0123456789abcdef"))
    assert response.status_code == 200
    _process_all()
    with scopes_disabled():
        credits = set(Attribution.objects.values_list("collaboration_id", "reason", "share"))
    assert credits == {(link.collaboration_id, "promo_code", Decimal("1"))}


def test_a_woocommerce_ping_is_accepted_and_ignored(client, workspace):
    source(workspace, kind="woocommerce", secret="woo-secret-0123456789abcdef")
    body = b"webhook_id=12"
    headers = {"HTTP_X_WC_WEBHOOK_SIGNATURE": webhooks.sign("woocommerce", "woo-secret-0123456789abcdef", body)}
    assert client.generic("POST", _url(workspace), body, content_type="application/x-www-form-urlencoded",
                          **headers).status_code == 200  # fmt: skip
    assert _process_all() == ["ignored"]
    assert _counts()[1] == 0


def test_new_and_returning_customers_follow_the_order_time_not_the_arrival(client, workspace, manager):
    source(workspace)
    second = shopify_order(order_id=2, created_at="2026-11-21T10:00:00Z", email="Jon@Example.com")
    first = shopify_order(order_id=1, created_at="2026-11-20T10:00:00Z", email="jon@example.com ")
    for payload in (second, first):  # the later order arrives first
        _post(client, workspace, *shopify_request(payload, secret=SECRET))
        _process_all()
    with scopes_disabled():
        flags = dict(Order.objects.values_list("external_id", "is_new_customer"))
        hashes = set(Order.objects.values_list("customer_hash", flat=True))
    assert flags == {"1": True, "2": False}
    assert len(hashes) == 1 and "jon" not in next(iter(hashes))


def test_a_malformed_order_fails_its_delivery_with_the_reason(client, workspace):
    source(workspace)
    bad = shopify_order()
    bad["total_price"] = "lots"
    _post(client, workspace, *shopify_request(bad, secret=SECRET))
    assert _process_all() == ["failed"]
    with scopes_disabled():
        assert "total_price" in WebhookDelivery.objects.get().error
    assert _counts()[1] == 0


def test_the_click_id_travels_in_the_landing_site():
    click_id = uuid.uuid4()
    import json

    parsed = parse_shopify(json.dumps(shopify_order(click_id=click_id)).encode())
    assert parsed.click_id == click_id


@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_delivered_concurrently_counts_once(workspace, manager, monkeypatch):
    link = make_link(workspace, manager)
    click(link, at=utc(2026, 11, 20, 14, 0))
    source(workspace)
    monkeypatch.setattr(webhooks.process_order_delivery_task, "delay_on_commit", lambda *a, **k: None)
    same_event = shopify_request(shopify_order(), secret=SECRET, event_id="evt-1")
    # Ten copies of one event and, alongside, the same order as ten other events (create, paid, ...).
    requests = [same_event] * 10 + [shopify_request(shopify_order(), secret=SECRET) for _ in range(10)]
    barrier = threading.Barrier(len(requests))
    errors: list[BaseException] = []

    def deliver(body, headers):
        try:
            barrier.wait()
            Client().generic("POST", _url(workspace), body, content_type="application/json", **headers)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with scopes_disabled():
        ids = list(WebhookDelivery.objects.values_list("pk", flat=True))
    assert len(ids) == 11
    barrier = threading.Barrier(len(ids))

    def process(delivery_id):
        try:
            barrier.wait()
            orders.process_delivery(delivery_id=delivery_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=process, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _counts() == (11, 1, 3)
    assert _rollups() == [(dt.date(2026, 11, 20), Decimal("1"), Decimal("199.00"), Decimal("0.00"))]


def test_a_generic_order_is_accepted_with_its_documented_signature(client, workspace, manager):
    link = make_link(workspace, manager)
    click_event = click(link, at=utc(2026, 11, 20, 9, 0), ip="192.0.2.1")
    source(workspace, kind="generic", secret="generic-secret-0123456789")
    body = (
        b'{"order_id": "G-1", "placed_at": "2026-11-20T10:00:00Z", "total": "42.50", "currency": "eur",'
        b' "cd_click": "' + click_event.click_id.hex.encode() + b'"}'
    )
    import hashlib
    import hmac

    signature = "sha256=" + hmac.new(b"generic-secret-0123456789", body, hashlib.sha256).hexdigest()
    headers = {"HTTP_X_CREATORDESK_SIGNATURE": signature, "HTTP_X_CREATORDESK_EVENT_ID": "g-evt-1"}
    assert _post(client, workspace, body, headers).status_code == 200
    _process_all()
    with scopes_disabled():
        order = Order.objects.get()
        credits = set(Attribution.objects.values_list("rule", "collaboration_id", "revenue"))
    assert order.total == Money("42.50", "EUR")
    assert credits == {
        (rule, link.collaboration_id, Decimal("42.50")) for rule in ("last_click", "first_click", "linear")
    }


def test_after_a_secret_rotation_the_old_signature_is_refused(client, workspace, manager):
    from analytics.orders.services import rotate_order_source_secret

    row = source(workspace)
    with scopes_disabled():
        rotate_order_source_secret(source=row, by=_owner(workspace), secret="the-new-secret-0123456789")
    assert _post(client, workspace, *shopify_request(shopify_order(), secret=SECRET)).status_code == 401
    new = shopify_request(shopify_order(), secret="the-new-secret-0123456789")
    assert _post(client, workspace, *new).status_code == 200


def _owner(workspace):
    from accounts.models import Role
    from tests.factories import MembershipFactory, UserFactory

    return MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.OWNER).user
