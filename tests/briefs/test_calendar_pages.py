"""The calendar pages: the dashboard's for the current workspace, the portal's for the creator's own
collaborations; the campaign filter, and making or turning off a feed URL."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from briefs.models import CalendarFeed
from tests.briefs.calendar_world import build_world
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_march():
    with time_machine.travel(datetime.datetime(2026, 3, 15, 15, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def analyst(world):
    with scopes_disabled():
        return MembershipFactory(
            workspace=world.workspace, user=UserFactory(email="an@glow.test"), role=Role.ANALYST
        ).user


def test_the_month_shows_every_source_and_the_agenda(client, world, analyst):
    client.force_login(analyst)

    body = client.get(reverse("calendar:page") + "?month=2026-03").content.decode()

    assert "March 2026" in body
    for text in ("Draft due", "Go-live due", "Shipped", "Delivered", "@maya", "@leo"):
        assert text in body
    assert "Other launch" not in body  # the other brand's campaign


def test_the_campaign_filter_narrows_the_page(client, world, analyst):
    client.force_login(analyst)

    body = client.get(reverse("calendar:page"), {"month": "2026-03", "campaign": world.summer.pk}).content.decode()

    assert "@leo" in body and "@maya" not in body


def test_another_workspaces_campaign_id_is_no_filter(client, world, analyst):
    client.force_login(analyst)
    with scopes_disabled():
        other_campaign = world.other_deliverable.collaboration.campaign_id

    body = client.get(reverse("calendar:page"), {"month": "2026-03", "campaign": other_campaign}).content.decode()

    assert "@maya" in body and "Other launch" not in body


def test_an_empty_month_says_what_to_do(client, world, analyst):
    client.force_login(analyst)

    body = client.get(reverse("calendar:page"), {"month": "2026-08"}).content.decode()

    assert 'id="agenda-empty"' in body and "due dates" in body


def test_any_member_makes_a_feed_url_shown_once(client, world, analyst):
    client.force_login(analyst)

    made = client.post(reverse("calendar:feed-regenerate"))
    later = client.get(reverse("calendar:page")).content.decode()

    assert made.status_code == 200
    assert "/ical/" in made.content.decode()
    assert "/ical/" not in later and 'id="calendar-feed-status"' in later
    assert CalendarFeed.objects.filter(user=analyst, workspace=world.workspace).count() == 1


def test_turning_the_feed_off_deletes_it(client, world, analyst):
    client.force_login(analyst)
    client.post(reverse("calendar:feed-regenerate"))

    response = client.post(reverse("calendar:feed-revoke"))

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(user=analyst).exists()


def test_the_feed_buttons_refuse_get(client, world, analyst):
    client.force_login(analyst)

    assert client.get(reverse("calendar:feed-regenerate")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_portal_calendar_shows_the_creators_brands(client, world):
    client.force_login(world.maya_user)

    body = client.get(reverse("portal-calendar:page"), {"month": "2026-03"}).content.decode()

    assert "Glow" in body and "Other brand" in body and "@leo" not in body
    made = client.post(reverse("portal-calendar:feed-regenerate"))
    assert "/ical/" in made.content.decode()
    assert CalendarFeed.objects.get(user=world.maya_user).workspace is None


def test_a_marketer_gets_404_on_the_portal_calendar_and_a_creator_on_the_dashboards(client, world, analyst):
    client.force_login(analyst)
    assert client.get(reverse("portal-calendar:page")).status_code == 404
    client.force_login(world.maya_user)
    assert client.get(reverse("calendar:page")).status_code == 404
