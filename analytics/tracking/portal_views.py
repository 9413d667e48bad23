"""The creator portal's "Your link and code" card, which the portal's collaboration page (campaigns, a
lower layer) loads with htmx. The collaboration is reached only through
`campaigns.portal.services.creator_collaborations`, so another creator's collaboration is a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from accounts.models import User
from analytics.tracking.creator_kit import HOW_TO_USE_CODE, HOW_TO_USE_LINK, kit_for
from campaigns.portal.services import creator_collaborations
from creators.models import Creator
from creators.portal.guards import portal_view


@portal_view
def collaboration_kit_card(request: HttpRequest, creator: Creator | None, collaboration_pk: int) -> HttpResponse:
    user = request.user
    collaboration = (
        creator_collaborations(user=user).select_related("campaign", "workspace").filter(pk=collaboration_pk).first()
        if isinstance(user, User)
        else None
    )
    if collaboration is None:  # before the method check: a 405 would confirm the collaboration exists
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context = {
        "collaboration": collaboration,
        "kit": kit_for(collaboration),
        "how_to_use_link": HOW_TO_USE_LINK,
        "how_to_use_code": HOW_TO_USE_CODE,
    }
    return render(request, "portal/_link_code_card.html", context)
