"""Order webhooks as Shopify and WooCommerce send them: the documented headers (base64 HMAC-SHA256 of
the raw body under the shared secret) and the order resource's fields the intake reads. Signatures are
computed here independently of `analytics.orders.webhooks.sign`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any


def b64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def shopify_order(*, order_id: int = 820982911946154508, total: str = "199.00", currency: str = "USD",
                  created_at: str = "2026-11-20T10:00:00-05:00", updated_at: str | None = None,
                  financial_status: str = "paid", cancelled_at: str | None = None, codes: tuple[str, ...] = (),
                  click_id: uuid.UUID | None = None, browser_ip: str = "203.0.113.7",
                  email: str = "jon@example.com", refunds: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    landing = "/products/serum?utm_source=tiktok" + (f"&cd_click={click_id.hex}" if click_id else "")
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": "#1001",
        "email": email,
        "created_at": created_at,
        "updated_at": updated_at or created_at,
        "processed_at": created_at,
        "currency": currency,
        "presentment_currency": currency,
        "total_price": total,
        "subtotal_price": total,
        "financial_status": financial_status,
        "cancelled_at": cancelled_at,
        "cancel_reason": "customer" if cancelled_at else None,
        "browser_ip": browser_ip,
        "landing_site": landing,
        "referring_site": "https://www.tiktok.com/",
        "discount_codes": [{"code": c, "amount": "10.00", "type": "percentage"} for c in codes],
        "note_attributes": [],
        "customer": {"id": 115310627314723954, "email": email},
        "refunds": [
            {
                "id": 900 + i,
                "order_id": order_id,
                "transactions": [
                    {"id": 1000 + i, "kind": "refund", "status": "success", "amount": amount, "currency": currency}
                ],
            }
            for i, amount in enumerate(refunds)
        ],
    }


def shopify_request(order: dict[str, Any], *, secret: str, topic: str = "orders/create",
                    event_id: str | None = None) -> tuple[bytes, dict[str, str]]:  # fmt: skip
    body = json.dumps(order).encode()
    headers = {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_HMAC_SHA256": b64_hmac(secret, body),
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": "glow-test.myshopify.com",
        "HTTP_X_SHOPIFY_API_VERSION": "2025-10",
        "HTTP_X_SHOPIFY_WEBHOOK_ID": str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_EVENT_ID": event_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_TRIGGERED_AT": "2026-11-20T15:00:01.000Z",
    }
    return body, headers


def woocommerce_order(*, order_id: int = 727, total: str = "59.90", currency: str = "EUR",
                      created_gmt: str = "2026-11-20T15:00:00", status: str = "processing",
                      codes: tuple[str, ...] = (), click_id: uuid.UUID | None = None, ip: str = "198.51.100.4",
                      email: str = "ana@example.com", refunds: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    return {
        "id": order_id,
        "number": str(order_id),
        "status": status,
        "currency": currency,
        "date_created": created_gmt,
        "date_created_gmt": created_gmt,
        "date_modified_gmt": created_gmt,
        "total": total,
        "customer_ip_address": ip,
        "billing": {"first_name": "Ana", "email": email},
        "coupon_lines": [{"id": 1, "code": c.lower(), "discount": "5.00"} for c in codes],
        "meta_data": [{"id": 3, "key": "cd_click", "value": click_id.hex}] if click_id else [],
        "refunds": [{"id": 80 + i, "reason": "", "total": f"-{amount}"} for i, amount in enumerate(refunds)],
    }


def woocommerce_request(order: dict[str, Any], *, secret: str, topic: str = "order.created",
                        delivery_id: str | None = None) -> tuple[bytes, dict[str, str]]:  # fmt: skip
    body = json.dumps(order).encode()
    resource, event = topic.split(".")
    headers = {
        "HTTP_X_WC_WEBHOOK_SOURCE": "https://shop.glow.test/",
        "HTTP_X_WC_WEBHOOK_TOPIC": topic,
        "HTTP_X_WC_WEBHOOK_RESOURCE": resource,
        "HTTP_X_WC_WEBHOOK_EVENT": event,
        "HTTP_X_WC_WEBHOOK_SIGNATURE": b64_hmac(secret, body),
        "HTTP_X_WC_WEBHOOK_ID": "12",
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": delivery_id or uuid.uuid4().hex,
    }
    return body, headers
