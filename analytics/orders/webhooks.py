"""The public order webhook `/hooks/orders/<workspace slug>/`: check the signature over the raw body,
store the delivery, hand it to a worker, answer. Nothing is parsed before the signature matched.

Which store sent it follows from its signature header:
- Shopify: `X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the body; event id `X-Shopify-Event-Id`
  (or `X-Shopify-Webhook-Id`), topic `X-Shopify-Topic`.
- WooCommerce: `X-WC-Webhook-Signature`, base64 HMAC-SHA256 of the body; event id
  `X-WC-Webhook-Delivery-ID`, topic `X-WC-Webhook-Topic`.
- generic: `X-CreatorDesk-Signature: sha256=<hex HMAC-SHA256 of the body>`, event id
  `X-CreatorDesk-Event-Id`.
Without an event id the body's SHA-256 stands in, so a byte-identical retry is still one delivery.

Per request: one SELECT of the workspace's sources, one INSERT ... ON CONFLICT DO NOTHING; the order
itself is written by `process_order_delivery_task`."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import structlog
from django.core.exceptions import RequestDataTooBig
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from analytics.models import OrderSource, WebhookDelivery
from analytics.tasks import process_order_delivery_task

logger = structlog.get_logger(__name__)

SHOPIFY, WOOCOMMERCE, GENERIC = "shopify", "woocommerce", "generic"  # OrderSource.Kind values
SIGNATURE_HEADER: dict[str, str] = {
    SHOPIFY: "HTTP_X_SHOPIFY_HMAC_SHA256",
    WOOCOMMERCE: "HTTP_X_WC_WEBHOOK_SIGNATURE",
    GENERIC: "HTTP_X_CREATORDESK_SIGNATURE",
}
EVENT_HEADERS: dict[str, tuple[str, ...]] = {
    SHOPIFY: ("HTTP_X_SHOPIFY_EVENT_ID", "HTTP_X_SHOPIFY_WEBHOOK_ID"),
    WOOCOMMERCE: ("HTTP_X_WC_WEBHOOK_DELIVERY_ID",),
    GENERIC: ("HTTP_X_CREATORDESK_EVENT_ID",),
}
TOPIC_HEADER: dict[str, str] = {SHOPIFY: "HTTP_X_SHOPIFY_TOPIC", WOOCOMMERCE: "HTTP_X_WC_WEBHOOK_TOPIC", GENERIC: ""}
EVENT_ID_MAX_CHARS = 200


def sign(kind: str, secret: str, body: bytes) -> str:
    """The signature header's value a store computes for `body` (tests' fakes use it too)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if kind == GENERIC:
        return "sha256=" + digest.hex()
    return base64.b64encode(digest).decode()


def _kind(meta: dict[str, Any]) -> str | None:
    for kind, header in SIGNATURE_HEADER.items():
        if meta.get(header):
            return str(kind)
    return None


def _matching_source(sources: list[OrderSource], kind: str, given: str, body: bytes) -> OrderSource | None:
    """The source whose secret signed the body, compared in constant time; every source is tried so the
    time does not depend on which one matched."""
    found = None
    for source in sources:
        if hmac.compare_digest(sign(kind, source.webhook_secret, body).encode(), given.encode()) and found is None:
            found = source
    return found


@dataclass(frozen=True)
class Intake:
    status: int
    outcome: str  # "accepted", "duplicate", "rejected"
    delivery_id: int | None = None


def receive_order_webhook(*, workspace_slug: str, meta: dict[str, Any], body: bytes) -> Intake:
    """Verify, then store the delivery once and enqueue its processing after commit. A bad or missing
    signature, an unknown workspace or an inactive source all answer 401 and write nothing."""
    kind = _kind(meta)
    if kind is None:
        return Intake(status=401, outcome="rejected")
    sources = list(
        # Public request: no workspace scope yet; the signature is the credential.
        OrderSource.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(workspace__slug=workspace_slug, kind=kind, is_active=True)
        .order_by("pk")
    )
    source = _matching_source(sources, kind, str(meta.get(SIGNATURE_HEADER[kind], "")).strip(), body)
    if source is None:
        return Intake(status=401, outcome="rejected")
    body_sha = hashlib.sha256(body).hexdigest()
    event_id = next((str(meta[h]).strip() for h in EVENT_HEADERS[kind] if str(meta.get(h, "")).strip()), "")
    event_id = event_id[:EVENT_ID_MAX_CHARS] or f"sha256:{body_sha}"
    topic = str(meta.get(TOPIC_HEADER[kind], ""))[:100] if TOPIC_HEADER[kind] else ""
    now = timezone.now()
    table = WebhookDelivery._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (workspace_id, source_id, event_id, topic, received_at, body, body_sha256,
                                         status, error, created_at, updated_at)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, 'received', '', %s, %s)
                    ON CONFLICT (source_id, event_id) DO NOTHING RETURNING id""",  # noqa: S608 - our table name
                [source.workspace_id, source.pk, event_id, topic, now, body, body_sha, now, now],
            )
            row = cursor.fetchone()
        if row is None:
            return Intake(status=200, outcome="duplicate")
        OrderSource.objects.with_scopes_disabled().filter(pk=source.pk).update(last_delivery_at=now)  # type: ignore[attr-defined]
        process_order_delivery_task.delay_on_commit(row[0])
    return Intake(status=200, outcome="accepted", delivery_id=row[0])


@csrf_exempt  # a machine posts here; the HMAC over the body is the credential
def order_webhook(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"error": {"code": "too_large", "message": "The body is too large."}}, status=413)
    result = receive_order_webhook(workspace_slug=workspace_slug, meta=request.META, body=body)
    if result.status == 401:
        logger.info("order_webhook_rejected", workspace=workspace_slug[:60])
        return JsonResponse({"error": {"code": "bad_signature", "message": "Signature missing or wrong."}}, status=401)
    return JsonResponse({"status": result.outcome})
