"""Engagement scoring of creators: pure pandas computation, no Django, no database.

No Django either: the one import from the app is creators.disclosure, plain Python.
A scoring service loads the frames below from PostgreSQL, calls `score_creators`, and stores the result.
Every formula, threshold and source is explained in `docs/scoring.md`.

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
score in a few seconds; the only Python loops run over flagged creators and over brand-safety hits.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creators.audience.fit import AUDIENCE_FIT_DIMENSIONS as AUDIENCE_FIT_DIMENSIONS  # re-exported
from creators.audience.fit import audience_fit as audience_fit  # re-exported: part of scoring
from creators.disclosure import CAPTION_DISCLOSURE_RE, HASHTAG_DISCLOSURE_RE
from creators.disclosure import DISCLOSURE_TAGS as DISCLOSURE_TAGS  # re-exported: part of the rule

# --- Input columns -----------------------------------------------------------------------------

VIDEO_COLUMNS = (
    "creator_id",
    "video_id",
    "posted_at",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "completion_rate",
    "is_paid_partnership",
    "caption",
    "hashtags",
)
CREATOR_COLUMNS = ("creator_id", "follower_count", "tier")


def _video_columns(videos: pd.DataFrame) -> tuple[str, ...]:
    """The columns a videos frame must have: caption and hashtags, unless it carries `is_sponsored`."""
    if "is_sponsored" in videos.columns:
        return (*(c for c in VIDEO_COLUMNS if c not in ("caption", "hashtags")), "is_sponsored")
    return VIDEO_COLUMNS


FOLLOWER_COLUMNS = ("creator_id", "captured_on", "follower_count")
TIERS = ("nano", "micro", "macro", "mega")
UNKNOWN_TIER = "unknown"  # creators without a tier are ranked among themselves

# --- Sponsorship ---------------------------------------------------------------------------------

# The disclosure rule lives with the videos it classifies (creators.disclosure, plain Python): videos are
# classified when written, and frames with captions are classified here the same way.
_CAPTION_DISCLOSURE_RE = CAPTION_DISCLOSURE_RE
_HASHTAG_DISCLOSURE_RE = HASHTAG_DISCLOSURE_RE

# --- Components ----------------------------------------------------------------------------------

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
GROWTH_DAYS = (30, 90)
# A growth "over 30 days" needs snapshots near both ends: each may be at most 14 days older than its date.
GROWTH_SNAPSHOT_MAX_AGE_DAYS = 14

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

# --- Objectives and weights ----------------------------------------------------------------------

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

# --- Authenticity flags --------------------------------------------------------------------------

MAD_TO_SIGMA = 1.4826  # 1 / Φ⁻¹(0.75): MAD x 1.4826 estimates sigma of a normal distribution
# follower_spike: a day's growth rate with an Iglewicz-Hoaglin modified z-score above 3.5 in the creator's
# own history, at least 3x its typical daily gain and at least 1,000 followers/day.
FOLLOWER_SPIKE_Z = 3.5
FOLLOWER_SPIKE_MIN_MULTIPLE = 3.0
FOLLOWER_SPIKE_MIN_GAIN_PER_DAY = 1_000.0
FOLLOWER_SPIKE_MIN_INCREMENTS = 7  # a week of daily snapshots before a creator's "normal" is known
FOLLOWER_SPIKE_LOOKBACK_DAYS = 90  # only spikes this recent are reported
FOLLOWER_SPIKE_BASELINE_DAYS = 365  # a creator's "normal" growth is its last year
# engagement_low / engagement_high: log(engagement rate by views) outside the tier's log-space
# median ± 2.054 robust sigma, i.e. below its ~2nd or above its ~98th percentile if log-normal.
ENGAGEMENT_OUTLIER_Z = 2.054  # Φ⁻¹(0.98)
ENGAGEMENT_FLAG_MIN_VIEWS = 1_000  # below that, one viewer more or less moves the rate too much
ENGAGEMENT_TIER_MIN_CREATORS = 20  # fewer creators in a tier: no distribution to compare with
# views_tiny: median views under 1 % of followers (bought or inactive followers).
VIEWS_TINY_MAX_REACH = 0.01
VIEWS_TINY_MIN_FOLLOWERS = 5_000
VIEWS_TINY_MIN_VIDEOS = 3
# comments_tiny: fewer than 2 comments per 1,000 likes (bought likes).
COMMENTS_TINY_MAX_RATIO = 0.002
COMMENTS_TINY_MIN_LIKES = 1_000

FLAG_LABELS: dict[str, str] = {
    "follower_spike": "Sudden follower spike",
    "engagement_low": "Engagement unusually low for the tier",
    "engagement_high": "Engagement unusually high for the tier",
    "views_tiny": "Views tiny compared with followers",
    "comments_tiny": "Very few comments for the likes",
}
# Points subtracted from the 0-100 score per flag (then clipped to 0-100).
FLAG_PENALTIES: dict[str, float] = {
    "follower_spike": 15.0,
    "engagement_low": 10.0,
    "engagement_high": 15.0,
    "views_tiny": 10.0,
    "comments_tiny": 10.0,
}
FLAG_TABLE_COLUMNS = ("creator_id", "code", "label", "evidence", "value", "threshold")

# --- Audience fit and brand safety ---------------------------------------------------------------

BRAND_SAFETY_COLUMNS = ("creator_id", "video_id", "term", "field", "excerpt")
BRAND_SAFETY_EXCERPT_CHARS = 40  # characters kept on each side of a hit

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


# =================================================================================================
# Helpers
# =================================================================================================


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"The {name} frame lacks the column(s): {', '.join(missing)}.")


def _utc(as_of: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(as_of)
    if stamp.tzinfo is None:
        raise ValueError("as_of must be a timezone-aware datetime (UTC).")
    return stamp.tz_convert("UTC")


def _utc_day(as_of: datetime) -> np.datetime64:
    """The UTC day of as_of, comparable with the naive UTC days of `captured_on`."""
    return np.datetime64(_utc(as_of).tz_localize(None).normalize().to_datetime64(), "ns")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0, negative or NaN (never inf)."""
    denominator = denominator.astype("float64")
    return numerator.astype("float64") / denominator.where(denominator > 0)


