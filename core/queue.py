"""Queue background work from a service without importing the module that defines it.

A tasks module imports the services it calls; if those services imported the tasks module back to
queue work, the two would form an import circle. Services name the task instead, the way Celery's
`send_task` does, and the message is sent once the current transaction commits, so a worker never
reads a row that a rollback took back. `tests/core/test_queue.py` checks every name queued this way
against the tasks the worker registers, so a misspelt name fails the suite rather than production.
"""

from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction


def _send(*args: Any, task_name: str) -> None:
    current_app.send_task(task_name, args=args)


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Send the task registered as `task_name` with `args` (ids, as every task takes) after commit.
    The commit hook keeps the arguments in sight (`.args`), as Celery's `delay_on_commit` does, so a
    test can check that only ids travel."""
    transaction.on_commit(partial(_send, *args, task_name=task_name))
