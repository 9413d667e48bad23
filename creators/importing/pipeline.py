"""The import itself: `import_creators` (what the job's task and `manage.py import_creators` run), the
read-ahead reader that parses a file's chunks in a thread, the loop that writes each chunk with its job's
progress, and `ImportSummary`, what an import did. The SQL that stages and applies a chunk is in
creators.importing.writes; the jobs that run an import are in creators.importing.services.

How a file lands (docs/import.md has the long version):
- The file is read as a stream and parsed in chunks (`DEFAULT_CHUNK_ROWS`) by a reader thread,
  which prepares the next chunk while the database runs this one's statements.
- Each chunk is one transaction: `COPY` into a temporary staging table, drop the staged rows that
  equal the stored ones (unchanged), then one
  `INSERT ... ON CONFLICT (platform, handle) DO UPDATE ... WHERE <the row differs>`. The database
  reports which rows it inserted (`xmax = 0`) and which it updated; the rest were unchanged, so a
  second import of the same file writes nothing and says so.
- A job's progress, counts and rejects are saved in the same transaction as its chunk, so a crash
  leaves the database as it was before that chunk and the job knows exactly where to resume.
"""

import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import JSONField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Workspace
from creators.importing.audience import audience_columns
from creators.importing.files import FileFormat, count_rows, detect_format, iter_records, preview
from creators.importing.mapping import (
    Layout,
    ParsedRow,
    RecordParser,
    RejectedRow,
    require_valid_mapping,
    suggest_mapping,
)
from creators.importing.writes import (
    apply_audiences,
    apply_contacts,
    apply_creators,
    apply_videos,
    mapped_creator_fields,
    stage_audiences,
    stage_creators,
    stage_videos,
    staging_audience,
    staging_creator,
)
from creators.models import ImportJob, Niche

# 10,000 rows per transaction: big enough that per-chunk overhead (a temp table, a commit, the
# progress update) is under 1 % of the time, small enough that a chunk holds a few MB.
DEFAULT_CHUNK_ROWS = 10_000
MAX_STORED_REJECTS = 10_000
MAX_WARNING_SAMPLES = 200

# The pending-list size of GIN indexes while a chunk is written (PostgreSQL's default is 4 MB).
GIN_PENDING_LIST_KB = 64 * 1024


@dataclass
class ImportSummary:
    """What an import did. Creators are counted once each, also in per-video files."""

    layout: Layout
    total_rows: int | None = None
    processed_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    videos_created: int = 0
    videos_updated: int = 0
    videos_unchanged: int = 0
    snapshots_created: int = 0
    kept: int = 0  # values in the file left as another source wrote them (docs/security.md)
    # Audience profiles (creators.importing.audience); counted in this run only (the job keeps `kept`).
    audiences_created: int = 0
    audiences_updated: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_STORED_REJECTS
    warning_samples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Chunk:
    rows: list[ParsedRow] = field(default_factory=list)
    # Staging rows of the creators this chunk writes (the first row of each handle):
    # (handle, needs_search_merge, *mapped field values or None, search_document).
    creators: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (handle, e-mail) for the workspace's rows
    audiences: list[tuple[Any, ...]] = field(default_factory=list)  # staging rows of the creators' audiences
    rejects: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    last_row: int = 0


def binary_file(file: Any) -> IO[bytes]:
    """The plain file object under Django's File wrappers (openpyxl and TextIOWrapper want one)."""
    while isinstance(file, File) and getattr(file, "file", None) is not None:
        file = file.file
    return file  # type: ignore[no-any-return]


@contextmanager
def open_job_file(job: ImportJob) -> Iterator[IO[bytes]]:
    with job.file.open("rb") as opened:
        yield binary_file(opened)


@contextmanager
def _open_source(path: Path | None, job: ImportJob | None) -> Iterator[IO[bytes]]:
    if job is not None:
        with open_job_file(job) as binary:
            yield binary
    else:
        assert path is not None  # noqa: S101 - checked by the caller
        with open(path, "rb") as binary:
            yield binary


