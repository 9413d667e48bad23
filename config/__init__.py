"""The project: settings, the Celery app, the URL table of contents, and the embedded PostgreSQL and Redis that
`make run` and `make test` start."""

from config.celery import app as celery_app

__all__ = ("celery_app",)
