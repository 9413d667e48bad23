"""A workspace's scoring settings: the objective it scores for, its weights, its target audience, and
what they make of a creator's stored components ("your score", audience fit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from django.db import transaction

from accounts.models import User, Workspace
from accounts.services import record_audit_event
from analytics.models import ScoringProfile
from analytics.scoring.composite import COMPONENTS, DEFAULT_OBJECTIVE_WEIGHTS, composite_score, objective_weights
from core.errors import ApplicationError
from creators.audience import fit
from creators.countries import country_code
from creators.discovery.filters import AGE_BUCKETS, GENDERS
from creators.index.workspace_scores import queue_workspace_score_refresh, set_workspace_weights

GENDER_KEYS = [key for key, _label in GENDERS]
MAX_TARGET_COUNTRIES = 30


def scoring_profile_for(*, workspace: Workspace) -> ScoringProfile:
    """The workspace's settings, or the defaults (unsaved) when it has none."""
    return ScoringProfile.objects.filter(workspace=workspace).first() or ScoringProfile(workspace=workspace)


def effective_weights(profile: ScoringProfile) -> dict[str, dict[str, float]]:
    return objective_weights(profile.weights or None)


def _clean_target(target: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    ages = [a for a in target.get("age_buckets", []) if a]
    genders = [g for g in target.get("genders", []) if g]
    raw_countries = [c for c in target.get("countries", []) if str(c).strip()]
    countries = [country_code(c) for c in raw_countries]
    errors: dict[str, list[str]] = {}
    if set(ages) - set(AGE_BUCKETS):
        errors["age_buckets"] = [f"Choose among {', '.join(AGE_BUCKETS)}."]
    if set(genders) - set(GENDER_KEYS):
        errors["genders"] = [f"Choose among {', '.join(GENDER_KEYS)}."]
    unknown = [raw for raw, code in zip(raw_countries, countries, strict=True) if not code]
    if unknown:
        errors["countries"] = [f"Not a country: {', '.join(map(str, unknown))}. Use codes like US, GB, DE."]
    elif len(set(countries)) > MAX_TARGET_COUNTRIES:
        errors["countries"] = [f"At most {MAX_TARGET_COUNTRIES} countries."]
    if errors:
        raise ApplicationError("The target audience is not valid.", code="invalid", fields=errors)
    cleaned = {"age_buckets": sorted(set(ages)), "genders": sorted(set(genders)), "countries": sorted(set(countries))}
    return {key: value for key, value in cleaned.items() if value}


@transaction.atomic
def update_scoring_profile(
    *,
    workspace: Workspace,
    by: User,
    objective: str,
    weights: Mapping[str, Mapping[str, Any]] | None,
    target_audience: Mapping[str, Sequence[str]],
) -> ScoringProfile:
    """Save the settings; bad weights or an unknown objective are refused with the field at fault and
    nothing is written. Weights equal to the defaults are not stored (a later change of the defaults
    then reaches the workspace)."""
    try:
        merged = objective_weights(weights or None)
    except ValueError as exc:
        raise ApplicationError(str(exc), code="invalid", fields={"weights": [str(exc)]}) from exc
    if objective not in merged:
        raise ApplicationError(
            f"Unknown objective {objective!r}.", code="invalid", fields={"objective": [f"One of {', '.join(merged)}."]}
        )
    own = {name: values for name, values in merged.items() if values != DEFAULT_OBJECTIVE_WEIGHTS.get(name)}
    profile, _ = ScoringProfile.objects.select_for_update().get_or_create(workspace=workspace)
    profile.objective = objective
    profile.weights = own
    profile.target_audience = _clean_target(target_audience)
    profile.save()
    # The index's copy of the weights; a change queues the recompute of "Your score" after commit.
    set_workspace_weights(workspace_id=workspace.pk, objective=objective, weights=merged)
    record_audit_event(
        workspace=workspace,
        actor=by,
        action="scoring.settings_changed",
        target=objective,
        data={"weights": own, "target_audience": profile.target_audience},
    )
    return profile


def refresh_workspace_scores() -> int:
    """After a scoring run: bring every workspace's weights into the index (settings saved before "Your
    score" existed included) and queue the recompute of each workspace's scores. Returns how many."""
    for profile in ScoringProfile.objects.with_scopes_disabled().all():
        set_workspace_weights(
            workspace_id=profile.workspace_id, objective=profile.objective, weights=effective_weights(profile)
        )
    return queue_workspace_score_refresh()


def workspace_score(*, profile: ScoringProfile, components: Mapping[str, Any]) -> float | None:
    """The creator's score under the workspace's objective and weights, from its stored tier
    percentiles and flag penalty (the same formula as the index score, docs/scoring.md)."""
    weights = effective_weights(profile)[profile.objective]
    percentiles = pd.DataFrame([{name: components.get(f"pct_{name}") for name in COMPONENTS}], dtype="float64")
    score = float(composite_score(percentiles, weights).iloc[0])
    if score != score:  # NaN: no component known
        return None
    return min(max(score - float(components.get("flag_penalty") or 0.0), 0.0), 100.0)


def audience_fit(*, profile: ScoringProfile, audience: Mapping[str, Any] | None) -> float | None:
    if not profile.target_audience or audience is None:
        return None
    return fit.audience_fit(audience, profile.target_audience)
