"""The metrics pipeline's services: which provider pulls a creator, the sweep that fans pulls out, the
pull of a batch of creators, and "Refresh now".

Everything a pull stores is keyed by its capture slot (the sweep's time, or the moment "Refresh now"
was pressed), which travels in the task's arguments: a retried or re-delivered task pulls for the same
slot and its writes collide with the first attempt's instead of adding to them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from accounts.models import User, Workspace
from analytics.metrics.providers.base import CreatorRef, MetricsProvider, ProviderError
from analytics.metrics.providers.demo import DemoProvider
from analytics.metrics.providers.tiktok import TikTokProvider
from analytics.models import TikTokConnection
from campaigns.deliverables.disclosure import flag_undisclosed_live_posts
from core import throttle
from core.errors import ApplicationError, RateLimitedError
from core.queue import enqueue_on_commit
from creators.index.pulls import PullSummary, record_pull_failures, store_pulls
from creators.index.snapshots import CreatorMetrics
from creators.models import Creator

log = structlog.get_logger(__name__)


def fallback_provider() -> MetricsProvider | None:
    """The provider for creators who have not connected TikTok: the demo's synthetic metrics under
    `make run`, none in production (their metrics arrive as files through the import)."""
    if settings.METRICS_FALLBACK_PROVIDER == "demo":
        return DemoProvider()
    return None


def _connected_ids(creator_ids: Sequence[int]) -> set[int]:
    return set(
        TikTokConnection.objects.filter(creator_id__in=creator_ids, revoked_at__isnull=True).values_list(
            "creator_id", flat=True
        )
    )


@dataclass
class SyncResult:
    stored: PullSummary = field(default_factory=PullSummary)
    failed: dict[int, str] = field(default_factory=dict)
    retry: list[int] = field(default_factory=list)  # creators whose pull hit a retryable error
    retry_after: float = 0.0


def sync_creators(*, creator_ids: Sequence[int], slot: datetime) -> SyncResult:
    """Pull each creator, then store every successful pull in one transaction. A permanent error is
    recorded on its creator; a retryable one (429, 5xx, timeout) is handed back for a later retry of
    the same slot. Nothing is written before every pull of the batch has returned."""
    creators = list(Creator.objects.filter(pk__in=creator_ids).values_list("pk", "platform", "handle"))
    connected = _connected_ids([pk for pk, _p, _h in creators])
    fallback = fallback_provider()
    tiktok = TikTokProvider() if connected else None
    pulls: list[tuple[int, CreatorMetrics]] = []
    result = SyncResult()
    for pk, platform, handle in creators:
        provider = tiktok if pk in connected else fallback
        if provider is None:
            continue
        ref = CreatorRef(creator_id=pk, platform=platform, handle=handle)
        try:
            pulls.append((pk, provider.fetch(creator=ref, max_videos=settings.SCORING_MAX_VIDEOS, at=slot)))
        except ProviderError as exc:
            detail = f"{exc.message} (log_id {exc.log_id})" if exc.log_id else exc.message
            log.warning("metrics.pull_failed", creator_id=pk, code=exc.code, log_id=exc.log_id)
            if exc.retryable:
                result.retry.append(pk)
                result.retry_after = max(result.retry_after, exc.retry_after or 0.0)
            else:
                result.failed[pk] = detail
    result.stored = store_pulls(pulls=pulls, captured_at=slot)
    # A caption read now may show a live deliverable lacks a disclosure: stored and alerted once.
    flag_undisclosed_live_posts(creator_ids=[pk for pk, _metrics in pulls])
    if result.failed:
        record_pull_failures(errors=result.failed)
    return result


def sweep_slot(now: datetime | None = None) -> datetime:
    """The capture slot of a sweep: now, floored to the sweep interval, so two sweeps started within one
    interval (beat fired twice, a retry) share a slot and their pulls collide instead of doubling."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    step = int(settings.METRICS_SWEEP_HOURS * 3600)
    return datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=UTC)


