"""python manage.py import_creators PATH --workspace SLUG [--map column=field ...] [--dry-run] [--rejects out.csv]"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from creators.importing.dry_run import DryRun, audience_values, dry_run_import, read_file_preview, stored_values
from creators.importing.files import ImportFileError
from creators.importing.mapping import TARGET_FIELDS, Layout, RejectedRow, suggest_mapping
from creators.importing.pipeline import DEFAULT_CHUNK_ROWS, ImportSummary, import_creators
from creators.importing.rejects import write_rejects_csv
from creators.importing.unmapped import describe_unmapped, unmapped_columns

DRY_RUN_ROWS = 5


def _pair(value: str) -> tuple[str, str]:
    left, sep, right = value.partition("=")
    if not sep or not left.strip():
        raise ValueError(value)
    return left.strip(), right.strip()


def _layout_text(layout: Layout) -> str:
    return "one row per video" if layout is Layout.VIDEOS else "one row per creator"


class Command(BaseCommand):
    help = (
        "Import creators from a CSV, JSON, JSON lines or XLSX file (one row per creator, or per video). "
        "Columns are mapped automatically; override with --map column=field. --dry-run shows what would be "
        "stored and writes nothing. Re-importing a file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--workspace", required=True, help="slug of the workspace importing the file")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="map a column of the file to a field (repeatable); an empty FIELD leaves the column out. "
            f"Fields: {', '.join(TARGET_FIELDS)}",
        )
        parser.add_argument(
            "--mapping",
            nargs="+",
            default=[],
            metavar="FIELD=COLUMN",
            help="the same, field first (several at once); an empty COLUMN unmaps the field",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=f"print the mapping, the layout and the first {DRY_RUN_ROWS} rows as they would be stored; "
            "write nothing",
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
        try:
            _format, file_preview = read_file_preview(path=path)
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        mapping = self._mapping(suggest_mapping(file_preview.columns), options["mapping"], options["map"])

        if options["dry_run"]:
            with workspace_scope(workspace):
                try:
                    dry_run = dry_run_import(path=path, mapping=mapping, rows=DRY_RUN_ROWS)
                except ImportFileError as exc:
                    raise CommandError(exc.message) from exc
            self._print_dry_run(dry_run)
            return
        unmapped = describe_unmapped(
            unmapped_columns(columns=file_preview.columns, samples=file_preview.samples, mapping=mapping)
        )

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
        if unmapped:
            self.stdout.write(self.style.WARNING(unmapped))
        if options["rejects"]:
            with options["rejects"].open("w", newline="", encoding="utf-8") as out:
                write_rejects_csv(summary.rejects, out)
            self.stdout.write(f"Rejected rows written to {options['rejects']}")

    @staticmethod
    def _mapping(suggested: dict[str, str], field_first: list[str], column_first: list[str]) -> dict[str, str]:
        """The automatic mapping with the options applied: `--mapping FIELD=COLUMN`, then `--map COLUMN=FIELD`.
        A column maps to one field, so mapping it again moves it."""
        mapping = dict(suggested)
        for item in field_first:
            try:
                target, column = _pair(item)
            except ValueError:
                raise CommandError(f"--mapping takes FIELD=COLUMN, got {item!r}.") from None
            if target not in TARGET_FIELDS:
                raise CommandError(f"Unknown field {target!r}; fields are {', '.join(TARGET_FIELDS)}.")
            mapping[target] = column
        for item in column_first:
            try:
                column, target = _pair(item)
            except ValueError:
                raise CommandError(f"--map takes COLUMN=FIELD, got {item!r}.") from None
            if target and target not in TARGET_FIELDS:
                raise CommandError(f"Unknown field {target!r}; fields are {', '.join(TARGET_FIELDS)}.")
            mapping = {name: mapped for name, mapped in mapping.items() if mapped != column}
            if target:
                mapping[target] = column
        return {target: column for target, column in mapping.items() if column}

    def _print_dry_run(self, dry_run: DryRun) -> None:
        out = self.stdout
        out.write(f"Dry run: nothing was written. The file has {_layout_text(dry_run.layout)}.")
        out.write("Mapping (field <- column):")
        for target in TARGET_FIELDS.values():
            if dry_run.mapping.get(target.name):
                out.write(f"  {target.name:<20} <- {dry_run.mapping[target.name]}")
        if dry_run.audience:
            out.write("Audience columns (imported into the audience profile):")
            for column in dry_run.audience:
                out.write(f"  {column.describe():<20} <- {column.column}")
        unmapped = describe_unmapped(dry_run.unmapped)
        if unmapped:
            out.write(self.style.WARNING(unmapped))
        out.write(f"The first {len(dry_run.rows)} rows as they would be stored:")
        for row in dry_run.rows:
            if isinstance(row, RejectedRow):
                out.write(self.style.WARNING(f"  row {row.row}: rejected: {row.reason}"))
                continue
            creator, video = stored_values(row, dry_run.mapping)
            out.write(f"  row {row.row}: @{row.handle}")
            out.write("    creator: " + ", ".join(f"{name}={value}" for name, value in creator))
            if video:
                out.write("    video: " + ", ".join(f"{name}={value}" for name, value in video))
            for part, shares in audience_values(row):
                out.write(f"    audience {part}: {shares}")
            for warning in row.warnings:
                out.write(f"    warning: {warning}")
        out.write(
            "A count shown as unknown is stored as NULL and never replaces a stored count; values other "
            "sources wrote are kept (docs/security.md)."
        )

    def _print_summary(self, summary: ImportSummary) -> None:
        out = self.stdout
        per_video = summary.layout == "videos"
        out.write(f"Imported {summary.processed_rows:,} rows ({_layout_text(Layout(summary.layout))}).")
        out.write(f"created: {summary.created:,}")
        out.write(f"updated: {summary.updated:,}")
        out.write(f"unchanged: {summary.unchanged:,}")
        out.write(f"rejected: {summary.rejected:,}")
        out.write(f"warnings: {summary.warnings:,}")
        if summary.kept:
            out.write(f"{summary.kept:,} values kept from other sources (the shared index is never overwritten)")
        if summary.audiences_created or summary.audiences_updated:
            out.write(
                f"audience profiles: {summary.audiences_created:,} created, {summary.audiences_updated:,} updated"
            )
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
