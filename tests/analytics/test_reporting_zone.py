"""An owner's new time zone moves every day boundary: the recount task counts the days again."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts import services as accounts_services
from accounts.tenancy import workspace_scope
from analytics import reporting_zone
from analytics.models import AttributionDailyRollup, ClickDailyRollup, Order, ReportingZone
from analytics.orders.attribution import reattribute
from analytics.tasks import recount_changed_zones_task
from analytics.tracking import click_ingest
from analytics.tracking.redirect import hash_ip
from tests.analytics.order_support import click, make_link

pytestmark = pytest.mark.django_db

# 23:30 UTC on the 20th is 08:30 on the 21st in Tokyo.
LATE = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
MORNING = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # 18:00 on the 20th in Tokyo


def update_workspace(*, workspace, by, name, time_zone):
    with workspace_scope(workspace):  # as the settings page runs it
        accounts_services.update_workspace(workspace=workspace, by=by, name=name, time_zone=time_zone)


def _click_days(link):
    with scopes_disabled():
        return dict(ClickDailyRollup.objects.filter(link=link).values_list("day", "total"))


def _order_days(workspace):
    with scopes_disabled():
        return dict(AttributionDailyRollup.objects.filter(workspace=workspace, rule="last_click")
                    .values_list("day", "orders"))  # fmt: skip


@pytest.fixture
def counted_in_utc(workspace, manager):
    """A link with two clicks and an order credited to it, all counted in UTC days, as it is recorded."""
    link = make_link(workspace, manager)
    clicks = [click(link, at=MORNING, ip="10.0.0.1"), click(link, at=LATE - dt.timedelta(minutes=5), ip="10.0.0.9")]
    click_ingest.recompute_rollups({(link.pk, c.clicked_at.date()) for c in clicks}, {link.pk: "UTC"})
    with scopes_disabled():
        order = Order.objects.create(
            workspace=workspace, external_id="late-1", placed_at=LATE, total=Money("40.00", "USD"),
            refunded=Money("0.00", "USD"), ip_hash=hash_ip("10.0.0.9"),
        )  # fmt: skip
        reattribute([order.pk], workspace_ids=[workspace.pk])
        ReportingZone.objects.create(workspace=workspace, time_zone="UTC", counted_at=MORNING)
    return link


def test_after_a_zone_change_clicks_and_orders_are_counted_in_the_new_days(workspace, owner, counted_in_utc):
    link = counted_in_utc
    assert _click_days(link) == {dt.date(2026, 11, 20): 2}
    assert _order_days(workspace) == {dt.date(2026, 11, 20): 1}

    update_workspace(workspace=workspace, by=owner, name=workspace.name, time_zone="Asia/Tokyo")
    assert _click_days(link) == {dt.date(2026, 11, 20): 2}  # nothing moves until the task runs

    assert recount_changed_zones_task() == 1

    assert _click_days(link) == {dt.date(2026, 11, 20): 1, dt.date(2026, 11, 21): 1}
    assert _order_days(workspace) == {dt.date(2026, 11, 21): 1}
    with scopes_disabled():
        assert ReportingZone.objects.get(workspace=workspace).time_zone == "Asia/Tokyo"


def test_a_recounted_workspace_is_left_alone_until_its_zone_changes_again(workspace, owner, counted_in_utc):
    assert recount_changed_zones_task() == 0  # counted in its zone already

    update_workspace(workspace=workspace, by=owner, name=workspace.name, time_zone="America/Los_Angeles")
    assert recount_changed_zones_task() == 1
    assert recount_changed_zones_task() == 0
    # 23:25 UTC is 15:25 in Los Angeles, 09:00 UTC is 01:00: both on the 20th.
    assert _click_days(counted_in_utc) == {dt.date(2026, 11, 20): 2}


def test_a_workspace_never_recorded_is_counted_once_in_its_zone(workspace, manager):
    link = make_link(workspace, manager)
    click(link, at=LATE, ip="10.0.0.1")
    with scopes_disabled():
        workspace.time_zone = "Asia/Tokyo"
        workspace.save(update_fields=["time_zone"])

    assert (workspace.pk, "Asia/Tokyo") in reporting_zone.workspaces_with_a_new_zone()
    recount_changed_zones_task()

    assert _click_days(link) == {dt.date(2026, 11, 21): 1}
    assert (workspace.pk, "Asia/Tokyo") not in reporting_zone.workspaces_with_a_new_zone()
