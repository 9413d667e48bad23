"""What a metrics pull brings back about one creator, as plain values: the shape analytics' providers
return and `creators.index.pulls` stores. Defined here, in the index, so the lower layer owns it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    captured_at: dt.datetime  # UTC
    follower_count: int
    following_count: int | None = None
    likes_count: int | None = None
    video_count: int | None = None
    display_name: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    is_verified: bool | None = None


@dataclass(frozen=True, slots=True)
class VideoSnapshot:
    platform_video_id: str
    captured_at: dt.datetime  # UTC
    views: int
    likes: int
    comments: int
    shares: int
    saves: int | None = None
    posted_at: dt.datetime | None = None
    caption: str = ""
    hashtags: tuple[str, ...] = ()
    duration_s: int | None = None
    share_url: str = ""
    is_paid_partnership: bool = False
    avg_watch_time_s: Decimal | None = None
    completion_rate: Decimal | None = None  # 0..1


@dataclass(frozen=True, slots=True)
class CreatorMetrics:
    profile: ProfileSnapshot
    videos: tuple[VideoSnapshot, ...] = field(default_factory=tuple)
