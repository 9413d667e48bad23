"""`/r/<token>`: a 302 to the stored destination and nothing else, a click on the Redis stream, no
database query on a warm cache."""

import json
import re
import socket
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.tenancy import workspace_scope
from analytics.tracking import redirect as redirect_module
from analytics.tracking import services as tracking_services
from analytics.tracking.redirect import hash_ip, tracking_redirect
from core.redis_pool import redis_client
from tests.analytics.tracking_support import SHOP, make_link
from tests.analytics.tracking_support import click_stream as click_stream  # a fixture, re-exported

pytestmark = pytest.mark.django_db

CLICK_ID = re.compile(r"[0-9a-f]{32}")


def _url(token: str) -> str:
    return reverse("tracking-redirect", kwargs={"token": token})


def _entries(key: str) -> list[dict[str, str]]:
    return [json.loads(fields[b"c"]) for _id, fields in redis_client().xrange(key)]


def _split_location(location: str, destination: str) -> str:
    """The click id appended to `destination`; fails if the Location is anything else."""
    assert location.startswith(destination + "&cd_click="), location
    click_id = location.removeprefix(destination + "&cd_click=")
    assert CLICK_ID.fullmatch(click_id), location
    return click_id


@pytest.fixture
def link(workspace, manager):
    return make_link(workspace, manager)


def test_the_redirect_answers_302_to_the_stored_destination_with_a_click_id(client, link, click_stream):
    response = client.get(_url(link.token))
    assert response.status_code == 302
    assert link.destination.startswith(f"https://{SHOP}/serum?ref=bio&utm_source=tiktok&utm_medium=influencer")
    click_id = _split_location(response["Location"], link.destination)
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    (entry,) = _entries(click_stream)
    assert entry["id"] == click_id
    assert int(entry["link"]) == link.pk


def test_each_request_gets_its_own_click_id_and_stream_entry(client, link, click_stream):
    locations = {client.get(_url(link.token))["Location"] for _ in range(3)}
    assert len(locations) == 3
    assert len(_entries(click_stream)) == 3


def test_the_click_carries_a_salted_ip_hash_never_the_ip_and_the_country_header(client, link, click_stream, settings):
    client.get(
        _url(link.token),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 test",
        HTTP_REFERER="https://www.tiktok.com/",
        HTTP_CF_IPCOUNTRY="de",
    )
    (entry,) = _entries(click_stream)
    assert "203.0.113.7" not in str(entry)
    assert entry["ip"] == hash_ip("203.0.113.7")
    settings.CLICK_IP_SALT = "another salt"
    assert entry["ip"] != hash_ip("203.0.113.7")  # salted: a plain sha256 table of IPs does not reverse it
    assert (entry["ua"], entry["ref"], entry["cc"], entry["m"]) == (
        "Mozilla/5.0 test",
        "https://www.tiktok.com/",
        "DE",
        "GET",
    )


def test_an_unknown_token_answers_404_and_records_nothing(client, link, click_stream):
    response = client.get(_url(link.token[:-1] + ("A" if link.token[-1] != "A" else "B")))
    assert response.status_code == 404
    assert "Location" not in response
    assert _entries(click_stream) == []


def test_a_deactivated_link_answers_404_even_after_it_was_cached(
    client, link, manager, workspace, click_stream, django_capture_on_commit_callbacks
):
    assert client.get(_url(link.token)).status_code == 302  # now cached
    with workspace_scope(workspace), django_capture_on_commit_callbacks(execute=True):
        tracking_services.deactivate_tracking_link(link=link, by=manager)
    assert client.get(_url(link.token)).status_code == 404


def test_no_database_query_on_a_warm_cache(client, link, click_stream, django_assert_num_queries):
    client.get(_url(link.token))  # warms the cache
    with django_assert_num_queries(0):
        response = client.get(_url(link.token))
    assert response.status_code == 302


