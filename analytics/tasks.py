"""Celery tasks of the metrics pipeline: each takes ids (and the capture slot) and calls one service."""

from datetime import datetime

import structlog
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from analytics import brand_safety, reporting_zone
from analytics.metrics import services as sync
from analytics.orders import recording as orders
from analytics.orders import services as order_services
from analytics.scoring import services as scoring_services
from analytics.tracking import click_ingest, domains

logger = structlog.get_logger(__name__)


@shared_task(acks_late=True)
def sweep_metrics_task() -> int:
    """Beat's entry point: fan the due creators out to pull tasks, one chunk of creators per task."""
    slot = sync.sweep_slot()
    if not sync.claim_sweep(slot):
        return 0
    queued = 0
    for chunk in sync.due_creator_ids(slot=slot, chunk_size=settings.METRICS_SYNC_CHUNK):
        sync_creators_task.delay(chunk, slot.isoformat())
        queued += len(chunk)
    return queued


# acks_late + reject_on_worker_lost (settings): a worker killed mid-task leaves the message to be
# re-delivered; the pull repeats for the same slot and its writes land on the same keys.
@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True)
def sync_creators_task(self, creator_ids: list[int], slot: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    result = sync.sync_creators(creator_ids=creator_ids, slot=datetime.fromisoformat(slot))
    if result.retry:
        delay = sync.retry_delay(self.request.retries, result.retry_after)
        sync_creators_task.apply_async((result.retry, slot), countdown=delay)
    if result.stored.snapshots_created or result.stored.follower_snapshots_written:
        queue_stale_scoring()
    return {
        "creators": result.stored.creators,
        "snapshots_created": result.stored.snapshots_created,
        "failed": len(result.failed),
        "retry": len(result.retry),
    }


SCORING_DEBOUNCE_S = 30


def queue_stale_scoring() -> None:
    """Many pull tasks finish within seconds of each other; each run of the stale scoring loads the
    whole index, so one run is queued for all of them: the first queues it a little later, the rest
    see it queued."""
    if cache.add("analytics:stale-scoring-queued", "1", timeout=SCORING_DEBOUNCE_S):
        score_stale_creators_task.apply_async(countdown=SCORING_DEBOUNCE_S)


@shared_task(acks_late=True)
def score_stale_creators_task() -> int:
    """Score the creators whose metrics changed. Many pulls finishing together queue many of these; the
    lock makes all but one return at once, and the one that runs takes every stale creator."""
    return scoring_services.score_stale_creators()


@shared_task(acks_late=True)
def score_all_creators_task() -> int:
    """The nightly full run: every creator, fresh tier distributions."""
    return scoring_services.score_all_creators()


@shared_task(acks_late=True)
def scan_brand_safety_task(workspace_id: int) -> int:
    return brand_safety.scan_workspace(workspace_id=workspace_id)


@shared_task(acks_late=True)
def scan_all_brand_safety_task() -> int:
    """Nightly: new videos of the day meet every workspace's terms."""
    workspaces = brand_safety.workspaces_with_terms()
    for workspace_id in workspaces:
        scan_brand_safety_task.delay(workspace_id)
    return len(workspaces)


@shared_task(acks_late=True)
def flush_clicks_task() -> int:
    """Beat runs it every few seconds: write the clicks waiting in Redis (analytics.tracking.click_ingest). With
    PostgreSQL down it returns 0 and the clicks stay in Redis for the next run; no retry is queued,
    since the next beat tick is seconds away."""
    try:
        result = click_ingest.flush_clicks()
    except (OperationalError, InterfaceError) as exc:
        logger.warning("clicks_flush_postponed", error=type(exc).__name__, waiting=click_ingest.backlog())
        return 0
    return result.written


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def process_order_delivery_task(delivery_id: int) -> str:
    """A stored webhook delivery becomes an order with its attributions; a second run changes nothing."""
    return orders.process_delivery(delivery_id=delivery_id)


@shared_task(acks_late=True)
def reattribute_workspace_task(workspace_id: int) -> int:
    """After the window changed: every order of the workspace credited again (one set-based pass)."""
    return order_services.reattribute_workspace(workspace_id=workspace_id)


@shared_task(acks_late=True)
def purge_webhook_bodies_task() -> int:
    return orders.purge_webhook_bodies()


@shared_task(acks_late=True)
def recount_changed_zones_task() -> int:
    """Daily figures of workspaces whose time zone changed, counted again in the new zone."""
    return reporting_zone.recount_changed_zones()


# No retry on network trouble: the outcome (with its reason) is recorded and the user may press Verify
# again; only a database hiccup is retried, and the fetch's deadline keeps the task far under its limit.
@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def verify_domain_task(verified_domain_id: int, requested_by_id: int | None = None) -> str:
    """Fetch a domain's proof and record the outcome; a second run of the same check changes nothing."""
    return domains.check_domain_proof(domain_id=verified_domain_id, requested_by_id=requested_by_id)
