"""Writes for orders: upsert one parsed order (from a webhook delivery or a CSV row), keep its
customer's new/returning flags right, and re-attribute it (analytics.orders.attribution).

Idempotency: an order is keyed by (source, external id); the same order again with the same values
writes nothing, an older version (by the store's `updated_at`) than the one stored is ignored, and
attributions and rollups are recomputed from rows, never incremented. A refund or cancellation is an
update like any other: revenue credited shrinks or goes to zero and the touched rollups are recounted."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from djmoney.money import Money

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from analytics.models import Order, OrderSource, WebhookDelivery
from analytics.orders import attribution as order_attribution
from analytics.orders.formats import NotAnOrder, OrderFormatError, ParsedOrder, parse
from analytics.tracking.redirect import hash_ip


def hash_email(email: str) -> str:
    """HMAC-SHA256 of the trimmed, lower-cased e-mail under ORDER_EMAIL_SALT; '' without an e-mail."""
    value = email.strip().lower()
    if not value:
        return ""
    return hmac.new(settings.ORDER_EMAIL_SALT.encode(), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class OrderWrite:
    order: Order
    created: bool
    changed: bool


def _values(parsed: ParsedOrder) -> dict[str, object]:
    return {
        "name": parsed.name,
        "placed_at": parsed.placed_at,
        "source_updated_at": parsed.updated_at,
        "total": Money(parsed.total, parsed.currency),
        "refunded": Money(parsed.refunded, parsed.currency),
        "status": parsed.status,
        "promo_codes": list(parsed.promo_codes),
        "click_id": parsed.click_id,
        "ip_hash": hash_ip(parsed.ip) if parsed.ip else "",
        "customer_hash": hash_email(parsed.email),
    }


def _lookup(workspace: Workspace, source: OrderSource | None, external_id: str) -> Order | None:
    rows = Order.objects.select_for_update(of=("self",)).filter(workspace=workspace, external_id=external_id)
    rows = rows.filter(source=source) if source is not None else rows.filter(source__isnull=True)
    return rows.first()


def _refresh_new_customer_flags(*, workspace_id: int, customer_hash: str) -> list[int]:
    """The customer's first order (by time, then id) is new, the others returning; returns the orders
    whose flag changed (their rollups count new customers)."""
    if not customer_hash:
        return []
    sql = f"""
        WITH ranked AS (
            SELECT id, row_number() OVER (ORDER BY placed_at, id) = 1 AS first
            FROM {Order._meta.db_table} WHERE workspace_id = %s AND customer_hash = %s
        )
        UPDATE {Order._meta.db_table} o SET is_new_customer = ranked.first, updated_at = now()
        FROM ranked WHERE o.id = ranked.id AND o.is_new_customer IS DISTINCT FROM ranked.first
        RETURNING o.id
    """  # noqa: S608 - table names from the models, values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace_id, customer_hash])
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def record_order(*, workspace: Workspace, source: OrderSource | None, parsed: ParsedOrder) -> OrderWrite:
    """Insert or update the order, then attribute it under every rule and recount its rollups. Locks the
    workspace's attribution lock and the order row. Runs in the caller's workspace scope."""
    values = _values(parsed)
    order_attribution.lock_workspaces([workspace.pk])
    order = _lookup(workspace, source, parsed.external_id)
    created = False
    if order is None:
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    workspace=workspace, source=source, external_id=parsed.external_id, **values
                )
            created = True
        except IntegrityError:  # created meanwhile by another worker (same order, another event)
            order = _lookup(workspace, source, parsed.external_id)
            if order is None:
                raise
    if order is None:  # unreachable: created above or found after the conflict
        raise RuntimeError("order vanished")
    if not created:
        stored_at = order.source_updated_at
        if parsed.updated_at and stored_at and parsed.updated_at < stored_at:
            return OrderWrite(order=order, created=False, changed=False)  # an older version arrived late
        changed = [name for name, value in values.items() if getattr(order, name) != value]
        if not changed:
            return OrderWrite(order=order, created=False, changed=False)
        order_attribution.start_touched()
        order_attribution.clear_attributions([order.pk])
        for name in changed:
            setattr(order, name, values[name])
        order.save(update_fields=[*changed, "updated_at"])
    else:
        order_attribution.start_touched()
    flipped = _refresh_new_customer_flags(workspace_id=workspace.pk, customer_hash=order.customer_hash)
    order_attribution.mark_touched(flipped)
    order_attribution.finish([order.pk])
    order.refresh_from_db(fields=["is_new_customer"])
    return OrderWrite(order=order, created=created, changed=True)


def process_delivery(*, delivery_id: int) -> str:
    """The worker's half of a webhook: parse the stored body and record the order. Idempotent: a
    delivery already processed (or ignored, or failed) is left alone. Locks the delivery row, so two
    workers handed the same id do the work once. Returns the delivery's status."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.with_scopes_disabled()  # type: ignore[attr-defined]
            .select_for_update(of=("self",))
            .select_related("source", "workspace")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.RECEIVED:
            return delivery.status if delivery else "missing"
        status, error = WebhookDelivery.Status.PROCESSED, ""
        try:
            parsed = parse(delivery.source.kind, bytes(delivery.body or b""), topic=delivery.topic)
        except NotAnOrder:
            status = WebhookDelivery.Status.IGNORED
        except OrderFormatError as exc:
            status, error = WebhookDelivery.Status.FAILED, str(exc)[:500]
        if status == WebhookDelivery.Status.PROCESSED:
            with workspace_scope(delivery.workspace):
                record_order(workspace=delivery.workspace, source=delivery.source, parsed=parsed)
        delivery.status, delivery.error, delivery.processed_at = status, error, timezone.now()
        delivery.save(update_fields=["status", "error", "processed_at", "updated_at"])
        return str(status)


def purge_webhook_bodies() -> int:
    """Wipe bodies older than WEBHOOK_BODY_RETENTION_DAYS (they hold customers' e-mails and addresses);
    the SHA-256, status and order stay."""
    cutoff = timezone.now() - dt.timedelta(days=settings.WEBHOOK_BODY_RETENTION_DAYS)
    return int(
        WebhookDelivery.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(received_at__lt=cutoff, body__isnull=False)
        .exclude(status=WebhookDelivery.Status.RECEIVED)
        .update(body=None)
    )