def test_a_miss_is_cached_too(client, link, click_stream, django_assert_num_queries):
    missing = "x" * 22
    client.get(_url(missing))
    with django_assert_num_queries(0):
        assert client.get(_url(missing)).status_code == 404


def test_head_is_answered_and_recorded(client, link, click_stream):
    response = client.head(_url(link.token))
    assert response.status_code == 302
    assert [e["m"] for e in _entries(click_stream)] == ["HEAD"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_refused_and_record_nothing(client, link, click_stream, method):
    assert getattr(client, method)(_url(link.token)).status_code == 405
    assert _entries(click_stream) == []


QUERY_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))


@given(
    query=st.lists(st.tuples(st.text(QUERY_CHARS, max_size=20), st.text(QUERY_CHARS, max_size=40)), max_size=5),
    raw=st.sampled_from(
        ["", "next=https://evil.test", "url=//evil.test", "cd_click=forged", "utm_source=x&to=%2F%2Fevil"]
    ),
)
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_query_string_changes_where_a_link_goes(client, link, click_stream, query, raw):
    pairs = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
    response = client.get(f"{_url(link.token)}?{raw}&{pairs}")
    assert response.status_code == 302
    _split_location(response["Location"], link.destination)


@given(
    token=st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="/"), min_size=1),
        st.from_regex(r"[A-Za-z0-9_-]{22}", fullmatch=True),
    )
)
@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_other_token_answers_404_never_a_redirect(client, link, click_stream, token):
    if token == link.token:
        return
    response = client.get("/r/" + quote(token, safe=""))
    assert response.status_code == 404
    assert "Location" not in response
    assert _entries(click_stream) == []


def test_the_view_behind_the_middleware_answers_the_same(rf, link, click_stream):
    """Hits are answered by TrackingRedirectMiddleware; the route's own view gives the same answer."""
    response = tracking_redirect(rf.get(_url(link.token) + "?next=https://evil.test"), link.token)
    assert response.status_code == 302
    _split_location(response["Location"], link.destination)
    assert len(_entries(click_stream)) == 1


def test_a_broken_redis_connection_falls_back_and_the_click_is_kept(client, link, click_stream):
    client.get(_url(link.token))  # the thread's own connection is open now
    redirect_module._connection.redis.disconnect()
    redirect_module._connection.redis.port = _closed_port()  # and now it points nowhere
    assert client.get(_url(link.token)).status_code == 302
    assert len(_entries(click_stream)) == 2
    redirect_module._connection.redis = None  # the next request opens a good one again


def test_with_redis_down_the_click_goes_straight_to_postgresql(client, link, click_stream, monkeypatch):
    import redis
    from django_scopes import scopes_disabled

    from analytics.models import ClickDailyRollup, ClickEvent

    client.get(_url(link.token))  # the thread's own connection is open now
    redirect_module._connection.redis.disconnect()
    redirect_module._connection.redis.port = _closed_port()
    # The pooled fallback client (cached per process) points nowhere too: a real refused connection.
    dead = redis.Redis.from_url(f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setattr(redirect_module, "redis_client", lambda: dead)
    try:
        response = client.get(_url(link.token), HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    finally:
        redirect_module._connection.redis = None  # the next request opens a good one again

    assert response.status_code == 302
    click_id = _split_location(response["Location"], link.destination)
    with scopes_disabled():
        stored = ClickEvent.objects.get(link=link)
        assert stored.click_id.hex == click_id and stored.user_agent == "Mozilla/5.0 (iPhone)"
        assert ClickDailyRollup.objects.get(link=link).total == 1
    assert len(_entries(click_stream)) == 1  # only the click from before the outage waits in Redis


def test_beat_writes_clicks_every_few_seconds(db):
    from django_celery_beat.models import PeriodicTask

    from analytics.schedules import install_schedules

    install_schedules()
    task = PeriodicTask.objects.get(task="analytics.tasks.flush_clicks_task")
    assert task.interval.every <= 10 and task.interval.period == "seconds"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
