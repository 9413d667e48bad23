"""Import creators (and, from per-video files, their videos and stats) from CSV, JSON or XLSX.

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
- A cell left empty never erases what we know: the creator keeps the stored value.
- The index is shared, so an import never overwrites what another source wrote (creators.index.provenance):
  it creates creators and videos the index has never seen, fills empty values, and updates values this
  workspace imported before. Values that differ from another source's are left and counted (`kept`).
  Contact e-mails go to the importing workspace's own contact rows, never to the shared profile.
"""

import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, connection, transaction
from django.db.models import JSONField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from core.errors import PermissionDeniedError
from core.queue import enqueue_on_commit
from creators.disclosure import SPONSORED_SQL, SPONSORED_SQL_PARAMS
from creators.importing.files import (
    FileFormat,
    FilePreview,
    ImportErrorCode,
    ImportFileError,
    count_rows,
    detect_format,
    iter_records,
    preview,
)
from creators.importing.mapping import (
    VIDEO_STATS_FIELDS,
    Layout,
    ParsedRow,
    RecordParser,
    RejectedRow,
    require_valid_mapping,
    suggest_mapping,
    validate_mapping,
)
from creators.importing.unmapped import unmapped_columns
from creators.index.provenance import WRITABLE_BY_IMPORT, import_source, protected_sql, video_import_allowed_sql
from creators.index.video_stats import copy_latest_stats
from creators.models import ImportJob, Niche, Platform
from creators.search_text import search_document

# 10,000 rows per transaction: big enough that per-chunk overhead (a temp table, a commit, the
# progress update) is under 1 % of the time, small enough that a chunk holds a few MB.
DEFAULT_CHUNK_ROWS = 10_000
MAX_STORED_REJECTS = 10_000
MAX_WARNING_SAMPLES = 200
# Session advisory lock per job (namespace + id): held while a worker imports it, released by the
# database if that worker dies, so a re-delivered task can tell "running elsewhere" from "orphaned".
_JOB_LOCK_BASE = 0x1A9C_0000_0000_0000

# Creator column -> its SQL type in the staging table (the columns are named as the target fields).
_CREATOR_COLUMNS: dict[str, str] = {
    "display_name": "text",
    "follower_count": "bigint",
    "following_count": "bigint",
    "likes_count": "bigint",
    "video_count": "integer",
    "bio": "text",
    "country": "text",
    "region": "text",
    "city": "text",
    "languages": "varchar[]",
    "niches": "varchar[]",
    "hashtags": "varchar[]",
    "is_verified": "boolean",
    "avatar_url": "text",
}
_SEARCH_INPUTS = ("display_name", "bio", "hashtags")
# What a new creator gets for a column the file leaves empty, by SQL type (the model's defaults). A count
# the file does not give is unknown, NULL, never 0 (docs/import.md, "Unknown is not zero").
_SQL_DEFAULTS = {"text": "''", "bigint": "NULL", "integer": "NULL", "varchar[]": "'{}'", "boolean": "false"}

# Video target -> (staging SQL type, Video column, SQL default for a new video).
_VIDEO_COLUMNS: dict[str, tuple[str, str, str]] = {
    "caption": ("text", "caption", "''"),
    "video_hashtags": ("varchar[]", "hashtags", "'{}'"),
    "sound": ("text", "sound", "''"),
    "duration_s": ("integer", "duration_s", "NULL"),
    "posted_at": ("timestamptz", "posted_at", "NULL"),
    "share_url": ("text", "share_url", "''"),
    "is_paid_partnership": ("boolean", "is_paid_partnership", "false"),
}


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
    rejects: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_STORED_REJECTS
    warning_samples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Chunk:
    rows: list[ParsedRow] = field(default_factory=list)
    # Staging rows of the creators this chunk writes (the first row of each handle):
    # (handle, needs_search_merge, *mapped field values or None, search_document).
    creators: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (handle, e-mail) for the workspace's rows
    rejects: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    last_row: int = 0


