"""Load the scoring frames from PostgreSQL, score with `analytics.scoring.engine`, store through creators.

Percentile ranks compare a creator with its whole tier, so every run loads the whole index (recent
videos only) and scores it; a run for the stale creators stores only theirs. Frames come out of the
database by `COPY ... TO STDOUT (FORMAT csv)` read by pandas' C parser: several times faster than
building model instances or tuples for millions of rows (bench/scoring); the videos, millions of
fixed-width rows, come as binary COPY read by numpy in one pass (analytics.scoring.binary_frames).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import structlog
from django.conf import settings
from django.db import connection

from analytics.scoring.binary_frames import copy_binary_frame
from analytics.scoring.composite import COMPONENTS, tier_medians
from analytics.scoring.engine import score_creators
from analytics.scoring.followers import FOLLOWER_SPIKE_BASELINE_DAYS
from analytics.scoring.frames import UNKNOWN_TIER
from analytics.scoring.settings import refresh_workspace_scores
from creators.index.scores import ScoreColumns, store_scores, store_tier_benchmarks
from creators.selectors import tier_bounds

log = structlog.get_logger(__name__)

_LOCK_KEY = 0x5C0_4E  # pg advisory lock: one scoring run at a time


def copy_frame(sql: str, params: Any, dtypes: dict[str, Any], parse_dates: list[str]) -> pd.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params) if params else sql
        with cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER true)") as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    frame = pd.read_csv(
        buffer, dtype=dtypes, keep_default_na=False, na_values=[""], true_values=["t"], false_values=["f"]
    )
    for column in parse_dates:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _tier_case() -> str:
    bounds = tier_bounds()
    # An unknown follower count (NULL) is in no tier: such creators are ranked among themselves
    # (UNKNOWN_TIER) and their follower-based rates are NaN, left out of every median.
    cases = [f"WHEN follower_count IS NULL THEN '{UNKNOWN_TIER}'"]
    for name, (low, high) in bounds.items():
        condition = f"follower_count >= {int(low)}" + (f" AND follower_count < {int(high)}" if high else "")
        cases.append(f"WHEN {condition} THEN '{name}'")
    return f"CASE {' '.join(cases)} END"


# Every column fixed-width and never NULL, for the binary COPY (analytics.scoring.binary_frames).
_VIDEO_COLUMNS = """
    v.creator_id, v.id, v.posted_at, {stats}, v.is_paid_partnership, v.is_sponsored
"""
_STATS = (
    "{t}.views, {t}.likes, {t}.comments, {t}.shares, COALESCE({t}.saves::float8, 'NaN'), "
    "COALESCE({t}.completion_rate::float8, 'NaN')"
)
VIDEO_FRAME_COLUMNS = (
    ("creator_id", "bigint"),
    ("video_id", "bigint"),
    ("posted_at", "timestamptz"),
    ("views", "bigint"),
    ("likes", "bigint"),
    ("comments", "bigint"),
    ("shares", "bigint"),
    ("saves", "float8"),
    ("completion_rate", "float8"),
    ("is_paid_partnership", "boolean"),
    ("is_sponsored", "boolean"),
)
# The latest snapshot as of `as_of`: the copy on the video when it is not newer than as_of (always,
# for a run about now), else the newest older snapshot (a run about the past, e.g. the demo's history).
VIDEOS_SQL = (
    "SELECT "  # noqa: S608 - our own constants; values travel as parameters
    + _VIDEO_COLUMNS.format(stats=_STATS.format(t="v"))
    + """
    FROM creators_video v
    WHERE v.posted_at > %(since)s AND v.posted_at <= %(as_of)s AND v.stats_captured_at <= %(as_of)s
    UNION ALL
    SELECT * FROM (
        SELECT DISTINCT ON (v.id) """
    + _VIDEO_COLUMNS.format(stats=_STATS.format(t="s"))
    + """
        FROM creators_video v JOIN creators_videostats s ON s.video_id = v.id AND s.captured_at <= %(as_of)s
        WHERE v.posted_at > %(since)s AND v.posted_at <= %(as_of)s AND v.stats_captured_at > %(as_of)s
        ORDER BY v.id, s.captured_at DESC
    ) older
