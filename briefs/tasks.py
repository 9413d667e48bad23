"""Background work for briefs: thin tasks that take ids and call one function."""

from celery import shared_task

from briefs.contracts.emails import send_contract_signed_email
from briefs.library.rights_alerts import warn_expiring_rights, workspaces_with_content


@shared_task
def warn_expiring_rights_task(workspace_id: int) -> int:
    return warn_expiring_rights(workspace_id=workspace_id)


@shared_task
def warn_all_expiring_rights_task() -> int:
    """The daily sweep: one task per workspace with approved content."""
    workspace_ids = workspaces_with_content()
    for workspace_id in workspace_ids:
        warn_expiring_rights_task.delay(workspace_id)
    return len(workspace_ids)


# Not acks_late: a worker that dies mid-send loses the e-mail rather than sending it twice; the
# connection errors retried here are raised before the message leaves (briefs.contracts.emails).
@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_contract_signed_email_task(version_id: int) -> int:
    return send_contract_signed_email(version_id=version_id)