def _validate_window(window_days: int, max_videos: int) -> None:
    if not isinstance(window_days, numbers.Integral) or window_days < 1:
        raise ValueError(f"window_days must be a positive integer, got {window_days!r}.")
    if not isinstance(max_videos, numbers.Integral) or max_videos < 1:
        raise ValueError(f"max_videos must be a positive integer, got {max_videos!r}.")


# =================================================================================================
# Recent videos and sponsorship
# =================================================================================================


def videos_in_window(videos: pd.DataFrame, *, as_of: datetime, window_days: int) -> pd.DataFrame:
    """The videos posted in [as_of - window_days, as_of]; NaT never qualifies."""
    columns = _video_columns(videos)
    _require_columns(videos, columns, "videos")
    _validate_window(window_days, 1)
    end = _utc(as_of)
    posted = pd.to_datetime(videos["posted_at"], utc=True)
    mask = ((posted >= end - pd.Timedelta(days=window_days)) & (posted <= end)).to_numpy()
    if mask.all():
        return videos  # a loader that already selected the window: no copy of 3M rows
    return videos.loc[mask, list(columns)]


def keep_most_recent(videos: pd.DataFrame, *, max_videos: int) -> pd.DataFrame:
    """At most `max_videos` per creator, the most recent first (ties: the higher video_id)."""
    _validate_window(1, max_videos)
    if videos.empty or videos["creator_id"].value_counts().max() <= max_videos:
        return videos  # the common case: no creator over the cap, no sort needed
    ordered = videos.sort_values(["creator_id", "posted_at", "video_id"], ascending=[True, False, False])
    return ordered.loc[ordered.groupby("creator_id", sort=False).cumcount().to_numpy() < max_videos]


def select_recent_videos(videos: pd.DataFrame, *, as_of: datetime, window_days: int, max_videos: int) -> pd.DataFrame:
    """A creator's recent videos: in the window, at most the `max_videos` most recent."""
    return keep_most_recent(videos_in_window(videos, as_of=as_of, window_days=window_days), max_videos=max_videos)


