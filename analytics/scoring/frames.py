"""The input frames of scoring and the small helpers every scoring module shares: the columns each frame
must have, the tier names, checks on the frames and on the window, UTC handling of `as_of`, and the
NaN-safe ratio behind every rate. The contract of each frame is in `analytics.scoring.engine` and
docs/scoring.md.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pandas as pd

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


def video_columns(videos: pd.DataFrame) -> tuple[str, ...]:
    """The columns a videos frame must have: caption and hashtags, unless it carries `is_sponsored`."""
    if "is_sponsored" in videos.columns:
        return (*(c for c in VIDEO_COLUMNS if c not in ("caption", "hashtags")), "is_sponsored")
    return VIDEO_COLUMNS


FOLLOWER_COLUMNS = ("creator_id", "captured_on", "follower_count")
TIERS = ("nano", "micro", "macro", "mega")
UNKNOWN_TIER = "unknown"  # creators without a tier are ranked among themselves


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"The {name} frame lacks the column(s): {', '.join(missing)}.")


def utc(as_of: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(as_of)
    if stamp.tzinfo is None:
        raise ValueError("as_of must be a timezone-aware datetime (UTC).")
    return stamp.tz_convert("UTC")


def utc_day(as_of: datetime) -> np.datetime64:
    """The UTC day of as_of, comparable with the naive UTC days of `captured_on`."""
    return np.datetime64(utc(as_of).tz_localize(None).normalize().to_datetime64(), "ns")


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0, negative or NaN (never inf)."""
    denominator = denominator.astype("float64")
    return numerator.astype("float64") / denominator.where(denominator > 0)


def validate_window(window_days: int, max_videos: int) -> None:
    if not isinstance(window_days, numbers.Integral) or window_days < 1:
        raise ValueError(f"window_days must be a positive integer, got {window_days!r}.")
    if not isinstance(max_videos, numbers.Integral) or max_videos < 1:
        raise ValueError(f"max_videos must be a positive integer, got {max_videos!r}.")


def tiers(tier: pd.Series) -> pd.Series:
    """Tier names as plain strings (a categorical from the loader included), UNKNOWN_TIER for none."""
    as_text = tier.astype("object")
    return as_text.where(as_text.notna(), UNKNOWN_TIER)
