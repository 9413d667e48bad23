"""Campaign pages: the list with spend against budget, creation, and a campaign's pipeline board where
collaborations move stage by stage (htmx), with recommendations and the budget split by tier."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from campaigns import selectors, services
from campaigns.disclosure import DisclosureStatus, disclosure_status
from campaigns.forms import CampaignForm, MoveForm
from campaigns.models import Campaign, Collaboration, Deliverable
from campaigns.pipeline import Stage, allowed_next_stages
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


@dashboard_view()
def campaign_detail(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(workspace=request.workspace, pk=campaign_pk)
    if campaign is None:
        raise Http404
    allocation = selectors.budget_allocation_by_tier(campaign=campaign)
    context = {
        **_board_context(request, campaign),
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
            moved = services.move_collaboration(collaboration=collaboration, by=request.user, **form.cleaned_data)
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
        added = services.shortlist_creators(
            campaign=campaign, creators=Creator.objects.filter(pk__in=ids), by=request.user
        )
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
    deliverables = list(collaboration.deliverables.select_related("video").order_by("live_due_on", "pk"))
    context = {
        "collaboration": collaboration,
        "campaign": collaboration.campaign,
        "history": selectors.collaboration_history(collaboration=collaboration),
        "deliverables": [(d, disclosure_status(d)) for d in deliverables],
        "payouts": collaboration.payouts.order_by("due_on", "pk"),
        "next_stages": sorted(allowed_next_stages(collaboration.stage), key=list(Stage).index),
        "can_write": can_write(request),
    }
    return render(request, "campaigns/collaboration_detail.html", context)
