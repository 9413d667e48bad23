import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app


@pytest.fixture
def worker():
    """A real Celery worker in this process, consuming from the real Redis and writing to PostgreSQL."""
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15
    ):
        yield