# --- Jobs (the dashboard's way in) --------------------------------------------------------------


# The pending-list size of GIN indexes while a chunk is written (PostgreSQL's default is 4 MB).
GIN_PENDING_LIST_KB = 64 * 1024


def _require_manager(*, workspace: Workspace, user: User) -> None:
    if not has_workspace_role(workspace_id=workspace.pk, user=user):
        raise PermissionDeniedError("Importing creators needs the manager role.", code="role_required")


def max_upload_bytes() -> int:
    return int(settings.IMPORT_MAX_UPLOAD_MB) * 1024 * 1024


def _binary(file: Any) -> IO[bytes]:
    """The plain file object under Django's File wrappers (openpyxl and TextIOWrapper want one)."""
    while isinstance(file, File) and getattr(file, "file", None) is not None:
        file = file.file
    return file  # type: ignore[no-any-return]


def create_import_job(*, workspace: Workspace, by: User, upload: UploadedFile) -> ImportJob:
    """Store an uploaded file and guess its column mapping; the job then waits for the user to
    confirm the mapping (`confirm_import_mapping`). Refuses files of the wrong type, too large,
    or without records, storing nothing."""
    _require_manager(workspace=workspace, user=by)
    name = upload.name or "upload"
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ImportFileError(
            f"The file is larger than {max_upload_bytes() // (1024 * 1024)} MB.",
            code=ImportErrorCode.TOO_LARGE,
            fields={"file": ["Too large."]},
        )
    binary = _binary(upload)
    binary.seek(0)
    try:
        file_format = detect_format(name, binary.read(64 * 1024))
        file_preview = preview(binary, file_format)
    except ImportFileError as exc:
        exc.fields = {"file": [exc.message]}
        raise
    binary.seek(0)
    mapping = suggest_mapping(file_preview.columns)
    with transaction.atomic():
        job = ImportJob(
            workspace=workspace,
            created_by=by,
            original_name=name[-255:],
            file_format=file_format,
            mapping=mapping,
            unmapped_columns=_unmapped_json(file_preview, mapping),
            status=ImportJob.Status.MAPPING,
        )
        job.file.save(name, File(binary, name=name), save=False)
        job.save()
        record_audit_event(workspace=workspace, actor=by, action="import.uploaded", target=job.original_name)
    return job


def preview_import_file(*, import_job: ImportJob, rows: int = 20) -> FilePreview:
    """The columns and first records of a job's file, for the mapping page."""
    with _open_job_file(import_job) as binary:
        return preview(binary, FileFormat(import_job.file_format), rows=rows)


@transaction.atomic
def confirm_import_mapping(*, import_job: ImportJob, mapping: dict[str, str], by: User) -> ImportJob:
    """Fix the mapping and queue the import (after commit). Only a job waiting for its mapping can be
    confirmed, once: a second submit is refused."""
    _require_manager(workspace=import_job.workspace, user=by)
    job = ImportJob.objects.select_for_update(of=("self",)).get(pk=import_job.pk)
    if job.status != ImportJob.Status.MAPPING:
        raise ImportFileError("This import has already been queued.", code=ImportErrorCode.NOT_MAPPING)
    mapping = {target: column for target, column in mapping.items() if column}
    file_preview = preview_import_file(import_job=job)
    errors = validate_mapping(mapping, file_preview.columns)
    if errors:
        raise ImportFileError(
            "The mapping needs a fix before the import can start.", code=ImportErrorCode.BAD_MAPPING, fields=errors
        )
    job.mapping = mapping
    job.unmapped_columns = _unmapped_json(file_preview, mapping)  # what this mapping leaves out
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["mapping", "unmapped_columns", "status", "updated_at"])
    record_audit_event(
        workspace=job.workspace, actor=by, action="import.queued", target=job.original_name, data={"mapping": mapping}
    )
    enqueue_on_commit("creators.tasks.run_import_job_task", job.pk)
    return job


