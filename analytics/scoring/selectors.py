"""Reads for "why this score": a creator's components beside its tier's medians, the weights that
made the score, the authenticity flags with their evidence, the trend, and this workspace's
brand-safety hits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from accounts.models import Workspace
from analytics.scoring.settings import audience_fit, effective_weights, scoring_profile_for, workspace_score
from creators.models import AudienceProfile, BrandSafetyHit, Creator, CreatorScoreHistory, TierBenchmark

# label, how to show the value
COMPONENT_LABELS: dict[str, tuple[str, str]] = {
    "engagement_rate_views": ("Engagement rate (by views)", "percent"),
    "engagement_rate_followers": ("Engagement rate (by followers)", "percent"),
    "comment_rate": ("Comment rate", "percent"),
    "share_rate": ("Share rate", "percent"),
    "save_rate": ("Save rate", "percent"),
    "comment_like_ratio": ("Comments per like (depth)", "percent"),
    "completion_rate": ("Completion rate", "percent"),
    "reach_rate": ("Reach (median views / followers)", "percent"),
    "median_views": ("Median views", "count"),
    "views_cv": ("Consistency (spread of views, lower is steadier)", "ratio"),
    "cadence_per_week": ("Videos per week", "ratio"),
    "follower_growth_30d": ("Follower growth, 30 days", "percent"),
    "follower_growth_90d": ("Follower growth, 90 days", "percent"),
    "sponsored_views_ratio": ("Sponsored / organic views", "ratio"),
    "sponsored_engagement_ratio": ("Sponsored / organic engagement", "ratio"),
}


def _display(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value * 100:.2f} %"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:.2f}"


@dataclass(frozen=True)
class ComponentLine:
    name: str
    label: str
    value: str
    tier_median: str
    percentile: float | None
    weight: float


@dataclass(frozen=True)
class ScoreExplanation:
    score: float | None
    computed_at: datetime | None
    objective: str
    objective_scores: dict[str, float | None]
    lines: list[ComponentLine] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    flag_penalty: float | None = None
    trend_labels: list[str] = field(default_factory=list)
    trend_values: list[float | None] = field(default_factory=list)
    hits: list[BrandSafetyHit] = field(default_factory=list)
    tier: str = ""
    workspace_score: float | None = None  # under the workspace's own objective and weights
    workspace_objective: str = ""
    weights_customised: bool = False
    audience_fit: float | None = None  # 0-100 against the workspace's target audience
    has_target: bool = False

    @property
    def trend_labels_json(self) -> str:
        return json.dumps(self.trend_labels)

    @property
    def trend_values_json(self) -> str:
        return json.dumps(self.trend_values)


TREND_POINTS = 26


def score_explanation(*, workspace: Workspace, creator: Creator) -> ScoreExplanation:
    latest = getattr(creator, "latest_score", None) if hasattr(creator, "latest_score") else None
    profile = scoring_profile_for(workspace=workspace)
    objective = settings.SCORING_DEFAULT_OBJECTIVE
    weights = effective_weights(profile)[profile.objective]
    audience = getattr(creator, "audience", None) if hasattr(creator, "audience") else None
    fit = audience_fit(profile=profile, audience=_audience_shares(audience))
    history = list(
        CreatorScoreHistory.objects.filter(creator=creator)
        .order_by("-scored_on")
        .values_list("scored_on", "score")[:TREND_POINTS]
    )[::-1]
    hits = list(
        BrandSafetyHit.objects.filter(workspace=workspace, creator=creator)
        .select_related("video")
        .order_by("-found_at")[:20]
    )
    if latest is None:
        return ScoreExplanation(
            score=None,
            computed_at=None,
            objective=objective,
            objective_scores={},
            hits=hits,
            trend_labels=[d.isoformat() for d, _s in history],
            trend_values=[float(s) if s is not None else None for _d, s in history],
            audience_fit=fit,
            has_target=bool(profile.target_audience),
        )
    components = latest.components or {}
    tier = str(components.get("tier", ""))
    benchmark = TierBenchmark.objects.filter(tier=tier).first()
    medians = benchmark.medians if benchmark else {}
    lines = [
        ComponentLine(
            name=name,
            label=label,
            value=_display(components.get(name), kind),
            tier_median=_display(medians.get(name), kind),
            percentile=components.get(f"pct_{name}"),
            weight=weights.get(name, 0.0),
        )
        for name, (label, kind) in COMPONENT_LABELS.items()
    ]
    # What weighs in this score first, then the rest for reference.
    lines.sort(key=lambda line: (-line.weight, line.label))
    return ScoreExplanation(
        score=float(latest.score) if latest.score is not None else None,
        # A run rewrites only the scores that changed: the run's time is the tier medians'.
        computed_at=benchmark.computed_at if benchmark else latest.computed_at,
        objective=objective,
        objective_scores={
            key.removeprefix("score_"): value for key, value in components.items() if key.startswith("score_")
        },
        lines=lines,
        flags=list(components.get("flags", [])),
        flag_penalty=components.get("flag_penalty"),
        trend_labels=[d.isoformat() for d, _s in history],
        trend_values=[float(s) if s is not None else None for _d, s in history],
        hits=hits,
        tier=tier,
        workspace_score=workspace_score(profile=profile, components=components),
        workspace_objective=profile.objective,
        weights_customised=bool(profile.weights) or profile.objective != objective,
        audience_fit=fit,
        has_target=bool(profile.target_audience),
    )


def _audience_shares(audience: AudienceProfile | None) -> dict[str, Any] | None:
    if audience is None:
        return None
    return {"age_buckets": audience.age_buckets, "genders": audience.genders, "countries": audience.countries}
