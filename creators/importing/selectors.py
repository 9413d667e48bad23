"""Reads for the import pages: a workspace's import jobs, scoped and without the heavy columns."""

from django.db.models import JSONField, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import Workspace
from creators.models import ImportJob


def list_import_jobs(*, workspace: Workspace) -> QuerySet[ImportJob]:
    # The rejects list can hold 10,000 rows: never load it for a list.
    return (
        ImportJob.objects.filter(workspace=workspace)
        .defer("rejects", "mapping")
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def import_jobs_with_rejects_preview(*, workspace: Workspace, rejects: int = 100) -> QuerySet[ImportJob]:
    """Jobs with only their first `rejects` rejects (`rejects_preview`), sliced by PostgreSQL, so a
    page polled every second does not read the whole list."""
    return (
        ImportJob.objects.filter(workspace=workspace)
        .defer("rejects")
        .select_related("created_by")
        .annotate(
            rejects_preview=RawSQL(
                "jsonb_path_query_array(creators_importjob.rejects, %s::jsonpath)",
                (f"$[0 to {max(rejects, 1) - 1}]",),
                output_field=JSONField(),
            )
        )
    )
