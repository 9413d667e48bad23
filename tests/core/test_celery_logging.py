"""The every-5-seconds click flush does not fill a worker's or beat's log; everything else still shows."""

import logging

from celery.signals import after_setup_logger

import config.celery  # noqa: F401 - connects the signal receiver


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _celery_logger() -> tuple[logging.Logger, Collect]:
    logger = logging.getLogger("test-celery-root")
    logger.handlers, logger.propagate = [], False
    collected = Collect()
    logger.addHandler(collected)
    logger.setLevel(logging.DEBUG)
    # What celery does once it has set up the worker's (or beat's) logging.
    after_setup_logger.send(sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False)
    return logger, collected


def test_the_click_flush_ticks_are_left_out_and_other_tasks_are_not():
    logger, collected = _celery_logger()

    logger.info("Task analytics.tasks.flush_clicks_task[1f2e] succeeded in 0.004s: 0")
    logger.info("Scheduler: Sending due task Write recorded clicks (analytics.tasks.flush_clicks_task)")
    logger.info("Task analytics.tasks.sync_creators_task[9a8b] succeeded in 1.2s: {}")
    logger.warning("Task analytics.tasks.flush_clicks_task[3c4d] retry: Redis is down")

    assert collected.messages == [
        "Task analytics.tasks.sync_creators_task[9a8b] succeeded in 1.2s: {}",
        "Task analytics.tasks.flush_clicks_task[3c4d] retry: Redis is down",
    ]
