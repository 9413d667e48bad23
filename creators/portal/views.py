from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from creators.models import Creator
from creators.portal.access import grants_for_creator
from creators.portal.guards import portal_view


@portal_view
def portal_home(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    return render(request, "creators/portal_home.html", {"creator": creator})


@portal_view
def portal_profile(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    grants = list(grants_for_creator(user=request.user))  # type: ignore[arg-type]
    context = {
        "creator": creator,
        "grants": grants,
        "is_proven": creator is not None and creator.user_id == request.user.pk,
    }
    return render(request, "creators/portal_profile.html", context)
