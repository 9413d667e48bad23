"""Score 100,000 creators x 30 videos (3,000,000 stats rows) end to end, against one SQL aggregate.

`run(ctx)` prepares `<name>_bench_scoring` beside the development database (kept and reused: the rows
are generated once with `generate_series`, deterministic), then measures in a fresh interpreter with
production settings.

Figures:
- `scoring.seconds`: `analytics.scoring_services.score_index` for the whole index: load the frames
  (COPY), compute every component, percentile and flag (pandas), store scores, history and tier medians.
  `baseline` = the seconds of one hand-written SQL aggregate over the same rows (per-creator engagement
  rate, median views and counts through the raw driver); `ratio` = scoring / SQL. Targets: <= 20 s and
  ratio <= 3.
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
            contact_email, sync_status, sync_error, score_stale, authenticity_flags, search_document,
            created_at, updated_at)
        SELECT 'tiktok', 'sb_' || i, 'Creator ' || i, '', '', 'US', '', '', '{en}', '{beauty}', '{}',
            (10 ^ (2 + 5 * ((i * 7919) %% 100000) / 100000.0))::bigint, 100, 0, 30, false, '', 'ok', '', true,
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


BASELINE_SQL = """
    SELECT v.creator_id, count(*) AS videos,
        sum(s.likes + s.comments + s.shares + coalesce(s.saves, 0))::float8 / nullif(sum(s.views), 0) AS er,
        sum(s.comments)::float8 / nullif(sum(s.views), 0) AS comment_rate,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY s.views) AS median_views
    FROM creators_video v JOIN creators_videostats s ON s.video_id = v.id
    WHERE v.posted_at > %(since)s AND v.posted_at <= %(as_of)s
    GROUP BY v.creator_id
"""


def _worker(out_path: str) -> None:
    import django

    django.setup()
    from datetime import datetime, timedelta

    from django.conf import settings
    from django.core.management import call_command

    from analytics import scoring_services

    call_command("migrate", verbosity=0)
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        generate(conn, CREATORS)
    as_of = datetime.fromisoformat(AS_OF)
    since = as_of - timedelta(days=settings.SCORING_WINDOW_DAYS)
    sql_times, scoring_times = [], []
    with psycopg.connect(url, autocommit=True) as raw:
        for _ in range(3):
            started = time.perf_counter()
            rows = raw.execute(BASELINE_SQL, {"since": since, "as_of": as_of}).fetchall()
            sql_times.append(time.perf_counter() - started)
    _log(f"SQL aggregate: {len(rows):,} creators in {min(sql_times):.2f}-{max(sql_times):.2f}s")
    for day in range(3):
        # A day later each time, as the nightly run goes: windows move, so scores change and are written.
        started = time.perf_counter()
        stored = scoring_services.score_index(as_of=as_of + timedelta(days=day))
        scoring_times.append(time.perf_counter() - started)
        _log(f"scored and stored {stored:,} creators in {scoring_times[-1]:.2f}s")
    sql_s, scoring_s = sorted(sql_times)[1], sorted(scoring_times)[1]  # medians of three
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