def _search_each(values: np.ndarray, pattern: re.Pattern[str]) -> np.ndarray:
    """pattern.search over an object array, as a bool array; a missing (non-str) value never matches.

    `map` keeps the per-element loop in C (no Python lambda per row as in `Series.str.contains`):
    0.8-0.9 s instead of 1.0-1.1 s for 3M captions."""
    try:
        return np.fromiter(map(bool, map(pattern.search, values)), dtype=bool, count=len(values))
    except TypeError:  # None or NaN somewhere: the slow, careful path
        return np.fromiter(
            (isinstance(value, str) and pattern.search(value) is not None for value in values),
            dtype=bool,
            count=len(values),
        )


def is_sponsored(videos: pd.DataFrame) -> pd.Series:
    """True for a paid partnership or a video whose hashtags or caption carry a `DISCLOSURE_TAGS` tag.

    A frame may bring the answer in an `is_sponsored` column (the database loader applies the same rule
    in SQL, so captions need not travel); it is then used as is."""
    if "is_sponsored" in videos.columns:
        return videos["is_sponsored"].astype(bool).rename("is_sponsored")
    sponsored = videos["is_paid_partnership"].eq(True).to_numpy(dtype=bool, copy=True)  # None/NaN: not paid
    for column, pattern in (("hashtags", _HASHTAG_DISCLOSURE_RE), ("caption", _CAPTION_DISCLOSURE_RE)):
        undecided = np.flatnonzero(~sponsored)  # a video already known sponsored needs no more scanning
        if len(undecided):
            sponsored[undecided] = _search_each(videos[column].to_numpy()[undecided], pattern)
    return pd.Series(sponsored, index=videos.index, name="is_sponsored")


# =================================================================================================
# Per-creator engagement components
# =================================================================================================


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


def _tiers(tier: pd.Series) -> pd.Series:
    """Tier names as plain strings (a categorical from the loader included), UNKNOWN_TIER for none."""
    as_text = tier.astype("object")
    return as_text.where(as_text.notna(), UNKNOWN_TIER)


def _creator_frame(creators: pd.DataFrame) -> pd.DataFrame:
    _require_columns(creators, CREATOR_COLUMNS, "creators")
    if creators["creator_id"].duplicated().any():
        raise ValueError("The creators frame has duplicate creator_id values.")
    frame = pd.DataFrame(
        {
            "tier": _tiers(creators["tier"]).to_numpy(),
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
    _require_columns(recent, _video_columns(recent), "videos")
    base = _creator_frame(creators)
    agg = _creator_reductions(recent).reindex(base.index)
    followers = base["follower_count"]
    views = agg["views_sum"].where(agg["video_count"] > 0)
    interactions = agg["interactions_sum"]
    organic_views = views - agg["sponsored_views_sum"]
    organic_interactions = interactions - agg["sponsored_interactions_sum"]
    sponsored_rate = _ratio(agg["sponsored_interactions_sum"], agg["sponsored_views_sum"])
    organic_rate = _ratio(organic_interactions, organic_views)
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
            "engagement_rate_views": _ratio(interactions, views),
            "engagement_rate_followers": _ratio(interactions / agg["video_count"], followers),
            "comment_rate": _ratio(agg["comments_sum"], views),
            "share_rate": _ratio(agg["shares_sum"], views),
            "save_rate": _ratio(agg["saves_sum"], agg["saved_views_sum"]),
            "comment_like_ratio": _ratio(agg["comments_sum"], agg["likes_sum"]),
            "completion_rate": agg["completion_rate"],
            "reach_rate": _ratio(agg["median_views"], followers),
            "median_views": agg["median_views"],
            "views_cv": _ratio(agg["views_std"], agg["views_mean"]),
            "sponsored_video_count": agg["sponsored_video_count"].fillna(0).astype("int64"),
            "organic_video_count": (video_count - agg["sponsored_video_count"].fillna(0)).astype("int64"),
            "sponsored_median_views": agg["sponsored_median_views"],
            "organic_median_views": agg["organic_median_views"],
            "sponsored_views_ratio": _ratio(agg["sponsored_median_views"], agg["organic_median_views"]),
            "sponsored_engagement_rate": sponsored_rate,
            "organic_engagement_rate": organic_rate,
            "sponsored_engagement_ratio": _ratio(sponsored_rate, organic_rate),
        },
        index=base.index,
    )


