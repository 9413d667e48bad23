"""The fragment the creator profile page (creators app) loads from analytics with htmx: the sync status
with "Refresh now". Kept here because it reads analytics' data; the lower app only embeds its URL.
"Why this score" is the scoring package's panel."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from analytics.metrics import services as sync
from core.errors import ApplicationError
from creators.models import Creator


def _sync_fragment(request: WorkspaceRequest, creator: Creator, error: str = "") -> HttpResponse:
    context = {
        "creator": creator,
        "can_refresh": sync.has_provider(creator),
        "can_write": can_write(request),
        "refresh_error": error,
    }
    return render(request, "analytics/_sync_status.html", context)


@dashboard_view()
def creator_sync_status(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    return _sync_fragment(request, get_object_or_404(Creator, pk=creator_pk))


@require_POST
@dashboard_view()
def creator_refresh(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    try:
        sync.request_refresh(creator=creator, workspace=request.workspace, by=request.user)
    except ApplicationError as exc:
        return _sync_fragment(request, creator, error=exc.message)
    creator.refresh_from_db()
    return _sync_fragment(request, creator)