def _unmapped_json(file_preview: FilePreview, mapping: dict[str, str]) -> list[dict[str, str]]:
    found = unmapped_columns(columns=file_preview.columns, samples=file_preview.samples, mapping=mapping)
    return [column.as_json() for column in found]


@contextmanager
def _job_lock(job_pk: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_JOB_LOCK_BASE + job_pk])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        # After a lost connection there is nothing to unlock: the server released it with the session.
        if acquired and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_JOB_LOCK_BASE + job_pk])


def run_import_job(*, import_job_id: int) -> ImportJob | None:
    """Run a queued job (the Celery task's body). Safe to deliver twice: a job that is done, failed
    or being imported by another worker is left alone; a job whose worker died resumes after the
    last committed chunk, so no row is counted twice."""
    job = ImportJob.objects.with_scopes_disabled().select_related("workspace").filter(pk=import_job_id).first()
    active = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    if job is None or job.status not in active:
        return job
    with workspace_scope(job.workspace), _job_lock(job.pk) as is_mine:
        if not is_mine:
            return job
        job.refresh_from_db()
        if job.status not in active:
            return job
        started_at = job.started_at or timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=started_at, error="")
        job.refresh_from_db()
        try:
            summary = import_creators(workspace=job.workspace, job=job, mapping=job.mapping)
        except OperationalError:
            raise  # the database went away: the job stays running and a retry resumes it
        except Exception as exc:
            job.refresh_from_db()
            message = exc.message if isinstance(exc, ImportFileError) else "The import stopped on an unexpected error."
            if job.processed_rows:
                message += (
                    f" Rows 1 to {job.processed_rows:,} were imported; importing the file again finishes it"
                    " (rows already imported count as unchanged)."
                )
            else:
                message += " No row was imported."
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now(), error=message
            )
            record_audit_event(
                workspace=job.workspace,
                actor=job.created_by,
                action="import.failed",
                target=job.original_name,
                data={"error": message},
            )
            if not isinstance(exc, ImportFileError):
                raise
            return job
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, finished_at=timezone.now())
        record_audit_event(
            workspace=job.workspace,
            actor=job.created_by,
            action="import.finished",
            target=job.original_name,
            data={
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
            },
        )
        job.refresh_from_db()
        return job


def purge_import_files(*, now: datetime | None = None) -> int:
    """Delete the uploads of jobs that ended more than IMPORT_FILE_RETENTION_DAYS ago, and of uploads
    whose mapping was never confirmed (those jobs fail with a note). Returns how many files went.
    Safe to run twice: a purged job has no file left to match."""
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.IMPORT_FILE_RETENTION_DAYS))
    ended = Q(status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], finished_at__lt=cutoff)
    abandoned = Q(status=ImportJob.Status.MAPPING, created_at__lt=cutoff)
    purged = 0
    jobs = ImportJob.objects.with_scopes_disabled().filter(ended | abandoned).exclude(file="")
    for job in jobs.iterator(chunk_size=500):
        job.file.delete(save=False)  # storage first: a crash here leaves a row pointing at nothing, retried
        changes: dict[str, Any] = {"file": ""}
        if job.status == ImportJob.Status.MAPPING:
            changes |= {
                "status": ImportJob.Status.FAILED,
                "finished_at": now or timezone.now(),
                "error": "The upload expired before its columns were confirmed. Upload the file again.",
            }
        ImportJob.objects.with_scopes_disabled().filter(pk=job.pk).update(**changes)
        purged += 1
    return purged


# --- The import itself --------------------------------------------------------------------------


@contextmanager
def _open_job_file(job: ImportJob) -> Iterator[IO[bytes]]:
    with job.file.open("rb") as opened:
        yield _binary(opened)


