"""The creator portal's view of campaigns: the collaborations brands have invited this creator to.

A creator is in no workspace, so these reads are unscoped and filtered by the creator's own profile,
the portal's one rule: a creator sees only rows tied to them. A collaboration still at `shortlisted`
is the brand's private list and is not shown."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from creators.models import Creator
from creators.portal import portal_view

CARD_LIMIT = 20


@portal_view
def collaborations_card(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    collaborations: list[Collaboration] = []
    if creator is not None:
        collaborations = list(
            Collaboration.objects.with_scopes_disabled()
            .filter(creator=creator)
            .exclude(stage=Stage.SHORTLISTED)
            .select_related("campaign", "workspace")
            .order_by("-stage_changed_at", "-pk")[:CARD_LIMIT]
        )
    return render(request, "portal/collaborations_card.html", {"collaborations": collaborations})
