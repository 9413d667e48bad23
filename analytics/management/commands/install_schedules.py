from typing import Any

from django.core.management.base import BaseCommand

from analytics.schedules import install_schedules


class Command(BaseCommand):
    help = "Create the periodic tasks beat runs (metrics sweep, scoring, cleanup) where they are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        created = install_schedules()
        self.stdout.write(self.style.SUCCESS(f"Schedules installed: {', '.join(created) or 'all were present'}."))
