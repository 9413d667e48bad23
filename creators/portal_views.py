from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from creators.models import Creator
from creators.portal import portal_view


@portal_view
def portal_home(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    return render(request, "creators/portal_home.html", {"creator": creator})


@portal_view
def portal_profile(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    return render(request, "creators/portal_profile.html", {"creator": creator})
