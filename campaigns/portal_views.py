"""The creator portal's view of campaigns: the collaborations brands have invited this creator to.

A creator is in no workspace, so these reads are unscoped and filtered by the creator's own profile,
the portal's one rule: a creator sees only rows tied to them. A collaboration still at `shortlisted`
is the brand's private list and is not shown."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.models import User
from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from campaigns.portal_services import creator_collaborations, respond_to_invitation
from core.errors import ApplicationError, NotFoundError
from creators.models import Creator
from creators.portal import portal_view

CARD_LIMIT = 20


@portal_view
def collaborations_card(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    collaborations: list[Collaboration] = []
    if creator is not None and isinstance(request.user, User):
        collaborations = list(
            creator_collaborations(user=request.user)
            .select_related("campaign", "workspace")
            .order_by("-stage_changed_at", "-pk")[:CARD_LIMIT]
        )
    answers = [("accept", "Accept", "btn-primary"), ("decline", "Decline", "btn-outline-secondary")]
    context = {"collaborations": collaborations, "invitation_answers": answers}
    return render(request, "portal/collaborations_card.html", context)


@portal_view
def respond(request: HttpRequest, creator: Creator | None, collaboration_pk: int) -> HttpResponse:
    """Accept or decline an invitation; answers with the refreshed card (htmx) or back to the portal.
    Another creator's collaboration is a 404 whatever the method, before the method is checked."""
    user = request.user
    if not isinstance(user, User) or not creator_collaborations(user=user).filter(pk=collaboration_pk).exists():
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        collaboration = respond_to_invitation(
            collaboration_id=collaboration_pk, user=user, response=request.POST.get("response", "")
        )
        verb = "accepted" if collaboration.stage == Stage.NEGOTIATING else "declined"
        messages.success(request, f"You {verb} {collaboration.campaign.name}.")
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    if getattr(request, "htmx", False):
        return collaborations_card(request)
    return redirect("portal:home")
