"""The periodic tasks beat runs, installed into django-celery-beat's tables where they are missing.

Existing rows are left alone, so an interval changed in admin survives `seed_demo` and deploys."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


def _every(seconds: int) -> IntervalSchedule:
    schedule, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    return schedule


def _daily(hour: int, minute: int = 0) -> CrontabSchedule:
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=str(minute), hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    return schedule


@transaction.atomic
def install_schedules() -> list[str]:
    """Create the missing periodic tasks; returns the names it created."""
    sweep_every = _every(int(settings.METRICS_SWEEP_HOURS * 3600))
    wanted = [
        ("Pull creator metrics", "analytics.tasks.sweep_metrics_task", {"interval": sweep_every}),
        ("Score creators with new metrics", "analytics.tasks.score_stale_creators_task", {"interval": _every(600)}),
        ("Score every creator (tier distributions)", "analytics.tasks.score_all_creators_task", {"crontab": _daily(3)}),
        ("Scan for must-avoid terms", "analytics.tasks.scan_all_brand_safety_task", {"crontab": _daily(3, 30)}),
        ("Delete old import uploads", "creators.tasks.purge_import_files_task", {"crontab": _daily(4)}),
        # Clicks wait in Redis until written; every 5 s keeps reports close to live at one small query a tick.
        ("Write recorded clicks", "analytics.tasks.flush_clicks_task", {"interval": _every(5)}),
        ("Warn before usage rights expire", "briefs.tasks.warn_all_expiring_rights_task", {"crontab": _daily(7)}),
        ("E-mail unread messages", "outreach.tasks.send_unread_notifications_task", {"interval": _every(300)}),
        ("E-mail notification digests", "accounts.tasks.send_notification_digests_task", {"crontab": _daily(8)}),
        ("Wipe old order webhook bodies", "analytics.tasks.purge_webhook_bodies_task", {"crontab": _daily(4, 30)}),
        # An owner's new time zone moves every day boundary: the figures are counted again within minutes.
        ("Recount days after a zone change", "analytics.tasks.recount_changed_zones_task", {"interval": _every(300)}),
    ]  # fmt: skip
    created = []
    for name, task, schedule in wanted:
        defaults: dict[str, object] = {"task": task, **schedule}
        interval = schedule.get("interval")
        if isinstance(interval, IntervalSchedule):
            # Beat counts an interval from the last run; a new task "ran" one interval ago, so the first
            # sweep starts as soon as beat does (the demo syncs within seconds of `make run`).
            defaults["last_run_at"] = timezone.now() - timedelta(seconds=interval.every)
        _, was_created = PeriodicTask.objects.get_or_create(name=name, defaults=defaults)
        if was_created:
            created.append(name)
    return created
