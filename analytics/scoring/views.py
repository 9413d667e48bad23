"""Scoring pages: the settings (the objective a workspace scores for, its weights and its target audience)
and the score panel a creator's page loads with htmx."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from analytics.scoring.composite import COMPONENTS
from analytics.scoring.selectors import COMPONENT_LABELS, score_explanation
from analytics.scoring.settings import GENDER_KEYS, effective_weights, scoring_profile_for, update_scoring_profile
from core.errors import ApplicationError
from creators.discovery.filters import AGE_BUCKETS, GENDERS
from creators.models import Creator


def _posted_weights(request: WorkspaceRequest, objectives: list[str]) -> tuple[dict[str, dict[str, float]], list[str]]:
    weights: dict[str, dict[str, float]] = {}
    errors = []
    for objective in objectives:
        weights[objective] = {}
        for name in COMPONENTS:
            raw = request.POST.get(f"w-{objective}-{name}", "").strip() or "0"
            try:
                weights[objective][name] = float(raw)
            except ValueError:
                errors.append(f"{objective}, {COMPONENT_LABELS[name][0]}: “{raw}” is not a number.")
    return weights, errors


@dashboard_view()
def scoring_settings(request: WorkspaceRequest) -> HttpResponse:
    profile = scoring_profile_for(workspace=request.workspace)
    objectives = list(effective_weights(profile))
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if request.POST.get("reset"):
            weights = None
        else:
            weights, errors = _posted_weights(request, objectives)
        if not errors:
            try:
                update_scoring_profile(
                    workspace=request.workspace,
                    by=request.user,
                    objective=request.POST.get("objective", ""),
                    weights=weights,
                    target_audience={
                        "age_buckets": request.POST.getlist("age_buckets"),
                        "genders": request.POST.getlist("genders"),
                        "countries": request.POST.get("countries", "").replace(";", ",").split(","),
                    },
                )
                messages.success(request, "Scoring settings saved. Profiles show your score with them right away.")
                return redirect("analytics-creators:scoring-settings")
            except ApplicationError as exc:
                errors = [exc.message, *(m for messages_ in exc.fields.values() for m in messages_ if m != exc.message)]
        status = 400
    weights = effective_weights(profile)
    context = {
        "profile": profile,
        "objectives": objectives,
        "rows": [
            {"name": name, "label": label, "weights": [(o, weights[o].get(name, 0.0)) for o in objectives]}
            for name, (label, _kind) in COMPONENT_LABELS.items()
        ],
        "age_buckets": AGE_BUCKETS,
        "genders": [(key, label) for key, label in GENDERS if key in GENDER_KEYS],
        "target": profile.target_audience or {},
        "target_countries": ", ".join(profile.target_audience.get("countries", [])),
        "errors": errors,
        "can_write": can_write(request),
    }
    return render(request, "analytics/scoring_settings.html", context, status=status)


@dashboard_view()
def creator_score(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator.objects.select_related("latest_score", "audience"), pk=creator_pk)
    explanation = score_explanation(workspace=request.workspace, creator=creator)
    return render(request, "analytics/_score_panel.html", {"creator": creator, "explanation": explanation})
