"""The content library page: approved content, filterable by creator, campaign and the rights it
carries, with what expires soon called out first."""

from collections import Counter

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import WorkspaceRequest, dashboard_view
from briefs.library.selectors import LibraryFilters, content_library
from briefs.library.usage_rights import EXPIRY_WARNING_DAYS, RightsStatus
from campaigns.models import Campaign

PAGE_SIZE = 50


def _filters(request: WorkspaceRequest) -> LibraryFilters:
    campaign = request.GET.get("campaign", "")
    status = request.GET.get("status", "")
    return LibraryFilters(
        campaign_id=int(campaign) if campaign.isdigit() else None,
        creator_query=request.GET.get("creator", "")[:64],
        platform=request.GET.get("platform", "")[:40].strip(),
        paid_ads=request.GET.get("paid_ads") == "1",
        status=status if status in {s.value for s in RightsStatus} else "",
    )


@dashboard_view()
def content_library_page(request: WorkspaceRequest) -> HttpResponse:
    filters = _filters(request)
    items = content_library(workspace=request.workspace, filters=filters)
    everything = (
        content_library(workspace=request.workspace, filters=LibraryFilters()) if filters != LibraryFilters() else items
    )
    counts = Counter(item.rights_status for item in everything)
    spark_expiring = sum(1 for item in everything if item.spark_status == RightsStatus.EXPIRING)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "total": len(everything),
        "counts": {status.value: counts.get(status, 0) for status in RightsStatus},
        "spark_expiring": spark_expiring,
        "warning_days": EXPIRY_WARNING_DAYS,
        "campaigns": Campaign.objects.filter(workspace=request.workspace).order_by("name").only("pk", "name"),
        "statuses": [(s.value, s.value.capitalize()) for s in RightsStatus if s != RightsStatus.NONE]
        + [(RightsStatus.NONE.value, "No signed rights")],
        "query": query.urlencode(),
    }
    return render(request, "briefs/content_library.html", context)
