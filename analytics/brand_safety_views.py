"""The workspace's must-avoid terms and the hits the scans found: add and remove terms (a scan runs
after each change), read the hits, export them as CSV for the vetting file."""

from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from analytics.forms import BrandSafetyTermForm
from analytics.tasks import scan_brand_safety_task
from core.csv_export import csv_lines
from core.errors import ApplicationError
from core.forms import add_form_errors
from creators.models import BrandSafetyHit, BrandSafetyTerm
from creators.workspace.brand_safety import add_brand_safety_term, remove_brand_safety_term

HITS_PER_PAGE = 50


def _hits(workspace: Workspace) -> QuerySet[BrandSafetyHit]:
    return (
        BrandSafetyHit.objects.filter(workspace=workspace)
        .select_related("creator", "video")
        .order_by("-found_at", "creator__handle", "id")
    )


@dashboard_view()
def brand_safety(request: WorkspaceRequest) -> HttpResponse:
    form = BrandSafetyTermForm()
    status = 200
    if request.method == "POST":
        form = BrandSafetyTermForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    term = add_brand_safety_term(
                        workspace=request.workspace, term=form.cleaned_data["term"], by=request.user
                    )
                    scan_brand_safety_task.delay_on_commit(request.workspace.pk)
                messages.success(request, f"“{term.term}” added. Recent videos are being scanned for it.")
                return redirect("analytics-creators:brand-safety")
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    page = Paginator(_hits(request.workspace), HITS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "terms": BrandSafetyTerm.objects.filter(workspace=request.workspace).select_related("created_by"),
        "page": page,
        "hit_count": page.paginator.count,
        "can_write": can_write(request),
    }
    return render(request, "analytics/brand_safety.html", context, status=status)


@require_POST
@dashboard_view()
def brand_safety_term_delete(request: WorkspaceRequest, brand_safety_term_pk: int) -> HttpResponse:
    term = get_object_or_404(BrandSafetyTerm.objects.filter(workspace=request.workspace), pk=brand_safety_term_pk)
    with transaction.atomic():
        remove_brand_safety_term(term=term, by=request.user)
        scan_brand_safety_task.delay_on_commit(request.workspace.pk)
    messages.success(request, f"“{term.term}” removed, with its hits.")
    return redirect("analytics-creators:brand-safety")


@dashboard_view()
def brand_safety_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    header = ["creator", "profile", "term", "field", "excerpt", "video", "posted_at", "found_at"]
    workspace = request.workspace

    def lines() -> Iterator[str]:
        # Streamed after the view returned, so after the middleware left the workspace scope: re-enter it.
        with workspace_scope(workspace):
            rows = (
                (
                    f"@{hit.creator.handle}",
                    hit.creator.profile_url,
                    hit.term,
                    hit.field,
                    hit.excerpt,
                    hit.video.share_url,
                    hit.video.posted_at.isoformat() if hit.video.posted_at else "",
                    hit.found_at.isoformat(),
                )
                for hit in _hits(workspace).iterator(chunk_size=2000)
            )
            yield from csv_lines(header, rows)

    stamp = timezone.now().strftime("%Y%m%d")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="brand-safety-{request.workspace.slug}-{stamp}.csv"'
    return response
