"""Campaign pages: the list with spend against budget, creating and editing a campaign (settings, KPIs,
target audience), its life cycle (status buttons, history, duplicate), and a campaign's pipeline board
where collaborations move stage by stage (htmx), with recommendations and the budget split by tier."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Role
from campaigns import pipeline, selectors, services
from campaigns.collaborations import move_collaboration, shortlist_creators
from campaigns.deliverables import services as deliverable_services
from campaigns.deliverables.disclosure import DisclosureStatus, disclosure_status
from campaigns.deliverables.files import submission_file_response
from campaigns.deliverables.forms import MarkShippedForm, ReviewForm, SparkAdsCodeForm
from campaigns.errors import CampaignError, CampaignErrorCode
from campaigns.forms import (
    KPI_LABELS,
    CampaignForm,
    CampaignSettingsForm,
    CompensationForm,
    DeliverableForm,
    MoveForm,
    PayoutForm,
    StatusForm,
    kpi_formset,
)
from campaigns.models import (
    Campaign,
    Collaboration,
    Deliverable,
    DeliverableSubmission,
    ReviewComment,
    Shipment,
)
from campaigns.pipeline import (
    CAMPAIGN_EDITABLE_STATUSES,
    CampaignStatus,
    Stage,
    allowed_next_stages,
    allowed_next_statuses,
    status_move_label,
)
from campaigns.recommendations import recommendations
from core.errors import ApplicationError
from core.forms import add_form_errors
from creators.models import Creator

# The board's columns, in pipeline order; declined and cancelled collaborations are listed under it.
BOARD_STAGES = [stage for stage in Stage if stage not in (Stage.DECLINED, Stage.CANCELLED)]
CLOSED_STAGES = (Stage.DECLINED, Stage.CANCELLED)


@dashboard_view()
def campaign_list(request: WorkspaceRequest) -> HttpResponse:
    form = CampaignForm(initial={"currency": "USD", "objective": Campaign.Objective.AWARENESS})
    status = 200
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                campaign = services.create_campaign(workspace=request.workspace, by=request.user, **form.cleaned_data)
                messages.success(request, f"{campaign.name} created. Shortlist creators from the recommendations.")
                return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    context = {
        "campaigns": selectors.campaigns_with_spend(workspace=request.workspace),
        "form": form,
        "can_write": can_write(request),
    }
    return render(request, "campaigns/campaign_list.html", context, status=status)


def _board_context(request: WorkspaceRequest, campaign: Campaign) -> dict[str, object]:
    collaborations = list(selectors.collaborations_for_campaign(campaign=campaign))
    by_stage: dict[str, list[Collaboration]] = {stage.value: [] for stage in Stage}
    for collaboration in collaborations:
        collaboration.next_stages = sorted(allowed_next_stages(collaboration.stage), key=list(Stage).index)  # type: ignore[attr-defined]
        by_stage[collaboration.stage].append(collaboration)
    # Live posts without a disclosure: the same check as the collaboration page, over one query.
    live = Deliverable.objects.filter(
        workspace_id=campaign.workspace_id, collaboration__campaign=campaign, video__isnull=False
    ).select_related("video")
    undisclosed = {d.collaboration_id for d in live if disclosure_status(d) is DisclosureStatus.MISSING}
    for collaboration in collaborations:
        collaboration.undisclosed = collaboration.pk in undisclosed  # type: ignore[attr-defined]
    return {
        "campaign": campaign,
        "undisclosed_count": len(undisclosed),
        "columns": [(stage, by_stage[stage.value]) for stage in BOARD_STAGES],
        "closed": [c for stage in CLOSED_STAGES for c in by_stage[stage.value]],
        "can_write": can_write(request),
    }


def _lifecycle_context(request: WorkspaceRequest, campaign: Campaign) -> dict[str, Any]:
    """The campaign page's life cycle: the allowed next moves as buttons, the history of moves, and the
    plan the edit page sets (dates, KPI targets, target audience)."""
    return {
        "status_moves": [
            (status.value, status_move_label(campaign.status, status))
            for status in allowed_next_statuses(campaign.status)
        ],
        "status_history": selectors.campaign_status_history(campaign=campaign),
        "is_editable": campaign.status in CAMPAIGN_EDITABLE_STATUSES,
        "kpi_rows": [
            (KPI_LABELS.get(kpi.get("metric"), kpi.get("metric")), kpi.get("target"), kpi.get("deadline"))
            for kpi in campaign.kpis or []
        ],
        "audience_rows": [
            (label, ", ".join(campaign.target_audience[key]))
            for key, label in AUDIENCE_LABELS
            if (campaign.target_audience or {}).get(key)
        ],
    }


AUDIENCE_LABELS = [
    ("niches", "Niches"),
    ("countries", "Countries"),
    ("languages", "Languages"),
    ("tiers", "Tiers"),
    ("age_buckets", "Ages"),
    ("genders", "Genders"),
]


@dashboard_view()
def campaign_detail(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(workspace=request.workspace, pk=campaign_pk)
    if campaign is None:
        raise Http404
    allocation = selectors.budget_allocation_by_tier(campaign=campaign)
    context = {
        **_board_context(request, campaign),
        **_lifecycle_context(request, campaign),
        "allocation": allocation,
        "allocation_labels": [a.tier for a in allocation],
        "allocation_values": [float(a.committed) for a in allocation],
        "has_commitments": any(a.committed for a in allocation),
        "recommendations": recommendations(campaign=campaign),
        "in_pipeline": sum(
            n for stage, n in selectors.pipeline_counts(campaign=campaign).items() if stage not in CLOSED_STAGES
        ),
    }
    return render(request, "campaigns/campaign_detail.html", context)


# --- Creating, editing, moving and duplicating a campaign ----------------------------------------


def _settings_error(exc: ApplicationError, form: forms.Form) -> list[str]:
    """Put a service's refusal beside the field it names; returns the KPI messages (shown by the KPI rows)."""
    kpi_errors: list[str] = []
    for field, field_messages in (exc.fields or {}).items():
        for message in field_messages:
            if field == "kpis":
                kpi_errors.append(message)
            else:
                name = "currency" if field == "budget_currency" else field
                form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)
    return kpi_errors


