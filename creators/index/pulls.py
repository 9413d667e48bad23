"""Store metric pulls: videos, their stats snapshots, daily follower snapshots and the creator's profile
figures, for a batch of creators in one transaction.

Every row is keyed by what it describes, never by when the task ran: a stats snapshot by (video, the
pull's capture slot), a follower snapshot by (creator, day). The capture slot comes from the sweep that
enqueued the pull, so a task that is retried or re-delivered after a worker died stores exactly what the
first attempt stored, and nothing twice. The batch goes through COPY into temporary tables and one
statement per target table, because the pipeline writes millions of snapshots a day (bench/ingest).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from creators.disclosure import discloses_sponsorship
from creators.index import provenance
from creators.index.snapshots import CreatorMetrics
from creators.models import Creator
from creators.search_text import search_document


@dataclass(frozen=True)
class PullSummary:
    creators: int = 0
    videos_created: int = 0
    snapshots_created: int = 0
    follower_snapshots_written: int = 0


_VIDEO_COLUMNS = (
    ("creator_id", "bigint"),
    ("platform_video_id", "text"),
    ("posted_at", "timestamptz"),
    ("caption", "text"),
    ("hashtags", "text[]"),
    ("duration_s", "integer"),
    ("share_url", "text"),
    ("is_paid_partnership", "boolean"),
    ("is_sponsored", "boolean"),
    ("views", "bigint"),
    ("likes", "bigint"),
    ("comments", "bigint"),
    ("shares", "bigint"),
    ("saves", "bigint"),
    ("avg_watch_time_s", "numeric"),
    ("completion_rate", "numeric"),
)
_PROFILE_COLUMNS = (
    ("creator_id", "bigint"),
    ("follower_count", "bigint"),
    ("following_count", "bigint"),
    ("likes_count", "bigint"),
    ("video_count", "integer"),
    ("display_name", "text"),
    ("bio", "text"),
    ("avatar_url", "text"),
    ("is_verified", "boolean"),
    ("search_document", "text"),
    ("last_posted_at", "timestamptz"),
)


def store_pulls(*, pulls: Sequence[tuple[int, CreatorMetrics]], captured_at: datetime) -> PullSummary:
    """Store what was pulled for each creator id, as of `captured_at` (the sweep's slot, UTC).

    Creators whose pull brought new stats or a new follower count are marked `score_stale` so the next
    scoring batch picks them up. Returns what was new."""
    if not pulls:
        return PullSummary()
    day = captured_at.date()
    platform_source = json.dumps(provenance.entry(provenance.Source.PLATFORM, at=captured_at))
    with transaction.atomic(), connection.cursor() as cursor:
        # Every join below pairs a small staged batch with a big table by its unique key.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("SET LOCAL synchronous_commit = off")  # a lost commit is re-pulled by the next sweep
        _stage(cursor, "pull_videos", _VIDEO_COLUMNS, _video_rows(pulls))
        _stage(cursor, "pull_profiles", _PROFILE_COLUMNS, _profile_rows(pulls, _search_documents(pulls)))
        # One write per video: its description and, when this slot is its newest, its latest stats
        # (the copy scoring reads; creators.index.video_stats). A slot older than the copy leaves it alone.
        newer = "(creators_video.stats_captured_at IS NULL OR creators_video.stats_captured_at <= %(now)s)"
        latest = ("views", "likes", "comments", "shares", "saves", "completion_rate")
        cursor.execute(
            f"""
            INSERT INTO creators_video (creator_id, platform_video_id, posted_at, caption, hashtags, sound,
                duration_s, share_url, is_paid_partnership, is_sponsored, stats_captured_at, {", ".join(latest)},
                provenance, created_at, updated_at)
            SELECT s.creator_id, s.platform_video_id, s.posted_at, s.caption, s.hashtags, '', s.duration_s,
                s.share_url, s.is_paid_partnership, s.is_sponsored, %(now)s,
                {", ".join(f"s.{name}" for name in latest)}, %(source)s::jsonb, %(now)s, %(now)s
            FROM pull_videos s
            ORDER BY s.creator_id, s.platform_video_id
            ON CONFLICT (creator_id, platform_video_id) DO UPDATE SET
                posted_at = COALESCE(EXCLUDED.posted_at, creators_video.posted_at),
                caption = EXCLUDED.caption, hashtags = EXCLUDED.hashtags, duration_s = EXCLUDED.duration_s,
                share_url = EXCLUDED.share_url, is_paid_partnership = EXCLUDED.is_paid_partnership,
                is_sponsored = EXCLUDED.is_sponsored,
                stats_captured_at = CASE WHEN {newer} THEN EXCLUDED.stats_captured_at
                    ELSE creators_video.stats_captured_at END,
                {", ".join(f"{n} = CASE WHEN {newer} THEN EXCLUDED.{n} ELSE creators_video.{n} END" for n in latest)},
                provenance = EXCLUDED.provenance,
                updated_at = EXCLUDED.updated_at
            WHERE (creators_video.caption, creators_video.hashtags, creators_video.duration_s,
                    creators_video.share_url, creators_video.is_paid_partnership, creators_video.is_sponsored)
                IS DISTINCT FROM (EXCLUDED.caption, EXCLUDED.hashtags, EXCLUDED.duration_s,
                    EXCLUDED.share_url, EXCLUDED.is_paid_partnership, EXCLUDED.is_sponsored)
                OR (creators_video.posted_at IS NULL AND EXCLUDED.posted_at IS NOT NULL)
                OR creators_video.provenance ->> 'source' IS DISTINCT FROM 'platform'
                OR ({newer} AND (creators_video.stats_captured_at, {", ".join(f"creators_video.{n}" for n in latest)})
                    IS DISTINCT FROM (EXCLUDED.stats_captured_at, {", ".join(f"EXCLUDED.{n}" for n in latest)}))
            RETURNING id, creator_id, (xmax = 0)
            """,  # noqa: S608 - identifiers are our constants; values travel as parameters
            {"now": captured_at, "source": platform_source},
        )
        written = cursor.fetchall()
        videos_created = sum(1 for _id, _creator, inserted in written if inserted)
        # A new snapshot moves the video's latest copy, so its video is in `written`; only a late
        # snapshot (a slot older than the copy) needs a lookup.
        creator_of = {video_id: creator_id for video_id, creator_id, _inserted in written}
        cursor.execute(
            """
            INSERT INTO creators_videostats (video_id, captured_at, views, likes, comments, shares, saves,
                avg_watch_time_s, completion_rate)
            SELECT v.id, %(at)s, s.views, s.likes, s.comments, s.shares, s.saves, s.avg_watch_time_s,
                s.completion_rate
            FROM pull_videos s
            JOIN creators_video v ON v.creator_id = s.creator_id AND v.platform_video_id = s.platform_video_id
            ORDER BY v.id
            ON CONFLICT (video_id, captured_at) DO NOTHING
            RETURNING video_id
            """,
            {"at": captured_at},
        )
        fresh_stats = {video_id for (video_id,) in cursor.fetchall()}
        late = sorted(fresh_stats - creator_of.keys())
        if late:
            cursor.execute("SELECT id, creator_id FROM creators_video WHERE id = ANY(%s)", [late])
            creator_of.update(cursor.fetchall())
        cursor.execute(
            """
            INSERT INTO creators_followersnapshot (creator_id, captured_on, follower_count, following_count,
                likes_count, video_count)
            SELECT p.creator_id, %(day)s, p.follower_count, p.following_count, p.likes_count, p.video_count
            FROM pull_profiles p
            ORDER BY p.creator_id
            ON CONFLICT (creator_id, captured_on) DO UPDATE SET
                follower_count = EXCLUDED.follower_count, following_count = EXCLUDED.following_count,
                likes_count = EXCLUDED.likes_count, video_count = EXCLUDED.video_count
            WHERE (creators_followersnapshot.follower_count, creators_followersnapshot.following_count,
                    creators_followersnapshot.likes_count, creators_followersnapshot.video_count)
                IS DISTINCT FROM (EXCLUDED.follower_count, EXCLUDED.following_count, EXCLUDED.likes_count,
                    EXCLUDED.video_count)
            RETURNING creator_id
            """,
            {"day": day},
        )
        changed_followers = {creator_id for (creator_id,) in cursor.fetchall()}
        cursor.execute(
            """
            UPDATE creators_creator c SET
                follower_count = p.follower_count,
                following_count = COALESCE(p.following_count, c.following_count),
                likes_count = COALESCE(p.likes_count, c.likes_count),
                video_count = COALESCE(p.video_count, c.video_count),
                display_name = COALESCE(p.display_name, c.display_name),
                bio = COALESCE(p.bio, c.bio),
                avatar_url = COALESCE(p.avatar_url, c.avatar_url),
                is_verified = COALESCE(p.is_verified, c.is_verified),
                -- What the platform said now outranks any file (creators.index.provenance).
                provenance = c.provenance || jsonb_strip_nulls(jsonb_build_object(
                    'follower_count', %(source)s::jsonb,
                    'following_count', CASE WHEN p.following_count IS NOT NULL THEN %(source)s::jsonb END,
                    'likes_count', CASE WHEN p.likes_count IS NOT NULL THEN %(source)s::jsonb END,
                    'video_count', CASE WHEN p.video_count IS NOT NULL THEN %(source)s::jsonb END,
                    'display_name', CASE WHEN p.display_name IS NOT NULL THEN %(source)s::jsonb END,
                    'bio', CASE WHEN p.bio IS NOT NULL THEN %(source)s::jsonb END,
                    'avatar_url', CASE WHEN p.avatar_url IS NOT NULL THEN %(source)s::jsonb END,
                    'is_verified', CASE WHEN p.is_verified IS NOT NULL THEN %(source)s::jsonb END,
                    'videos', %(source)s::jsonb)),
                search_document = COALESCE(p.search_document, c.search_document),
                last_posted_at = GREATEST(c.last_posted_at, p.last_posted_at),
                last_seen_at = %(at)s,
                synced_at = GREATEST(c.synced_at, %(at)s),
                sync_status = %(ok)s,
                sync_error = '',
                score_stale = c.score_stale OR p.creator_id = ANY(%(stale)s),
                -- the transaction's clock, not the slot: scoring clears score_stale only for rows it loaded
                updated_at = now()
            FROM pull_profiles p
            WHERE c.id = p.creator_id
            """,
            {
                "at": captured_at,
                "source": platform_source,
                "ok": Creator.SyncStatus.OK,
                "stale": sorted(changed_followers | {creator_of[video_id] for video_id in fresh_stats}),
            },
        )
        cursor.execute("DROP TABLE pull_videos, pull_profiles")
    return PullSummary(
        creators=len(pulls),
        videos_created=videos_created,
        snapshots_created=len(fresh_stats),
        follower_snapshots_written=len(changed_followers),
    )


def _stage(cursor: object, table: str, columns: tuple[tuple[str, str], ...], rows: list[tuple[object, ...]]) -> None:
    definition = ", ".join(f"{name} {kind}" for name, kind in columns)
    cursor.execute(f"CREATE TEMP TABLE {table} ({definition}) ON COMMIT DROP")  # type: ignore[attr-defined]
    names = ", ".join(name for name, _kind in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        copy.set_types([kind for _name, kind in columns])
        for row in rows:
            copy.write_row(row)


def _video_rows(pulls: Sequence[tuple[int, CreatorMetrics]]) -> list[tuple[object, ...]]:
    rows: dict[tuple[int, str], tuple[object, ...]] = {}
    for creator_id, metrics in pulls:
        for v in metrics.videos:
            # A provider that lists a video twice (paging overlap) must not make the upsert touch it twice.
            rows[(creator_id, v.platform_video_id)] = (
                creator_id,
                v.platform_video_id,
                v.posted_at,
                v.caption,
                list(v.hashtags),
                v.duration_s,
                v.share_url,
                v.is_paid_partnership,
                discloses_sponsorship(caption=v.caption, hashtags=v.hashtags, paid=v.is_paid_partnership),
                v.views,
                v.likes,
                v.comments,
                v.shares,
                v.saves,
                v.avg_watch_time_s,
                v.completion_rate,
            )
    return list(rows.values())


def _search_documents(pulls: Sequence[tuple[int, CreatorMetrics]]) -> dict[int, str]:
    """The new search text of creators whose pulled name or bio differs from the stored one."""
    pulled = {creator_id: m.profile for creator_id, m in pulls if m.profile.display_name or m.profile.bio}
    documents = {}
    stored = Creator.objects.filter(pk__in=pulled).values_list("pk", "handle", "display_name", "bio", "hashtags")
    for pk, handle, display_name, bio, hashtags in stored:
        profile = pulled[pk]
        name, text = profile.display_name or display_name, profile.bio or bio
        if (name, text) != (display_name, bio):
            documents[pk] = search_document(handle=handle, display_name=name, bio=text, hashtags=hashtags)
    return documents


def _profile_rows(pulls: Sequence[tuple[int, CreatorMetrics]], documents: dict[int, str]) -> list[tuple[object, ...]]:
    rows: dict[int, tuple[object, ...]] = {}
    for creator_id, metrics in pulls:
        p = metrics.profile
        rows[creator_id] = (
            creator_id,
            p.follower_count,
            p.following_count,
            p.likes_count,
            p.video_count,
            p.display_name,
            p.bio,
            p.avatar_url,
            p.is_verified,
            documents.get(creator_id),
            max((v.posted_at for v in metrics.videos if v.posted_at), default=None),
        )
    return list(rows.values())


def record_pull_failures(*, errors: dict[int, str]) -> None:
    """Show each creator's last pull error on the profile and in admin (the stored metrics stay)."""
    for creator_id, message in errors.items():
        Creator.objects.filter(pk=creator_id).update(sync_status=Creator.SyncStatus.ERROR, sync_error=message[:2000])