"""
)


def load_frames(*, as_of: datetime, window_days: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(videos, creators, followers) as `analytics.scoring.engine` expects them."""
    since = as_of - timedelta(days=window_days)
    creators = copy_frame(
        f"SELECT id AS creator_id, follower_count, {_tier_case()} AS tier FROM creators_creator",  # noqa: S608
        [],
        {"creator_id": "int64", "follower_count": "float64", "tier": "category"},  # NaN: unknown
        [],
    )
    videos = copy_binary_frame(VIDEOS_SQL, {"since": since, "as_of": as_of}, VIDEO_FRAME_COLUMNS)
    followers = copy_frame(
        "SELECT creator_id, captured_on, follower_count FROM creators_followersnapshot "
        "WHERE captured_on > %s AND captured_on <= %s",
        [as_of.date() - timedelta(days=FOLLOWER_SPIKE_BASELINE_DAYS), as_of.date()],
        {"creator_id": "int64", "follower_count": "int64"},
        [],
    )
    followers["captured_on"] = pd.to_datetime(followers["captured_on"])
    return videos, creators, followers


@contextmanager
def _scoring_lock() -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_KEY])
        (mine,) = cursor.fetchone()
    try:
        yield bool(mine)
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


def score_index(*, as_of: datetime | None = None, only_stale: bool = False) -> int:
    """Score the index as of `as_of` (now) and store the scores: of every creator, or of the stale ones.
    Returns how many creators were stored; 0 when another run holds the lock (it will see the same
    stale flags, or clear them). Idempotent: the same as_of stores the same rows again."""
    as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
    with _scoring_lock() as mine:
        if not mine:
            return 0
        loaded_at = datetime.now(UTC)
        stale_ids = _stale_ids() if only_stale else None
        if only_stale and not stale_ids:
            return 0
        videos, creators, followers = load_frames(as_of=as_of, window_days=settings.SCORING_WINDOW_DAYS)
        scored = score_creators(
            videos=videos,
            creators=creators,
            followers=followers,
            as_of=as_of,
            window_days=settings.SCORING_WINDOW_DAYS,
            max_videos=settings.SCORING_MAX_VIDEOS,
            objective=settings.SCORING_DEFAULT_OBJECTIVE,
        )
        del videos, followers
        medians = _tier_medians(tier_medians(scored))  # of the whole index, before any filter
        if stale_ids is not None:
            scored = scored.loc[scored.index.intersection(pd.Index(stale_ids))]
        columns = _score_columns(scored)
        store_scores(columns=columns, computed_at=as_of, loaded_at=loaded_at)
        store_tier_benchmarks(
            medians=medians,
            counts={str(tier): int(n) for tier, n in creators["tier"].value_counts().items()},
            computed_at=as_of,
        )
        refresh_workspace_scores()  # "Your score" of each workspace with its own weights, queued
    log.info("scoring.stored", creators=len(columns.creator_ids), only_stale=only_stale, as_of=as_of.isoformat())
    return len(columns.creator_ids)


def _stale_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM creators_creator WHERE score_stale")
        return [pk for (pk,) in cursor.fetchall()]


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _optional(series: pd.Series) -> list[float | None]:
    values = series.astype("float64")
    return [None if v != v else v for v in values.tolist()]  # NaN -> None


def _score_columns(scored: pd.DataFrame) -> ScoreColumns:
    """The run's results as columns, the components of each creator as one JSON text built by pandas
    (the per-creator dicts and json.dumps of 100,000 rows took seconds)."""
    objectives = [c for c in scored.columns if c.startswith("score_")]
    detail = [
        *COMPONENTS,
        *(f"pct_{name}" for name in COMPONENTS),
        "video_count",
        "flags",
        "flag_penalty",
        *objectives,
    ]
    frame = scored[detail].copy()
    frame["tier"] = scored["tier"].astype(str)
    components = frame.to_json(orient="records", lines=True, double_precision=6).splitlines()
    flags = [[str(flag["code"]) for flag in f] if isinstance(f, list) else [] for f in scored["flags"].tolist()]
    return ScoreColumns(
        creator_ids=[int(pk) for pk in scored.index.tolist()],
        scores=_optional(scored["score"]),
        awareness=_optional(scored["score_awareness"]),
        consideration=_optional(scored["score_consideration"]),
        conversions=_optional(scored["score_conversions"]),
        engagement_rates=_optional(scored["engagement_rate_views"]),
        growth_30d=_optional(scored["follower_growth_30d"]),
        flags=flags,
        components_json=components,
    )


def _tier_medians(medians: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    return {
        str(tier): {name: _number(value) for name, value in row.items()}
        for tier, row in medians.to_dict("index").items()
    }


def score_stale_creators() -> int:
    return score_index(only_stale=True)


def score_all_creators() -> int:
    return score_index()
