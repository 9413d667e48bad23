"""Daily figures follow the workspace's time zone: a click at 23:30 UTC is on the next day in Tokyo.

When an owner changes the zone (workspace settings, in accounts, which cannot call up into analytics),
the days already counted belong to the old zone. `recount_changed_zones` (a periodic task) finds the
workspaces whose zone differs from the one their figures were counted in (`ReportingZone`) and counts
them again: every click rollup from the click events, every order's attribution and its rollups.
Idempotent: a workspace recounted in its current zone is not found again; one whose zone changes again
meanwhile is recounted on the next run."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Workspace
from accounts.tenancy import all_workspaces_unscoped
from analytics.models import ClickDailyRollup, ClickEvent, ReportingZone
from analytics.orders import services as order_services
from analytics.tracking import click_ingest


def workspaces_with_a_new_zone() -> list[tuple[int, str]]:
    """Dangerous: crosses workspaces (the periodic task). (workspace id, its zone now) of every workspace
    whose figures were counted in another zone, or never recorded."""
    with all_workspaces_unscoped():
        counted = dict(ReportingZone.objects.values_list("workspace_id", "time_zone"))
        return [
            (pk, zone)
            for pk, zone in Workspace.objects.order_by("pk").values_list("pk", "time_zone")
            if counted.get(pk) != zone
        ]


def recount_clicks(*, workspace_id: int, time_zone: str) -> int:
    """Replace the workspace's click rollups by a count of its click events in `time_zone`'s days, in one
    transaction (reports read either the old days or the new ones). Returns the rows written."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {ClickDailyRollup._meta.db_table} WHERE workspace_id = %s",  # noqa: S608 - model table
            [workspace_id],
        )
        cursor.execute(
            f"SELECT DISTINCT link_id, (clicked_at AT TIME ZONE %s)::date "  # noqa: S608 - model table
            f"FROM {ClickEvent._meta.db_table} WHERE workspace_id = %s",
            [time_zone, workspace_id],
        )
        pairs = {(link_id, day) for link_id, day in cursor.fetchall()}
        return click_ingest.recompute_rollups(pairs, {link_id: time_zone for link_id, _day in pairs})


def recount_changed_zones() -> int:
    """Count again the figures of every workspace whose zone changed; returns how many were recounted."""
    recounted = 0
    for workspace_id, time_zone in workspaces_with_a_new_zone():
        recount_clicks(workspace_id=workspace_id, time_zone=time_zone)
        order_services.reattribute_workspace(workspace_id=workspace_id)  # attribution days follow the zone
        ReportingZone.objects.update_or_create(
            workspace_id=workspace_id, defaults={"time_zone": time_zone, "counted_at": timezone.now()}
        )
        recounted += 1
    return recounted
