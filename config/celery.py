"""The Celery app. Settings come from Django's (CELERY_* names); tasks are found in each app's tasks.py."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("creatordesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks that run every few seconds: their "sending / received / succeeded" lines would bury everything
# else a worker or beat prints (make run). Their warnings and errors still show.
QUIET_TASKS = ("analytics.tasks.flush_clicks_task",)


class QuietTicks(logging.Filter):
    """Drops INFO-and-below records that name one of QUIET_TASKS."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(task in message for task in QUIET_TASKS)


@after_setup_logger.connect
def _quiet_frequent_tasks(logger: logging.Logger, **_kwargs: Any) -> None:
    for handler in logger.handlers:
        handler.addFilter(QuietTicks())
