"""Liveness of the parts CreatorDesk needs: the database, Redis, and at least one Celery worker."""

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from celery import current_app
from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class Check:
    name: str
    is_ok: bool
    latency_ms: float
    detail: str = ""


def _timed(name: str, probe: Callable[[], str]) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
        is_ok = True
    except Exception as exc:  # a health check reports every failure rather than raising it
        detail, is_ok = f"{type(exc).__name__}: {exc}", False
    return Check(name, is_ok, round((time.perf_counter() - started) * 1000, 1), detail)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "pong"


def _worker() -> str:
    # limit=1 returns as soon as one worker answers instead of waiting out the timeout.
    replies = current_app.control.ping(timeout=settings.HEALTHZ_WORKER_TIMEOUT_S, limit=1)
    if not replies:
        raise RuntimeError(f"no worker answered within {settings.HEALTHZ_WORKER_TIMEOUT_S}s")
    return ", ".join(name for reply in replies for name in reply)


def run_checks() -> list[Check]:
    return [_timed("database", _database), _timed("redis", _redis), _timed("worker", _worker)]
