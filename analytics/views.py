from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import dashboard_view


@dashboard_view()
def report_list(request: HttpRequest) -> HttpResponse:
    # Reports read campaign rollups, which arrive with the tracking issue.
    return render(request, "analytics/report_list.html")
