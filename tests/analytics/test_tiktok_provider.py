"""TikTokProvider and its HTTP client against the fake TikTok API (real HTTP on 127.0.0.1) and real Redis."""

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from analytics.metrics.providers.base import CreatorRef, ProviderError, ProviderErrorCode, RetryableProviderError
from analytics.metrics.providers.tiktok import TikTokProvider, hashtags_in
from analytics.metrics.providers.tiktok_client import (
    RATE_LIMIT_WINDOW_S,
    TOKEN_PATH,
    USER_INFO_PATH,
    VIDEO_LIST_PATH,
    VIDEO_PAGE_MAX,
    VIDEO_QUERY_PATH,
)
from analytics.models import TikTokConnection
from tests.analytics.conftest import connect
from tests.factories import CreatorFactory
from tests.fakes.tiktok_server import Fault

pytestmark = pytest.mark.django_db

DATA_PATHS = (USER_INFO_PATH, VIDEO_LIST_PATH, VIDEO_QUERY_PATH)


def _ref(creator) -> CreatorRef:
    return CreatorRef(creator_id=creator.pk, platform=creator.platform, handle=creator.handle)


@pytest.fixture
def provider(make_client):
    return TikTokProvider(client_factory=make_client)


# --- mapping and paging ------------------------------------------------------------------------------


def test_fetch_maps_the_profile_and_videos_from_tiktok(tiktok, provider):
    creator, user = connect(tiktok, video_count=3)
    before = timezone.now()
    metrics = provider.fetch(creator=_ref(creator), max_videos=10)

    profile = metrics.profile
    assert profile.follower_count == user.profile["follower_count"]
    assert profile.following_count == user.profile["following_count"]
    assert profile.likes_count == user.profile["likes_count"]
    assert profile.video_count == user.profile["video_count"]
    assert profile.display_name == user.profile["display_name"]
    assert profile.bio == user.profile["bio_description"]
    assert profile.avatar_url == user.profile["avatar_url"]
    assert profile.is_verified is user.profile["is_verified"]
    assert profile.captured_at.utcoffset() == dt.timedelta(0) and profile.captured_at >= before

    assert [video.platform_video_id for video in metrics.videos] == [video["id"] for video in user.videos]
    first, source = metrics.videos[0], user.videos[0]
    assert (first.views, first.likes, first.comments, first.shares) == (
        source["view_count"],
        source["like_count"],
        source["comment_count"],
        source["share_count"],
    )
    assert first.posted_at == dt.datetime.fromtimestamp(source["create_time"], tz=dt.UTC)
    assert first.caption == source["video_description"]
    assert first.duration_s == source["duration"]
    assert first.share_url == source["share_url"]
    assert first.saves is None  # the Display API has no save count
    assert first.captured_at == profile.captured_at


def test_hashtags_come_from_title_and_description_lower_cased_once_each():
    assert hashtags_in("Routine #SkinCare #budget", "Routine #skincare #GRWM, #día2 email a#b") == (
        "skincare",
        "budget",
        "grwm",
        "día2",
    )


def test_paging_collects_every_video_up_to_max_videos(tiktok, provider):
    creator, user = connect(tiktok, video_count=45)
    metrics = provider.fetch(creator=_ref(creator), max_videos=45)

    assert [video.platform_video_id for video in metrics.videos] == [video["id"] for video in user.videos]
    pages = tiktok.hits(VIDEO_LIST_PATH)
    assert len(pages) == 3  # 20 + 20 + 5
    assert all(page.json["max_count"] <= VIDEO_PAGE_MAX for page in pages)
    assert "cursor" not in pages[0].json
    # Each next page asks from where the last one ended.
    assert pages[1].json["cursor"] == user.videos[19]["create_time"] * 1000
    assert pages[2].json["cursor"] == user.videos[39]["create_time"] * 1000


def test_paging_stops_at_max_videos_with_the_newest(tiktok, provider):
    creator, user = connect(tiktok, video_count=45)
    metrics = provider.fetch(creator=_ref(creator), max_videos=25)
    assert [video.platform_video_id for video in metrics.videos] == [video["id"] for video in user.videos[:25]]
    assert len(tiktok.hits(VIDEO_LIST_PATH)) == 2


def test_paging_stops_when_tiktok_has_no_more(tiktok, provider):
    creator, user = connect(tiktok, video_count=7)
    metrics = provider.fetch(creator=_ref(creator), max_videos=100)
    assert len(metrics.videos) == len(user.videos)
    assert len(tiktok.hits(VIDEO_LIST_PATH)) == 1