def import_creators(
    *,
    workspace: Workspace,
    mapping: dict[str, str] | None = None,
    path: Path | str | None = None,
    job: ImportJob | None = None,
    file_format: FileFormat | None = None,
    chunk_rows: int | None = None,
    on_chunk: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import one file, from a path (the command) or a job's stored upload (the task).

    Without a mapping the columns are mapped automatically. Runs one transaction per chunk, so call
    it outside a transaction; with a job, progress is saved after each chunk and a job that already
    has progress resumes after it. Raises ImportFileError for a file that cannot be read (the chunks
    before the problem stay imported). `workspace` is who imports: the index itself is shared."""
    if (path is None) == (job is None):
        raise ValueError("import_creators needs a path or a job")
    chunk_rows = chunk_rows or int(settings.IMPORT_CHUNK_ROWS)
    source_path = Path(path) if path is not None else None
    now = timezone.now()
    # One capture time per import (kept across resumes), so a snapshot is never written twice.
    captured_at = (job.started_at if job is not None else None) or now
    with _open_source(source_path, job) as binary:
        if file_format is None:
            if job is not None:
                file_format = FileFormat(job.file_format)
            else:
                binary.seek(0)
                file_format = detect_format(str(source_path), binary.read(64 * 1024))
        columns = preview(binary, file_format).columns
        if mapping is None:
            mapping = suggest_mapping(columns)
        require_valid_mapping(mapping, columns)
        parser = RecordParser(
            mapping,
            known_niches=Niche.objects.values_list("slug", flat=True),
            now=now,
            audience=audience_columns(columns, mapping),
        )
        summary = _starting_summary(parser.layout, job)
        if summary.total_rows is None:
            summary.total_rows = count_rows(binary, file_format)
            if job is not None:
                ImportJob.objects.filter(pk=job.pk).update(total_rows=summary.total_rows)
        resume_after = summary.processed_rows
        chunks = _parsed_chunks(
            iter_records(binary, file_format), parser, chunk_rows=chunk_rows, resume_after=resume_after
        )
        reader = _ReadAhead(chunks)
        for chunk in reader:
            summary = _import_chunk(
                chunk,
                workspace_id=workspace.pk,
                parser=parser,
                summary=summary,
                job=job,
                now=now,
                captured_at=captured_at,
                staged=reader.resume,
            )
            if on_chunk is not None:
                on_chunk(summary)
    _merge_pending_search_entries()
    if summary.total_rows != summary.processed_rows:
        # The pre-count includes blank lines at the end, which are never numbered: end at 100 %.
        summary.total_rows = summary.processed_rows
        if job is not None:
            ImportJob.objects.filter(pk=job.pk).update(total_rows=summary.total_rows)
    return summary


def _merge_pending_search_entries() -> None:
    """Fold the GIN pending lists the import grew into their indexes: a search scans a pending list
    row by row, so leaving megabytes of it would slow discovery until autovacuum got there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
            "WHERE i.indrelid = 'creators_creator'::regclass AND am.amname = 'gin'"
        )


def _starting_summary(layout: Layout, job: ImportJob | None) -> ImportSummary:
    if job is None:
        return ImportSummary(layout=layout)
    return ImportSummary(
        layout=layout,
        total_rows=job.total_rows,
        processed_rows=job.processed_rows,
        created=job.created_count,
        updated=job.updated_count,
        unchanged=job.unchanged_count,
        rejected=job.rejected_count,
        warnings=job.warnings_count,
        videos_created=job.videos_created_count,
        videos_updated=job.videos_updated_count,
        videos_unchanged=job.videos_unchanged_count,
        snapshots_created=job.snapshots_created_count,
        kept=job.kept_count,
        rejects=list(job.rejects),
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, default=str) if isinstance(value, list | dict) else str(value)
    return text[:200]


