"""Clicks from the Redis stream into ClickEvent: nothing lost, nothing doubled, bots and repeat visits
set apart, daily rollups recomputed in the workspace's time zone."""

import datetime as dt
import socket
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import OperationalError, connection
from django_scopes import scopes_disabled

from accounts.models import Workspace
from analytics.models import ClickDailyRollup, ClickEvent, ClickVerdict
from analytics.tasks import flush_clicks_task
from analytics.tracking import click_ingest
from analytics.tracking.click_ingest import (
    Click,
    day_bounds,
    flush_clicks,
    parse_entry,
    recompute_rollups,
    write_clicks,
)
from analytics.tracking.redirect import hash_ip
from core.redis_pool import redis_client
from tests.analytics.tracking_support import click_stream as click_stream  # a fixture, re-exported
from tests.analytics.tracking_support import make_link

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
)
OTHER_BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile"
T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
WINDOW_S = 30 * 60


def click(link, at: dt.datetime, *, ip: str = "198.51.100.1", ua: str = BROWSER, method: str = "GET") -> Click:
    return Click(
        click_id=uuid.uuid4(),
        clicked_at=at,
        link_id=link.pk,
        ip_hash=hash_ip(ip),
        user_agent=ua,
        referrer="",
        country="",
        method=method,
    )


def events():
    with scopes_disabled():
        return list(ClickEvent.objects.order_by("clicked_at", "pk"))


def rollups():
    with scopes_disabled():
        return {(r.link_id, r.day): (r.total, r.uniques, r.bots) for r in ClickDailyRollup.objects.all()}


@pytest.fixture
def link(workspace, manager):
    return make_link(workspace, manager)


@pytest.fixture
def window(settings):
    settings.CLICK_DUPLICATE_WINDOW_S = WINDOW_S


def test_clicks_through_the_redirect_are_written_once_each_and_leave_the_stream(client, link, click_stream):
    url = f"/r/{link.token}"
    client.get(
        url, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=BROWSER, HTTP_CF_IPCOUNTRY="FR", HTTP_REFERER="https://t.co/"
    )
    client.get(url, HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
    client.head(url, HTTP_USER_AGENT=BROWSER)
    result = flush_clicks()
    assert (result.read, result.written) == (3, 3)
    rows = events()
    by_reason = {e.verdict_reason: e for e in rows}
    assert set(by_reason) == {"", "link_preview:Slackbot", "head_request"}
    person = by_reason[""]
    assert (person.verdict, person.country, person.referrer, person.user_agent) == (
        ClickVerdict.HUMAN,
        "FR",
        "https://t.co/",
        BROWSER,
    )
    assert person.ip_hash == hash_ip("203.0.113.9")
    assert by_reason["head_request"].verdict == ClickVerdict.BOT
    assert by_reason["link_preview:Slackbot"].verdict == ClickVerdict.BOT
    assert all(e.workspace_id == link.workspace_id and e.link_id == link.pk for e in rows)
    assert redis_client().xlen(click_stream) == 0
    assert flush_clicks().written == 0  # nothing left to write


def test_the_same_batch_written_twice_makes_one_event_each(link, click_stream):
    batch = [click(link, T0), click(link, T0 + dt.timedelta(seconds=5), ip="198.51.100.2")]
    assert write_clicks(batch).written == 2
    assert write_clicks(batch).written == 0
    assert sorted(e.click_id for e in events()) == sorted(c.click_id for c in batch)


def test_a_flush_killed_after_commit_but_before_the_ack_writes_nothing_twice(client, link, click_stream):
    for _ in range(2):
        client.get(f"/r/{link.token}", HTTP_USER_AGENT=BROWSER)
    redis = redis_client()
    click_ingest._ensure_group(redis, click_stream)
    entries = click_ingest._read(redis, click_stream, count=10, pending=False)
    write_clicks([parse_entry(fields) for _id, fields in entries])  # committed; the worker dies here
    assert redis.xpending(click_stream, click_ingest.GROUP)["pending"] == 2

    result = flush_clicks()

    assert (result.read, result.written) == (2, 0)
    assert len(events()) == 2
    assert redis.xlen(click_stream) == 0
    assert redis.xpending(click_stream, click_ingest.GROUP)["pending"] == 0


def test_a_second_flush_waits_for_the_first(link, click_stream):
    redis_client().set(f"{click_stream}:flush-lock", "someone", px=10_000)
    assert flush_clicks().skipped


def test_the_same_visitor_again_within_the_window_is_a_duplicate(link, click_stream, window):
    first = click(link, T0)
    again = click(link, T0 + dt.timedelta(minutes=10))
    other_browser = click(link, T0 + dt.timedelta(minutes=11), ua=OTHER_BROWSER)
    other_ip = click(link, T0 + dt.timedelta(minutes=12), ip="198.51.100.99")
    after_window = click(link, T0 + dt.timedelta(minutes=10, seconds=WINDOW_S + 1))
    write_clicks([after_window, other_ip, again, first, other_browser])  # order in the batch does not matter
    verdicts = {e.click_id: e.verdict for e in events()}
    assert verdicts == {
        first.click_id: ClickVerdict.HUMAN,
        again.click_id: ClickVerdict.DUPLICATE,
        other_browser.click_id: ClickVerdict.HUMAN,
        other_ip.click_id: ClickVerdict.HUMAN,
        after_window.click_id: ClickVerdict.HUMAN,
    }


def test_a_duplicate_is_found_across_batches(link, click_stream, window):
    write_clicks([click(link, T0)])
    second = click(link, T0 + dt.timedelta(minutes=1))
    write_clicks([second])
    assert [e.verdict for e in events()] == [ClickVerdict.HUMAN, ClickVerdict.DUPLICATE]


def test_a_bot_visit_does_not_make_the_next_person_a_duplicate(link, click_stream, window):
    write_clicks([click(link, T0, method="HEAD"), click(link, T0 + dt.timedelta(seconds=1))])
    assert [e.verdict for e in events()] == [ClickVerdict.BOT, ClickVerdict.HUMAN]


def test_rollups_count_people_unique_visitors_and_bots(link, click_stream, window):
    write_clicks(
        [
            click(link, T0),
            click(link, T0 + dt.timedelta(minutes=1)),  # duplicate
            click(link, T0 + dt.timedelta(minutes=2), ip="198.51.100.7"),
            click(link, T0 + dt.timedelta(minutes=3), ua="Twitterbot/1.0"),
        ]
    )
    assert rollups() == {(link.pk, dt.date(2026, 11, 20)): (3, 2, 1)}


def test_rollups_are_recomputed_never_incremented(link, click_stream, window):
    batch = [click(link, T0), click(link, T0 + dt.timedelta(minutes=1), ip="198.51.100.8")]
    write_clicks(batch)
    expected = rollups()
    assert expected == {(link.pk, dt.date(2026, 11, 20)): (2, 2, 0)}
    write_clicks(batch)  # a retried batch
    assert rollups() == expected
    with scopes_disabled():
        ClickDailyRollup.objects.update(total=999, uniques=999, bots=999)
    recompute_rollups({(link.pk, dt.date(2026, 11, 20))}, {link.pk: "UTC"})
    assert rollups() == expected


def test_clicks_fall_on_the_workspaces_reporting_day(link, workspace, click_stream):
    with scopes_disabled():
        Workspace.objects.filter(pk=workspace.pk).update(time_zone="America/Los_Angeles")
    # 07:30 UTC on 8 March is 23:30 on the 7th in Los Angeles (PST, UTC-8); 08:30 UTC is 00:30 on the 8th.
    write_clicks([click(link, dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC))])
    write_clicks([click(link, dt.datetime(2026, 3, 8, 8, 30, tzinfo=dt.UTC), ip="198.51.100.3")])
    assert rollups() == {(link.pk, dt.date(2026, 3, 7)): (1, 1, 0), (link.pk, dt.date(2026, 3, 8)): (1, 1, 0)}


