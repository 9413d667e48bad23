"""The import jobs, the import pages' and the task's way in: storing an upload with a guessed column
mapping (`create_import_job`), previewing it, confirming the mapping (which queues the task), running a
queued job (`run_import_job`: one worker at a time per job, resuming after its last committed chunk),
and purging old uploads. The import itself (`import_creators`) is in creators.importing.pipeline."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from core.errors import PermissionDeniedError
from core.queue import enqueue_on_commit
from creators.importing.files import (
    FileFormat,
    FilePreview,
    ImportErrorCode,
    ImportFileError,
    detect_format,
    preview,
)
from creators.importing.mapping import suggest_mapping, validate_mapping
from creators.importing.pipeline import binary_file, import_creators, open_job_file
from creators.importing.unmapped import unmapped_columns
from creators.models import ImportJob

# Session advisory lock per job (namespace + id): held while a worker imports it, released by the
# database if that worker dies, so a re-delivered task can tell "running elsewhere" from "orphaned".
_JOB_LOCK_BASE = 0x1A9C_0000_0000_0000


def _require_manager(*, workspace: Workspace, user: User) -> None:
    if not has_workspace_role(workspace_id=workspace.pk, user=user):
        raise PermissionDeniedError("Importing creators needs the manager role.", code="role_required")


def max_upload_bytes() -> int:
    return int(settings.IMPORT_MAX_UPLOAD_MB) * 1024 * 1024


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
    binary = binary_file(upload)
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
    with open_job_file(import_job) as binary:
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
