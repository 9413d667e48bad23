"""python manage.py import_creators PATH --workspace SLUG [--mapping field=column ...] [--rejects out.csv]"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from creators.import_files import ImportFileError
from creators.import_mapping import TARGET_FIELDS
from creators.import_rejects import write_rejects_csv
from creators.importing import DEFAULT_CHUNK_ROWS, ImportSummary, import_creators


def _mapping_option(value: str) -> tuple[str, str]:
    target, sep, column = value.partition("=")
    if not sep or not target.strip():
        raise ValueError(value)
    return target.strip(), column.strip()


class Command(BaseCommand):
    help = (
        "Import creators from a CSV, JSON, JSON lines or XLSX file (one row per creator, or per video). "
        "Columns are mapped automatically; override with --mapping field=column. Re-importing a file "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--workspace", required=True, help="slug of the workspace importing the file")
        parser.add_argument(
            "--mapping",
            nargs="+",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"override the automatic mapping; FIELD is one of {', '.join(TARGET_FIELDS)} (empty COLUMN unmaps)",
        )
        parser.add_argument("--rejects", type=Path, help="write the rejected rows to this CSV file")
        parser.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        if options["chunk_rows"] < 1:
            raise CommandError("--chunk-rows must be at least 1.")
        overrides: dict[str, str] = {}
        for item in options["mapping"]:
            try:
                target, column = _mapping_option(item)
            except ValueError:
                raise CommandError(f"--mapping takes FIELD=COLUMN, got {item!r}.") from None
            if target not in TARGET_FIELDS:
                raise CommandError(f"Unknown field {target!r}; fields are {', '.join(TARGET_FIELDS)}.")
            overrides[target] = column

        mapping = None
        if overrides:
            from creators.import_files import detect_format, preview
            from creators.import_mapping import suggest_mapping

            with path.open("rb") as binary:
                try:
                    fmt = detect_format(path.name, binary.read(64 * 1024))
                    mapping = suggest_mapping(preview(binary, fmt).columns)
                except ImportFileError as exc:
                    raise CommandError(exc.message) from exc
            mapping.update(overrides)
            mapping = {target: column for target, column in mapping.items() if column}

        def progress(summary: ImportSummary) -> None:
            total = f" / {summary.total_rows:,}" if summary.total_rows else ""
            sys.stderr.write(f"\r{summary.processed_rows:,}{total} rows")
            sys.stderr.flush()

        with workspace_scope(workspace):
            try:
                summary = import_creators(
                    workspace=workspace,
                    path=path,
                    mapping=mapping,
                    chunk_rows=options["chunk_rows"],
                    on_chunk=progress if options["verbosity"] >= 1 and sys.stderr.isatty() else None,
                )
            except ImportFileError as exc:
                raise CommandError(exc.message) from exc
        if options["verbosity"] >= 1 and sys.stderr.isatty():
            sys.stderr.write("\n")
        self._print_summary(summary)
        if options["rejects"]:
            with options["rejects"].open("w", newline="", encoding="utf-8") as out:
                write_rejects_csv(summary.rejects, out)
            self.stdout.write(f"Rejected rows written to {options['rejects']}")

    def _print_summary(self, summary: ImportSummary) -> None:
        out = self.stdout
        per_video = summary.layout == "videos"
        out.write(
            f"Imported {summary.processed_rows:,} rows ({'one row per video' if per_video else 'one row per creator'})."
        )
        out.write(f"created: {summary.created:,}")
        out.write(f"updated: {summary.updated:,}")
        out.write(f"unchanged: {summary.unchanged:,}")
        out.write(f"rejected: {summary.rejected:,}")
        out.write(f"warnings: {summary.warnings:,}")
        if summary.kept:
            out.write(f"{summary.kept:,} values kept from other sources (the shared index is never overwritten)")
        if per_video:
            out.write(
                f"videos: {summary.videos_created:,} created, {summary.videos_updated:,} updated, "
                f"{summary.videos_unchanged:,} unchanged; {summary.snapshots_created:,} stats snapshots added"
            )
        for reject in summary.rejects[:20]:
            out.write(self.style.WARNING(f"  row {reject['row']}: {reject['reason']}"))
        if summary.rejected > 20:
            out.write(f"  … and {summary.rejected - 20:,} more rejected rows (use --rejects FILE to get them all)")
        for warning in summary.warning_samples[:20]:
            out.write(f"  warning, row {warning['row']}: {warning['warning']}")
        if summary.warnings > 20:
            out.write(f"  … and {summary.warnings - 20:,} more warnings")
