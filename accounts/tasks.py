from celery import shared_task

from accounts import services


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_invitation_email_task(invitation_id: int) -> bool:
    return services.send_invitation_email(invitation_id=invitation_id)
