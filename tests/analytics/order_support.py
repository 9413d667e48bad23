"""Builders shared by tests/analytics/test_orders_*.py and test_attribution_*.py."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django_scopes import scopes_disabled

from analytics.models import ClickEvent, OrderSource, PromoCode
from analytics.tracking.redirect import hash_ip
from tests.analytics.tracking_support import contracted, make_link

SECRET = "shpss_0123456789abcdef0123456789abcdef"


def source(workspace, *, kind: str = "shopify", secret: str = SECRET, name: str | None = None) -> OrderSource:
    with scopes_disabled():
        return OrderSource.objects.create(workspace=workspace, name=name or kind, kind=kind, webhook_secret=secret)


def click(link, *, at: dt.datetime, ip: str = "203.0.113.7", verdict: str = "human", click_id=None) -> ClickEvent:
    with scopes_disabled():
        return ClickEvent.objects.create(
            workspace_id=link.workspace_id, link=link, click_id=click_id or uuid.uuid4(), clicked_at=at,
            ip_hash=hash_ip(ip), verdict=verdict,
        )  # fmt: skip


def code(collaboration, value: str) -> PromoCode:
    with scopes_disabled():
        return PromoCode.objects.create(
            workspace_id=collaboration.workspace_id, collaboration=collaboration, code=value
        )


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


__all__ = ["SECRET", "click", "code", "contracted", "make_link", "source", "timezone", "utc"]
