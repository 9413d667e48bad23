"""Score 100,000 creators x 30 videos (3,000,000 stats rows) end to end, against one SQL aggregate.

`run(ctx)` prepares `<name>_bench_scoring` beside the development database (kept and reused: the rows
are generated once with `generate_series`, deterministic), then measures in a fresh interpreter with
production settings.

Figures:
- `scoring.seconds`: `analytics.scoring.services.score_index` for the whole index: load the frames
  (COPY), compute every component, percentile and flag (pandas), store scores, history and tier medians.
  `baseline` = the seconds of one equivalent SQL aggregate through the raw driver (EQUIVALENT_SQL): over
  the same rows (each video's latest stats, the window, the most recent SCORING_MAX_VIDEOS), the same
  fifteen components, their percentiles within the tier and the three objective scores; it neither
  stores anything nor explains flags. `ratio` = scoring / SQL. Targets: <= 20 s and ratio <= 3.
- `scoring.seconds_vs_minimal_sql`: the same seconds against MINIMAL_SQL, a four-figure aggregate
  (count, engagement rate, comment rate, median views per creator over the stats snapshots), the
  baseline of the first versions of this benchmark, kept so the figures stay comparable.
- `scoring.peak_rss_mib`: peak resident memory of the scoring process; `baseline` = the 2 GiB budget.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.workers import run_worker

CREATORS = int(os.environ.get("BENCH_SCORING_CREATORS", "100000"))
VIDEOS_PER_CREATOR = 30
AS_OF = "2026-11-20T12:00:00+00:00"
TARGET_SECONDS = 20.0
TARGET_RATIO = 3.0
MEMORY_BUDGET_MIB = 2048
REPO_ROOT = Path(__file__).resolve().parent.parent


def _log(message: str) -> None:
    print(f"[bench scoring] {message}", file=sys.stderr, flush=True)


DATABASE_SUFFIX = "_bench_scoring"


def run(ctx: Any) -> list[dict[str, Any]]:
    return run_worker("bench.bench_scoring", DATABASE_SUFFIX)


def generate(conn: psycopg.Connection[Any], creators: int) -> None:
    """100k creators (log-uniform followers), 30 videos each over the last 90 days with one stats
    snapshot, and five weekly follower snapshots; skipped when already there."""
    # The follower snapshots are written last: when they are all there, so is everything else.
    have = conn.execute("SELECT count(*) FROM creators_followersnapshot").fetchone()[0]
    if have >= creators * 5:
        return
    _log(f"generating {creators:,} creators x {VIDEOS_PER_CREATOR} videos (once)")
    started = time.monotonic()
    conn.execute("TRUNCATE creators_creator CASCADE")
    conn.execute(
        """
        INSERT INTO creators_creator (platform, handle, display_name, bio, avatar_url, country, region, city,
            languages, niches, hashtags, follower_count, following_count, likes_count, video_count, is_verified,
            sync_status, sync_error, score_stale, authenticity_flags, search_document,
            created_at, updated_at)
        SELECT 'tiktok', 'sb_' || i, 'Creator ' || i, '', '', 'US', '', '', '{en}', '{beauty}', '{}',
            (10 ^ (2 + 5 * ((i * 7919) %% 100000) / 100000.0))::bigint, 100, 0, 30, false, 'ok', '', true,
            '{}', 'sb_' || i, now(), now()
        FROM generate_series(1, %s) AS i
        """,
        [creators],
    )
    conn.execute(
        """
        INSERT INTO creators_video (creator_id, platform_video_id, caption, hashtags, sound, share_url,
            is_paid_partnership, posted_at, created_at, updated_at)
        SELECT c.id, 'v' || n, 'video ' || n || CASE WHEN n %% 9 = 0 THEN ' #ad' ELSE ' #fyp' END,
            CASE WHEN n %% 9 = 0 THEN '{ad}'::varchar[] ELSE '{fyp}'::varchar[] END, '', '', n %% 9 = 0,
            %s::timestamptz - make_interval(hours => (n * 70 + c.id %% 50)::int), now(), now()
        FROM creators_creator c CROSS JOIN generate_series(1, %s) AS n
        """,
        [AS_OF, VIDEOS_PER_CREATOR],
    )
    conn.execute(
        """
        INSERT INTO creators_videostats (video_id, captured_at, views, likes, comments, shares, saves,
            completion_rate)
        SELECT v.id, %s::timestamptz, x.views, x.views * x.er * 0.8, x.views * x.er * 0.05,
            x.views * x.er * 0.06, CASE WHEN v.id %% 4 = 0 THEN NULL ELSE (x.views * x.er * 0.09)::bigint END,
            0.3 + (v.id %% 40) / 100.0
        FROM creators_video v JOIN creators_creator c ON c.id = v.creator_id,
        LATERAL (SELECT (c.follower_count * (0.2 + (v.id * 31 %% 200) / 100.0))::bigint AS views,
                        0.02 + (c.id * 13 %% 120) / 1000.0 AS er) x
        """,
        [AS_OF],
    )
    conn.execute(
        """
        UPDATE creators_video v SET stats_captured_at = s.captured_at, views = s.views, likes = s.likes,
            comments = s.comments, shares = s.shares, saves = s.saves, completion_rate = s.completion_rate
        FROM creators_videostats s WHERE s.video_id = v.id
        """
    )
    conn.execute(
        """
        INSERT INTO creators_followersnapshot (creator_id, captured_on, follower_count)
        SELECT c.id, (%s::timestamptz - make_interval(days => (w * 7)::int))::date,
            (c.follower_count / (1 + 0.01 * w))::bigint
        FROM creators_creator c CROSS JOIN generate_series(0, 4) AS w
        """,
        [AS_OF],
    )
    conn.execute("VACUUM ANALYZE creators_creator, creators_video, creators_videostats, creators_followersnapshot")
    _log(f"generated in {time.monotonic() - started:.0f}s")


VACUUM_SQL = (
    "VACUUM ANALYZE creators_creator, creators_creatorscore, creators_creatorscorehistory, creators_tierbenchmark"
)
MINIMAL_SQL = """
    SELECT v.creator_id, count(*) AS videos,
        sum(s.likes + s.comments + s.shares + coalesce(s.saves, 0))::float8 / nullif(sum(s.views), 0) AS er,
        sum(s.comments)::float8 / nullif(sum(s.views), 0) AS comment_rate,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY s.views) AS median_views
    FROM creators_video v JOIN creators_videostats s ON s.video_id = v.id
    WHERE v.posted_at > %(since)s AND v.posted_at <= %(as_of)s
    GROUP BY v.creator_id
