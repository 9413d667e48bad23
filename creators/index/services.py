"""Writes to the shared creator index that arrive in bulk (demo data, metric pulls): creators with their
denormalised figures, videos, video stats and follower snapshots. Every write is an upsert keyed by the
row's natural key, so running the same batch twice writes nothing new."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from creators.audience.shares import AUDIENCE_FIELDS, validate_audience
from creators.disclosure import discloses_sponsorship
from creators.index.video_stats import copy_latest_stats
from creators.models import AudienceProfile, Creator, FollowerSnapshot, Niche, Platform, Video, VideoStats
from creators.niches import DEFAULT_NICHES, niche_name
from creators.search_text import search_document

# Columns a bulk creator upsert may set; anything else in a row is a programming error.
CREATOR_FIELDS = (
    "display_name",
    "bio",
    "avatar_url",
    "country",
    "region",
    "city",
    "languages",
    "niches",
    "hashtags",
    "follower_count",
    "following_count",
    "likes_count",
    "video_count",
    "is_verified",
    "first_seen_at",
    "last_seen_at",
    "engagement_rate",
    "growth_30d",
    "last_posted_at",
    "authenticity_flags",
)


@transaction.atomic
def upsert_index_creators(*, rows: Iterable[Mapping[str, Any]], batch_size: int = 2000) -> dict[str, int]:
    """Upsert creators by (platform, handle) and return {handle: id}.

    Every row carries `handle` and the same set of CREATOR_FIELDS: a field missing from one row would
    otherwise be overwritten with its default. The search document is derived here so it never
    disagrees with the profile."""
    creators, present = [], None
    for row in rows:
        fields = set(row) - {"handle", "platform"}
        if not fields <= set(CREATOR_FIELDS):
            raise ValueError(f"unknown creator fields: {sorted(fields - set(CREATOR_FIELDS))}")
        if present is not None and fields != present:
            raise ValueError("every row of one batch must carry the same fields")
        present = fields
        handle = row["handle"].lstrip("@").lower()
        creator = Creator(
            platform=row.get("platform", Platform.TIKTOK), handle=handle, **{key: row[key] for key in fields}
        )
        creator.search_document = search_document(
            handle=handle, display_name=creator.display_name, bio=creator.bio, hashtags=creator.hashtags
        )
        creators.append(creator)
    if not creators:
        return {}
    Creator.objects.bulk_create(
        creators,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["platform", "handle"],
        update_fields=[*sorted(present or ()), "search_document", "updated_at"],
    )
    return dict(Creator.objects.filter(handle__in=[c.handle for c in creators]).values_list("handle", "id"))


@dataclass(frozen=True)
class VideoRow:
    creator_id: int
    platform_video_id: str
    posted_at: datetime | None
    caption: str = ""
    hashtags: tuple[str, ...] = ()
    sound: str = ""
    duration_s: int | None = None
    share_url: str = ""
    is_paid_partnership: bool = False


@dataclass(frozen=True)
class VideoStatsRow:
    creator_id: int
    platform_video_id: str
    captured_at: datetime
    views: int
    likes: int
    comments: int
    shares: int
    saves: int | None = None
    avg_watch_time_s: Decimal | None = None
    completion_rate: Decimal | None = None


@transaction.atomic
def upsert_videos(*, rows: Iterable[VideoRow], batch_size: int = 2000) -> dict[tuple[int, str], int]:
    """Upsert videos by (creator, platform id); returns {(creator_id, platform_video_id): video id}."""
    videos = [
        Video(
            creator_id=r.creator_id,
            platform_video_id=r.platform_video_id,
            posted_at=r.posted_at,
            caption=r.caption,
            hashtags=list(r.hashtags),
            sound=r.sound,
            duration_s=r.duration_s,
            share_url=r.share_url,
            is_paid_partnership=r.is_paid_partnership,
            is_sponsored=discloses_sponsorship(caption=r.caption, hashtags=r.hashtags, paid=r.is_paid_partnership),
        )
        for r in rows
    ]
    Video.objects.bulk_create(
        videos,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["creator", "platform_video_id"],
        update_fields=[
            "posted_at",
            "caption",
            "hashtags",
            "sound",
            "duration_s",
            "share_url",
            "is_paid_partnership",
            "is_sponsored",
            "updated_at",
        ],
    )
    creator_ids = {video.creator_id for video in videos}
    return {
        (creator_id, platform_id): pk
        for creator_id, platform_id, pk in Video.objects.filter(creator_id__in=creator_ids).values_list(
            "creator_id", "platform_video_id", "id"
        )
    }


@transaction.atomic
def record_video_stats(*, rows: Iterable[VideoStatsRow], batch_size: int = 5000) -> int:
    """Append stats snapshots; a snapshot already stored for (video, captured_at) is left as it is, so a
    re-delivered pull writes nothing twice. Returns how many rows were new."""
    rows = list(rows)
    video_ids = _video_ids_for(rows=rows)
    stats = [
        VideoStats(
            video_id=video_ids[(r.creator_id, r.platform_video_id)],
            captured_at=r.captured_at,
            views=r.views,
            likes=r.likes,
            comments=r.comments,
            shares=r.shares,
            saves=r.saves,
            avg_watch_time_s=r.avg_watch_time_s,
            completion_rate=r.completion_rate,
        )
        for r in rows
    ]
    touched = sorted(set(video_ids.values()))
    before = VideoStats.objects.filter(video_id__in=touched).count()
    VideoStats.objects.bulk_create(stats, batch_size=batch_size, ignore_conflicts=True)
    with connection.cursor() as cursor:
        copy_latest_stats(
            cursor, video_ids_sql="SELECT unnest(%s::bigint[])", params=[touched], new_snapshots=len(stats)
        )
    return VideoStats.objects.filter(video_id__in=touched).count() - before


def _video_ids_for(*, rows: list[VideoStatsRow]) -> dict[tuple[int, str], int]:
    creator_ids = {r.creator_id for r in rows}
    found = {
        (c, p): pk
        for c, p, pk in Video.objects.filter(creator_id__in=creator_ids).values_list(
            "creator_id", "platform_video_id", "id"
        )
    }
    missing = {(r.creator_id, r.platform_video_id) for r in rows} - set(found)
    if missing:
        raise ValueError(f"stats for {len(missing)} unknown videos; upsert the videos first")
    return found


@transaction.atomic
def record_follower_snapshots(*, rows: Iterable[tuple[int, date, int]], batch_size: int = 5000) -> int:
    """(creator_id, day, followers) per row; one snapshot per creator and day, later writes of the same day
    replace the count (the day's latest reading wins)."""
    snapshots = [FollowerSnapshot(creator_id=c, captured_on=d, follower_count=n) for c, d, n in rows]
    FollowerSnapshot.objects.bulk_create(
        snapshots,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["creator", "captured_on"],
        update_fields=["follower_count"],
    )
    return len(snapshots)


@transaction.atomic
def upsert_audience_profiles(*, audiences: Mapping[int, Mapping[str, Mapping[str, object]]]) -> int:
    """{creator_id: audience} -> AudienceProfile rows, each validated (shares ≤ 100 %) before anything is
    written: one bad profile rejects the whole batch with the field that is wrong."""
    clean = {creator_id: validate_audience(audience) for creator_id, audience in audiences.items()}
    profiles = [AudienceProfile(creator_id=creator_id, **values) for creator_id, values in clean.items()]
    AudienceProfile.objects.bulk_create(
        profiles,
        update_conflicts=True,
        unique_fields=["creator"],
        update_fields=[*AUDIENCE_FIELDS, "updated_at"],
        batch_size=2000,
    )
    return len(profiles)


def ensure_default_niches() -> list[str]:
    """Create the starting taxonomy where it is missing (a flushed or fresh database); returns all slugs."""
    existing = set(Niche.objects.values_list("slug", flat=True))
    Niche.objects.bulk_create(
        [
            Niche(slug=slug, name=niche_name(slug), sort_order=order)
            for order, slug in enumerate(DEFAULT_NICHES)
            if slug not in existing
        ],
        ignore_conflicts=True,
    )
    return list(Niche.objects.values_list("slug", flat=True))
