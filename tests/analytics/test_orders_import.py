"""Orders from CSV: the command and the service; bad rows named by line, nothing half-written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.models import Attribution, Order
from analytics.orders.csv_import import import_orders_csv
from analytics.orders.errors import OrderError
from tests.analytics.order_support import code, make_link

pytestmark = pytest.mark.django_db

CSV = (
    "order_id,placed_at,total,currency,status,refunded,promo_codes,cd_click,customer_email,customer_ip\n"
    "A-1,2026-11-20T10:00:00Z,120.00,USD,paid,,MAYA15-7KQ2,,a@example.com,203.0.113.9\n"
    "A-2,2026-11-20T11:00:00+01:00,80.50,USD,partially_refunded,20.50,,,b@example.com,\n"
    "A-3,yesterday,10.00,USD,,,,,,\n"
    "A-4,2026-11-20T12:00:00Z,10.00,US,,,,,,\n"
)


def _orders():
    with scopes_disabled():
        return dict(Order.objects.values_list("external_id", "total"))


def test_good_rows_are_imported_and_bad_rows_named_by_line(workspace, manager):
    link = make_link(workspace, manager)
    code(link.collaboration, "MAYA15-7KQ2")
    with workspace_scope(workspace):
        result = import_orders_csv(workspace=workspace, data=CSV.encode(), by=manager)
    assert (result.created, [line for line, _ in result.errors]) == (2, [4, 5])
    assert "placed_at" in result.errors[0][1] and "currency" in result.errors[1][1]
    assert _orders() == {"A-1": Decimal("120.00"), "A-2": Decimal("80.50")}
    with scopes_disabled():
        a2 = Order.objects.get(external_id="A-2")
        assert (a2.placed_at, a2.refunded.amount, a2.status) == (
            dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC),
            Decimal("20.50"),
            "partially_refunded",
        )
        assert Attribution.objects.filter(order__external_id="A-1", reason="promo_code").count() == 3


def test_importing_the_same_file_again_changes_nothing(workspace, manager):
    with workspace_scope(workspace):
        import_orders_csv(workspace=workspace, data=CSV.encode(), by=manager)
        again = import_orders_csv(workspace=workspace, data=CSV.encode(), by=manager)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(_orders()) == 2


def test_a_file_without_the_required_columns_is_refused_whole(workspace, manager):
    with workspace_scope(workspace), pytest.raises(OrderError, match="placed_at"):
        import_orders_csv(workspace=workspace, data=b"order_id,total,currency\nA-1,1.00,USD\n", by=manager)
    assert _orders() == {}


def test_an_analyst_cannot_import(workspace, analyst):
    from analytics.tracking.errors import TrackingPermissionError

    with workspace_scope(workspace), pytest.raises(TrackingPermissionError):
        import_orders_csv(workspace=workspace, data=CSV.encode(), by=analyst)
    assert _orders() == {}


def test_the_command_imports_and_reports_refused_lines(workspace, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(CSV)
    with pytest.raises(CommandError, match="2 row"):
        call_command("import_orders", str(path), "--workspace", workspace.slug)
    err = capsys.readouterr().err
    assert "line 4:" in err and "line 5:" in err
    assert set(_orders()) == {"A-1", "A-2"}
