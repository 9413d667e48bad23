"""The creator portal's view of campaigns: the collaborations brands have invited this creator to.

A creator is in no workspace, so these reads are unscoped and filtered by the creator's own profile,
the portal's one rule: a creator sees only rows tied to them. A collaboration still at `shortlisted`
is the brand's private list and is not shown."""

from typing import Any, cast

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.models import User
from campaigns.deliverables import services as deliverable_services
from campaigns.deliverables.files import submission_file_response
from campaigns.deliverables.forms import ShippingAddressForm
from campaigns.models import Collaboration, DeliverableSubmission, ReviewComment
from campaigns.pipeline import Stage
from campaigns.portal.services import creator_collaborations, respond_to_invitation
from core.errors import ApplicationError, NotFoundError
from creators.models import Creator
from creators.portal.guards import portal_view

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


# --- One collaboration: deliverables, shipment, payouts -----------------------------------------

PAGE_TEMPLATE = "portal/collaboration_detail.html"


def _creator_user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise Http404
    return request.user


def _own_collaboration(user: User, collaboration_pk: int) -> Collaboration:
    collaboration = (
        creator_collaborations(user=user).select_related("campaign", "workspace", "creator").filter(pk=collaboration_pk)
    ).first()
    if collaboration is None:
        raise Http404
    return collaboration


def _page_context(
    request: HttpRequest, collaboration: Collaboration, *, failed: tuple[str, int, ApplicationError] | None = None
) -> dict[str, Any]:
    """Everything the page shows, read through the creator's own scope. `failed` is (form, row pk,
    error) of a refused submission, shown beside that form with what was typed."""
    user = _creator_user(request)
    rounds = (
        DeliverableSubmission.objects.with_scopes_disabled()
        .order_by("-round_number")
        .prefetch_related(
            Prefetch("comments", queryset=ReviewComment.objects.with_scopes_disabled().order_by("created_at", "pk"))
        )
    )
    deliverables = list(
        deliverable_services.creator_deliverables(user=user)
        .filter(collaboration=collaboration)
        .prefetch_related(Prefetch("submissions", queryset=rounds))
        .order_by("draft_due_on", "live_due_on", "pk")
    )
    shipments = list(
        deliverable_services.creator_shipments(user=user).filter(collaboration=collaboration).order_by("pk")
    )
    for shipment in shipments:
        data = request.POST if failed and failed[:2] == ("address", shipment.pk) else None
        shipment.address_form = ShippingAddressForm(data, initial=shipment.address or {})  # type: ignore[attr-defined]
        if data is not None:
            shipment.address_form.is_valid()  # type: ignore[attr-defined]
            for field, errors in failed[2].fields.items():  # type: ignore[index]
                for error in errors:
                    target = field if field in shipment.address_form.fields else None  # type: ignore[attr-defined]
                    shipment.address_form.add_error(target, error)  # type: ignore[attr-defined]
    for deliverable in deliverables:
        for form in ("draft", "live"):
            matches = failed is not None and failed[:2] == (form, deliverable.pk)
            setattr(deliverable, f"{form}_error", failed[2].message if matches and failed else "")
        deliverable.live_url_input = (  # type: ignore[attr-defined]
            request.POST.get("url", "") if failed and failed[:2] == ("live", deliverable.pk) else ""
        )
        deliverable.can_submit_draft = (  # type: ignore[attr-defined]
            collaboration.stage in deliverable_services.DRAFT_STAGES
            and deliverable.status in deliverable_services.DRAFT_STATUSES
        )
        deliverable.can_submit_live = (  # type: ignore[attr-defined]
            deliverable.status == deliverable.Status.APPROVED
            and collaboration.stage in deliverable_services.LIVE_LINK_STAGES
        )
    payouts = (
        deliverable_services.creator_payouts(user=user).filter(collaboration=collaboration).order_by("due_on", "pk")
    )
    return {
        "collaboration": collaboration,
        "campaign": collaboration.campaign,
        "deliverables": deliverables,
        "shipments": shipments,
        "payouts": list(payouts),
        "accept": ", ".join(
            sorted(
                {f".{ext}" for extensions in deliverable_services.ALLOWED_UPLOAD_TYPES.values() for ext in extensions}
            )
        ),
        "max_upload_mb": deliverable_services.max_upload_mb(),
    }


