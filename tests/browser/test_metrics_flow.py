"""A marketer reads why a creator scores what it scores, pulls fresh metrics with "Refresh now" (a real
Celery worker runs the pull while the page polls), and vets creators against must-avoid terms."""

import re

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from creators.models import Creator
from tests.browser.conftest import screenshot
from tests.browser.test_discovery_flow import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.fixture
def worker(settings):
    settings.METRICS_FALLBACK_PROVIDER = "demo"
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15
    ):
        yield


def test_score_explained_refresh_now_and_brand_safety(page, live_server, demo, worker):
    base = live_server.url
    creator = Creator.objects.filter(score__isnull=False, videos__isnull=False).order_by("-follower_count").first()
    assert creator is not None, "seed_demo scores its creators"
    _sign_in(page, base)

    page.goto(f"{base}/creators/{creator.pk}/")
    panel = page.locator("#score-panel")
    panel.locator("#score-components").wait_for()
    assert "Engagement rate (by views)" in panel.inner_text()
    assert re.search(r"\d", page.locator("#score-value").inner_text())

    page.click("#refresh-now")
    page.wait_for_function("() => document.querySelector('#sync-status-label')?.textContent.trim() === 'Up to date'")
    creator.refresh_from_db()
    assert creator.sync_status == Creator.SyncStatus.OK and creator.synced_at is not None
    screenshot(page, "metrics-profile-score")

    page.goto(f"{base}/creators/brand-safety/")
    page.fill("input[name=term]", "fyp")
    page.click("#term-form button[type=submit]")
    page.wait_for_url(f"{base}/creators/brand-safety/")
    # The scan runs on the worker after the term is saved; the hits are there on a reload.
    for _ in range(40):
        if page.locator("#hits tbody tr").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator("#hits tbody tr").count() > 0
    screenshot(page, "brand-safety")

    page.goto(f"{base}/creators/scoring/")
    page.locator("#weights").wait_for()
    screenshot(page, "scoring-settings")
