"""The notification centre's mechanism: one notification per event (by constraint), the e-mail
preferences (immediately, daily digest, off), the immediate e-mail sent once after commit, and the
daily digest sent at most once a day per user."""

import datetime

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from accounts import tasks
from accounts.errors import AccountError
from accounts.models import EmailDelivery, Notification, NotificationDigest, NotificationKind, NotificationPreference
from accounts.notifications import services
from tests.factories import CreatorUserFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
K = NotificationKind


def _notify(user, workspace, *, event_key="submission:1", kind=K.DRAFT_SUBMITTED):
    return services.notify(recipients=[user], workspace=workspace, kind=kind, event_key=event_key,
                           title="@maker submitted draft round 1", url="/campaigns/collaborations/1/")  # fmt: skip


def _rows(user):
    with scopes_disabled():
        return list(Notification.objects.filter(recipient=user))


def _run_commit_hooks(callbacks):
    """Run what was queued on commit the way the worker would: the e-mail task, by id."""
    for callback in callbacks:
        (notification_id,) = callback.args
        tasks.send_notification_email_task(notification_id)


def test_a_repeated_event_makes_one_notification_and_sends_one_email(
    workspace, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _notify(manager, workspace)
        second = _notify(manager, workspace)

    assert len(first) == 1 and second == []
    assert len(_rows(manager)) == 1
    assert [c.keywords["task_name"] for c in callbacks] == ["accounts.tasks.send_notification_email_task"]
    _run_commit_hooks(callbacks)
    _run_commit_hooks(callbacks)  # a re-delivered task sends nothing more
    assert [m.to for m in mailoutbox] == [["manager@glow.test"]]
    assert mailoutbox[0].subject == "@maker submitted draft round 1 · Glow Test"
    assert "http://localhost:8000/campaigns/collaborations/1/" in mailoutbox[0].body


def test_without_the_unique_constraint_the_repeated_event_doubles(workspace, manager):
    """The negative twin: the constraint is what makes the second report a no-op."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_notification DROP CONSTRAINT notification_once_per_event")

    _notify(manager, workspace)
    _notify(manager, workspace)

    assert len(_rows(manager)) == 2


def test_another_event_or_another_kind_is_another_notification(workspace, manager):
    _notify(manager, workspace, event_key="submission:1")
    _notify(manager, workspace, event_key="submission:2")
    _notify(manager, workspace, event_key="submission:1", kind=K.LIVE_LINK_POSTED)

    assert len(_rows(manager)) == 3


def test_inactive_accounts_are_not_notified(workspace):
    gone = UserFactory(is_active=False)

    assert _notify(gone, workspace) == []
    assert _rows(gone) == []


def test_a_rolled_back_event_leaves_no_notification_and_queues_no_email(
    workspace, manager, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                _notify(manager, workspace)
                raise RuntimeError("the event's own service failed")
        except RuntimeError:
            pass

    assert _rows(manager) == []
    assert callbacks == []


@pytest.mark.parametrize(
    ("delivery", "emailed", "digested"),
    [(EmailDelivery.IMMEDIATELY, 1, 0), (EmailDelivery.DAILY_DIGEST, 0, 1), (EmailDelivery.OFF, 0, 0)],
)
def test_the_preference_decides_how_the_notification_is_emailed(
    workspace, manager, mailoutbox, django_capture_on_commit_callbacks, delivery, emailed, digested
):
    services.set_notification_preferences(user=manager, choices=dict.fromkeys(services.BRAND_KINDS, delivery))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(manager, workspace)
    _run_commit_hooks(callbacks)

    assert len(mailoutbox) == emailed
    sent = services.send_notification_digests()
    assert sent == digested
    assert len(mailoutbox) == emailed + digested
    assert len(_rows(manager)) == 1  # the bell shows it whatever the e-mail preference


def test_kinds_default_to_immediately_except_those_another_email_covers(workspace, manager):
    _notify(manager, workspace, kind=K.DRAFT_SUBMITTED)
    _notify(manager, workspace, kind=K.MESSAGE_RECEIVED, event_key="message:1")

    deliveries = {n.kind: n.email_delivery for n in _rows(manager)}
    assert deliveries == {K.DRAFT_SUBMITTED: EmailDelivery.IMMEDIATELY, K.MESSAGE_RECEIVED: EmailDelivery.DAILY_DIGEST}


def test_preferences_refuse_a_bad_delivery_and_write_nothing(manager):
    choices = dict.fromkeys(services.BRAND_KINDS, EmailDelivery.OFF) | {K.DRAFT_SUBMITTED: "hourly"}

    with pytest.raises(AccountError) as refused:
        services.set_notification_preferences(user=manager, choices=choices)

    assert list(refused.value.fields) == [K.DRAFT_SUBMITTED]
    assert not NotificationPreference.objects.filter(user=manager).exists()


def test_preferences_refuse_the_other_sides_kinds(db):
    creator = CreatorUserFactory()
    choices = dict.fromkeys(services.CREATOR_KINDS, EmailDelivery.OFF) | {K.DRAFT_SUBMITTED: EmailDelivery.OFF}

    with pytest.raises(AccountError) as refused:
        services.set_notification_preferences(user=creator, choices=choices)

    assert list(refused.value.fields) == [K.DRAFT_SUBMITTED]
    assert not NotificationPreference.objects.filter(user=creator).exists()


def test_saving_preferences_twice_keeps_one_row_per_kind(manager):
    services.set_notification_preferences(user=manager, choices=dict.fromkeys(services.BRAND_KINDS, "off"))
    services.set_notification_preferences(user=manager, choices=dict.fromkeys(services.BRAND_KINDS, "daily_digest"))

    rows = NotificationPreference.objects.filter(user=manager)
    assert rows.count() == 8
    assert set(rows.values_list("email_delivery", flat=True)) == {"daily_digest"}


def test_the_digest_is_sent_once_a_day_even_when_the_task_runs_twice(workspace, manager, mailoutbox):
    services.set_notification_preferences(user=manager, choices=dict.fromkeys(services.BRAND_KINDS, "daily_digest"))
    other = WorkspaceFactory(name="Other Brand")
    _notify(manager, workspace, event_key="submission:1")
    _notify(manager, other, event_key="submission:2")

    assert tasks.send_notification_digests_task() == 1
    _notify(manager, workspace, event_key="submission:3")  # arrives between the two runs
    assert tasks.send_notification_digests_task() == 0

    assert len(mailoutbox) == 1
    assert "2 notifications" in mailoutbox[0].body
    assert "(Glow Test)" in mailoutbox[0].body and "(Other Brand)" in mailoutbox[0].body
    assert NotificationDigest.objects.filter(user=manager).count() == 1
    # The third waits for the next day's digest.
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    assert services.send_notification_digests(now=tomorrow) == 1
    assert "1 notification since" in mailoutbox[1].body


def test_without_the_daily_constraint_a_second_run_would_send_again(workspace, manager, mailoutbox):
    """The negative twin of the digest's idempotence: the (user, day) row is what stops the second."""
    services.set_notification_preferences(user=manager, choices=dict.fromkeys(services.BRAND_KINDS, "daily_digest"))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_notificationdigest DROP CONSTRAINT notification_digest_once_a_day")
    _notify(manager, workspace, event_key="submission:1")
    services.send_notification_digests()
    _notify(manager, workspace, event_key="submission:2")

    services.send_notification_digests()

    assert len(mailoutbox) == 2


def test_a_failed_digest_is_released_for_the_retry(workspace, manager, mailoutbox, settings):
    services.set_notification_preferences(user=manager, choices=dict.fromkeys(services.BRAND_KINDS, "daily_digest"))
    _notify(manager, workspace)
    settings.EMAIL_BACKEND = "tests.accounts.test_notifications.FailingBackend"

    with pytest.raises(OSError):
        services.send_notification_digests()

    assert not NotificationDigest.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_notification_digests() == 1
    assert len(mailoutbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP down")