def _answer(
    request: HttpRequest, collaboration: Collaboration, *, failed: tuple[str, int, ApplicationError] | None = None
) -> HttpResponse:
    """After a form: the refreshed panel (htmx), the page again with the error (400), or back to the page."""
    status = 400 if failed else 200
    if getattr(request, "htmx", False):
        context = {**_page_context(request, collaboration, failed=failed), "panel_messages": True}
        return render(request, f"{PAGE_TEMPLATE}#collaboration-panel", context, status=status)
    if failed:
        return render(request, PAGE_TEMPLATE, _page_context(request, collaboration, failed=failed), status=status)
    return redirect("portal-campaigns:collaboration", collaboration_pk=collaboration.pk)


@portal_view
def collaboration_page(request: HttpRequest, creator: Creator | None, collaboration_pk: int) -> HttpResponse:
    """A creator's collaboration, mobile first: what to deliver and when, each draft round with the
    brand's comments, the live link, the parcel and the payments. Another creator's is a 404."""
    user = _creator_user(request)
    collaboration = _own_collaboration(user, collaboration_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    response = render(request, PAGE_TEMPLATE, _page_context(request, collaboration))
    deliverable_services.note_reviews_seen(user=user, collaboration=collaboration)
    return response


def _deliverable_collaboration(user: User, deliverable_pk: int) -> Collaboration:
    found = deliverable_services.creator_deliverables(user=user).filter(pk=deliverable_pk).first()
    if found is None:
        raise Http404
    return _own_collaboration(user, found.collaboration_id)


@portal_view
def deliverable_draft(request: HttpRequest, creator: Creator | None, deliverable_pk: int) -> HttpResponse:
    """Upload a draft file (multipart, shown with a progress bar) or give a link to it."""
    user = _creator_user(request)
    collaboration = _deliverable_collaboration(user, deliverable_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        submission = deliverable_services.submit_draft(
            deliverable_id=deliverable_pk, user=user, file=request.FILES.get("file"), link=request.POST.get("link", "")
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _answer(request, collaboration, failed=("draft", deliverable_pk, exc))
    messages.success(request, f"Draft round {submission.round_number} sent for review.")
    return _answer(request, _own_collaboration(user, collaboration.pk))


@portal_view
def deliverable_live(request: HttpRequest, creator: Creator | None, deliverable_pk: int) -> HttpResponse:
    """Give the live TikTok link of an approved deliverable."""
    user = _creator_user(request)
    collaboration = _deliverable_collaboration(user, deliverable_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        result = deliverable_services.submit_live_link(
            deliverable_id=deliverable_pk, user=user, url=request.POST.get("url", "")
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _answer(request, collaboration, failed=("live", deliverable_pk, exc))
    if not result.caption_known:
        messages.success(
            request, "Live link saved. We check your caption for the #ad or paid-partnership label once we read it."
        )
    elif result.disclosure == "missing":
        messages.warning(
            request,
            "Live link saved. Your post shows no #ad, #sponsored or paid-partnership label yet: please add one.",
        )
    else:
        messages.success(request, "Live link saved. Thank you!")
    return _answer(request, _own_collaboration(user, collaboration.pk))


@portal_view
def shipment_address(request: HttpRequest, creator: Creator | None, shipment_pk: int) -> HttpResponse:
    """Give (or correct, until it ships) the address a brand sends the product to."""
    user = _creator_user(request)
    found = deliverable_services.creator_shipments(user=user).filter(pk=shipment_pk).first()
    if found is None:
        raise Http404
    collaboration = _own_collaboration(user, found.collaboration_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ShippingAddressForm(request.POST)
    form.is_valid()  # the service validates every part; the form only collects them
    address = {key: request.POST.get(key, "") for key in form.fields}
    try:
        deliverable_services.save_shipping_address(shipment_id=shipment_pk, user=user, address=address)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _answer(request, collaboration, failed=("address", shipment_pk, exc))
    messages.success(request, "Address saved. The brand can ship your parcel now.")
    return _answer(request, _own_collaboration(user, collaboration.pk))


@portal_view
def submission_file(request: HttpRequest, creator: Creator | None, submission_pk: int) -> HttpResponse:
    """The creator's own uploaded draft, streamed after checking it is theirs."""
    user = _creator_user(request)
    submission = deliverable_services.creator_submissions(user=user).filter(pk=submission_pk).first()
    if submission is None:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    response = submission_file_response(submission, download=request.GET.get("download") == "1")
    # portal_view is typed for HttpResponse; a streamed FileResponse is answered the same way.
    return cast(HttpResponse, response)
