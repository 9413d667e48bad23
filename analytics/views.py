from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.access import dashboard_view


@dashboard_view()
def report_list(request: HttpRequest) -> HttpResponse:
    # Reports moved to the reports app (a layer above): the old address leads to its program view.
    return redirect("reports:program")