def test_paging_stops_on_an_empty_page_even_if_tiktok_claims_more(tiktok, provider):
    creator, _ = connect(tiktok, video_count=3)
    tiktok.malformed(
        VIDEO_LIST_PATH, {"data": {"videos": [], "cursor": 1, "has_more": True}, "error": {"code": "ok", "log_id": ""}}
    )
    metrics = provider.fetch(creator=_ref(creator), max_videos=10)
    assert metrics.videos == ()
    assert len(tiktok.hits(VIDEO_LIST_PATH)) == 1


def test_requests_carry_the_bearer_token_and_the_fields_param(tiktok, provider):
    creator, _ = connect(tiktok, video_count=1)
    provider.fetch(creator=_ref(creator), max_videos=1)
    access = TikTokConnection.objects.get(creator=creator).access_token
    for path in (USER_INFO_PATH, VIDEO_LIST_PATH):
        hit = tiktok.hits(path)[0]
        assert hit.headers["authorization"] == f"Bearer {access}"
        assert hit.query["fields"][0]


def test_video_query_returns_the_requested_videos_of_the_user(tiktok, make_client):
    user = tiktok.add_user(video_count=5)
    access, _ = tiktok.issue_tokens(user.open_id)
    wanted = [user.videos[1]["id"], user.videos[3]["id"]]
    with make_client() as client:
        videos = client.query_videos(access_token=access, fields=("id", "view_count"), video_ids=wanted)
    assert [video["id"] for video in videos] == wanted
    assert tiktok.hits(VIDEO_QUERY_PATH)[0].json == {"filters": {"video_ids": wanted}}


# --- not connected -----------------------------------------------------------------------------------


def test_a_creator_without_a_connection_is_not_connected_and_nothing_is_called(tiktok, provider):
    creator = CreatorFactory()
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.NOT_CONNECTED and not caught.value.retryable
    assert tiktok.requests == []


def test_a_revoked_connection_is_not_connected(tiktok, provider):
    creator, _ = connect(tiktok)
    TikTokConnection.objects.filter(creator=creator).update(
        access_token="", refresh_token="", revoked_at=timezone.now()
    )
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.NOT_CONNECTED
    assert tiktok.requests == []


# --- rate limit, server errors, timeouts, refusals ----------------------------------------------------------


