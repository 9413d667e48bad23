from celery import shared_task
from django.db import InterfaceError, OperationalError

from creators.importing import services as importing
from creators.index import workspace_scores


# acks_late: a worker that dies mid-import leaves the message to be re-delivered, and the job resumes
# after its last committed chunk. One hour is above any import we expect (1M rows take about a
# minute) and below the broker's visibility timeout (2 h), so a live task is never handed out twice.
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
)
def run_import_job_task(import_job_id: int) -> None:
    importing.run_import_job(import_job_id=import_job_id)


@shared_task(acks_late=True)
def purge_import_files_task() -> int:
    return importing.purge_import_files()


# Chunked and resumable (creators.index.workspace_scores): a retry or a second message continues from
# the last committed chunk; 1M creators take well under the limits below.
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def recompute_workspace_scores_task(workspace_id: int) -> None:
    workspace_scores.recompute_workspace_scores(workspace_id=workspace_id)
