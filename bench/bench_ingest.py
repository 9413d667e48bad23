"""Store 1,000,000 VideoStats rows as the metrics pipeline writes them, against raw COPY of the same rows.

Runs on the scoring benchmark's database (`<name>_bench_scoring`, 100,000 creators x 30 videos): the
pulls of 33,334 creators are built in memory first (not timed), then stored through
`creators.index.pulls.store_pulls` in batches of METRICS_SYNC_CHUNK creators, as `sync_creators_task`
does: staging COPY, video upsert, stats insert keyed by (video, slot), follower snapshots, creator
update. The rows are deleted afterwards.

Figures:
- `ingest.rows_per_s`: stats rows stored per second by WRITERS processes at once (default 2, the
  `--concurrency` of the devstack's Celery worker: the pipeline's pull tasks run that many at a time),
  each storing every WRITERS-th chunk. `baseline` = the same rows `COPY`'d by psycopg into an
  unindexed table of the same columns, in the same run, by one process; `ratio` = ingest / COPY.
  Target: >= 100,000 rows/s.
- `ingest.single_writer_rows_per_s`: the same rows stored by one process, chunk after chunk: the
  cost of one pull task's writes, and what a one-process worker would reach.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.bench_scoring import CREATORS, DATABASE_SUFFIX, generate
from bench.workers import run_worker

ROWS = int(os.environ.get("BENCH_INGEST_ROWS", "1000000"))
WRITERS = int(os.environ.get("BENCH_INGEST_WRITERS", "2"))
TARGET_ROWS_PER_S = 100_000
REPO_ROOT = Path(__file__).resolve().parent.parent
SLOT = "2026-11-21T00:00:00+00:00"


def _log(message: str) -> None:
    print(f"[bench ingest] {message}", file=sys.stderr, flush=True)


def run(ctx: Any) -> list[dict[str, Any]]:
    return run_worker("bench.bench_ingest", DATABASE_SUFFIX)  # the scoring benchmark's database


def _worker(out_path: str) -> None:
    import django

    django.setup()
    from datetime import datetime

    from django.conf import settings
    from django.core.management import call_command

    from creators.index.pulls import store_pulls
    from creators.index.snapshots import CreatorMetrics, ProfileSnapshot, VideoSnapshot

    call_command("migrate", verbosity=0)
    url = os.environ["DATABASE_URL"]
    slot = datetime.fromisoformat(SLOT)
    with psycopg.connect(url, autocommit=True) as conn:
        generate(conn, CREATORS)
        conn.execute("DELETE FROM creators_videostats WHERE captured_at = %s", [slot])
        conn.execute("DELETE FROM creators_followersnapshot WHERE captured_on = %s", [slot.date()])
        videos = conn.execute(
            """
            SELECT v.creator_id, v.platform_video_id, v.posted_at, v.caption, v.hashtags, v.is_paid_partnership,
                c.follower_count
            FROM creators_video v JOIN creators_creator c ON c.id = v.creator_id
            ORDER BY v.creator_id, v.platform_video_id LIMIT %s
            """,
            [ROWS],
        ).fetchall()
    by_creator: dict[int, list[VideoSnapshot]] = {}
    followers: dict[int, int] = {}
    for n, (creator_id, platform_id, posted_at, caption, hashtags, paid, follower_count) in enumerate(videos):
        views = 1000 + n % 50_000
        by_creator.setdefault(creator_id, []).append(
            VideoSnapshot(
                platform_video_id=platform_id,
                captured_at=slot,
                views=views,
                likes=views // 12,
                comments=views // 300,
                shares=views // 200,
                saves=views // 150,
                posted_at=posted_at,
                caption=caption,
                hashtags=tuple(hashtags),
                is_paid_partnership=paid,
            )
        )
        followers[creator_id] = follower_count + 10
    pulls = [
        (creator_id, CreatorMetrics(ProfileSnapshot(captured_at=slot, follower_count=followers[creator_id]), tuple(v)))
        for creator_id, v in by_creator.items()
    ]
    rows = sum(len(metrics.videos) for _c, metrics in pulls)
    chunk = settings.METRICS_SYNC_CHUNK
    chunks = [pulls[start : start + chunk] for start in range(0, len(pulls), chunk)]

    def store(writer: int, writers: int) -> int:
        return sum(store_pulls(pulls=part, captured_at=slot).snapshots_created for part in chunks[writer::writers])

    def forget(conn: psycopg.Connection[Any]) -> None:
        conn.execute("DELETE FROM creators_videostats WHERE captured_at = %s", [slot])
        conn.execute("DELETE FROM creators_followersnapshot WHERE captured_on = %s", [slot.date()])
        conn.execute("VACUUM creators_videostats, creators_followersnapshot, creators_video, creators_creator")

    _log(f"storing {rows:,} stats rows of {len(pulls):,} creators, {chunk} creators per transaction, one writer")
    started = time.perf_counter()
    stored = store(0, 1)
    single_s = time.perf_counter() - started
    assert stored == rows, f"stored {stored} of {rows}"
    with psycopg.connect(url, autocommit=True) as conn:
        forget(conn)
    _log(f"one writer: {rows / single_s:,.0f} rows/s; now {WRITERS} writers")
    ingest_s = _in_processes(store, WRITERS, expected=rows)

    copy_rows = [
        (n, slot, v.views, v.likes, v.comments, v.shares, v.saves)
        for n, v in enumerate(video for _c, m in pulls for video in m.videos)
    ]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TEMP TABLE copy_baseline (video_id bigint, captured_at timestamptz, views bigint, likes bigint, "
            "comments bigint, shares bigint, saves bigint)"
        )
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy("COPY copy_baseline FROM STDIN") as copy:
            for row in copy_rows:
                copy.write_row(row)
        copy_s = time.perf_counter() - started
        conn.execute("DELETE FROM creators_videostats WHERE captured_at = %s", [slot])
        conn.execute("DELETE FROM creators_followersnapshot WHERE captured_on = %s", [slot.date()])
    rate, copy_rate = rows / ingest_s, rows / copy_s
    _log(f"ingest {rate:,.0f} rows/s ({ingest_s:.1f}s, {WRITERS} writers); raw COPY {copy_rate:,.0f} rows/s")
    Path(out_path).write_text(
        json.dumps(
            [
                {
                    "name": "rows_per_s",
                    "value": round(rate),
                    "unit": "rows/s",
                    "baseline": round(copy_rate),
                    "better": "higher",
                    "target": f">= {TARGET_ROWS_PER_S:,}",
                    "rows": rows,
                    "writers": WRITERS,
                },
                {
                    "name": "single_writer_rows_per_s",
                    "value": round(rows / single_s),
                    "unit": "rows/s",
                    "baseline": round(copy_rate),
                    "better": "higher",
                    "rows": rows,
                },
            ]
        )
    )
    if rate < TARGET_ROWS_PER_S:
        _log(f"MISSED: {rate:,.0f} rows/s")


def _in_processes(store: Any, writers: int, *, expected: int) -> float:
    """Seconds for `writers` forked processes to run store(i, writers) each, like a worker pool: each
    child opens its own database connection (the parent's is closed before the fork)."""
    import multiprocessing

    from django.db import connections

    global _STORE
    _STORE = store  # inherited by the forked children: a closure does not pickle
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(writers) as pool:
        started = time.perf_counter()
        stored = sum(pool.starmap(_child_store, [(i, writers) for i in range(writers)]))
        elapsed = time.perf_counter() - started
    assert stored == expected, f"stored {stored} of {expected}"
    return elapsed


_STORE: Any = None


def _child_store(writer: int, writers: int) -> int:
    from django.db import connections

    try:
        return int(_STORE(writer, writers))
    finally:
        connections.close_all()


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    _worker(sys.argv[2])
