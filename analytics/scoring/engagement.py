"""The per-creator engagement components of scoring, computed from a creator's recent videos: counts and
sums, engagement, comment, share and save rates, completion, reach, median views and their spread,
sponsored against organic performance, and the posting cadence over the whole window. Formulas are
explained in docs/scoring.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.scoring.frames import CREATOR_COLUMNS, ratio, require_columns, tiers, validate_window, video_columns
from analytics.scoring.recent_videos import is_sponsored

COUNT_COLUMNS = (
    "video_count",
    "posts_in_window",
    "views_sum",
    "likes_sum",
    "comments_sum",
    "shares_sum",
    "interactions_sum",
)
SPONSORED_COLUMNS = (
    "sponsored_video_count",
    "organic_video_count",
    "sponsored_median_views",
    "organic_median_views",
    "sponsored_engagement_rate",
    "organic_engagement_rate",
)


def _creator_reductions(recent: pd.DataFrame) -> pd.DataFrame:
    """Sums, counts, medians and spreads of the recent videos, one row per creator that has some.

    Sums are `np.bincount` over the factorised creator ids (no per-video frame is built, which keeps
    3M rows within a few hundred MiB); medians go through one pandas groupby."""
    codes, creator_ids = pd.factorize(recent["creator_id"].to_numpy(dtype="int64"))
    size = len(creator_ids)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=size)

    views = recent["views"].to_numpy(dtype="float64")
    likes = recent["likes"].to_numpy(dtype="float64")
    comments = recent["comments"].to_numpy(dtype="float64")
    shares = recent["shares"].to_numpy(dtype="float64")
    saves = recent["saves"].to_numpy(dtype="float64")
    completion = recent["completion_rate"].to_numpy(dtype="float64")
    sponsored = is_sponsored(recent).to_numpy()
    has_saves = ~np.isnan(saves)
    has_completion = ~np.isnan(completion)
    interactions = likes + comments + shares + np.where(has_saves, saves, 0.0)  # unknown saves count as 0
    count = np.bincount(codes, minlength=size).astype("float64")
    views_sum = total(views)
    saves_known = total(has_saves.astype("float64"))
    completion_known = total(has_completion.astype("float64"))
    with np.errstate(divide="ignore", invalid="ignore"):
        views_mean = views_sum / count
        # Two-pass sample variance (ddof=1): NaN with one video.
        views_var = np.where(count > 1, total((views - views_mean[codes]) ** 2) / (count - 1), np.nan)
        completion_mean = np.where(completion_known > 0, total(np.where(has_completion, completion, 0.0)), np.nan)
        completion_mean = completion_mean / completion_known
    medians = (
        pd.DataFrame(
            {
                "views": views,
                "sponsored": np.where(sponsored, views, np.nan),
                "organic": np.where(sponsored, np.nan, views),
            }
        )
        .groupby(codes)
        .median()
        .reindex(range(size))
    )
    return pd.DataFrame(
        {
            "video_count": count,
            "views_sum": views_sum,
            "likes_sum": total(likes),
            "comments_sum": total(comments),
            "shares_sum": total(shares),
            "interactions_sum": total(interactions),
            "saves_sum": np.where(saves_known > 0, total(np.where(has_saves, saves, 0.0)), np.nan),
            "saved_views_sum": total(np.where(has_saves, views, 0.0)),
            "views_mean": views_mean,
            "views_std": np.sqrt(views_var),
            "completion_rate": completion_mean,
            "median_views": medians["views"].to_numpy(),
            "sponsored_video_count": total(sponsored.astype("float64")),
            "sponsored_views_sum": total(np.where(sponsored, views, 0.0)),
            "sponsored_interactions_sum": total(np.where(sponsored, interactions, 0.0)),
            "sponsored_median_views": medians["sponsored"].to_numpy(),
            "organic_median_views": medians["organic"].to_numpy(),
        },
        index=pd.Index(creator_ids, name="creator_id"),
    )


def _creator_frame(creators: pd.DataFrame) -> pd.DataFrame:
    require_columns(creators, CREATOR_COLUMNS, "creators")
    if creators["creator_id"].duplicated().any():
        raise ValueError("The creators frame has duplicate creator_id values.")
    frame = pd.DataFrame(
        {
            "tier": tiers(creators["tier"]).to_numpy(),
            "follower_count": creators["follower_count"].astype("float64").to_numpy(),
        },
        index=pd.Index(creators["creator_id"].to_numpy(dtype="int64"), name="creator_id"),
    )
    return frame


def engagement_components(recent: pd.DataFrame, creators: pd.DataFrame) -> pd.DataFrame:
    """Per-creator rates of the recent videos (see `select_recent_videos`), one row per creator of `creators`.

    Columns: tier, follower_count, the counts of `COUNT_COLUMNS` except posts_in_window, the
    video-based components of `COMPONENTS` and `SPONSORED_COLUMNS`. A creator without recent videos
    has video_count 0 and NaN rates.
    """
    require_columns(recent, video_columns(recent), "videos")
    base = _creator_frame(creators)
    agg = _creator_reductions(recent).reindex(base.index)
    followers = base["follower_count"]
    views = agg["views_sum"].where(agg["video_count"] > 0)
    interactions = agg["interactions_sum"]
    organic_views = views - agg["sponsored_views_sum"]
    organic_interactions = interactions - agg["sponsored_interactions_sum"]
    sponsored_rate = ratio(agg["sponsored_interactions_sum"], agg["sponsored_views_sum"])
    organic_rate = ratio(organic_interactions, organic_views)
    video_count = agg["video_count"].fillna(0).astype("int64")
    return pd.DataFrame(
        {
            "tier": base["tier"],
            "follower_count": creators["follower_count"].to_numpy(),
            "video_count": video_count,
            "views_sum": views,
            "likes_sum": agg["likes_sum"],
            "comments_sum": agg["comments_sum"],
            "shares_sum": agg["shares_sum"],
            "interactions_sum": interactions,
            "engagement_rate_views": ratio(interactions, views),
            "engagement_rate_followers": ratio(interactions / agg["video_count"], followers),
            "comment_rate": ratio(agg["comments_sum"], views),
            "share_rate": ratio(agg["shares_sum"], views),
            "save_rate": ratio(agg["saves_sum"], agg["saved_views_sum"]),
            "comment_like_ratio": ratio(agg["comments_sum"], agg["likes_sum"]),
            "completion_rate": agg["completion_rate"],
            "reach_rate": ratio(agg["median_views"], followers),
            "median_views": agg["median_views"],
            "views_cv": ratio(agg["views_std"], agg["views_mean"]),
            "sponsored_video_count": agg["sponsored_video_count"].fillna(0).astype("int64"),
            "organic_video_count": (video_count - agg["sponsored_video_count"].fillna(0)).astype("int64"),
            "sponsored_median_views": agg["sponsored_median_views"],
            "organic_median_views": agg["organic_median_views"],
            "sponsored_views_ratio": ratio(agg["sponsored_median_views"], agg["organic_median_views"]),
            "sponsored_engagement_rate": sponsored_rate,
            "organic_engagement_rate": organic_rate,
            "sponsored_engagement_ratio": ratio(sponsored_rate, organic_rate),
        },
        index=base.index,
    )


def posting_cadence(in_window: pd.DataFrame, *, window_days: int) -> pd.Series:
    """Videos per week over the window, from every video in it (before the `max_videos` cap)."""
    validate_window(window_days, 1)
    counts = in_window["creator_id"].value_counts(sort=False)
    return (counts / (window_days / 7.0)).rename("cadence_per_week")