def posting_cadence(in_window: pd.DataFrame, *, window_days: int) -> pd.Series:
    """Videos per week over the window, from every video in it (before the `max_videos` cap)."""
    _validate_window(window_days, 1)
    counts = in_window["creator_id"].value_counts(sort=False)
    return (counts / (window_days / 7.0)).rename("cadence_per_week")


# =================================================================================================
# Follower history: growth and spikes
# =================================================================================================


def follower_history(followers: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Snapshots on or before as_of's UTC day, sorted by creator and day, one per creator and day
    (the last row given wins). `captured_on` becomes datetime64[ns], `follower_count` float64.

    Frames already sorted (ORDER BY creator_id, captured_on) skip the sort."""
    _require_columns(followers, FOLLOWER_COLUMNS, "followers")
    day = pd.to_datetime(followers["captured_on"])
    if getattr(day.dt, "tz", None) is not None:
        day = day.dt.tz_convert("UTC").dt.tz_localize(None)
    days = day.to_numpy(dtype="datetime64[ns]")
    creator = followers["creator_id"].to_numpy(dtype="int64")
    count = followers["follower_count"].to_numpy(dtype="float64")
    keep = (days <= _utc_day(as_of)) & ~np.isnan(count)  # NaT compares False
    creator, days, count = creator[keep], days[keep], count[keep]
    same_creator = creator[1:] == creator[:-1]
    if not (np.all(creator[1:] >= creator[:-1]) and np.all(~same_creator | (days[1:] >= days[:-1]))):
        order = np.lexsort((days, creator))  # stable: among equal days the later input row stays last
        creator, days, count = creator[order], days[order], count[order]
    last_of_day = np.ones(len(creator), dtype=bool)
    last_of_day[:-1] = (creator[1:] != creator[:-1]) | (days[1:] != days[:-1])
    return pd.DataFrame(
        {"creator_id": creator[last_of_day], "captured_on": days[last_of_day], "follower_count": count[last_of_day]}
    )


def _last_per_creator(history: pd.DataFrame) -> pd.DataFrame:
    """The last row of each creator in a `follower_history` frame, indexed by creator_id."""
    creator = history["creator_id"].to_numpy()
    is_last = np.ones(len(creator), dtype=bool)
    is_last[:-1] = creator[1:] != creator[:-1]
    return history.loc[is_last].set_index("creator_id")


def _growth(history: pd.DataFrame, as_of_day: np.datetime64, days: Iterable[int]) -> pd.DataFrame:
    max_age = np.timedelta64(GROWTH_SNAPSHOT_MAX_AGE_DAYS, "D")
    latest = _last_per_creator(history)
    latest = latest.loc[latest["captured_on"].to_numpy() >= as_of_day - max_age]  # a stale "now" is no now
    result = pd.DataFrame(index=latest.index)
    for period in days:
        target = as_of_day - np.timedelta64(int(period), "D")
        captured = history["captured_on"].to_numpy()
        base = _last_per_creator(history.loc[(captured <= target) & (captured >= target - max_age)])
        base = base.reindex(latest.index)
        growth = _ratio(latest["follower_count"] - base["follower_count"], base["follower_count"])
        result[f"follower_growth_{int(period)}d"] = growth.where(latest["captured_on"] > base["captured_on"])
    return result


def follower_growth(followers: pd.DataFrame, *, as_of: datetime, days: Iterable[int] = GROWTH_DAYS) -> pd.DataFrame:
    """Relative follower change over each period, columns follower_growth_<d>d, indexed by creator_id.

    growth = (now - then) / then, where "now" is the latest snapshot on or before as_of and "then" the
    latest on or before as_of - d days; each at most GROWTH_SNAPSHOT_MAX_AGE_DAYS older than its date.
    NaN when there is no such snapshot (history too short or gappy), when "then" shows 0 followers,
    or when both are the same snapshot."""
    return _growth(follower_history(followers, as_of=as_of), _utc_day(as_of), days)


def _follower_steps(history: pd.DataFrame, as_of_day: np.datetime64) -> pd.DataFrame:
    """Snapshot-over-snapshot gains per day within the baseline period, with group codes."""
    creator = history["creator_id"].to_numpy()
    days = history["captured_on"].to_numpy()
    count = history["follower_count"].to_numpy()
    same = creator[1:] == creator[:-1]
    same &= days[:-1] >= as_of_day - np.timedelta64(FOLLOWER_SPIKE_BASELINE_DAYS, "D")
    # One snapshot per creator and day, so a step within a creator spans at least one day.
    elapsed_days = ((days[1:] - days[:-1])[same]) / np.timedelta64(1, "D")
    step_creator = creator[1:][same]
    starts = np.ones(len(step_creator), dtype=bool)
    starts[1:] = step_creator[1:] != step_creator[:-1]
    return pd.DataFrame(
        {
            "code": np.cumsum(starts) - 1,  # 0, 1, 2 … per creator, in creator order
            "creator_id": step_creator,
            "captured_on": days[1:][same],
            "rate": (count[1:] - count[:-1])[same] / elapsed_days,  # followers gained per day
        }
    )


def _spikes(history: pd.DataFrame, as_of_day: np.datetime64) -> pd.DataFrame:
    steps = _follower_steps(history, as_of_day)
    code = steps["code"].to_numpy()
    rate = steps["rate"].to_numpy()
    median = pd.Series(rate).groupby(code).median().to_numpy()  # codes are 0..n-1 in order
    mad = pd.Series(np.abs(rate - median[code])).groupby(code).median().to_numpy()
    increments = np.bincount(code, minlength=len(median))
    recent = steps["captured_on"].to_numpy() > as_of_day - np.timedelta64(FOLLOWER_SPIKE_LOOKBACK_DAYS, "D")
    peak_rate = pd.Series(rate[recent]).groupby(code[recent]).max()
    at_peak = recent & (rate == peak_rate.reindex(code).to_numpy())
    peak = steps.loc[at_peak].drop_duplicates("code", keep="last")  # the latest day of the peak
    peak_code = peak["code"].to_numpy()
    result = pd.DataFrame(
        {
            "value": peak["rate"].to_numpy(),
            "captured_on": peak["captured_on"].to_numpy(),
            "median": median[peak_code],
            "mad": mad[peak_code],
            "increments": increments[peak_code],
        },
        index=pd.Index(peak["creator_id"].to_numpy(), name="creator_id"),
    )
    result["threshold"] = np.maximum.reduce(
        [
            (result["median"] + FOLLOWER_SPIKE_Z * MAD_TO_SIGMA * result["mad"]).to_numpy(),
            (FOLLOWER_SPIKE_MIN_MULTIPLE * result["median"]).to_numpy(),
            np.full(len(result), FOLLOWER_SPIKE_MIN_GAIN_PER_DAY),
        ]
    )
    enough = result["increments"] >= FOLLOWER_SPIKE_MIN_INCREMENTS
    result["is_spike"] = enough & (result["value"] > result["threshold"])
    return result


def follower_spikes(followers: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Per creator with follower history, its largest recent gain per day against its own baseline.

    Index creator_id; columns value (followers/day of the largest gain in the last
    FOLLOWER_SPIKE_LOOKBACK_DAYS), captured_on (the snapshot that ends it), median and mad of the
    creator's gains per day over FOLLOWER_SPIKE_BASELINE_DAYS, increments (their number), threshold =
    max(median + FOLLOWER_SPIKE_Z x 1.4826 x MAD, FOLLOWER_SPIKE_MIN_MULTIPLE x median,
    FOLLOWER_SPIKE_MIN_GAIN_PER_DAY), is_spike (value > threshold with enough increments)."""
    return _spikes(follower_history(followers, as_of=as_of), _utc_day(as_of))


# =================================================================================================
# Authenticity flags
# =================================================================================================


def _flag_rows(code: str, mask: pd.Series, value: pd.Series, threshold: Any, evidence: pd.Series) -> pd.DataFrame:
    mask = mask.fillna(False).astype(bool)
    threshold_values = pd.Series(threshold, index=mask.index, dtype="float64")
    return pd.DataFrame(
        {
            "creator_id": mask.index[mask.to_numpy()],
            "code": code,
            "label": FLAG_LABELS[code],
            "evidence": evidence[mask].to_numpy(dtype=object),
            "value": value[mask].to_numpy(dtype="float64"),
            "threshold": threshold_values[mask].to_numpy(),
        }
    )


def _format_each(template: str, frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """template.format(**row) for the rows in mask only (flagged creators are few)."""
    rows = frame.loc[mask.fillna(False).astype(bool).to_numpy()]
    texts = [template.format(**row) for row in rows.to_dict("records")]
    return pd.Series(texts, index=rows.index, dtype=object).reindex(frame.index)


def tier_engagement_bounds(components: pd.DataFrame) -> pd.DataFrame:
    """Per tier: log-space median and MAD of engagement_rate_views and the low/high flag thresholds.

    Only creators with ≥ ENGAGEMENT_FLAG_MIN_VIEWS views and a positive rate count; a tier with fewer
    than ENGAGEMENT_TIER_MIN_CREATORS of them, or a MAD of 0, gets NaN thresholds (no flag)."""
    rate = components["engagement_rate_views"]
    eligible = (components["views_sum"] >= ENGAGEMENT_FLAG_MIN_VIEWS) & (rate > 0)
    log_rate = np.log(rate[eligible])
    tier = components.loc[eligible, "tier"]
    median = log_rate.groupby(tier).median()
    mad = (log_rate - median.reindex(tier).to_numpy()).abs().groupby(tier).median()
    size = log_rate.groupby(tier).size()
    usable = (size >= ENGAGEMENT_TIER_MIN_CREATORS) & (mad > 0)
    spread = ENGAGEMENT_OUTLIER_Z * MAD_TO_SIGMA * mad
    return pd.DataFrame(
        {
            "creators": size,
            "median": np.exp(median),
            "low": np.exp(median - spread).where(usable),
            "high": np.exp(median + spread).where(usable),
        }
    )


def _engagement_flags(components: pd.DataFrame) -> list[pd.DataFrame]:
    bounds = tier_engagement_bounds(components).reindex(components["tier"].to_numpy())
    bounds.index = components.index
    rate = components["engagement_rate_views"]
    enough = components["views_sum"] >= ENGAGEMENT_FLAG_MIN_VIEWS
    detail = pd.DataFrame(
        {
            "rate": rate,
            "tier": components["tier"],
            "low": bounds["low"],
            "high": bounds["high"],
            "median": bounds["median"],
        }
    )
    low = enough & (rate < bounds["low"])  # a zero rate with views is the lowest of all
    high = enough & (rate > bounds["high"])
    text = (
        "engagement rate {rate:.2%} by views is {side} the {tier} tier's usual range "
        "(tier median {median:.2%}, flag {op} {bound:.2%})"
    )
    low_text = _format_each(text, detail.assign(side="below", op="under", bound=detail["low"]), low)
    high_text = _format_each(text, detail.assign(side="above", op="over", bound=detail["high"]), high)
    return [
        _flag_rows("engagement_low", low, rate, bounds["low"], low_text),
        _flag_rows("engagement_high", high, rate, bounds["high"], high_text),
    ]


def _views_tiny_flags(components: pd.DataFrame) -> pd.DataFrame:
    mask = (
        (components["follower_count"] >= VIEWS_TINY_MIN_FOLLOWERS)
        & (components["video_count"] >= VIEWS_TINY_MIN_VIDEOS)
        & (components["reach_rate"] < VIEWS_TINY_MAX_REACH)
    )
    text = (
        "median views {median_views:,.0f} are {reach_rate:.2%} of {follower_count:,.0f} followers "
        f"(flag under {VIEWS_TINY_MAX_REACH:.0%})"
    )
    evidence = _format_each(text, components, mask)
    return _flag_rows("views_tiny", mask, components["reach_rate"], VIEWS_TINY_MAX_REACH, evidence)


def _comments_tiny_flags(components: pd.DataFrame) -> pd.DataFrame:
    mask = (components["likes_sum"] >= COMMENTS_TINY_MIN_LIKES) & (
        components["comment_like_ratio"] < COMMENTS_TINY_MAX_RATIO
    )
    text = (
        "{comments_sum:,.0f} comments for {likes_sum:,.0f} likes ({comment_like_ratio:.3%}; "
        f"flag under {COMMENTS_TINY_MAX_RATIO:.1%})"
    )
    evidence = _format_each(text, components, mask)
    return _flag_rows("comments_tiny", mask, components["comment_like_ratio"], COMMENTS_TINY_MAX_RATIO, evidence)


def _follower_spike_flags(spikes: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    spikes = spikes.loc[spikes.index.isin(index)]
    mask = spikes["is_spike"]
    detail = spikes.assign(day=spikes["captured_on"].dt.strftime("%Y-%m-%d"))
    text = (
        "+{value:,.0f} followers/day up to {day} against a typical {median:+,.0f}/day "
        "(MAD {mad:,.0f}, {increments:.0f} increments; flag over {threshold:,.0f}/day)"
    )
    evidence = _format_each(text, detail, mask)
    return _flag_rows("follower_spike", mask, spikes["value"], spikes["threshold"], evidence)


def authenticity_flags(components: pd.DataFrame, followers: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Every flag raised, one row per creator and flag: `FLAG_TABLE_COLUMNS`.

    `components` is `engagement_components`' frame (the tier distribution comes from it)."""
    return _authenticity_flags(components, follower_spikes(followers, as_of=as_of))


def _authenticity_flags(components: pd.DataFrame, spikes: pd.DataFrame) -> pd.DataFrame:
    parts = [
        _follower_spike_flags(spikes, components.index),
        *_engagement_flags(components),
        _views_tiny_flags(components),
        _comments_tiny_flags(components),
    ]
    table = pd.concat([part for part in parts if not part.empty] or [parts[0]], ignore_index=True)
    return table.reindex(columns=list(FLAG_TABLE_COLUMNS)).sort_values(["creator_id", "code"], ignore_index=True)


def flags_by_creator(table: pd.DataFrame, index: pd.Index) -> pd.Series:
    """One list of flag dicts {code, label, evidence, value, threshold} per creator of `index`."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in table.to_dict("records"):
        creator_id = row.pop("creator_id")
        grouped.setdefault(int(creator_id), []).append(row)
    return pd.Series([grouped.get(int(cid)) or [] for cid in index], index=index, name="flags", dtype=object)


def flag_penalty(table: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Points to subtract from each creator's score: the sum of FLAG_PENALTIES of its flags."""
    points = table["code"].map(FLAG_PENALTIES).fillna(0.0).astype("float64")
    total = points.groupby(table["creator_id"].to_numpy()).sum()
    return total.reindex(index, fill_value=0.0).rename("flag_penalty")


# =================================================================================================
# Tier statistics, percentiles and composite scores
# =================================================================================================


def tier_medians(components: pd.DataFrame) -> pd.DataFrame:
    """Per tier (index), the median of every component of `COMPONENTS` among the tier's creators."""
    columns = [name for name in COMPONENTS if name in components.columns]
    tier = _tiers(components["tier"])
    return components[columns].astype("float64").groupby(tier).median()


def tier_percentiles(components: pd.DataFrame) -> pd.DataFrame:
    """Each component's percentile rank (0-100) within the creator's tier, higher = better.

    Mid-rank percentile: 100 x (below + ½ · equal) / n among the tier's creators with a value; for
    components where lower is better it is 100 minus that. NaN values stay NaN."""
    columns = [name for name in COMPONENTS if name in components.columns]
    values = components[columns].astype("float64")
    tier = _tiers(components["tier"])
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


# =================================================================================================
# Top level
# =================================================================================================


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
    _validate_window(window_days, max_videos)
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
    as_of_day = _utc_day(as_of)
    result = result.join(_growth(history, as_of_day, GROWTH_DAYS))
    flags = _authenticity_flags(result, _spikes(history, as_of_day))
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


# =================================================================================================
# Audience fit
# =================================================================================================


# =================================================================================================
# Brand safety
# =================================================================================================

# Combining marks (accents written as separate code points, as in NFD text).
_COMBINING_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_JOINER = r"[\s_-]+"  # between the words of a multi-word term: "gun shop", "gun-shop"


def fold_text(text: str) -> str:
    """Case- and accent-insensitive form: NFKD, combining marks dropped, casefolded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def _letter_variants() -> dict[str, str]:
    """Base letter -> the precomposed letters that fold to it ("e" -> "èéêëÈÉ…"), Latin/Greek/Cyrillic."""
    variants: dict[str, set[str]] = {}
    for start, end in ((0x00C0, 0x0530), (0x1E00, 0x2000)):
        for code_point in range(start, end):
            char = chr(code_point)
            base = fold_text(char)
            if len(base) == 1 and base != char:
                variants.setdefault(base, set()).add(char)
    return {base: "".join(sorted(chars)) for base, chars in variants.items()}


_LETTER_VARIANTS = _letter_variants()


def _term_key(text: str) -> str:
    return re.sub(_WORD_JOINER, "", fold_text(text))


def _term_pattern(folded: str, joiner: str) -> str:
    parts = []
    for char in folded:
        if char == " ":
            parts.append(joiner)
        else:
            chars = char + _LETTER_VARIANTS.get(char, "")
            parts.append("[" + "".join(re.escape(c) for c in chars) + f"][{_COMBINING_MARKS}]*")
    return "".join(parts)


def compile_brand_safety_terms(terms: Iterable[str]) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]] | None:
    """One regex for captions (whole words), one for the hashtags field (whole tags; the words of a
    multi-word term joined: "gun shop" matches #gunshop), and folded match -> term; None without terms."""
    lookup: dict[str, str] = {}
    folded_terms: dict[str, str] = {}
    for term in terms:
        folded = fold_text(str(term).lstrip("#"))
        if folded and _term_key(folded) not in lookup:
            lookup[_term_key(folded)] = str(term)
            folded_terms[folded] = str(term)
    if not folded_terms:
        return None
    ordered = sorted(folded_terms, key=len, reverse=True)  # longest first: "gun shop" before "gun"
    caption = "|".join(_term_pattern(folded, _WORD_JOINER) for folded in ordered)
    hashtag = "|".join(_term_pattern(folded.replace(" ", ""), "") for folded in ordered)
    caption_re = re.compile(rf"(?<![\w{_COMBINING_MARKS}])(?:{caption})(?!\w)", re.IGNORECASE)
    hashtag_re = re.compile(rf"(?<!\S)#?(?:{hashtag})(?!\S)", re.IGNORECASE)
    return caption_re, hashtag_re, lookup


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - BRAND_SAFETY_EXCERPT_CHARS)
    right = min(len(text), end + BRAND_SAFETY_EXCERPT_CHARS)
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def brand_safety_hits(videos: pd.DataFrame, terms: Iterable[str]) -> pd.DataFrame:
    """Every (video, term, field) where a term appears as a whole word in the caption or as a whole tag
    in the hashtags, ignoring case and accents: `BRAND_SAFETY_COLUMNS`, term as given by the caller.

    One compiled regex per field scans the whole column; only the matching rows are then walked to
    name the terms and cut excerpts."""
    _require_columns(videos, ("creator_id", "video_id", "caption", "hashtags"), "videos")
    compiled = compile_brand_safety_terms(terms)
    rows: list[tuple[Any, ...]] = []
    if compiled is not None:
        caption_re, hashtag_re, lookup = compiled
        for field, pattern in (("caption", caption_re), ("hashtags", hashtag_re)):
            text = videos[field]
            hit = text.str.contains(pattern, na=False).to_numpy(dtype=bool) if len(text) else np.zeros(0, bool)
            matched = videos.loc[hit, ["creator_id", "video_id", field]]
            for creator_id, video_id, value in matched.itertuples(index=False, name=None):
                seen: set[str] = set()
                for match in pattern.finditer(value):
                    term = lookup.get(_term_key(match.group(0)), match.group(0))
                    if term not in seen:
                        seen.add(term)
                        rows.append((creator_id, video_id, term, field, _excerpt(value, match.start(), match.end())))
    hits = pd.DataFrame(rows, columns=list(BRAND_SAFETY_COLUMNS))
    return hits.sort_values(["creator_id", "video_id", "field", "term"], ignore_index=True)
