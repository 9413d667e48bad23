from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import dashboard_view
from creators import selectors


@dashboard_view()
def overview_panel(request: HttpRequest) -> HttpResponse:
    """The creator-index panel of the dashboard overview, loaded by htmx."""
    summary = selectors.index_summary()
    top_creators = selectors.list_creators()[:8]
    return render(request, "creators/overview_panel.html", {"summary": summary, "top_creators": top_creators})