def due_creator_ids(*, slot: datetime, chunk_size: int) -> Iterator[list[int]]:
    """Ids of the creators a sweep for `slot` pulls, in chunks: those with a provider and not already
    pulled for this slot or later."""
    creators = Creator.objects.filter(Q(synced_at__isnull=True) | Q(synced_at__lt=slot))
    if fallback_provider() is None:
        creators = creators.filter(tiktok_connection__revoked_at__isnull=True, tiktok_connection__isnull=False)
    chunk: list[int] = []
    for pk in creators.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000):
        chunk.append(pk)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def claim_sweep(slot: datetime) -> bool:
    """True for the first sweep of a slot only (beat can fire twice; a re-delivered sweep must not fan
    out again). The claim outlives the slot, so it cannot be taken twice."""
    ttl = int(settings.METRICS_SWEEP_HOURS * 3600 * 2)
    return bool(cache.add(f"metrics-sweep:{slot.isoformat()}", "1", timeout=ttl))


def has_provider(creator: Creator) -> bool:
    return fallback_provider() is not None or bool(_connected_ids([creator.pk]))


class RefreshErrorCode(StrEnum):
    NO_PROVIDER = "no_provider"
    COOLDOWN = "refresh_cooldown"
    WORKSPACE_LIMIT = "refresh_workspace_limit"


def _in_minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def request_refresh(*, creator: Creator, workspace: Workspace, by: User | None = None) -> datetime:
    """ "Refresh now": mark the creator pending and queue a pull for this moment. Returns the slot.

    Every pull spends the install-wide TikTok quota, so "Refresh now" is limited twice before anything
    is written or enqueued: once per creator for everyone (METRICS_REFRESH_COOLDOWN_S: the creator index
    is shared, so another workspace's refresh counts too) and per workspace (METRICS_REFRESH_PER_HOUR),
    so one tenant cannot drain the quota. A refusal is a RateLimitedError saying when to try again."""
    if not has_provider(creator):
        raise ApplicationError(
            f"@{creator.handle} has not connected TikTok, so there is nothing to pull: their metrics arrive "
            "through imports.",
            code=RefreshErrorCode.NO_PROVIDER,
        )
    wait_s = throttle.claim_cooldown(
        scope="metrics-refresh-creator", key=str(creator.pk), cooldown_s=settings.METRICS_REFRESH_COOLDOWN_S
    )
    if wait_s:
        raise RateLimitedError(
            f"@{creator.handle} was refreshed less than {_in_minutes(settings.METRICS_REFRESH_COOLDOWN_S)} ago; "
            f"try again in {_in_minutes(wait_s)}.",
            code=RefreshErrorCode.COOLDOWN,
            extra={"retry_after_s": wait_s},
        )
    wait_s = throttle.take(
        scope="metrics-refresh-workspace",
        key=str(workspace.pk),
        limit=settings.METRICS_REFRESH_PER_HOUR,
        window_s=3600,
    )
    if wait_s:
        # This refresh does not happen, so it must not hold the creator's cooldown either.
        throttle.release_cooldown(scope="metrics-refresh-creator", key=str(creator.pk))
        raise RateLimitedError(
            f"{workspace.name} has used its {settings.METRICS_REFRESH_PER_HOUR} refreshes for this hour; "
            f"try again in {_in_minutes(wait_s)}.",
            code=RefreshErrorCode.WORKSPACE_LIMIT,
            extra={"retry_after_s": wait_s},
        )
    slot = datetime.now(UTC).replace(microsecond=0)
    with transaction.atomic():
        Creator.objects.filter(pk=creator.pk).update(sync_status=Creator.SyncStatus.PENDING, sync_error="")
        enqueue_on_commit("analytics.tasks.sync_creators_task", [creator.pk], slot.isoformat())
    log.info(
        "metrics.refresh_requested", creator_id=creator.pk, workspace_id=workspace.pk, user_id=getattr(by, "pk", None)
    )
    return slot


def retry_delay(attempt: int, retry_after: float) -> float:
    """Seconds before retrying a batch: what the API asked for, at least an exponential backoff."""
    return min(max(retry_after, 2.0**attempt * 5), timedelta(hours=1).total_seconds())
