from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from analytics.orders.csv_import import import_orders_csv
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Import orders from a CSV file into a workspace (columns: docs/metrics.md, 'Orders and attribution')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {options['workspace']!r}.")
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > settings.ORDER_CSV_MAX_BYTES:
            raise CommandError(f"{path} is larger than ORDER_CSV_MAX_BYTES ({settings.ORDER_CSV_MAX_BYTES} bytes).")
        try:
            with workspace_scope(workspace):
                result = import_orders_csv(workspace=workspace, data=path.read_bytes())
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for line, message in result.errors:
            self.stderr.write(f"line {line}: {message}")
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.errors)} refused."
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} row(s) refused; the other rows were imported.")
