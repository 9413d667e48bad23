"""Waiting for what another process does (a Celery worker, a live server), without fixed sleeps."""

import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    """Poll `predicate` every 0.1 s until it is true (True) or the time is up (False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
