"""The top bar's search: suggestions while typing (an htmx partial) and the full results page (Enter
without a suggestion chosen)."""

from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import WorkspaceRequest, dashboard_view
from campaigns.search.selectors import MIN_QUERY_LENGTH, PAGE_LIMIT, SUGGESTION_LIMIT, search_workspace


@dashboard_view()
def search_suggestions(request: WorkspaceRequest) -> HttpResponse:
    results = search_workspace(workspace=request.workspace, query=request.GET.get("q", ""), limit=SUGGESTION_LIMIT)
    return render(request, "campaigns/_search_suggestions.html", {"results": results})


@dashboard_view()
def search_page(request: WorkspaceRequest) -> HttpResponse:
    results = search_workspace(workspace=request.workspace, query=request.GET.get("q", ""), limit=PAGE_LIMIT)
    context = {"results": results, "min_length": MIN_QUERY_LENGTH, "limit": PAGE_LIMIT}
    return render(request, "campaigns/search_results.html", context)
