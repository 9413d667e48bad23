"""The private iCal feed: the token is the only credential, so each way a token can be wrong is a 404;
the right one gives valid RFC 5545 with the calendar's events (tests/briefs/calendar_world.py)."""

import datetime
import secrets

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from icalendar import Calendar

from accounts.models import AuditEvent, Membership, Role
from accounts.tokens import token_sha256
from briefs.calendar.services import regenerate_calendar_feed, revoke_calendar_feed
from briefs.models import CalendarFeed
from tests.briefs.calendar_world import build_world
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def member(world):
    with scopes_disabled():
        return MembershipFactory(workspace=world.workspace, user=UserFactory(email="ana@glow.test"), role=Role.ANALYST)


@pytest.fixture
def ip():
    """Each test its own client address: the feed's counter lives in the shared Redis."""
    return {"REMOTE_ADDR": f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"}


def _fetch(client, token, ip):
    return client.get(reverse("calendar-feed", args=[token]), **ip)


def _parsed(response):
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@time_machine.travel(datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_the_right_token_gives_the_workspace_events_as_valid_ical(client, world, member, ip):
    token = regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    response = _fetch(client, token, ip)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    events = _parsed(response)
    assert set(events) == {
        f"draft_due-{world.pending.pk}@testserver", f"live_due-{world.pending.pk}@testserver",
        f"draft_due-{world.posted.pk}@testserver", f"live_due-{world.posted.pk}@testserver",
        f"draft_due-{world.leo_deliverable.pk}@testserver",
        f"shipped-{world.shipment.pk}@testserver", f"delivered-{world.shipment.pk}@testserver",
        f"rights_end-{world.posted.pk}@testserver", f"spark_code_expires-{world.posted.pk}@testserver",
        f"exclusivity_end-{world.maya_collab.pk}@testserver",
    }  # fmt: skip
    draft = events[f"draft_due-{world.pending.pk}@testserver"]
    # All-day: DATE values, the end the next day (RFC 5545 3.6.1).
    assert draft["DTSTART"].dt == datetime.date(2026, 3, 5)
    assert draft["DTEND"].dt == datetime.date(2026, 3, 6)
    assert str(draft["SUMMARY"]) == "Draft due: 1 x In-feed video · @maya · Night serum"
    assert str(draft["URL"]).endswith(f"/campaigns/collaborations/{world.maya_collab.pk}/")
    assert b"DTSTART;VALUE=DATE:20260305" in response.content


@time_machine.travel(datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_uids_stay_the_same_from_one_fetch_to_the_next(client, world, member, ip):
    token = regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    assert set(_parsed(_fetch(client, token, ip))) == set(_parsed(_fetch(client, token, ip)))


@time_machine.travel(datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_a_creator_feed_has_their_events_across_brands(client, world, ip):
    token = regenerate_calendar_feed(user=world.maya_user, workspace=None)

    events = _parsed(_fetch(client, token, ip))

    assert f"draft_due-{world.other_deliverable.pk}@testserver" in events  # the other brand's
    assert f"draft_due-{world.leo_deliverable.pk}@testserver" not in events  # Leo's, not hers
    summary = str(events[f"draft_due-{world.pending.pk}@testserver"]["SUMMARY"])
    assert summary == "Draft due: 1 x In-feed video · Glow · Night serum"
    assert f"/portal/campaigns/{world.maya_collab.pk}/" in str(
        events[f"draft_due-{world.pending.pk}@testserver"]["URL"]
    )


def test_a_wrong_token_is_not_found(client, world, member, ip):
    regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    assert _fetch(client, "A" * 43, ip).status_code == 404  # well formed, but nobody's
    assert _fetch(client, "short", ip).status_code == 404  # malformed: refused before any query


def test_the_stored_hash_alone_opens_nothing(client, world, member, ip):
    regenerate_calendar_feed(user=member.user, workspace=world.workspace)
    stored = CalendarFeed.objects.get(user=member.user).token_sha256

    assert _fetch(client, stored, ip).status_code == 404
    assert len(stored) == 64 and stored == stored.lower()  # a SHA-256 hex digest, not the token


def test_regenerating_revokes_the_old_url(client, world, member, ip):
    old = regenerate_calendar_feed(user=member.user, workspace=world.workspace)
    new = regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    assert _fetch(client, old, ip).status_code == 404
    assert _fetch(client, new, ip).status_code == 200
    assert CalendarFeed.objects.filter(user=member.user).count() == 1
    assert CalendarFeed.objects.get(user=member.user).token_sha256 == token_sha256(new)
    with scopes_disabled():
        actions = list(AuditEvent.objects.filter(workspace=world.workspace).values_list("action", flat=True))
    assert sorted(actions) == ["calendar_feed.created", "calendar_feed.regenerated"]


@time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_feed_reaches_back_a_quarter(client, world, member, ip):
    """On December 1, 90 days back is September 2: March's dates are gone, September's rights end stays."""
    token = regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    assert set(_parsed(_fetch(client, token, ip))) == {f"rights_end-{world.posted.pk}@testserver"}


def test_a_revoked_url_is_not_found(client, world, member, ip):
    token = regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    assert revoke_calendar_feed(user=member.user, workspace=world.workspace) is True
    assert _fetch(client, token, ip).status_code == 404
    assert revoke_calendar_feed(user=member.user, workspace=world.workspace) is False


def test_a_member_who_left_the_workspace_loses_the_feed(client, world, member, ip):
    token = regenerate_calendar_feed(user=member.user, workspace=world.workspace)
    with scopes_disabled():
        Membership.objects.filter(pk=member.pk).delete()

    assert _fetch(client, token, ip).status_code == 404


@time_machine.travel(datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_each_token_opens_only_its_own_users_feed(client, world, member, ip):
    """Two users' URLs are two credentials: the other brand's member gets only the other brand's dates."""
    with scopes_disabled():
        outsider = MembershipFactory(workspace=world.other, user=UserFactory(email="bo@other.test")).user
    mine = regenerate_calendar_feed(user=member.user, workspace=world.workspace)
    theirs = regenerate_calendar_feed(user=outsider, workspace=world.other)

    assert mine != theirs
    their_events = _parsed(_fetch(client, theirs, ip))
    assert set(their_events) == {f"draft_due-{world.other_deliverable.pk}@testserver"}
    assert "Night serum" not in _fetch(client, theirs, ip).content.decode()


def test_a_client_over_its_hourly_fetches_is_refused(client, world, member, settings, ip):
    settings.CALENDAR_FEED_TRIES_PER_HOUR = 2
    token = regenerate_calendar_feed(user=member.user, workspace=world.workspace)

    assert [_fetch(client, token, ip).status_code for _ in range(3)] == [200, 200, 429]
    assert _fetch(client, "B" * 43, ip).status_code == 429  # guesses count against the same tries
