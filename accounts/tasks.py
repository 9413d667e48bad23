from celery import shared_task

from accounts import services
from accounts.notifications import services as notification_services


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_invitation_email_task(invitation_id: int) -> bool:
    return services.send_invitation_email(invitation_id=invitation_id)


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_notification_email_task(notification_id: int) -> bool:
    return notification_services.send_notification_email(notification_id=notification_id)


@shared_task(acks_late=True)
def send_notification_digests_task() -> int:
    """Daily (beat): each user's digest, at most once per UTC day however often it runs."""
    return notification_services.send_notification_digests()