def test_in_a_utc_workspace_the_same_clicks_share_one_day(link, click_stream):
    write_clicks([click(link, dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC))])
    write_clicks([click(link, dt.datetime(2026, 3, 8, 8, 30, tzinfo=dt.UTC), ip="198.51.100.3")])
    assert rollups() == {(link.pk, dt.date(2026, 3, 8)): (2, 2, 0)}


def test_a_reporting_day_follows_daylight_saving_time():
    start, end = day_bounds(dt.date(2026, 3, 8), "America/Los_Angeles")  # clocks go forward at 2:00
    assert start == dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=23)
    start, end = day_bounds(dt.date(2026, 11, 1), "America/Los_Angeles")  # and back
    assert end - start == dt.timedelta(hours=25)


def test_clicks_of_a_deleted_link_are_dropped_not_stuck(client, link, click_stream):
    client.get(f"/r/{link.token}", HTTP_USER_AGENT=BROWSER)
    with scopes_disabled():
        link.delete()
    result = flush_clicks()
    assert (result.read, result.written, result.dropped) == (1, 0, 1)
    assert redis_client().xlen(click_stream) == 0


def test_a_malformed_entry_is_dropped(click_stream):
    redis_client().xadd(click_stream, {"c": '{"id": "not-a-uuid", "ts": "x"}'})
    redis_client().xadd(click_stream, {"c": "[1, 2"})
    result = flush_clicks()
    assert (result.read, result.dropped) == (2, 2)
    assert redis_client().xlen(click_stream) == 0


def _dead_port() -> str:
    """A port where no PostgreSQL listens: the database is "stopped"."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_a_click_recorded_while_postgresql_is_stopped_is_written_after_it_returns(
    client, workspace, manager, click_stream
):
    link = make_link(workspace, manager)
    url = f"/r/{link.token}"
    assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 302  # warms the cache
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _dead_port()
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()  # the database really is unreachable
        # Visitors still get through, and their clicks wait in Redis.
        for _ in range(3):
            assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 302
        with pytest.raises(OperationalError):
            flush_clicks()
        assert flush_clicks_task() == 0  # the periodic task postpones quietly
        assert redis_client().xlen(click_stream) == 4
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port

    result = flush_clicks()

    assert result.written == 4
    assert len(events()) == 4
    assert redis_client().xlen(click_stream) == 0


def test_the_click_id_in_the_location_names_the_stored_event(client, link, click_stream):
    location = client.get(f"/r/{link.token}", HTTP_USER_AGENT=BROWSER)["Location"]
    click_id = dict(parse_qsl(urlsplit(location).query))["cd_click"]
    flush_clicks()
    (event,) = events()
    assert event.click_id == uuid.UUID(hex=click_id)  # an order carrying cd_click finds its click
