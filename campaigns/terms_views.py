"""The brand's side of what a collaboration agrees and owes, from its page: the compensation (while
negotiating), deliverables, product seeding and payouts. Each form posts, the service decides, and the
page comes back with the result as a message (or the refusal, with nothing written)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, dashboard_view
from campaigns import collaborations, payouts
from campaigns.forms import CompensationForm, DeliverableForm, PayoutForm, ShipmentForm
from campaigns.models import Collaboration, Payout
from core.errors import ApplicationError


def _collaboration(request: WorkspaceRequest, collaboration_pk: int) -> Collaboration:
    return get_object_or_404(
        Collaboration.objects.filter(workspace=request.workspace).select_related("campaign", "creator"),
        pk=collaboration_pk,
    )


def _run(request: WorkspaceRequest, action: Callable[[], object], success: str) -> None:
    try:
        action()
        messages.success(request, success)
    except ApplicationError as exc:
        details = [f"{error}" for errors in exc.fields.values() for error in errors]
        messages.error(request, " ".join([exc.message, *details]) if details else exc.message)


def _form_errors(request: WorkspaceRequest, form: object) -> None:
    errors = getattr(form, "errors", {})
    messages.error(request, " ".join(f"{field}: {' '.join(e)}" for field, e in errors.items()) or "Check the form.")


def _back(collaboration_pk: int, anchor: str) -> HttpResponse:
    response = redirect("campaigns:collaboration-detail", collaboration_pk=collaboration_pk)
    response["Location"] += f"#{anchor}"
    return response


def _post(
    request: WorkspaceRequest,
    collaboration_pk: int,
    form_class: type[forms.Form],
    write: Callable[[Collaboration, dict[str, Any]], object],
    success: str,
    anchor: str,
) -> HttpResponse:
    """Parse the form, call the service, say what happened, and go back to the card it came from."""
    collaboration = _collaboration(request, collaboration_pk)
    form = form_class(request.POST)
    if form.is_valid():
        _run(request, lambda: write(collaboration, form.cleaned_data), success)
    else:
        _form_errors(request, form)
    return _back(collaboration.pk, anchor)


@require_POST
@dashboard_view()
def collaboration_terms(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    def write(collaboration: Collaboration, data: dict[str, Any]) -> object:
        given = {key: value for key, value in data.items() if value not in (None, "")}
        return collaborations.set_compensation(collaboration=collaboration, by=request.user, **given)

    return _post(request, collaboration_pk, CompensationForm, write, "Compensation saved; the contract will state it.",
                 "agreement")  # fmt: skip


@require_POST
@dashboard_view()
def collaboration_deliverable_add(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    return _post(
        request, collaboration_pk, DeliverableForm,
        lambda collaboration, data: payouts.add_deliverable(collaboration=collaboration, by=request.user, **data),
        "Deliverable added.", "deliverables",
    )  # fmt: skip


@require_POST
@dashboard_view()
def collaboration_shipment_add(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    return _post(
        request, collaboration_pk, ShipmentForm,
        lambda collaboration, data: payouts.create_shipment(collaboration=collaboration, by=request.user, **data),
        "Shipment started: the creator is asked for their address in the portal.", "agreement",
    )  # fmt: skip


@require_POST
@dashboard_view()
def collaboration_payout_add(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    return _post(
        request, collaboration_pk, PayoutForm,
        lambda collaboration, data: payouts.record_payout(collaboration=collaboration, by=request.user, **data),
        "Payout recorded.", "payouts",
    )  # fmt: skip


def _payout(request: WorkspaceRequest, payout_pk: int) -> Payout:
    return get_object_or_404(Payout.objects.filter(workspace=request.workspace), pk=payout_pk)


@require_POST
@dashboard_view()
def payout_paid(request: WorkspaceRequest, payout_pk: int) -> HttpResponse:
    payout = _payout(request, payout_pk)
    reference = request.POST.get("reference", "").strip() or None
    _run(request, lambda: payouts.mark_payout_paid(payout=payout, by=request.user, reference=reference), "Marked paid.")
    return _back(payout.collaboration_id, "payouts")


@require_POST
@dashboard_view()
def payout_cancel(request: WorkspaceRequest, payout_pk: int) -> HttpResponse:
    payout = _payout(request, payout_pk)
    _run(request, lambda: payouts.cancel_payout(payout=payout, by=request.user), "Payout cancelled.")
    return _back(payout.collaboration_id, "payouts")
