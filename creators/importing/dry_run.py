"""What importing a file would do, without doing it: the mapping, the layout, the columns left out and
the first rows as they would be stored. Reads the file and the niche list; writes nothing, so an
operator can check a new exporter's file before it touches the shared index (docs/import.md, "Dry run")."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from creators.importing.audience import AudienceColumn, audience_columns
from creators.importing.files import (
    FileFormat,
    FilePreview,
    detect_format,
    iter_records,
    preview,
)
from creators.importing.mapping import (
    TARGET_FIELDS,
    Layout,
    ParsedRow,
    RecordParser,
    RejectedRow,
    layout_of,
    require_valid_mapping,
    suggest_mapping,
)
from creators.importing.unmapped import UnmappedColumn, unmapped_columns
from creators.models import Niche

# The counts a creator row always shows, so "unknown" is visible where a file has no such column.
_CREATOR_COUNTS = ("follower_count", "following_count", "likes_count", "video_count")


@dataclass(frozen=True)
class DryRun:
    columns: list[str]
    mapping: dict[str, str]  # target field -> column
    layout: Layout
    unmapped: list[UnmappedColumn]
    rows: list[ParsedRow | RejectedRow]
    audience: list[AudienceColumn]  # the audience columns recognised, in file order


def read_file_preview(*, path: Path) -> tuple[FileFormat, FilePreview]:
    """The file's format, columns and first records (ImportFileError when it has none)."""
    with path.open("rb") as binary:
        file_format = detect_format(path.name, binary.read(64 * 1024))
        return file_format, preview(binary, file_format)


def dry_run_import(
    *, path: Path, mapping: Mapping[str, str] | None = None, rows: int = 5, now: datetime | None = None
) -> DryRun:
    """Parse the first `rows` rows of the file with `mapping` (the automatic one when None) exactly as
    an import would. Raises ImportFileError for an unreadable file or a mapping that does not fit it."""
    file_format, file_preview = read_file_preview(path=path)
    chosen = dict(mapping) if mapping is not None else suggest_mapping(file_preview.columns)
    require_valid_mapping(chosen, file_preview.columns)
    audience = audience_columns(file_preview.columns, chosen)
    parser = RecordParser(
        chosen, known_niches=Niche.objects.values_list("slug", flat=True), now=now or timezone.now(), audience=audience
    )
    parsed: list[ParsedRow | RejectedRow] = []
    with path.open("rb") as binary:
        for row, values, error in iter_records(binary, file_format):
            parsed.append(RejectedRow(row, error or "unreadable row") if values is None else parser.parse(values, row))
            if len(parsed) >= rows:
                break
    return DryRun(
        columns=file_preview.columns,
        mapping=chosen,
        layout=layout_of(chosen),
        unmapped=unmapped_columns(columns=file_preview.columns, samples=file_preview.samples, mapping=chosen),
        rows=parsed,
        audience=list(audience.columns),
    )


def _shown(value: Any) -> str:
    if value is None:
        return "— (unknown)"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return repr(value)


def audience_values(row: ParsedRow) -> list[tuple[str, str]]:
    """(part, `US 41.2 %, GB 9.5 %`) of a parsed row's audience, as it would be offered to the profile."""
    return [
        (part, ", ".join(f"{label} {share:g} %" for label, share in shares.items()))
        for part, shares in (row.audience or {}).items()
    ]


def stored_values(row: ParsedRow, mapping: Mapping[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(creator fields, video fields) of a parsed row as they would be written: every mapped field and
    the four creator counts, with "— (unknown)" for what the file does not give (stored as NULL)."""
    creator_names = [name for name in mapping if name != "handle" and not TARGET_FIELDS[name].is_video]
    creator_names += [name for name in _CREATOR_COUNTS if name not in creator_names]
    creator = [(name, _shown(row.creator.get(name))) for name in creator_names]
    video: list[tuple[str, str]] = []
    if row.video is not None:
        video = [(name, _shown(row.video.get(name))) for name in mapping if TARGET_FIELDS[name].is_video]
    return creator, video