def _parsed_chunks(
    records: Iterable[tuple[int, dict[str, Any] | None, str | None]],
    parser: RecordParser,
    *,
    chunk_rows: int,
    resume_after: int = 0,
) -> Iterator[_Chunk]:
    """Parse and de-duplicate rows, `chunk_rows` at a time. Pure Python: runs in the reader thread.

    A handle (or, per video, a video id) seen on an earlier row is rejected, so which row wins never
    depends on chunking and a re-import is a no-op. Rows up to `resume_after` were imported by an
    earlier run: they are parsed again only to rebuild what was seen, and not yielded."""
    first_row_of: dict[str, int] = {}
    first_row_of_video: dict[tuple[str, str], int] = {}
    is_per_video = parser.layout is Layout.VIDEOS
    fields = mapped_creator_fields(parser.mapping)
    mapped_columns = {column for column in parser.mapping.values() if column}
    chunk, size = _Chunk(), 0
    for row, values, error in records:
        result = RejectedRow(row, error or "unreadable row") if values is None else parser.parse(values, row)
        is_new_creator = False
        if isinstance(result, ParsedRow):
            first = first_row_of.setdefault(result.handle, row)
            is_new_creator = first == row
            if is_per_video:
                video_key = (result.handle, result.video["video_id"])  # type: ignore[index]
                first_video = first_row_of_video.setdefault(video_key, row)
                if first_video != row:
                    result = RejectedRow(
                        row, f"video {video_key[1]} of @{result.handle} is already on row {first_video}"
                    )
            elif not is_new_creator:
                result = RejectedRow(row, f"@{result.handle} is already on row {first}")
        if row <= resume_after:
            continue
        size += 1
        chunk.last_row = row
        if isinstance(result, RejectedRow):
            # The mapped cells, in the file's column order, as the file had them: enough to fix and re-import.
            # Pairs, not an object: jsonb would reorder an object's keys.
            cells = [
                [column, _cell_text(value)] for column, value in (values or {}).items() if column in mapped_columns
            ]
            chunk.rejects.append({"row": result.row, "reason": result.reason, "cells": cells})
        else:
            chunk.rows.append(result)
            if is_new_creator:
                chunk.creators.append(staging_creator(result, fields))
                if result.creator.get("contact_email"):
                    chunk.contacts.append((result.handle, str(result.creator["contact_email"])))
                if (audience := staging_audience(result)) is not None:
                    chunk.audiences.append(audience)
            chunk.warnings.extend({"row": row, "warning": warning} for warning in result.warnings)
        if size >= chunk_rows:
            yield chunk
            chunk, size = _Chunk(), 0
    if size:
        yield chunk


_T = TypeVar("_T")
_FINISHED = object()


class _ReaderFailed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class _ReadAhead(Generic[_T]):
    """Produce `items` in a reader thread, one ahead, while the consumer waits on the database.

    The consumer calls `resume()` once its own Python work for the current item is done (the COPY),
    and the reader then prepares the next item while the database runs the statements; the two
    never compete for the GIL (measured: a COPY four times slower when they do). The thread never
    touches the database."""

    def __init__(self, items: Iterator[_T]) -> None:
        self._items = items
        self._ready: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._permits = threading.Semaphore(1)  # the first item is prepared straight away
        self._stop = threading.Event()
        self._resumed = True
        self._thread = threading.Thread(target=self._produce, name="import-reader", daemon=True)
        self._thread.start()

    def resume(self) -> None:
        if not self._resumed:
            self._resumed = True
            self._permits.release()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            while True:
                while not self._permits.acquire(timeout=0.1):
                    if self._stop.is_set():
                        return
                item = next(self._items, _FINISHED)
                if not self._put(item) or item is _FINISHED:
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(_ReaderFailed(exc))

    def __iter__(self) -> Iterator[_T]:
        try:
            while True:
                self.resume()  # a consumer that never called it loses the overlap, not the import
                item = self._ready.get()
                if item is _FINISHED:
                    return
                if isinstance(item, _ReaderFailed):
                    raise item.exc
                self._resumed = False
                yield item
        finally:
            self._stop.set()
            self._thread.join(timeout=10)