@contextmanager
def _open_source(path: Path | None, job: ImportJob | None) -> Iterator[IO[bytes]]:
    if job is not None:
        with _open_job_file(job) as binary:
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
        parser = RecordParser(mapping, known_niches=Niche.objects.values_list("slug", flat=True), now=now)
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


def _mapped_creator_fields(mapping: dict[str, str]) -> list[str]:
    return [name for name in _CREATOR_COLUMNS if mapping.get(name)]


def _staging_creator(row: ParsedRow, fields: list[str]) -> tuple[Any, ...]:
    """The creator's staging row. Its search text covers the file's values; when a search input is
    not in the file (no column, or an empty cell) `needs_search_merge` asks the writer to redo it with
    the stored value, should the creator already exist."""
    creator = row.creator
    needs_search_merge = any(creator.get(name) is None for name in _SEARCH_INPUTS)
    document = search_document(
        handle=row.handle,
        display_name=creator.get("display_name") or "",
        bio=creator.get("bio") or "",
        hashtags=creator.get("hashtags") or (),
    )
    return (row.handle, needs_search_merge, *(creator.get(name) for name in fields), document)


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
    fields = _mapped_creator_fields(parser.mapping)
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
                chunk.creators.append(_staging_creator(result, fields))
                if result.creator.get("contact_email"):
                    chunk.contacts.append((result.handle, str(result.creator["contact_email"])))
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
    fields = _mapped_creator_fields(parser.mapping)
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
        _stage_creators(cursor, chunk.creators, fields=fields)
        if is_per_video:
            _stage_videos(cursor, chunk.rows, mapping=parser.mapping)
        staged()
        created, updated, kept = _apply_creators(
            cursor, chunk.creators, fields=fields, now=now, workspace_id=workspace_id
        )
        _apply_contacts(cursor, chunk.contacts, now=now, workspace_id=workspace_id)
        video_counts = (0, 0, 0, 0)
        if is_per_video:
            video_counts = _apply_videos(
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
            kept=summary.kept + kept + video_counts[3],
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


def _stage_creators(cursor: Any, creators: list[tuple[Any, ...]], *, fields: list[str]) -> None:
    """COPY a chunk's creators into the temporary staging table (empty cells stay NULL)."""
    if not creators:
        return
    columns = ", ".join(f"{name} {_CREATOR_COLUMNS[name]}" for name in fields)
    cursor.execute("DROP TABLE IF EXISTS pg_temp.creator_import_staging")
    cursor.execute(
        "CREATE TEMP TABLE creator_import_staging (handle text NOT NULL, needs_search_merge boolean NOT NULL, "
        f"{columns + ', ' if columns else ''}search_document text NOT NULL) ON COMMIT DROP"
    )
    staged = ["handle", "needs_search_merge", *fields, "search_document"]
    with cursor.copy(f"COPY creator_import_staging ({', '.join(staged)}) FROM STDIN") as copy:
        copy.set_types(["text", "bool", *(_CREATOR_COLUMNS[name] for name in fields), "text"])
        for creator in creators:
            copy.write_row(creator)


def _apply_creators(
    cursor: Any, creators: list[tuple[Any, ...]], *, fields: list[str], now: datetime, workspace_id: int
) -> tuple[int, int, int]:
    """Upsert the staged creators; returns (created, updated, values kept from other sources).

    A cell the file leaves empty keeps the stored value (COALESCE with the stored row), and a row is
    only rewritten when a value differs: unchanged rows never reach the upsert. A value another source
    wrote is first blanked in the staging row (so it is kept the same way), and counted."""
    if not creators:
        return 0, 0, 0
    kept, search_inputs_kept = _keep_other_sources(cursor, fields=fields, workspace_id=workspace_id)
    if search_inputs_kept or any(creator[1] for creator in creators):
        _merge_search_documents(cursor, fields)
    # Drop the rows that would change nothing before the upsert: ON CONFLICT ... WHERE false still
    # locks (so writes) every conflicting row, which makes re-importing a big file as slow as the
    # first import; this join only reads.
    cursor.execute(
        f"""
        DELETE FROM creator_import_staging s USING creators_creator cur
        WHERE cur.platform = %s AND cur.handle = s.handle
            AND ({", ".join([*(f"COALESCE(s.{name}, cur.{name})" for name in fields), "s.search_document"])})
            IS NOT DISTINCT FROM ({", ".join([*(f"cur.{name}" for name in fields), "cur.search_document"])})
        """,  # noqa: S608 - identifiers are our constants
        [Platform.TIKTOK],
    )
    if cursor.rowcount == len(creators):
        cursor.execute("DROP TABLE creator_import_staging")
        return 0, 0, kept

    unmapped = [name for name in _CREATOR_COLUMNS if name not in fields]
    insert_values = ["%(platform)s", "s.handle"]
    insert_values += [f"COALESCE(s.{name}, cur.{name}, {_SQL_DEFAULTS[_CREATOR_COLUMNS[name]]})" for name in fields]
    insert_values += [_SQL_DEFAULTS[_CREATOR_COLUMNS[name]] for name in unmapped]
    # Each value the file writes records this workspace's import as its source (creators.index.provenance).
    written = ", ".join(
        f"'{name}', CASE WHEN s.{name} IS NOT NULL AND s.{name} IS DISTINCT FROM cur.{name} THEN %(source)s::jsonb END"
        for name in fields
    )
    provenance = (
        f"COALESCE(cur.provenance, '{{}}'::jsonb) || jsonb_strip_nulls(jsonb_build_object({written}))"
        if fields
        else "COALESCE(cur.provenance, '{}'::jsonb)"
    )
    compared = [*fields, "search_document"]
    sql = f"""
        WITH written AS (
            INSERT INTO creators_creator AS c (
                platform, handle, {", ".join([*fields, *unmapped])}, sync_status, sync_error, authenticity_flags,
                search_document, provenance, first_seen_at, last_seen_at, created_at, updated_at
            )
            SELECT {", ".join(insert_values)}, 'never', '', '{{}}',
                s.search_document, {provenance}, %(now)s, %(now)s, %(now)s, %(now)s
            FROM creator_import_staging s
            LEFT JOIN creators_creator cur ON cur.platform = %(platform)s AND cur.handle = s.handle
            ORDER BY s.handle
            ON CONFLICT (platform, handle) DO UPDATE SET
                {", ".join(f"{name} = EXCLUDED.{name}" for name in compared)},
                provenance = EXCLUDED.provenance,
                last_seen_at = EXCLUDED.last_seen_at, updated_at = EXCLUDED.updated_at
            WHERE ({", ".join(f"c.{name}" for name in compared)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in compared)})
            RETURNING (c.xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
    """  # noqa: S608 - identifiers are our constants; values travel as parameters
    cursor.execute(
        sql, {"platform": Platform.TIKTOK, "now": now, "source": import_source(workspace_id=workspace_id, at=now)}
    )
    created, updated = cursor.fetchone()
    cursor.execute("DROP TABLE creator_import_staging")
    return int(created), int(updated), kept


def _keep_other_sources(cursor: Any, *, fields: list[str], workspace_id: int) -> tuple[int, bool]:
    """Blank, in the staging table, every value an existing creator got from another source: the
    platform, the creator, staff, another workspace's import, or a value stored before sources were
    recorded. Returns (how many differing values were kept, whether a search input was among them)."""
    guarded = [name for name in fields if name in WRITABLE_BY_IMPORT]
    if not guarded:
        return 0, False
    protected = {name: protected_sql(name, _CREATOR_COLUMNS[name], staged=f"s.{name}") for name in guarded}
    params = {"platform": Platform.TIKTOK, "workspace": str(workspace_id)}
    differing = " + ".join(f"({protected[name]} AND s.{name} IS DISTINCT FROM cur.{name})::int" for name in guarded)
    cursor.execute(
        f"""
        SELECT COALESCE(sum({differing}), 0) FROM creator_import_staging s
        JOIN creators_creator cur ON cur.platform = %(platform)s AND cur.handle = s.handle
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    kept = int(cursor.fetchone()[0])
    search_guarded = [name for name in guarded if name in _SEARCH_INPUTS]
    merge = " OR ".join(protected[name] for name in search_guarded) if search_guarded else "false"
    cursor.execute(
        f"""
        UPDATE creator_import_staging s SET
            {", ".join(f"{name} = CASE WHEN {protected[name]} THEN NULL ELSE s.{name} END" for name in guarded)},
            needs_search_merge = s.needs_search_merge OR {merge}
        FROM creators_creator cur
        WHERE cur.platform = %(platform)s AND cur.handle = s.handle
            AND ({" OR ".join(protected[name] for name in guarded)})
        RETURNING {merge}
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    return kept, any(row[0] for row in cursor.fetchall())


def _apply_contacts(cursor: Any, contacts: list[tuple[str, str]], *, now: datetime, workspace_id: int) -> None:
    """The file's contact e-mails become the importing workspace's own contact rows (never shared)."""
    if not contacts:
        return
    cursor.execute(
        """
        INSERT INTO creators_workspacecreatorcontact (workspace_id, creator_id, email, source, created_at, updated_at)
        SELECT %(workspace)s, c.id, x.email, 'import', %(now)s, %(now)s
        FROM unnest(%(handles)s::text[], %(emails)s::text[]) AS x(handle, email)
        JOIN creators_creator c ON c.platform = %(platform)s AND c.handle = x.handle
        ORDER BY c.id
        ON CONFLICT (workspace_id, creator_id) DO UPDATE SET
            email = EXCLUDED.email, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
        WHERE creators_workspacecreatorcontact.email IS DISTINCT FROM EXCLUDED.email
        """,
        {
            "workspace": workspace_id,
            "now": now,
            "platform": Platform.TIKTOK,
            "handles": [handle for handle, _email in contacts],
            "emails": [email.strip().lower() for _handle, email in contacts],
        },
    )


def _merge_search_documents(cursor: Any, fields: list[str]) -> None:
    """Redo the search text of staged creators that already exist and whose row lacks a search input
    (display name, bio or hashtags): the text must cover the values the creator keeps."""
    file_values = [f"s.{name}" if name in fields else "NULL" for name in _SEARCH_INPUTS]
    # Only where a stored value would add to the text: an empty stored bio changes nothing.
    empty = {"display_name": "''", "bio": "''", "hashtags": "'{}'"}
    adds_text = [
        f"(s.{name} IS NULL AND cur.{name} <> {empty[name]})" if name in fields else f"cur.{name} <> {empty[name]}"
        for name in _SEARCH_INPUTS
    ]
    cursor.execute(
        f"""
        SELECT s.handle, {", ".join(file_values)}, cur.display_name, cur.bio, cur.hashtags
        FROM creator_import_staging s
        JOIN creators_creator cur ON cur.platform = %s AND cur.handle = s.handle
        WHERE s.needs_search_merge AND ({" OR ".join(adds_text)})
        """,  # noqa: S608 - identifiers are our constants
        [Platform.TIKTOK],
    )
    handles, documents = [], []
    for handle, name, bio, hashtags, stored_name, stored_bio, stored_hashtags in cursor.fetchall():
        handles.append(handle)
        documents.append(
            search_document(
                handle=handle,
                display_name=name if name is not None else stored_name,
                bio=bio if bio is not None else stored_bio,
                hashtags=hashtags if hashtags is not None else stored_hashtags,
            )
        )
    if handles:
        cursor.execute(
            "UPDATE creator_import_staging s SET search_document = merged.document "
            "FROM unnest(%s::text[], %s::text[]) AS merged(handle, document) WHERE s.handle = merged.handle",
            [handles, documents],
        )


def _stage_videos(cursor: Any, rows: list[ParsedRow], *, mapping: dict[str, str]) -> None:
    """COPY a chunk's videos into their temporary staging table."""
    video_fields = [name for name in _VIDEO_COLUMNS if mapping.get(name)]
    stats_fields = [name for name in VIDEO_STATS_FIELDS if mapping.get(name)]
    # When the file says when its counts were read, the snapshot carries that time (else the import's).
    stats_fields += ["captured_at"] if mapping.get("captured_at") else []
    staged = ["handle", "video_id", *video_fields, *stats_fields]
    cursor.execute("DROP TABLE IF EXISTS pg_temp.video_import_staging")
    cursor.execute(
        "CREATE TEMP TABLE video_import_staging (handle text NOT NULL, video_id text NOT NULL, creator_id bigint, "
        + ", ".join(f"{name} {sql_type}" for name, (sql_type, _column, _default) in _VIDEO_COLUMNS.items())
        + ", "
        + ", ".join(f"{name} bigint" for name in VIDEO_STATS_FIELDS)
        + ", captured_at timestamptz) ON COMMIT DROP"
    )
    with cursor.copy(f"COPY video_import_staging ({', '.join(staged)}) FROM STDIN") as copy:
        copy.set_types(
            [
                "text",
                "text",
                *(_VIDEO_COLUMNS[name][0] for name in video_fields),
                *("timestamptz" if name == "captured_at" else "bigint" for name in stats_fields),
            ]
        )
        for row in rows:
            video = row.video or {}
            copy.write_row(
                (row.handle, video["video_id"], *(video.get(name) for name in (*video_fields, *stats_fields)))
            )


def _apply_videos(
    cursor: Any, *, mapping: dict[str, str], now: datetime, captured_at: datetime, workspace_id: int
) -> tuple[int, int, int, int]:
    """Upsert the staged videos and add a stats snapshot where the counts changed since the last one;
    returns (videos created, videos updated, snapshots added, video rows kept as another source wrote
    them). Only videos this import may write (creators.index.provenance) are touched."""
    video_fields = [name for name in _VIDEO_COLUMNS if mapping.get(name)]
    stats_fields = [name for name in VIDEO_STATS_FIELDS if mapping.get(name)]
    cursor.execute(
        "UPDATE video_import_staging s SET creator_id = c.id FROM creators_creator c "
        "WHERE c.platform = %s AND c.handle = s.handle",
        [Platform.TIKTOK],
    )
    cursor.execute(
        f"DELETE FROM video_import_staging s WHERE NOT {video_import_allowed_sql()}",  # noqa: S608 - our constant
        {"workspace": str(workspace_id)},
    )
    kept = cursor.rowcount
    source = import_source(workspace_id=workspace_id, at=now)
    columns = [(name, column, default) for name, (_type, column, default) in _VIDEO_COLUMNS.items()]
    # Empty cells keep the stored value (COALESCE), so only what the file says can change a video.
    merged = [f"COALESCE(s.{name}, v.{column})" for name, column, _default in columns]
    assignments = ", ".join(f"{column} = {value}" for (_n, column, _d), value in zip(columns, merged, strict=True))
    current = ", ".join(f"v.{column}" for _name, column, _default in columns)
    cursor.execute(
        f"""
        UPDATE creators_video v SET
            {assignments},
            updated_at = %(now)s
        FROM video_import_staging s
        WHERE v.creator_id = s.creator_id AND v.platform_video_id = s.video_id
            AND ({", ".join(merged)}) IS DISTINCT FROM ({current})
        """,  # noqa: S608 - identifiers are our constants
        {"now": now},
    )
    updated = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO creators_video (creator_id, platform_video_id, {", ".join(column for _n, column, _d in columns)},
            provenance, created_at, updated_at)
        SELECT s.creator_id, s.video_id, {", ".join(f"COALESCE(s.{name}, {default})" for name, _c, default in columns)},
            %(source)s::jsonb, %(now)s, %(now)s
        FROM video_import_staging s
        ON CONFLICT (creator_id, platform_video_id) DO NOTHING
        """,  # noqa: S608 - identifiers are our constants
        {"now": now, "source": source},
    )
    created = cursor.rowcount
    if created:
        # The creator's videos now come from this workspace's files: its later imports may add more.
        cursor.execute(
            "UPDATE creators_creator c SET provenance = c.provenance || jsonb_build_object('videos', %s::jsonb) "
            "WHERE c.id IN (SELECT DISTINCT creator_id FROM video_import_staging) AND c.provenance -> 'videos' IS NULL",
            [source],
        )
    cursor.execute(
        f"""
        UPDATE creators_video v SET is_sponsored = {SPONSORED_SQL}
        FROM video_import_staging s
        WHERE v.creator_id = s.creator_id AND v.platform_video_id = s.video_id
            AND v.is_sponsored IS DISTINCT FROM {SPONSORED_SQL}
        """,  # noqa: S608 - our constant
        SPONSORED_SQL_PARAMS,
    )
    snapshots = 0
    if stats_fields:
        # A snapshot only when the counts differ from the one before its capture time (the file's, or
        # this import's): importing the same file twice (or a file with old numbers) adds nothing.
        cursor.execute(
            """
            INSERT INTO creators_videostats (video_id, captured_at, views, likes, comments, shares, saves)
            SELECT v.id, COALESCE(s.captured_at, %(captured_at)s),
                COALESCE(s.views, last.views, 0), COALESCE(s.likes, last.likes, 0),
                COALESCE(s.comments, last.comments, 0), COALESCE(s.shares, last.shares, 0),
                COALESCE(s.saves, last.saves)
            FROM video_import_staging s
            JOIN creators_video v ON v.creator_id = s.creator_id AND v.platform_video_id = s.video_id
            LEFT JOIN LATERAL (
                SELECT x.views, x.likes, x.comments, x.shares, x.saves FROM creators_videostats x
                WHERE x.video_id = v.id AND x.captured_at <= COALESCE(s.captured_at, %(captured_at)s)
                ORDER BY x.captured_at DESC LIMIT 1
            ) last ON true
            WHERE num_nonnulls(s.views, s.likes, s.comments, s.shares, s.saves) > 0
                AND (last.views IS NULL OR (
                    COALESCE(s.views, last.views), COALESCE(s.likes, last.likes),
                    COALESCE(s.comments, last.comments), COALESCE(s.shares, last.shares),
                    COALESCE(s.saves, last.saves)
                ) IS DISTINCT FROM (last.views, last.likes, last.comments, last.shares, last.saves))
            ON CONFLICT (video_id, captured_at) DO NOTHING
            """,
            {"captured_at": captured_at},
        )
        snapshots = cursor.rowcount
        if snapshots:
            copy_latest_stats(
                cursor,
                video_ids_sql="SELECT v.id FROM video_import_staging s JOIN creators_video v "
                "ON v.creator_id = s.creator_id AND v.platform_video_id = s.video_id",
                new_snapshots=snapshots,
            )
            # Metrics delivered as files are a provider too: their creators are scored by the next run.
            cursor.execute(
                "UPDATE creators_creator SET score_stale = true WHERE NOT score_stale AND id IN "
                "(SELECT DISTINCT creator_id FROM video_import_staging)"
            )
    if "posted_at" in video_fields:
        cursor.execute(
            """
            UPDATE creators_creator c SET last_posted_at = x.latest
            FROM (SELECT creator_id, max(posted_at) AS latest FROM video_import_staging
                  WHERE posted_at IS NOT NULL GROUP BY creator_id) x
            WHERE c.id = x.creator_id AND (c.last_posted_at IS NULL OR c.last_posted_at < x.latest)
            """
        )
    cursor.execute("DROP TABLE video_import_staging")
    return created, updated, snapshots, kept
