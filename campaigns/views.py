from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import dashboard_view


@dashboard_view()
def campaign_list(request: HttpRequest) -> HttpResponse:
    # Campaign models arrive with the campaigns issue; until then the page says what to do first.
    return render(request, "campaigns/campaign_list.html")
