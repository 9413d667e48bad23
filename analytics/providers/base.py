"""The one interface every metrics provider implements (TikTok API, file, demo).

A provider turns "this creator" into plain, validated snapshots; it never writes to the
database. The pipeline (`analytics.ingestion`) stores what it returns, keyed so that a
retried or re-delivered task writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from core.errors import ApplicationError


@dataclass(frozen=True, slots=True)
class CreatorRef:
    """What a provider needs to know about the creator it pulls."""

    creator_id: int
    platform: str
    handle: str


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


class ProviderErrorCode(StrEnum):
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "provider_unavailable"
    NOT_CONNECTED = "not_connected"
    AUTH_EXPIRED = "auth_expired"
    REJECTED = "provider_rejected"
    MALFORMED = "malformed_response"


class ProviderError(ApplicationError):
    """A pull failed. `retryable` tells the task whether to back off and try again;
    `log_id` is the upstream request id (TikTok's `log_id`) kept with the error."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: ProviderErrorCode = ProviderErrorCode.REJECTED,
        log_id: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, extra={"log_id": log_id})
        self.log_id = log_id
        self.retry_after = retry_after


class RetryableProviderError(ProviderError):
    """429, 5xx, timeouts: try again later, with backoff."""

    retryable = True


class MetricsProvider(Protocol):
    name: str

    def fetch(self, *, creator: CreatorRef, max_videos: int) -> CreatorMetrics:
        """Pull the creator's profile and up to `max_videos` most recent videos.
        Raises ProviderError (or RetryableProviderError)."""
        ...
