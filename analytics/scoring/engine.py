"""Engagement scoring of creators, the top level: `score_creators` puts the components, flags and
percentiles of the sibling modules together into one scored row per creator. Pure pandas computation:
no Django, no database. A scoring service loads the frames below from PostgreSQL, calls `score_creators`,
and stores the result. Every formula, threshold and source is explained in `docs/scoring.md`.

Input contract
--------------
``videos`` — one row per video with its latest stats:
    ``creator_id`` int64, ``video_id`` int64, ``posted_at`` datetime64[ns, UTC] (may be NaT),
    ``views``, ``likes``, ``comments``, ``shares`` int64 ≥ 0, ``saves`` float64 (NaN when unknown),
    ``completion_rate`` float64 in 0..1 (NaN when unknown), ``is_paid_partnership`` bool,
    ``caption`` str, ``hashtags`` str (space-separated lower-case tags without '#', may be "").
``creators`` — one row per creator to score: ``creator_id``, ``follower_count`` int64 or float64 (NaN: unknown),
    ``tier`` str (nano/micro/macro/mega). The scored population is this frame: tier percentiles and the
    tier engagement distribution are computed among these creators, so score a whole index at once.
``followers`` — follower history: ``creator_id``, ``captured_on`` datetime64[ns] (a UTC day),
    ``follower_count``.
``as_of`` — a timezone-aware datetime; ``window_days`` and ``max_videos`` define a creator's recent
    videos: posted in [as_of - window_days, as_of], at most the ``max_videos`` most recent (NaT excluded;
    ties on posted_at keep the higher video_id).

Output
------
`score_creators` returns one row per creator of ``creators``, indexed by ``creator_id``; see
``OUTPUT_COLUMNS_BEFORE_SCORES`` and `score_creators`. Rates are fractions (0.05 = 5 %); percentiles and
scores are 0-100. A division by zero (no views, no followers, no likes) gives NaN, never inf. Unknown saves count as
0 interactions in the engagement rates, while the save rate only uses videos whose saves are known.

Everything is vectorised (groupby reductions, ranks, numpy), so 3,000,000 videos of 100,000 creators
score in a few seconds; the only Python loops run over flagged creators.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from analytics.scoring.composite import (
    COMPONENTS,
    DEFAULT_OBJECTIVE,
    composite_score,
    objective_weights,
    tier_percentiles,
)
from analytics.scoring.engagement import COUNT_COLUMNS, SPONSORED_COLUMNS, engagement_components, posting_cadence
from analytics.scoring.flags import authenticity_flags_from_spikes, flag_penalty, flags_by_creator
from analytics.scoring.followers import GROWTH_DAYS, follower_history, growth_from_history, spikes_from_history
from analytics.scoring.frames import utc_day, validate_window
from analytics.scoring.recent_videos import keep_most_recent, videos_in_window

OUTPUT_COLUMNS_BEFORE_SCORES = (
    "tier",
    "follower_count",
    *COUNT_COLUMNS,
    *COMPONENTS,
    *SPONSORED_COLUMNS,
    "flags",
    "flag_penalty",
    *(f"pct_{name}" for name in COMPONENTS),
)


def score_creators(
    *,
    videos: pd.DataFrame,
    creators: pd.DataFrame,
    followers: pd.DataFrame,
    as_of: datetime,
    window_days: int,
    max_videos: int,
    weights: Mapping[str, Mapping[str, Any]] | None = None,
    objective: str = DEFAULT_OBJECTIVE,
) -> pd.DataFrame:
    """Score every creator of `creators`: one row each, indexed by creator_id.

    Columns, in order: tier, follower_count; the counts video_count (recent videos used),
    posts_in_window (before the max_videos cap), views_sum, likes_sum, comments_sum, shares_sum,
    interactions_sum; every component of `COMPONENTS`; `SPONSORED_COLUMNS`; flags (a list of dicts
    code/label/evidence/value/threshold) and flag_penalty; pct_<component> (percentile in the tier);
    score (the `objective`'s) and score_<objective> for every objective of `objective_weights(weights)`.
    A score is the weighted percentile mean minus the flag penalty, clipped to 0-100. Creators without
    a recent video keep their counts, cadence (0) and growth, but get no percentiles and a NaN score.
    """
    validate_window(window_days, max_videos)
    all_weights = objective_weights(weights)
    if objective not in all_weights:
        raise ValueError(f"Unknown objective {objective!r}; known: {', '.join(all_weights)}.")
    in_window = videos_in_window(videos, as_of=as_of, window_days=window_days)
    recent = keep_most_recent(in_window, max_videos=max_videos)
    result = engagement_components(recent, creators)
    index = result.index
    posts = in_window["creator_id"].value_counts(sort=False)
    result["posts_in_window"] = posts.reindex(index, fill_value=0).astype("int64")
    result["cadence_per_week"] = posting_cadence(in_window, window_days=window_days).reindex(index).fillna(0.0)
    history = follower_history(followers, as_of=as_of)
    as_of_day = utc_day(as_of)
    result = result.join(growth_from_history(history, as_of_day, GROWTH_DAYS))
    flags = authenticity_flags_from_spikes(result, spikes_from_history(history, as_of_day))
    result["flags"] = flags_by_creator(flags, index)
    result["flag_penalty"] = flag_penalty(flags, index)
    # Without a recent video there is nothing a brand would buy to judge: no percentiles, no score, and
    # such creators do not dilute the tier rankings of active ones.
    percentiles = tier_percentiles(result.loc[result["video_count"].to_numpy() > 0]).reindex(index)
    scores = {
        f"score_{name}": (composite_score(percentiles, weights_) - result["flag_penalty"]).clip(0.0, 100.0)
        for name, weights_ in all_weights.items()
    }
    parts = [
        result,
        percentiles.add_prefix("pct_"),
        pd.DataFrame({"score": scores[f"score_{objective}"], **scores}, index=index),
    ]
    return pd.concat(parts, axis=1)[[*OUTPUT_COLUMNS_BEFORE_SCORES, "score", *scores]]
