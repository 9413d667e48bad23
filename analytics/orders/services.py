"""Writes for the order side of a workspace: store connections (sources) and their webhook secrets,
and the attribution settings. Managers and owners only; one transaction each; an audit event each."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.services import record_audit_event
from analytics.models import AttributionRule, AttributionSettings, Order, OrderSource
from analytics.orders import attribution as order_attribution
from analytics.orders.attribution_rules import DEFAULT_WINDOW_DAYS
from analytics.orders.errors import OrderError, OrderErrorCode, OrderNotFoundError
from analytics.tracking.domains import require_manager
from core.queue import enqueue_on_commit

SECRET_BYTES = 32  # 256-bit webhook secrets when CreatorDesk generates them
SECRET_MIN_CHARS = 16
WINDOW_MAX_DAYS = 90


@dataclass(frozen=True)
class SourceWithSecret:
    """A source and its secret in clear, returned once: pages show it and never again."""

    source: OrderSource
    secret: str


def _clean_secret(secret: str) -> str:
    value = secret.strip()
    if not value:
        return secrets.token_urlsafe(SECRET_BYTES)
    if len(value) < SECRET_MIN_CHARS or len(value) > 500:
        raise OrderError(
            f"A webhook secret has {SECRET_MIN_CHARS} to 500 characters.",
            code=OrderErrorCode.INVALID,
            fields={"secret": [f"Use at least {SECRET_MIN_CHARS} characters, or leave blank to generate one."]},
        )
    return value


@transaction.atomic
def create_order_source(*, workspace: Workspace, by: User, name: str, kind: str, secret: str = "") -> SourceWithSecret:
    """A store connection. `secret` is the store's signing secret (Shopify shows its own); blank
    generates one to paste into the store (WooCommerce, generic)."""
    require_manager(workspace_id=workspace.pk, user=by)
    name = name.strip()
    if not name or len(name) > 100:
        raise OrderError("Name the store (up to 100 characters).", code=OrderErrorCode.INVALID,
                         fields={"name": ["Name the store (up to 100 characters)."]})  # fmt: skip
    if kind not in OrderSource.Kind.values:
        raise OrderError("Unknown store kind.", code=OrderErrorCode.INVALID, fields={"kind": ["Unknown store kind."]})
    if OrderSource.objects.filter(workspace=workspace, name=name).exists():
        raise OrderError(f"A store named {name} exists.", code=OrderErrorCode.NAME_TAKEN,
                         fields={"name": [f"A store named {name} exists."]})  # fmt: skip
    value = _clean_secret(secret)
    source = OrderSource.objects.create(workspace=workspace, name=name, kind=kind, webhook_secret=value, created_by=by)
    record_audit_event(workspace=workspace, actor=by, action="order_source.created", target=name, data={"kind": kind})
    return SourceWithSecret(source=source, secret=value)


@transaction.atomic
def rotate_order_source_secret(*, source: OrderSource, by: User, secret: str = "") -> SourceWithSecret:
    """A new secret; deliveries signed with the old one are refused from now on."""
    require_manager(workspace_id=source.workspace_id, user=by)
    locked = OrderSource.objects.select_for_update(of=("self",)).filter(pk=source.pk).first()
    if locked is None:
        raise OrderNotFoundError("This store does not exist.", code=OrderErrorCode.NOT_FOUND)
    value = _clean_secret(secret)
    locked.webhook_secret = value
    locked.secret_rotated_at = timezone.now()
    locked.save(update_fields=["webhook_secret", "secret_rotated_at", "updated_at"])
    record_audit_event(workspace=locked.workspace, actor=by, action="order_source.secret_rotated", target=locked.name)
    return SourceWithSecret(source=locked, secret=value)


def attribution_settings(*, workspace: Workspace) -> AttributionSettings:
    """The workspace's settings, or the defaults (unsaved) when it never changed them."""
    row = AttributionSettings.objects.filter(workspace=workspace).first()
    return row or AttributionSettings(
        workspace=workspace, rule=AttributionRule.LAST_CLICK, window_days=DEFAULT_WINDOW_DAYS
    )


@transaction.atomic
def update_attribution_settings(*, workspace: Workspace, by: User, rule: str, window_days: int) -> AttributionSettings:
    """Every rule is already stored for every order, so a new rule shows at once; a new window changes
    which clicks count, so every order is credited again (after commit, by a worker)."""
    require_manager(workspace_id=workspace.pk, user=by)
    if rule not in AttributionRule.values:
        raise OrderError("Unknown rule.", code=OrderErrorCode.INVALID, fields={"rule": ["Unknown rule."]})
    if not 1 <= window_days <= WINDOW_MAX_DAYS:
        message = f"The window is 1 to {WINDOW_MAX_DAYS} days."
        raise OrderError(message, code=OrderErrorCode.INVALID, fields={"window_days": [message]})
    row, _ = AttributionSettings.objects.select_for_update().get_or_create(workspace=workspace)
    window_changed = row.window_days != window_days
    row.rule, row.window_days = rule, window_days
    row.save(update_fields=["rule", "window_days", "updated_at"])
    record_audit_event(workspace=workspace, actor=by, action="attribution_settings.changed", target=rule,
                       data={"rule": rule, "window_days": window_days})  # fmt: skip
    if window_changed:
        enqueue_on_commit("analytics.tasks.reattribute_workspace_task", workspace.pk)
    return row


ORDER_CHUNK = 20_000  # orders per transaction when a whole workspace is credited again


def reattribute_workspace(*, workspace_id: int) -> int:
    """Credit every order of the workspace again, a chunk per transaction. Idempotent."""
    ids = list(
        Order.objects.with_scopes_disabled()
        .filter(workspace_id=workspace_id)
        .order_by("pk")
        .values_list("pk", flat=True)  # type: ignore[attr-defined]
    )
    for start in range(0, len(ids), ORDER_CHUNK):
        with transaction.atomic():
            order_attribution.reattribute(ids[start : start + ORDER_CHUNK], workspace_ids=[workspace_id])
    return len(ids)