"""


# Written as an analyst would write it in SQL, with the definitions of docs/scoring.md; `{tier}`,
# `{percentiles}` and `{objectives}` are filled from the scoring module's components and weights.
EQUIVALENT_SQL_TEMPLATE = """
WITH recent AS (
    SELECT v.creator_id, v.views::float8 AS views, v.likes::float8 AS likes, v.comments::float8 AS comments,
        v.shares::float8 AS shares, v.saves::float8 AS saves, v.completion_rate::float8 AS completion,
        v.is_sponsored AS sponsored,
        v.likes + v.comments + v.shares + coalesce(v.saves, 0)::float8 AS interactions,
        row_number() OVER (PARTITION BY v.creator_id ORDER BY v.posted_at DESC, v.id DESC) AS n
    FROM creators_video v
    WHERE v.posted_at > %(since)s AND v.posted_at <= %(as_of)s AND v.stats_captured_at <= %(as_of)s
), per_creator AS (
    SELECT creator_id, count(*) AS videos, sum(views) AS views_sum, sum(likes) AS likes_sum,
        sum(comments) AS comments_sum, sum(shares) AS shares_sum, sum(interactions) AS interactions_sum,
        sum(saves) AS saves_sum, sum(views) FILTER (WHERE saves IS NOT NULL) AS saved_views_sum,
        avg(completion) AS completion_rate, stddev_samp(views) / nullif(avg(views), 0) AS views_cv,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY views) AS median_views,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY views) FILTER (WHERE sponsored) AS sponsored_median,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY views) FILTER (WHERE NOT sponsored) AS organic_median,
        sum(views) FILTER (WHERE sponsored) AS sponsored_views,
        sum(interactions) FILTER (WHERE sponsored) AS sponsored_interactions
    FROM recent WHERE n <= %(max_videos)s GROUP BY creator_id
), cadence AS (
    SELECT creator_id, count(*) / (%(window_days)s / 7.0) AS cadence_per_week FROM recent GROUP BY creator_id
), snapshots AS (
    SELECT creator_id,
        (array_agg(follower_count ORDER BY captured_on DESC)
            FILTER (WHERE captured_on >= %(day)s::date - 14))[1]::float8 AS now_count,
        (array_agg(follower_count ORDER BY captured_on DESC)
            FILTER (WHERE captured_on <= %(day)s::date - 30 AND captured_on >= %(day)s::date - 44))[1]::float8 AS d30,
        (array_agg(follower_count ORDER BY captured_on DESC)
            FILTER (WHERE captured_on <= %(day)s::date - 90 AND captured_on >= %(day)s::date - 104))[1]::float8 AS d90
    FROM creators_followersnapshot WHERE captured_on <= %(day)s::date GROUP BY creator_id
), components AS (
    SELECT c.id AS creator_id, {tier} AS tier,
        p.interactions_sum / nullif(p.views_sum, 0) AS engagement_rate_views,
        (p.interactions_sum / p.videos) / nullif(c.follower_count, 0) AS engagement_rate_followers,
        p.comments_sum / nullif(p.views_sum, 0) AS comment_rate,
        p.shares_sum / nullif(p.views_sum, 0) AS share_rate,
        p.saves_sum / nullif(p.saved_views_sum, 0) AS save_rate,
        p.comments_sum / nullif(p.likes_sum, 0) AS comment_like_ratio,
        p.completion_rate,
        p.median_views / nullif(c.follower_count, 0) AS reach_rate,
        p.median_views,
        p.views_cv,
        k.cadence_per_week,
        (s.now_count - s.d30) / nullif(s.d30, 0) AS follower_growth_30d,
        (s.now_count - s.d90) / nullif(s.d90, 0) AS follower_growth_90d,
        p.sponsored_median / nullif(p.organic_median, 0) AS sponsored_views_ratio,
        (p.sponsored_interactions / nullif(p.sponsored_views, 0))
            / nullif((p.interactions_sum - p.sponsored_interactions) / nullif(p.views_sum - p.sponsored_views, 0), 0)
            AS sponsored_engagement_ratio
    FROM creators_creator c
    LEFT JOIN per_creator p ON p.creator_id = c.id
    LEFT JOIN cadence k ON k.creator_id = c.id
    LEFT JOIN snapshots s ON s.creator_id = c.id
), percentiles AS (
    SELECT creator_id, tier, {percentiles} FROM components
)
SELECT creator_id, tier, {objectives} FROM percentiles
"""


def equivalent_sql() -> str:
    from analytics.scoring.composite import COMPONENTS, DEFAULT_OBJECTIVE_WEIGHTS
    from creators.selectors import tier_bounds

    cases = [
        f"WHEN c.follower_count >= {int(low)}"
        + (f" AND c.follower_count < {int(high)}" if high else "")
        + f" THEN '{name}'"
        for name, (low, high) in tier_bounds().items()
    ]
    percentiles = [
        f"CASE WHEN {name} IS NULL THEN NULL ELSE 100 * cume_dist() OVER "
        f"(PARTITION BY tier, {name} IS NULL ORDER BY {name}{'' if higher else ' DESC'}) END AS p_{name}"
        for name, higher in COMPONENTS.items()
    ]
    objectives = []
    for objective, weights in DEFAULT_OBJECTIVE_WEIGHTS.items():
        weighted = " + ".join(f"coalesce({w} * p_{name}, 0)" for name, w in weights.items())
        known = " + ".join(f"CASE WHEN p_{name} IS NULL THEN 0 ELSE {w} END" for name, w in weights.items())
        objectives.append(f"({weighted}) / nullif({known}, 0) AS score_{objective}")
    return EQUIVALENT_SQL_TEMPLATE.format(
        tier=f"CASE {' '.join(cases)} END", percentiles=", ".join(percentiles), objectives=", ".join(objectives)
    )


def _worker(out_path: str) -> None:
    import django

    django.setup()
    from datetime import datetime, timedelta

    from django.conf import settings
    from django.core.management import call_command

    from analytics.scoring import services as scoring_services

    call_command("migrate", verbosity=0)
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        generate(conn, CREATORS)
    as_of = datetime.fromisoformat(AS_OF)
    since = as_of - timedelta(days=settings.SCORING_WINDOW_DAYS)
    sql_times, minimal_times, scoring_times = [], [], []
    params = {
        "since": since,
        "as_of": as_of,
        "day": as_of.date(),
        "max_videos": settings.SCORING_MAX_VIDEOS,
        "window_days": settings.SCORING_WINDOW_DAYS,
    }
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute(VACUUM_SQL)
        for _ in range(3):
            started = time.perf_counter()
            rows = raw.execute(equivalent_sql(), params).fetchall()
            sql_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            raw.execute(MINIMAL_SQL, params).fetchall()
            minimal_times.append(time.perf_counter() - started)
    _log(f"equivalent SQL: {len(rows):,} creators in {min(sql_times):.2f}-{max(sql_times):.2f}s")
    _log(f"minimal SQL aggregate: {min(minimal_times):.2f}-{max(minimal_times):.2f}s")
    for day in range(3):
        # Untimed: the dead rows of the previous run are vacuumed first, as autovacuum does between two
        # nightly runs, so it does not start in the middle of this one (and the rounds compare).
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute(VACUUM_SQL)
        # A day later each time, as the nightly run goes: windows move, so scores change and are written.
        started = time.perf_counter()
        stored = scoring_services.score_index(as_of=as_of + timedelta(days=day))
        scoring_times.append(time.perf_counter() - started)
        _log(f"scored and stored {stored:,} creators in {scoring_times[-1]:.2f}s")
    sql_s, scoring_s = sorted(sql_times)[1], sorted(scoring_times)[1]  # medians of three
    minimal_s = sorted(minimal_times)[1]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = [
        {
            "name": "seconds",
            "value": round(scoring_s, 2),
            "unit": "s",
            "baseline": round(sql_s, 2),
            "better": "lower",
            "target": f"<= {TARGET_SECONDS:.0f} s, ratio <= {TARGET_RATIO:.0f}",
            "creators": CREATORS,
            "stats_rows": CREATORS * VIDEOS_PER_CREATOR,
        },
        {
            "name": "seconds_vs_minimal_sql",
            "value": round(scoring_s, 2),
            "unit": "s",
            "baseline": round(minimal_s, 2),
            "better": "lower",
        },
        {
            "name": "peak_rss_mib",
            "value": round(peak_mib),
            "unit": "MiB",
            "baseline": MEMORY_BUDGET_MIB,
            "better": "lower",
        },
    ]
    Path(out_path).write_text(json.dumps(figures))
    if scoring_s > TARGET_SECONDS or scoring_s / sql_s > TARGET_RATIO:
        _log(f"MISSED: {scoring_s:.1f}s, {scoring_s / sql_s:.2f}x the SQL aggregate")


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    _worker(sys.argv[2])
