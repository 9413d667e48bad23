"""The calendar's events, one source at a time, with dates worked out by hand (tests/briefs/calendar_world.py)."""

import datetime

import pytest

from accounts.tenancy import workspace_scope
from briefs.calendar.events import EventKind, Month, month_weeks
from briefs.calendar.selectors import creator_calendar_events, workspace_calendar_events
from tests.briefs.calendar_world import build_world, d
from tests.factories import CreatorUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _events(world, **kwargs):
    with workspace_scope(world.workspace):
        return workspace_calendar_events(workspace=world.workspace, **kwargs)


def _rows(events):
    return {(e.kind.value, e.day, e.row_id, e.is_done) for e in events}


def test_deliverables_give_their_draft_and_go_live_due_dates(world):
    rows = {r for r in _rows(_events(world)) if r[0] in ("draft_due", "live_due")}

    assert rows == {
        ("draft_due", d(3, 5), world.pending.pk, False),  # still waiting for a draft
        ("live_due", d(3, 12), world.pending.pk, False),
        ("draft_due", d(3, 1), world.posted.pk, True),  # live: both dates met
        ("live_due", d(3, 10), world.posted.pk, True),
        ("draft_due", d(3, 20), world.leo_deliverable.pk, False),
    }


def test_shipments_are_dated_in_the_workspace_time_zone(world):
    rows = {r for r in _rows(_events(world)) if r[0] in ("shipped", "delivered")}

    # 02:30 UTC on March 3 is the evening of March 2 in New York; 18:00 UTC on March 4 is still March 4.
    assert rows == {("shipped", d(3, 2), world.shipment.pk, True), ("delivered", d(3, 4), world.shipment.pk, True)}


def test_contract_deadlines_come_from_the_fully_signed_version(world):
    rows = {r for r in _rows(_events(world)) if r[0] in ("rights_end", "exclusivity_end", "spark_code_expires")}

    assert rows == {
        # 6 months of usage rights from the post on March 10 (the pending deliverable has no rights yet).
        ("rights_end", d(9, 10), world.posted.pk, False),
        # 30 days of exclusivity from the first post, March 10.
        ("exclusivity_end", d(4, 9), world.maya_collab.pk, False),
        ("spark_code_expires", d(4, 30), world.posted.pk, False),
    }


def test_a_declined_collaboration_and_another_workspace_add_nothing(world):
    events = _events(world)

    assert d(3, 7) not in {e.day for e in events}  # Ivy declined
    assert d(3, 6) not in {e.day for e in events}  # the other brand's deliverable
    assert {e.workspace_name for e in events} == {"Glow"}


def test_the_campaign_filter_keeps_one_campaign(world):
    events = _events(world, campaign_id=world.summer.pk)

    assert _rows(events) == {("draft_due", d(3, 20), world.leo_deliverable.pk, False)}


def test_the_range_is_inclusive_and_events_come_in_date_order(world):
    events = _events(world, start=d(3, 4), end=d(3, 10))

    assert [(e.day, e.kind) for e in events] == [
        (d(3, 4), EventKind.DELIVERED),
        (d(3, 5), EventKind.DRAFT_DUE),
        (d(3, 10), EventKind.LIVE_DUE),
    ]


def test_a_creator_sees_their_own_collaborations_across_brands(world):
    events = creator_calendar_events(user=world.maya_user)

    assert {e.workspace_name for e in events} == {"Glow", "Other brand"}
    assert ("draft_due", d(3, 6), world.other_deliverable.pk, False) in _rows(events)
    assert world.leo_deliverable.pk not in {e.row_id for e in events if e.kind == EventKind.DRAFT_DUE}
    assert creator_calendar_events(user=CreatorUserFactory()) == []  # no creator profile: nothing


def test_the_month_grid_runs_monday_to_sunday_over_whole_weeks():
    march = Month(2026, 3)  # March 1, 2026 is a Sunday; March 31 a Tuesday

    assert march.grid() == (d(2, 23), d(4, 5))
    weeks = month_weeks(march, [], today=d(3, 18))
    assert len(weeks) == 6 and all(len(week) == 7 for week in weeks)
    assert [day.date for day in weeks[0]][-1] == d(3, 1)
    assert [day.date for day in weeks[3] if day.is_today] == [d(3, 18)]


@pytest.mark.parametrize("raw", ["", "2026-13", "nope", "1999-01", "2026-3-1"])
def test_a_bad_month_in_the_query_is_this_month(raw):
    assert Month.parse(raw, today=datetime.date(2026, 5, 9)) == Month(2026, 5)


def test_a_month_in_the_query_is_read():
    assert Month.parse("2026-12", today=d(5, 9)) == Month(2026, 12)
    assert (str(Month(2026, 12).next), str(Month(2026, 1).previous)) == ("2027-01", "2025-12")
