"""Keep each video's latest stats snapshot on the video row (Video.views … stats_captured_at).

Every writer of VideoStats calls `copy_latest_stats` in the same transaction, so the copy is never
behind the snapshots; a snapshot older than the one already copied changes nothing."""

from typing import Any

# Videos whose snapshots may have changed are given as a subquery returning video ids.
_COPY_SQL = """
    UPDATE creators_video v SET stats_captured_at = s.captured_at, views = s.views, likes = s.likes,
        comments = s.comments, shares = s.shares, saves = s.saves, completion_rate = s.completion_rate
    FROM (
        SELECT DISTINCT ON (video_id) video_id, captured_at, views, likes, comments, shares, saves, completion_rate
        FROM creators_videostats WHERE video_id IN ({video_ids})
        ORDER BY video_id, captured_at DESC
    ) s
    WHERE v.id = s.video_id AND (v.stats_captured_at IS NULL OR v.stats_captured_at <= s.captured_at)
        AND (v.stats_captured_at, v.views, v.likes, v.comments, v.shares, v.saves, v.completion_rate)
            IS DISTINCT FROM (s.captured_at, s.views, s.likes, s.comments, s.shares, s.saves, s.completion_rate)
"""


# A batch writing this many snapshots into tables whose statistics still describe them as smaller
# (a fresh database: seed_demo, a first import) gets them refreshed before the copy: with no statistics
# the planner takes the snapshots for a handful of rows and joins them by scanning the whole table
# once per video, which took minutes for the demo's 60,000 snapshots.
ANALYZE_FROM_ROWS = 2_000


def copy_latest_stats(cursor: Any, *, video_ids_sql: str, params: Any = None, new_snapshots: int = 0) -> int:
    """`video_ids_sql` is a SELECT of video ids (our own SQL, never user input); `new_snapshots` how many
    snapshots the caller just wrote. Returns rows updated."""
    if new_snapshots >= ANALYZE_FROM_ROWS:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'creators_videostats'::regclass")
        (known,) = cursor.fetchone()
        if known < new_snapshots:  # -1 (never analyzed) or fewer rows than this batch alone added
            cursor.execute("ANALYZE creators_videostats, creators_video")  # sees this transaction's rows
    cursor.execute(_COPY_SQL.format(video_ids=video_ids_sql), params)
    return int(cursor.rowcount)
