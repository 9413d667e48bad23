""" "Refresh now" spends the install-wide TikTok quota: a creator can be refreshed once per cooldown by
anyone (the index is shared), and a workspace only so many times an hour."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from creators.models import Creator
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_fallback(settings):
    settings.METRICS_FALLBACK_PROVIDER = "demo"  # every creator has a provider to pull from


@pytest.fixture
def other_manager(db):
    with scopes_disabled():
        workspace = WorkspaceFactory(name="Other Brand", slug="other-brand")
        return MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.MANAGER).user


def _refresh(client, user, creator, capture):
    client.force_login(user)
    with capture() as callbacks:
        response = client.post(reverse("analytics-creators:creator-refresh", args=[creator.pk]))
    return response.content.decode(), callbacks


def test_a_creator_refreshed_by_anyone_within_the_cooldown_is_refused_with_when_and_nothing_is_queued(
    client, manager, other_manager, django_capture_on_commit_callbacks
):
    creator = CreatorFactory(handle="cooldown.maya")
    _html, first = _refresh(client, manager, creator, django_capture_on_commit_callbacks)
    assert len(first) == 1
    Creator.objects.filter(pk=creator.pk).update(sync_status=Creator.SyncStatus.OK)  # the pull finished

    html, callbacks = _refresh(client, other_manager, creator, django_capture_on_commit_callbacks)

    assert callbacks == []
    assert "@cooldown.maya was refreshed less than 15 minutes ago; try again in 15 minutes." in html
    creator.refresh_from_db()
    assert creator.sync_status == Creator.SyncStatus.OK  # not marked pending again


def test_the_cooldown_is_per_creator_and_ends(client, manager, django_capture_on_commit_callbacks):
    creator, another = CreatorFactory(), CreatorFactory()
    _refresh(client, manager, creator, django_capture_on_commit_callbacks)

    _html, for_another = _refresh(client, manager, another, django_capture_on_commit_callbacks)
    assert len(for_another) == 1

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15, seconds=1)):
        _html, later = _refresh(client, manager, creator, django_capture_on_commit_callbacks)
    assert len(later) == 1


def test_a_workspace_past_its_refreshes_for_the_hour_is_refused_with_when_and_nothing_is_queued(
    client, manager, settings, django_capture_on_commit_callbacks
):
    settings.METRICS_REFRESH_PER_HOUR = 2
    first, second, third = CreatorFactory(), CreatorFactory(), CreatorFactory()
    for creator in (first, second):
        _html, callbacks = _refresh(client, manager, creator, django_capture_on_commit_callbacks)
        assert len(callbacks) == 1

    html, callbacks = _refresh(client, manager, third, django_capture_on_commit_callbacks)

    assert callbacks == []
    assert "Glow Test has used its 2 refreshes for this hour; try again in" in html
    third.refresh_from_db()
    assert third.sync_status == Creator.SyncStatus.NEVER


def test_a_refresh_refused_for_the_workspace_does_not_hold_the_creators_cooldown(
    client, manager, other_manager, settings, django_capture_on_commit_callbacks
):
    settings.METRICS_REFRESH_PER_HOUR = 1
    _refresh(client, manager, CreatorFactory(), django_capture_on_commit_callbacks)
    creator = CreatorFactory()
    _html, refused = _refresh(client, manager, creator, django_capture_on_commit_callbacks)
    assert refused == []

    _html, callbacks = _refresh(client, other_manager, creator, django_capture_on_commit_callbacks)

    assert len(callbacks) == 1  # another workspace, with tries left, may refresh the creator at once
