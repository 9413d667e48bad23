"""Order bodies as stores send them (Shopify, WooCommerce, the generic JSON format), read into one
`ParsedOrder`. Pure: no database; `OrderFormatError` names what is wrong. Called only after the
signature was checked (`analytics.orders.webhooks`).

Formats (docs/metrics.md, "Orders and attribution"):
- Shopify order webhooks (`orders/create`, `orders/updated`, `orders/paid`, `orders/cancelled`): the
  REST order resource: `id`, `name`, `created_at`, `updated_at`, `currency`, `total_price`,
  `financial_status`, `cancelled_at`, `discount_codes[].code`, `landing_site`, `note_attributes[]`,
  `browser_ip`, `email`, `refunds[].transactions[]`.
- WooCommerce order webhooks (`order.created`, `order.updated`): `id`, `number`, `status`, `currency`,
  `date_created_gmt`, `date_modified_gmt`, `total`, `customer_ip_address`, `billing.email`,
  `coupon_lines[].code`, `meta_data[]`, `refunds[].total` (negative amounts).
- Generic: `order_id`, `placed_at`, `total`, `currency`, optional `status`, `refunded`, `promo_codes`,
  `cd_click`, `customer_email`, `customer_ip`, `updated_at`.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlsplit

CLICK_PARAM = "cd_click"
PAID = "paid"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"
CANCELLED = "cancelled"
STATUSES = (PAID, PARTIALLY_REFUNDED, REFUNDED, CANCELLED)
MAX_AMOUNT = Decimal("999999999999.99")  # Order.total: 14 digits, 2 decimals


class OrderFormatError(ValueError):
    pass


class NotAnOrder(Exception):
    pass


@dataclass(frozen=True)
class ParsedOrder:
    external_id: str
    placed_at: dt.datetime
    total: Decimal
    currency: str
    status: str = PAID
    refunded: Decimal = Decimal(0)
    name: str = ""
    updated_at: dt.datetime | None = None
    promo_codes: tuple[str, ...] = ()
    click_id: uuid.UUID | None = None
    ip: str = ""
    email: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def parse_time(value: object, *, naive_is_utc: bool = False, name: str = "time") -> dt.datetime:
    """An ISO 8601 moment, returned in UTC. A naive value is refused unless the format says it is UTC
    (WooCommerce's `*_gmt` fields), since guessing a zone would move orders across days."""
    if not isinstance(value, str) or not value:
        raise OrderFormatError(f"{name} is missing.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise OrderFormatError(f"{name} is not an ISO 8601 time: {value[:40]!r}.") from exc
    if moment.tzinfo is None:
        if not naive_is_utc:
            raise OrderFormatError(f"{name} has no time zone offset: {value[:40]!r}.")
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def parse_amount(value: object, *, name: str = "amount") -> Decimal:
    if isinstance(value, float):
        value = repr(value)  # JSON numbers: keep the written digits, never a binary float
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise OrderFormatError(f"{name} is not a number: {str(value)[:40]!r}.") from exc
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise OrderFormatError(f"{name} is out of range.")
    return amount.quantize(Decimal("0.01"))


def parse_currency(value: object) -> str:
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise OrderFormatError(f"currency must be a 3-letter ISO 4217 code, got {str(value)[:10]!r}.")
    return code


def parse_click_id(value: object) -> uuid.UUID | None:
    """A click id as the redirect appends it (32 hex digits) or with dashes; None when absent or bad:
    a mangled id only costs the order its click match, never the order."""
    if not value:
        return None
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def click_id_from_url(url: object) -> uuid.UUID | None:
    if not isinstance(url, str) or CLICK_PARAM not in url:
        return None
    for key, value in parse_qsl(urlsplit(url).query):
        if key == CLICK_PARAM:
            return parse_click_id(value)
    return None


def clean_codes(codes: object) -> tuple[str, ...]:
    if not isinstance(codes, list):
        return ()
    return tuple(sorted({str(c).strip().upper()[:40] for c in codes if str(c).strip()}))


def _status(*, total: Decimal, refunded: Decimal, cancelled: bool) -> str:
    if cancelled:
        return CANCELLED
    if refunded >= total and refunded > 0:
        return REFUNDED
    if refunded > 0:
        return PARTIALLY_REFUNDED
    return PAID


def _load(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OrderFormatError("The body is not JSON.") from exc
    if not isinstance(data, dict):
        raise OrderFormatError("The body is not a JSON object.")
    return data


def _checked(order: ParsedOrder) -> ParsedOrder:
    if not order.external_id or len(order.external_id) > 100:
        raise OrderFormatError("The order id is missing or longer than 100 characters.")
    if order.total < 0 or order.refunded < 0:
        raise OrderFormatError("Amounts cannot be negative.")
    if order.refunded > order.total:
        raise OrderFormatError("The refunded amount is larger than the total.")
    return order


def parse_shopify(body: bytes, *, topic: str = "") -> ParsedOrder:
    if topic and not topic.startswith("orders/"):
        raise NotAnOrder(topic)
    data = _load(body)
    total = parse_amount(data.get("total_price"), name="total_price")
    refunded = Decimal(0)
    for refund in data.get("refunds") or []:
        for transaction in (refund or {}).get("transactions") or []:
            if transaction.get("kind") == "refund" and transaction.get("status", "success") == "success":
                refunded += parse_amount(transaction.get("amount"), name="refund amount")
    if data.get("financial_status") == "refunded" and refunded == 0:
        refunded = total
    refunded = min(refunded, total)
    notes = {str(n.get("name")): n.get("value") for n in data.get("note_attributes") or [] if isinstance(n, dict)}
    click_id = parse_click_id(notes.get(CLICK_PARAM)) or click_id_from_url(data.get("landing_site"))
    customer = data.get("customer") or {}
    client = data.get("client_details") or {}
    return _checked(
        ParsedOrder(
            external_id=str(data.get("id") or ""),
            name=str(data.get("name") or "")[:100],
            placed_at=parse_time(data.get("created_at"), name="created_at"),
            updated_at=parse_time(data["updated_at"], name="updated_at") if data.get("updated_at") else None,
            total=total,
            currency=parse_currency(data.get("currency")),
            refunded=refunded,
            status=_status(
                total=total,
                refunded=refunded,
                cancelled=bool(data.get("cancelled_at")) or data.get("financial_status") == "voided",
            ),
            promo_codes=clean_codes([d.get("code") for d in data.get("discount_codes") or [] if isinstance(d, dict)]),
            click_id=click_id,
            ip=str(data.get("browser_ip") or client.get("browser_ip") or ""),
            email=str(data.get("email") or data.get("contact_email") or customer.get("email") or ""),
        )
    )


# WooCommerce statuses that are not (yet) a sale: nothing to attribute until the order is paid.
WOO_NOT_SALES = {"pending", "failed", "checkout-draft", "draft", "trash"}


def parse_woocommerce(body: bytes, *, topic: str = "") -> ParsedOrder:
    if topic and not topic.startswith("order."):
        raise NotAnOrder(topic)
    if body.startswith(b"webhook_id="):  # the ping WooCommerce sends when a webhook is saved
        raise NotAnOrder("ping")
    data = _load(body)
    status = str(data.get("status") or "")
    if status in WOO_NOT_SALES:
        raise NotAnOrder(f"status {status}")
    total = parse_amount(data.get("total"), name="total")
    refunded = sum((abs(parse_amount(r.get("total"), name="refund total")) for r in data.get("refunds") or []),
                   Decimal(0))  # fmt: skip
    if status == "refunded" and refunded == 0:
        refunded = total
    refunded = min(refunded, total)
    meta = {str(m.get("key")): m.get("value") for m in data.get("meta_data") or [] if isinstance(m, dict)}
    billing = data.get("billing") or {}
    return _checked(
        ParsedOrder(
            external_id=str(data.get("id") or ""),
            name=str(data.get("number") or "")[:100],
            placed_at=parse_time(data.get("date_created_gmt"), naive_is_utc=True, name="date_created_gmt"),
            updated_at=(
                parse_time(data["date_modified_gmt"], naive_is_utc=True, name="date_modified_gmt")
                if data.get("date_modified_gmt")
                else None
            ),
            total=total,
            currency=parse_currency(data.get("currency")),
            refunded=refunded,
            status=_status(total=total, refunded=refunded, cancelled=status == "cancelled"),
            promo_codes=clean_codes([c.get("code") for c in data.get("coupon_lines") or [] if isinstance(c, dict)]),
            click_id=parse_click_id(meta.get(CLICK_PARAM)) or parse_click_id(meta.get(f"_{CLICK_PARAM}")),
            ip=str(data.get("customer_ip_address") or ""),
            email=str(billing.get("email") or ""),
        )
    )


def parse_generic_data(data: dict[str, Any]) -> ParsedOrder:
    total = parse_amount(data.get("total"), name="total")
    refunded = parse_amount(data.get("refunded") or "0", name="refunded")
    status = str(data.get("status") or "").strip().lower()
    if status and status not in STATUSES:
        raise OrderFormatError(f"status must be one of {', '.join(STATUSES)}.")
    if status == REFUNDED and refunded == 0:
        refunded = total
    computed = _status(total=total, refunded=refunded, cancelled=status == CANCELLED)
    codes = data.get("promo_codes")
    if isinstance(codes, str):
        codes = [c for c in codes.replace(";", ",").split(",")]
    return _checked(
        ParsedOrder(
            external_id=str(data.get("order_id") or "").strip(),
            name=str(data.get("name") or "")[:100],
            placed_at=parse_time(data.get("placed_at"), name="placed_at"),
            updated_at=parse_time(data["updated_at"], name="updated_at") if data.get("updated_at") else None,
            total=total,
            currency=parse_currency(data.get("currency")),
            refunded=refunded,
            status=computed,
            promo_codes=clean_codes(codes),
            click_id=parse_click_id(data.get(CLICK_PARAM)),
            ip=str(data.get("customer_ip") or ""),
            email=str(data.get("customer_email") or ""),
        )
    )


def parse_generic(body: bytes, *, topic: str = "") -> ParsedOrder:
    return parse_generic_data(_load(body))


PARSERS = {"shopify": parse_shopify, "woocommerce": parse_woocommerce, "generic": parse_generic}


def parse(kind: str, body: bytes, *, topic: str = "") -> ParsedOrder:
    return PARSERS[kind](body, topic=topic)
