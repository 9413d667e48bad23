from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from accounts.access import dashboard_view
from creators import selectors
from creators.models import Creator


@vary_on_headers("HX-Request")  # the partial and the full page must not share a cache entry
@dashboard_view()
def creator_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    page = Paginator(selectors.list_creators(search=search), 25).get_page(request.GET.get("page"))
    htmx = request.htmx  # type: ignore[attr-defined]
    is_partial = bool(htmx) and not htmx.history_restore_request
    template = "creators/creator_list.html#results" if is_partial else "creators/creator_list.html"
    return render(request, template, {"page": page, "search": search})


@dashboard_view()
def creator_detail(request: HttpRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    return render(request, "creators/creator_detail.html", {"creator": creator})


@dashboard_view()
def overview_panel(request: HttpRequest) -> HttpResponse:
    """The creator-index panel of the dashboard overview, loaded by htmx."""
    summary = selectors.index_summary()
    top_creators = selectors.list_creators()[:8]
    return render(request, "creators/overview_panel.html", {"summary": summary, "top_creators": top_creators})
