from celery import shared_task

from outreach import notifications, sending


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_outreach_email_task(email_id: int) -> bool:
    return sending.send_outreach_email(email_id=email_id)


# Beat runs this every 5 minutes (analytics.schedules); a run that overlaps the next is harmless,
# because each thread's notice is claimed under its row lock before anything is sent.
@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def send_unread_notifications_task() -> int:
    return notifications.send_unread_notifications()
