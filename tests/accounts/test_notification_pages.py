"""The notification centre's pages: the bell's count, the list, mark one read (and open it), mark all
read, and the e-mail preferences, for a member in the dashboard and a creator in the portal."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.notifications import services
from tests.factories import CreatorUserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def _tell(user, workspace, n, kind=NotificationKind.DRAFT_SUBMITTED, url="/campaigns/"):
    services.notify(recipients=[user], workspace=workspace, kind=kind, event_key=f"e:{n}",
                    title=f"Event number {n}", url=url)  # fmt: skip


def test_the_bell_counts_the_members_unread_in_the_current_workspace_only(client, workspace, manager):
    other = WorkspaceFactory(name="Elsewhere")
    _tell(manager, workspace, 1)
    _tell(manager, workspace, 2)
    _tell(manager, other, 3)  # another workspace of theirs: not in this workspace's bell
    client.force_login(manager)

    bell = client.get(reverse("notifications:bell")).content.decode()
    page = client.get(reverse("notifications:list")).content.decode()

    assert '<span class="badge bg-red text-white">2</span>' in bell
    assert "Event number 1" in page and "Event number 2" in page and "Event number 3" not in page
    home = client.get(reverse("home")).content.decode()
    assert 'id="notification-bell"' in home and reverse("notifications:bell") in home


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, workspace, manager):
    _tell(manager, workspace, 1, url="/campaigns/collaborations/9/")
    with scopes_disabled():
        notification = Notification.objects.get(recipient=manager)
    client.force_login(manager)

    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})

    assert response.status_code == 302 and response["Location"] == "/campaigns/collaborations/9/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("notifications:bell")).content.decode().count("badge") == 0


def test_mark_all_read_touches_only_the_readers_own(client, workspace, manager, owner):
    _tell(manager, workspace, 1)
    _tell(manager, workspace, 2)
    _tell(owner, workspace, 3)
    client.force_login(manager)

    client.post(reverse("notifications:read-all"))

    with scopes_disabled():
        assert not Notification.objects.filter(recipient=manager, read_at__isnull=True).exists()
        assert Notification.objects.get(recipient=owner).read_at is None


def test_another_users_notification_is_not_found(client, workspace, manager, owner):
    _tell(owner, workspace, 1)
    with scopes_disabled():
        theirs = Notification.objects.get(recipient=owner)
    client.force_login(manager)

    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_empty_list_says_what_to_do_next(client, workspace, manager):
    client.force_login(manager)

    page = client.get(reverse("notifications:list")).content.decode()

    assert 'id="notification-empty"' in page and "Invite creators to a campaign" in page


def test_the_member_saves_email_preferences(client, workspace, manager):
    client.force_login(manager)
    choices = dict.fromkeys(services.BRAND_KINDS, "daily_digest") | {"draft_submitted": "off"}

    assert client.get(reverse("notifications:settings")).status_code == 200
    response = client.post(reverse("notifications:settings"), choices)

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=manager, kind="draft_submitted").email_delivery == "off"


def test_a_bad_preference_is_refused_with_the_field_named_and_nothing_saved(client, workspace, manager):
    client.force_login(manager)
    choices = dict.fromkeys(services.BRAND_KINDS, "daily_digest") | {"draft_submitted": "hourly"}

    response = client.post(reverse("notifications:settings"), choices)

    assert response.status_code == 400 and "Choose immediately, daily digest or off." in response.content.decode()
    assert not NotificationPreference.objects.filter(user=manager).exists()


def test_the_creator_sees_notifications_from_every_brand_in_the_portal(client, workspace, creator_user):
    other = WorkspaceFactory(name="Second Brand")
    _tell(creator_user, workspace, 1, kind=NotificationKind.PAYOUT_RECORDED)
    _tell(creator_user, other, 2, kind=NotificationKind.INVITATION)
    client.force_login(creator_user)

    page = client.get(reverse("portal-notifications:list")).content.decode()
    bell = client.get(reverse("portal-notifications:bell")).content.decode()

    assert "Event number 1" in page and "Event number 2" in page and "Second Brand" in page
    assert '<span class="badge bg-red text-white">2</span>' in bell
    settings_page = client.get(reverse("portal-notifications:settings")).content.decode()
    assert "Payout recorded" in settings_page and "Draft submitted" not in settings_page


def test_the_portal_and_the_dashboard_keep_to_their_own_people(client, workspace, manager):
    client.force_login(manager)
    assert client.get(reverse("portal-notifications:list")).status_code == 404
    client.force_login(CreatorUserFactory())
    assert client.get(reverse("notifications:list")).status_code == 404
