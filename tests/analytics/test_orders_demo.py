"""The demo orders: links, codes, clicks and credited orders for the demo campaigns, once."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.demo.orders import ORDERS, load_demo_orders
from analytics.models import AttributionDailyRollup, ClickDailyRollup, Order, PromoCode, TrackingLink
from campaigns.pipeline import Stage
from tests.analytics.order_support import contracted

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def test_demo_orders_are_credited_and_a_second_run_adds_nothing(workspace, manager):
    first = contracted(workspace, handle="maya.glow")
    contracted(workspace, campaign=first.campaign, handle="lina", stage=Stage.LIVE)
    contracted(workspace, campaign=first.campaign, stage=Stage.INVITED)
    with workspace_scope(workspace):
        assert load_demo_orders(workspace=workspace, by=manager, now=NOW) == ORDERS
        assert load_demo_orders(workspace=workspace, by=manager, now=NOW) == 0
    with scopes_disabled():
        assert TrackingLink.objects.count() == 2 and PromoCode.objects.count() == 2
        assert Order.objects.count() == ORDERS
        assert set(Order.objects.values_list("status", flat=True)) == {"paid", "partially_refunded", "cancelled"}
        assert ClickDailyRollup.objects.exists()
        credited = AttributionDailyRollup.objects.filter(rule="last_click")
        assert sum(r.orders for r in credited) > ORDERS / 2