def _settings_page(
    request: WorkspaceRequest, *, campaign: Campaign | None, form: CampaignSettingsForm, kpis: Any, **extra: Any
) -> HttpResponse:
    context = {"campaign": campaign, "form": form, "kpi_formset": kpis, "kpi_errors": [], **extra}
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/campaign_form.html", context, status=status)


@dashboard_view(at_least=Role.MANAGER)
def campaign_create(request: WorkspaceRequest) -> HttpResponse:
    """The full create page: the basics, KPIs and target audience (the list page has a short form)."""
    if request.method != "POST":
        form = CampaignSettingsForm(initial={"currency": "USD", "objective": Campaign.Objective.AWARENESS})
        return _settings_page(request, campaign=None, form=form, kpis=kpi_formset())
    form, kpis = CampaignSettingsForm(request.POST), kpi_formset(request.POST)
    kpi_errors: list[str] = []
    if form.is_valid() and kpis.is_valid():
        try:
            campaign = services.create_campaign(
                workspace=request.workspace, by=request.user, kpis=kpis.kpis(), **form.service_arguments()
            )
        except ApplicationError as exc:
            kpi_errors = _settings_error(exc, form)
        else:
            messages.success(request, f"{campaign.name} created as a draft. Activate it when it is ready.")
            return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)
    return _settings_page(request, campaign=None, form=form, kpis=kpis, kpi_errors=kpi_errors)


@dashboard_view(at_least=Role.MANAGER)
def campaign_edit(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    """Edit a campaign's name, objective, budget, dates, KPIs and target audience; nothing is written
    unless the whole page is valid (the service checks it in one transaction)."""
    campaign = get_object_or_404(Campaign.objects.filter(workspace=request.workspace), pk=campaign_pk)
    extra = {"is_editable": campaign.status in CAMPAIGN_EDITABLE_STATUSES}
    if request.method != "POST":
        form = CampaignSettingsForm(initial=CampaignSettingsForm.initial_for(campaign))
        return _settings_page(request, campaign=campaign, form=form, kpis=kpi_formset(kpis=campaign.kpis), **extra)
    form = CampaignSettingsForm(request.POST, initial=CampaignSettingsForm.initial_for(campaign))
    kpis = kpi_formset(request.POST, kpis=campaign.kpis)
    kpi_errors: list[str] = []
    if form.is_valid() and kpis.is_valid():
        try:
            services.update_campaign(campaign=campaign, by=request.user, kpis=kpis.kpis(), **form.service_arguments())
        except ApplicationError as exc:
            kpi_errors = _settings_error(exc, form)
        else:
            messages.success(request, "Campaign saved.")
            return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)
    return _settings_page(request, campaign=campaign, form=form, kpis=kpis, kpi_errors=kpi_errors, **extra)


