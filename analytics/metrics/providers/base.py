"""The one interface every metrics provider implements (TikTok API, file, demo).

A provider turns "this creator" into plain, validated snapshots; it never writes to the
database. The pipeline (`analytics.ingestion`) stores what it returns, keyed so that a
retried or re-delivered task writes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.errors import ApplicationError
from creators.index.snapshots import CreatorMetrics, ProfileSnapshot, VideoSnapshot

__all__ = [
    "CreatorMetrics",
    "CreatorRef",
    "MetricsProvider",
    "ProfileSnapshot",
    "ProviderError",
    "ProviderErrorCode",
    "RetryableProviderError",
    "VideoSnapshot",
]


@dataclass(frozen=True, slots=True)
class CreatorRef:
    """What a provider needs to know about the creator it pulls."""

    creator_id: int
    platform: str
    handle: str


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

    def fetch(self, *, creator: CreatorRef, max_videos: int, at: datetime | None = None) -> CreatorMetrics:
        """Pull the creator's profile and up to `max_videos` most recent videos. `at` is the capture
        slot: live APIs report the present and ignore it; the demo and file providers answer as of it.
        Raises ProviderError (or RetryableProviderError)."""
        ...
