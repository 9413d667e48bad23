"""How scoring turns components into one 0-100 score: the scored components and which way each is
better, the tier medians and percentile ranks within a tier, the objectives with their default weights
(and a workspace's overrides), and the weighted mean of percentiles. See docs/scoring.md.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analytics.scoring.frames import tiers

# Scored components -> True when a higher value is better (its percentile is inverted otherwise).
COMPONENTS: dict[str, bool] = {
    "engagement_rate_views": True,
    "engagement_rate_followers": True,
    "comment_rate": True,
    "share_rate": True,
    "save_rate": True,
    "comment_like_ratio": True,
    "completion_rate": True,
    "reach_rate": True,
    "median_views": True,
    "views_cv": False,  # coefficient of variation of views: lower = steadier reach
    "cadence_per_week": True,
    "follower_growth_30d": True,
    "follower_growth_90d": True,
    "sponsored_views_ratio": True,
    "sponsored_engagement_ratio": True,  # near 1 = sponsored posts engage like organic ones
}

DEFAULT_OBJECTIVE = "consideration"
DEFAULT_OBJECTIVE_WEIGHTS: dict[str, dict[str, float]] = {
    # Awareness buys eyeballs: how many of the followers a video reaches, raw views, audience growth.
    "awareness": {
        "reach_rate": 3.0,
        "median_views": 2.0,
        "follower_growth_30d": 1.5,
        "follower_growth_90d": 1.0,
        "views_cv": 1.0,
        "cadence_per_week": 1.0,
        "engagement_rate_views": 1.0,
        "share_rate": 0.5,
    },
    # Consideration buys attention: conversations, saves for later, videos watched to the end.
    "consideration": {
        "comment_like_ratio": 2.5,
        "save_rate": 2.0,
        "completion_rate": 2.0,
        "comment_rate": 1.5,
        "engagement_rate_views": 1.0,
        "views_cv": 0.5,
    },
    # Conversions buy action: engagement, shares and saves, and an audience that still engages on ads.
    "conversions": {
        "engagement_rate_views": 3.0,
        "share_rate": 2.0,
        "save_rate": 2.0,
        "sponsored_engagement_ratio": 2.0,
        "completion_rate": 1.0,
        "comment_rate": 1.0,
    },
}
_OBJECTIVE_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # becomes a column name: score_<objective>


def tier_medians(components: pd.DataFrame) -> pd.DataFrame:
    """Per tier (index), the median of every component of `COMPONENTS` among the tier's creators."""
    columns = [name for name in COMPONENTS if name in components.columns]
    tier = tiers(components["tier"])
    return components[columns].astype("float64").groupby(tier).median()


def tier_percentiles(components: pd.DataFrame) -> pd.DataFrame:
    """Each component's percentile rank (0-100) within the creator's tier, higher = better.

    Mid-rank percentile: 100 x (below + ½ · equal) / n among the tier's creators with a value; for
    components where lower is better it is 100 minus that. NaN values stay NaN."""
    columns = [name for name in COMPONENTS if name in components.columns]
    values = components[columns].astype("float64")
    tier = tiers(components["tier"])
    ranks = values.groupby(tier).rank(method="average")
    known = values.notna().astype("float64").groupby(tier).transform("sum")
    percentiles = 100.0 * (ranks - 0.5) / known.where(known > 0)
    for name in columns:
        if not COMPONENTS[name]:
            percentiles[name] = 100.0 - percentiles[name]
    return percentiles


def validate_weights(weights: Mapping[str, Any]) -> dict[str, float]:
    """Return the weights as floats, or raise ValueError: unknown component, not a finite number ≥ 0,
    or no weight above 0."""
    if not isinstance(weights, Mapping):
        raise ValueError(f"Weights must map component names to numbers, got {type(weights).__name__}.")
    unknown = sorted(str(name) for name in set(weights) - set(COMPONENTS))
    if unknown:
        raise ValueError(
            f"Unknown scoring component(s): {', '.join(unknown)}. Known components: {', '.join(COMPONENTS)}."
        )
    clean: dict[str, float] = {}
    for name, raw in weights.items():
        if isinstance(raw, bool) or not isinstance(raw, numbers.Real) or not math.isfinite(float(raw)):
            raise ValueError(f"The weight of {name!r} must be a finite number, got {raw!r}.")
        if raw < 0:
            raise ValueError(f"The weight of {name!r} must be 0 or more, got {raw!r}.")
        clean[name] = float(raw)
    if not any(value > 0 for value in clean.values()):
        raise ValueError("At least one weight must be greater than 0.")
    return clean


def objective_weights(overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, float]]:
    """DEFAULT_OBJECTIVE_WEIGHTS with a workspace's overrides: an objective given replaces the default
    weights of that objective entirely; a new objective name (lower-case letters, digits, _) adds one."""
    merged: dict[str, Mapping[str, Any]] = {**DEFAULT_OBJECTIVE_WEIGHTS, **(overrides or {})}
    result: dict[str, dict[str, float]] = {}
    for objective, weights in merged.items():
        if not isinstance(objective, str) or not _OBJECTIVE_NAME_RE.fullmatch(objective):
            raise ValueError(f"Objective names are lower-case letters, digits and _, got {objective!r}.")
        try:
            result[objective] = validate_weights(weights)
        except ValueError as error:
            raise ValueError(f"Objective {objective!r}: {error}") from error
    return result


def composite_score(percentiles: pd.DataFrame, weights: Mapping[str, Any]) -> pd.Series:
    """Weighted mean of the component percentiles (0-100); NaN components are skipped and the other
    weights renormalised; NaN when no component with a weight above 0 is known."""
    clean = validate_weights(weights)
    names = [name for name, weight in clean.items() if weight > 0]
    values = percentiles.reindex(columns=names).to_numpy(dtype="float64")
    weight = np.array([clean[name] for name in names])
    weight = weight / weight.max()  # only ratios matter; this keeps tiny weights from underflowing
    known = ~np.isnan(values)
    total_weight = known.astype("float64") @ weight
    weighted = np.where(known, values, 0.0) @ weight
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(total_weight > 0, weighted / total_weight, np.nan)
    return pd.Series(score, index=percentiles.index, name="score")