def test_a_429_is_retryable_with_retry_after_and_log_id_and_not_retried_in_the_client(tiktok, provider, sleeps):
    creator, _ = connect(tiktok)
    tiktok.rate_limit_burst(USER_INFO_PATH, times=3)
    with pytest.raises(RetryableProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    hits = tiktok.hits(USER_INFO_PATH)
    assert len(hits) == 1
    assert caught.value.code == ProviderErrorCode.RATE_LIMITED
    assert caught.value.retry_after == RATE_LIMIT_WINDOW_S  # TikTok counts over a sliding minute
    assert caught.value.log_id == hits[0].log_id
    assert sleeps.calls == []


def test_a_429_with_retry_after_uses_it(tiktok, provider):
    creator, _ = connect(tiktok)
    tiktok.rate_limit_burst(VIDEO_LIST_PATH, retry_after=17)
    with pytest.raises(RetryableProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.retry_after == 17


def test_5xx_is_retried_with_exponential_backoff_and_jitter_then_succeeds(tiktok, make_client, sleeps, settings):
    creator, user = connect(tiktok, video_count=2)
    tiktok.server_errors(USER_INFO_PATH, times=2, status=503)
    provider = TikTokProvider(client_factory=lambda: make_client(jitter=lambda: 1.0))
    metrics = provider.fetch(creator=_ref(creator), max_videos=5)

    assert metrics.profile.follower_count == user.profile["follower_count"]
    assert len(tiktok.hits(USER_INFO_PATH)) == 3
    # With the jitter at its top, each delay is the exponential ceiling: base, then base * 2.
    assert sleeps.calls == [settings.TIKTOK_BACKOFF_BASE_S, settings.TIKTOK_BACKOFF_BASE_S * 2]


def test_backoff_delays_are_jittered_below_the_ceiling(tiktok, make_client, sleeps, settings):
    creator, _ = connect(tiktok)
    tiktok.server_errors(USER_INFO_PATH, times=2)
    draws = iter([0.3, 0.8])
    TikTokProvider(client_factory=lambda: make_client(jitter=lambda: next(draws))).fetch(
        creator=_ref(creator), max_videos=0
    )
    base = settings.TIKTOK_BACKOFF_BASE_S
    assert sleeps.calls == [pytest.approx(0.3 * base), pytest.approx(0.8 * base * 2)]


def test_backoff_never_exceeds_its_cap(tiktok, make_client, sleeps, settings):
    settings.TIKTOK_MAX_ATTEMPTS = 6
    settings.TIKTOK_BACKOFF_MAX_S = settings.TIKTOK_BACKOFF_BASE_S * 3
    creator, _ = connect(tiktok)
    tiktok.server_errors(USER_INFO_PATH, times=5)
    TikTokProvider(client_factory=lambda: make_client(jitter=lambda: 1.0)).fetch(creator=_ref(creator), max_videos=0)
    assert len(sleeps.calls) == 5 and max(sleeps.calls) == settings.TIKTOK_BACKOFF_MAX_S


def test_5xx_gives_up_as_retryable_after_max_attempts(tiktok, provider, sleeps, settings):
    creator, _ = connect(tiktok)
    tiktok.server_errors(USER_INFO_PATH, times=settings.TIKTOK_MAX_ATTEMPTS)
    with pytest.raises(RetryableProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    hits = tiktok.hits(USER_INFO_PATH)
    assert len(hits) == settings.TIKTOK_MAX_ATTEMPTS
    assert len(sleeps.calls) == settings.TIKTOK_MAX_ATTEMPTS - 1
    assert caught.value.code == ProviderErrorCode.TRANSIENT
    assert caught.value.log_id == hits[-1].log_id


def test_a_timeout_is_retried(tiktok, make_client):
    creator, user = connect(tiktok)
    tiktok.slow(USER_INFO_PATH, delay_s=1.0)
    provider = TikTokProvider(client_factory=lambda: make_client(timeout_s=0.2))
    metrics = provider.fetch(creator=_ref(creator), max_videos=0)
    assert metrics.profile.follower_count == user.profile["follower_count"]
    assert len(tiktok.hits(USER_INFO_PATH)) == 2


def test_timeouts_every_time_give_up_as_retryable(tiktok, make_client, settings):
    creator, _ = connect(tiktok)
    tiktok.slow(USER_INFO_PATH, delay_s=1.0, times=settings.TIKTOK_MAX_ATTEMPTS)
    provider = TikTokProvider(client_factory=lambda: make_client(timeout_s=0.2))
    with pytest.raises(RetryableProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=0)
    assert caught.value.code == ProviderErrorCode.TRANSIENT
    assert len(tiktok.hits(USER_INFO_PATH)) == settings.TIKTOK_MAX_ATTEMPTS


@pytest.mark.parametrize("code,status", [("invalid_params", 400), ("scope_not_authorized", 401)])
def test_a_4xx_refusal_is_not_retried(tiktok, provider, sleeps, code, status):
    creator, _ = connect(tiktok)
    tiktok.reject(USER_INFO_PATH, code=code, status=status)
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    hits = tiktok.hits(USER_INFO_PATH)
    assert len(hits) == 1
    assert sleeps.calls == []
    assert not caught.value.retryable
    assert caught.value.code == ProviderErrorCode.REJECTED
    assert code in caught.value.message
    assert caught.value.log_id == hits[0].log_id
    assert tiktok.hits(TOKEN_PATH) == []  # a refusal is not mistaken for an expired token


# --- tokens -----------------------------------------------------------------------------------------------


def test_an_expired_access_token_is_refreshed_once_and_the_pull_retried(tiktok, provider):
    creator, _ = connect(tiktok, video_count=2)
    stale = TikTokConnection.objects.get(creator=creator)
    tiktok.expire_access_token(stale.access_token)

    metrics = provider.fetch(creator=_ref(creator), max_videos=5)

    assert len(metrics.videos) == 2
    refreshes = tiktok.hits(TOKEN_PATH)
    assert len(refreshes) == 1
    assert refreshes[0].form["grant_type"] == "refresh_token"
    assert refreshes[0].form["refresh_token"] == stale.refresh_token
    fresh = TikTokConnection.objects.get(creator=creator)
    assert fresh.access_token != stale.access_token and tiktok.is_live(fresh.access_token)
    # Refresh tokens rotate: the new one is stored, the old one no longer works.
    assert fresh.refresh_token in tiktok.live_refresh_tokens()
    assert stale.refresh_token not in tiktok.live_refresh_tokens()
    assert fresh.access_expires_at > stale.access_expires_at


def test_a_token_still_refused_after_one_refresh_gives_up(tiktok, provider):
    creator, _ = connect(tiktok)
    tiktok.token_invalid(USER_INFO_PATH, times=2)
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.AUTH_EXPIRED
    assert len(tiktok.hits(TOKEN_PATH)) == 1
    assert len(tiktok.hits(USER_INFO_PATH)) == 2


def test_a_token_expiring_within_the_margin_is_refreshed_before_pulling(tiktok, provider, settings):
    margin = dt.timedelta(seconds=settings.TIKTOK_REFRESH_MARGIN_S)
    creator, _ = connect(tiktok, expires_in=margin / 2)
    provider.fetch(creator=_ref(creator), max_videos=0)
    paths = [hit.path for hit in tiktok.requests]
    assert paths == [TOKEN_PATH, USER_INFO_PATH]


def test_a_token_valid_beyond_the_margin_is_not_refreshed(tiktok, provider, settings):
    margin = dt.timedelta(seconds=settings.TIKTOK_REFRESH_MARGIN_S)
    creator, _ = connect(tiktok, expires_in=margin * 2)
    provider.fetch(creator=_ref(creator), max_videos=0)
    assert tiktok.hits(TOKEN_PATH) == []


def test_an_expired_refresh_token_needs_a_reconnect_and_calls_nothing(tiktok, provider):
    creator, _ = connect(tiktok, expires_in=dt.timedelta(0))
    TikTokConnection.objects.filter(creator=creator).update(refresh_expires_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.AUTH_EXPIRED
    assert tiktok.requests == []


def test_a_refresh_token_tiktok_refuses_needs_a_reconnect(tiktok, provider):
    creator, _ = connect(tiktok, expires_in=dt.timedelta(0))
    tiktok.script(
        TOKEN_PATH,
        Fault(
            status=400, body={"error": "invalid_grant", "error_description": "Refresh token is invalid.", "log_id": ""}
        ),
    )
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.AUTH_EXPIRED
    assert caught.value.log_id == tiktok.hits(TOKEN_PATH)[0].log_id


@pytest.mark.parametrize("fault", ["server_error", "read_timeout"])
def test_a_refresh_that_may_have_reached_tiktok_is_not_resent(tiktok, make_client, fault):
    # Refresh tokens rotate: resending one TikTok may already have used would only earn invalid_grant.
    creator, _ = connect(tiktok, expires_in=dt.timedelta(0))
    if fault == "server_error":
        tiktok.server_errors(TOKEN_PATH)
    else:
        tiktok.slow(TOKEN_PATH, delay_s=1.0)
    provider = TikTokProvider(client_factory=lambda: make_client(timeout_s=0.2))
    with pytest.raises(RetryableProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=0)
    assert caught.value.code == ProviderErrorCode.TRANSIENT
    assert len(tiktok.hits(TOKEN_PATH)) == 1


def test_a_refresh_that_never_reached_tiktok_is_retried(tiktok, make_client, sleeps):
    creator, _ = connect(tiktok, expires_in=dt.timedelta(0))
    attempts = []

    def refuse_first_connection(request):
        attempts.append(request.url.path)
        if len(attempts) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return None

    class FlakyTransport(httpx.HTTPTransport):
        def handle_request(self, request):
            refuse_first_connection(request)
            return super().handle_request(request)

    provider = TikTokProvider(client_factory=lambda: make_client(transport=FlakyTransport()))
    provider.fetch(creator=_ref(creator), max_videos=0)
    assert attempts[:2] == [TOKEN_PATH, TOKEN_PATH]
    assert len(tiktok.hits(TOKEN_PATH)) == 1  # the refused attempt never arrived
    assert len(sleeps.calls) == 1


# --- malformed payloads -------------------------------------------------------------------------------------

OK = {"code": "ok", "message": "", "log_id": ""}


@pytest.mark.parametrize(
    "path,body",
    [
        (USER_INFO_PATH, "<html>Bad gateway</html>"),
        (USER_INFO_PATH, [1, 2]),
        (USER_INFO_PATH, {"data": {"user": {}}}),
        (USER_INFO_PATH, {"data": None, "error": OK}),
        (USER_INFO_PATH, {"data": {"user": "me"}, "error": OK}),
        (USER_INFO_PATH, {"data": {"user": {"follower_count": "lots"}}, "error": OK}),
        (USER_INFO_PATH, {"data": {"user": {"follower_count": 5, "is_verified": "yes"}}, "error": OK}),
        (USER_INFO_PATH, {"data": {"user": {"display_name": "no counts"}}, "error": OK}),
        (USER_INFO_PATH, {"data": {"user": {"follower_count": 5}}, "error": {"code": 7}}),
        (VIDEO_LIST_PATH, {"data": {"videos": {}, "cursor": 0, "has_more": False}, "error": OK}),
        (VIDEO_LIST_PATH, {"data": {"videos": [], "cursor": "next", "has_more": False}, "error": OK}),
        (VIDEO_LIST_PATH, {"data": {"videos": [], "cursor": 0, "has_more": "no"}, "error": OK}),
        (VIDEO_LIST_PATH, {"data": {"videos": [{"view_count": 3}], "cursor": 0, "has_more": False}, "error": OK}),
        (
            VIDEO_LIST_PATH,
            {
                "data": {
                    "videos": [{"id": "1", "view_count": -1, "like_count": 0, "comment_count": 0, "share_count": 0}],
                    "cursor": 0,
                    "has_more": False,
                },
                "error": OK,
            },
        ),
        (
            VIDEO_LIST_PATH,
            {
                "data": {
                    "videos": [
                        {"id": "1", "view_count": 1, "like_count": 0, "comment_count": 0, "share_count": 0, "title": 5}
                    ],
                    "cursor": 0,
                    "has_more": False,
                },
                "error": OK,
            },
        ),
    ],
    ids=[
        "not-json",
        "json-list",
        "no-error-object",
        "data-null",
        "user-not-object",
        "count-not-int",
        "verified-not-bool",
        "follower-count-missing",
        "error-code-not-string",
        "videos-not-list",
        "cursor-not-int",
        "has-more-not-bool",
        "video-without-id",
        "negative-count",
        "title-not-text",
    ],
)
def test_a_malformed_payload_is_malformed_never_a_key_error(tiktok, provider, path, body):
    creator, _ = connect(tiktok, video_count=1)
    tiktok.malformed(path, body)
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.MALFORMED and not caught.value.retryable
    assert caught.value.log_id == tiktok.hits(path)[0].log_id  # from the x-tt-logid header at least


def test_a_malformed_token_response_is_malformed(tiktok, provider):
    creator, _ = connect(tiktok, expires_in=dt.timedelta(0))
    tiktok.malformed(TOKEN_PATH, {"access_token": "act.x", "expires_in": "a day"})
    with pytest.raises(ProviderError) as caught:
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert caught.value.code == ProviderErrorCode.MALFORMED


# --- outcome on the connection --------------------------------------------------------------------------------


def test_a_failed_pull_keeps_the_error_and_log_id_on_the_connection(tiktok, provider):
    creator, _ = connect(tiktok)
    tiktok.reject(USER_INFO_PATH)
    with pytest.raises(ProviderError):
        provider.fetch(creator=_ref(creator), max_videos=5)
    connection = TikTokConnection.objects.get(creator=creator)
    assert "invalid_params" in connection.last_error
    assert connection.last_log_id == tiktok.hits(USER_INFO_PATH)[0].log_id
    assert connection.last_synced_at is None


def test_a_retryable_failure_does_not_alarm_the_creator(tiktok, provider):
    creator, _ = connect(tiktok)
    tiktok.rate_limit_burst(USER_INFO_PATH)
    with pytest.raises(RetryableProviderError):
        provider.fetch(creator=_ref(creator), max_videos=5)
    assert TikTokConnection.objects.get(creator=creator).last_error == ""


def test_a_successful_pull_clears_the_last_error(tiktok, provider):
    creator, _ = connect(tiktok)
    TikTokConnection.objects.filter(creator=creator).update(last_error="old failure", last_log_id="LOG1")
    provider.fetch(creator=_ref(creator), max_videos=0)
    connection = TikTokConnection.objects.get(creator=creator)
    assert (connection.last_error, connection.last_log_id) == ("", "")
    assert connection.last_synced_at is not None


def test_a_pull_for_one_creator_leaves_another_creators_connection_alone(tiktok, provider):
    creator, _ = connect(tiktok)
    other, _ = connect(tiktok, expires_in=dt.timedelta(0))
    other_before = TikTokConnection.objects.values().get(creator=other)
    tiktok.reject(USER_INFO_PATH)
    with pytest.raises(ProviderError):
        provider.fetch(creator=_ref(creator), max_videos=0)
    assert TikTokConnection.objects.values().get(creator=other) == other_before