STATUS_DONE = {
    CampaignStatus.ACTIVE: "is active",
    CampaignStatus.PAUSED: "is paused",
    CampaignStatus.COMPLETED: "is completed",
    CampaignStatus.ARCHIVED: "is archived: it is read only now, and can be duplicated",
}


@require_POST
@dashboard_view()
def campaign_status(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    """One move of the life cycle (the buttons on the campaign page); a refused move is a message."""
    campaign = get_object_or_404(Campaign.objects.filter(workspace=request.workspace), pk=campaign_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status to move the campaign to.")
    else:
        try:
            change = services.change_campaign_status(
                campaign=campaign, by=request.user, to_status=form.cleaned_data["to_status"]
            )
            messages.success(request, f"{campaign.name} {STATUS_DONE[CampaignStatus(change.to_status)]}.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)


@require_POST
@dashboard_view()
def campaign_duplicate(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    """Copy the campaign's settings into a new draft, then open its edit page to set the new dates."""
    campaign = get_object_or_404(Campaign.objects.filter(workspace=request.workspace), pk=campaign_pk)
    try:
        copy = services.duplicate_campaign(campaign=campaign, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)
    messages.success(request, f"{copy.name} created as a draft, without creators or dates. Set its dates here.")
    return redirect("campaigns:campaign-edit", campaign_pk=copy.pk)


@require_POST
@dashboard_view()
def collaboration_move(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    collaboration = get_object_or_404(
        Collaboration.objects.filter(workspace=request.workspace).select_related("campaign"), pk=collaboration_pk
    )
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage to move to.")
    else:
        try:
            moved = move_collaboration(collaboration=collaboration, by=request.user, **form.cleaned_data)
            messages.success(request, f"@{moved.creator.handle} moved to {moved.get_stage_display().lower()}.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    if getattr(request, "htmx", False):
        campaign = selectors.get_campaign(workspace=request.workspace, pk=collaboration.campaign_id)
        context = {**_board_context(request, campaign), "from_htmx": True}  # type: ignore[arg-type]
        return render(request, "campaigns/_board.html", context)
    return redirect("campaigns:campaign-detail", campaign_pk=collaboration.campaign_id)


@require_POST
@dashboard_view()
def campaign_shortlist(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.filter(workspace=request.workspace), pk=campaign_pk)
    ids = [int(pk) for pk in request.POST.getlist("creator") if pk.isdigit()][:500]
    try:
        added = shortlist_creators(campaign=campaign, creators=Creator.objects.filter(pk__in=ids), by=request.user)
        messages.success(request, f"{len(added)} creator{'s' if len(added) != 1 else ''} shortlisted.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)


@dashboard_view()
def collaboration_detail(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    """One collaboration's paper trail: every stage change with who and when, what was agreed, the
    deliverables (with a disclosure check once a live video is linked) and the payouts."""
    collaboration = get_object_or_404(
        Collaboration.objects.filter(workspace=request.workspace).select_related("campaign", "creator"),
        pk=collaboration_pk,
    )
    return render(request, "campaigns/collaboration_detail.html", _detail_context(request, collaboration))


def _detail_context(
    request: WorkspaceRequest, collaboration: Collaboration, *, failed: "Failed | None" = None
) -> dict[str, Any]:
    deliverables = list(collaboration.deliverables.select_related("video").order_by("live_due_on", "pk"))
    return {
        "collaboration": collaboration,
        "campaign": collaboration.campaign,
        "history": selectors.collaboration_history(collaboration=collaboration),
        "deliverables": [(d, disclosure_status(d)) for d in deliverables],
        "payouts": collaboration.payouts.order_by("due_on", "pk"),
        "next_stages": sorted(allowed_next_stages(collaboration.stage), key=list(Stage).index),
        "can_write": can_write(request),
        **_terms_context(collaboration),
        **_review_context(request, collaboration, failed=failed),
    }


def _terms_context(collaboration: Collaboration) -> dict[str, Any]:
    """The forms of what is agreed and owed: compensation while negotiable, deliverables and seeding
    until the collaboration closes, payouts once something is agreed."""
    currency = (
        collaboration.fee.currency.code
        if collaboration.fee is not None
        else collaboration.campaign.budget.currency.code
    )
    return {
        "terms_editable": collaboration.stage in pipeline.COMPENSATION_EDITABLE_STAGES,
        "is_open": collaboration.stage not in pipeline.TERMINAL_STAGES,
        "is_payable": collaboration.stage in pipeline.PAYABLE_STAGES
        and collaboration.compensation_type != Collaboration.Compensation.GIFTING_ONLY,
        "compensation_form": CompensationForm(
            initial={
                "compensation_type": collaboration.compensation_type or Collaboration.Compensation.FIXED_FEE,
                "fee": collaboration.fee.amount if collaboration.fee is not None else None,
                "currency": currency,
                "commission_percent": collaboration.commission_percent,
                "bonus": collaboration.bonus.amount if collaboration.bonus is not None else None,
                "bonus_metric": collaboration.bonus_metric,
                "bonus_threshold": collaboration.bonus_threshold,
            }
        ),
        "deliverable_form": DeliverableForm(initial={"format": Deliverable.Format.IN_FEED_VIDEO, "count": 1}),
        "payout_form": PayoutForm(initial={"currency": currency}),
    }


# --- Drafts, usage rights and shipping on the collaboration page ---------------------------------

# (form, row pk, error) of a refused form, shown beside that form with what was typed.
Failed = tuple[str, int, ApplicationError]


def _review_context(
    request: WorkspaceRequest, collaboration: Collaboration, *, failed: Failed | None = None
) -> dict[str, Any]:
    """The drafts panel: each deliverable's rounds (newest first) with the brand's decisions, a review
    form on the round waiting, the Spark Ads code form once approved, and the shipments with the
    creator's address (shown here only: the workspace's private data)."""
    rounds = (
        DeliverableSubmission.objects.filter(workspace=request.workspace)
        .select_related("submitted_by")
        .order_by("-round_number")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=ReviewComment.objects.filter(workspace=request.workspace)
                .select_related("author")
                .order_by("created_at", "pk"),
            )
        )
    )
    deliverables = list(
        Deliverable.objects.filter(workspace=request.workspace, collaboration=collaboration)
        .prefetch_related(Prefetch("submissions", queryset=rounds))
        .order_by("live_due_on", "pk")
    )

    def failed_on(form: str, pk: int) -> ApplicationError | None:
        return failed[2] if failed is not None and failed[:2] == (form, pk) else None

    for deliverable in deliverables:
        latest = next(iter(deliverable.submissions.all()), None)
        deliverable.awaiting_review = (  # type: ignore[attr-defined]
            latest if latest is not None and deliverable.status == Deliverable.Status.IN_REVIEW else None
        )
        review_error = failed_on("review", latest.pk) if latest is not None else None
        deliverable.review_form = ReviewForm(request.POST if review_error else None)  # type: ignore[attr-defined]
        deliverable.review_error = review_error.message if review_error else ""  # type: ignore[attr-defined]
        spark_error = failed_on("spark", deliverable.pk)
        deliverable.spark_form = SparkAdsCodeForm(  # type: ignore[attr-defined]
            request.POST if spark_error else None,
            initial={"code": deliverable.spark_ads_code, "expires_on": deliverable.spark_ads_code_expires_on},
        )
        deliverable.spark_error = spark_error.message if spark_error else ""  # type: ignore[attr-defined]
        deliverable.can_record_spark = deliverable.status in (  # type: ignore[attr-defined]
            Deliverable.Status.APPROVED,
            Deliverable.Status.LIVE,
        )
    shipments = list(Shipment.objects.filter(workspace=request.workspace, collaboration=collaboration).order_by("pk"))
    for shipment in shipments:
        ship_error = failed_on("ship", shipment.pk)
        shipment.ship_form = MarkShippedForm(request.POST if ship_error else None)  # type: ignore[attr-defined]
        shipment.ship_error = ship_error.message if ship_error else ""  # type: ignore[attr-defined]
    return {
        "collaboration": collaboration,
        "reviews": deliverables,
        "shipments": shipments,
        "can_write": can_write(request),
    }


def _form_error(form: forms.Form, summary: str) -> CampaignError:
    """A form that did not parse, as the application error the panel shows (first problem named)."""
    fields = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
    first = next((f"{form.fields[name].label or name}: {errors[0]}" for name, errors in fields.items()
                  if name in form.fields), summary)  # fmt: skip
    return CampaignError(first, code=CampaignErrorCode.INVALID, fields=fields)


def _workspace_collaboration(request: WorkspaceRequest, pk: int) -> Collaboration:
    return get_object_or_404(
        Collaboration.objects.filter(workspace=request.workspace).select_related("campaign", "creator"), pk=pk
    )


def _review_answer(request: WorkspaceRequest, collaboration_pk: int, *, failed: Failed | None = None) -> HttpResponse:
    """After a drafts-panel form: the refreshed panel with the stage, deliverables and history it may
    have changed swapped out of band (htmx), or back to the page (the error as a message)."""
    collaboration = _workspace_collaboration(request, collaboration_pk)
    status = 400 if failed else 200
    if getattr(request, "htmx", False):
        context = {**_detail_context(request, collaboration, failed=failed), "panel_messages": True, "oob": True}
        return render(request, "campaigns/collaboration_detail.html#review-panel", context, status=status)
    if failed:
        messages.error(request, failed[2].message)
    return redirect("campaigns:collaboration-detail", collaboration_pk=collaboration_pk)


@dashboard_view()
def submission_file(request: WorkspaceRequest, submission_pk: int) -> HttpResponse | FileResponse:
    """A draft's file, streamed to the workspace's members only (never from a public media URL)."""
    submission = get_object_or_404(DeliverableSubmission.objects.filter(workspace=request.workspace), pk=submission_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return submission_file_response(submission, download=request.GET.get("download") == "1")


@dashboard_view()
def submission_review(request: WorkspaceRequest, submission_pk: int) -> HttpResponse:
    """Approve a draft round or ask for changes, with a comment."""
    submission = get_object_or_404(
        DeliverableSubmission.objects.filter(workspace=request.workspace).select_related("deliverable"),
        pk=submission_pk,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    collaboration_pk = submission.deliverable.collaboration_id
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form, "Approve or request changes.")
        review = deliverable_services.review_submission(
            submission_id=submission.pk, by=request.user, **form.cleaned_data
        )
    except ApplicationError as exc:
        return _review_answer(request, collaboration_pk, failed=("review", submission.pk, exc))
    verb = "approved" if review.decision == ReviewComment.Decision.APPROVED else "sent back with your comments"
    messages.success(request, f"Round {submission.round_number} {verb}.")
    return _review_answer(request, collaboration_pk)


@dashboard_view()
def deliverable_spark_ads(request: WorkspaceRequest, deliverable_pk: int) -> HttpResponse:
    """Record the Spark Ads authorization code of an approved or live deliverable, with its expiry."""
    deliverable = get_object_or_404(Deliverable.objects.filter(workspace=request.workspace), pk=deliverable_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SparkAdsCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form, "Give the code and its expiry date.")
        deliverable_services.record_spark_ads_code(deliverable=deliverable, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _review_answer(request, deliverable.collaboration_id, failed=("spark", deliverable.pk, exc))
    messages.success(request, "Spark Ads code recorded.")
    return _review_answer(request, deliverable.collaboration_id)


@dashboard_view()
def shipment_ship(request: WorkspaceRequest, shipment_pk: int) -> HttpResponse:
    """Record that a ready shipment left, with its carrier and tracking number."""
    shipment = get_object_or_404(Shipment.objects.filter(workspace=request.workspace), pk=shipment_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MarkShippedForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form, "Give the carrier and the tracking number.")
        deliverable_services.mark_shipped(shipment=shipment, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _review_answer(request, shipment.collaboration_id, failed=("ship", shipment.pk, exc))
    messages.success(request, "Marked as shipped. The creator sees the tracking number in the portal.")
    return _review_answer(request, shipment.collaboration_id)