def _import_chunk(
    chunk: _Chunk,
    *,
    workspace_id: int,
    parser: RecordParser,
    summary: ImportSummary,
    job: ImportJob | None,
    now: datetime,
    captured_at: datetime,
    staged: Callable[[], None] = lambda: None,
) -> ImportSummary:
    """Write one chunk and, with a job, its progress, in one transaction. Returns the new summary
    (the old one is untouched if the chunk fails). `staged` is called once the chunk is copied to
    the database, before the statements that merge it run."""
    fields = mapped_creator_fields(parser.mapping)
    with transaction.atomic(), connection.cursor() as cursor:
        # Losing the last commits in an OS crash is safe here: each commit carries the job's progress
        # too, so a resumed import redoes exactly what was lost. It saves a WAL flush per chunk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Every join here pairs the staging table (one chunk) with a big table by its unique key: one
        # index lookup per staged row is always the cheapest plan, but the planner, without statistics
        # on a temp table created a moment ago, hashes the whole creator table instead (measured: a full
        # scan per chunk, quadratic over a file). Keep it to nested loops in this transaction only.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        # GIN indexes (search text, handle trigrams, niches, languages) are the costliest part of an
        # insert. With a bigger pending list each new row is appended to it and merged into the index
        # in bulk, far fewer times per file (measured: +45 % rows/s on the full upsert; docs/import.md).
        # The list is merged for good once the file is done (_merge_pending_search_entries).
        cursor.execute(f"SET LOCAL gin_pending_list_limit = {GIN_PENDING_LIST_KB:d}")  # in kB
        is_per_video = parser.layout is Layout.VIDEOS and bool(chunk.rows)
        stage_creators(cursor, chunk.creators, fields=fields)
        stage_audiences(cursor, chunk.audiences)
        if is_per_video:
            stage_videos(cursor, chunk.rows, mapping=parser.mapping)
        staged()
        created, updated, kept = apply_creators(
            cursor, chunk.creators, fields=fields, now=now, workspace_id=workspace_id
        )
        apply_contacts(cursor, chunk.contacts, now=now, workspace_id=workspace_id)
        audience_counts = apply_audiences(cursor, chunk.audiences, now=now, workspace_id=workspace_id)
        video_counts = (0, 0, 0, 0)
        if is_per_video:
            video_counts = apply_videos(
                cursor, mapping=parser.mapping, now=now, captured_at=captured_at, workspace_id=workspace_id
            )
        stored = len(summary.rejects)
        new_rejects = chunk.rejects[: max(MAX_STORED_REJECTS - stored, 0)]
        after = ImportSummary(
            layout=summary.layout,
            total_rows=summary.total_rows,
            processed_rows=chunk.last_row,
            created=summary.created + created,
            updated=summary.updated + updated,
            unchanged=summary.unchanged + len(chunk.creators) - created - updated,
            rejected=summary.rejected + len(chunk.rejects),
            warnings=summary.warnings + len(chunk.warnings),
            videos_created=summary.videos_created + video_counts[0],
            videos_updated=summary.videos_updated + video_counts[1],
            videos_unchanged=summary.videos_unchanged + len(chunk.rows) - video_counts[0] - video_counts[1]
            if parser.layout is Layout.VIDEOS
            else 0,
            snapshots_created=summary.snapshots_created + video_counts[2],
            kept=summary.kept + kept + video_counts[3] + audience_counts[2],
            audiences_created=summary.audiences_created + audience_counts[0],
            audiences_updated=summary.audiences_updated + audience_counts[1],
            rejects=summary.rejects + new_rejects,
            warning_samples=(summary.warning_samples + chunk.warnings)[:MAX_WARNING_SAMPLES],
        )
        if job is not None:
            progress: dict[str, Any] = {
                "processed_rows": after.processed_rows,
                "created_count": after.created,
                "updated_count": after.updated,
                "unchanged_count": after.unchanged,
                "rejected_count": after.rejected,
                "warnings_count": after.warnings,
                "videos_created_count": after.videos_created,
                "videos_updated_count": after.videos_updated,
                "videos_unchanged_count": after.videos_unchanged,
                "snapshots_created_count": after.snapshots_created,
                "kept_count": after.kept,
            }
            if new_rejects:
                # Append only this chunk's rejects; rewriting the whole list every chunk would be quadratic.
                progress["rejects"] = RawSQL(
                    "rejects || %s::jsonb", (json.dumps(new_rejects),), output_field=JSONField()
                )
            ImportJob.objects.filter(pk=job.pk).update(**progress)
    return after
