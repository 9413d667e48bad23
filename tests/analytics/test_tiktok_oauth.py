"""Connecting TikTok: the OAuth services and the portal pages, against the fake TikTok API."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.metrics.oauth import (
    TikTokOAuthError,
    TikTokOAuthErrorCode,
    code_challenge_for,
    complete_authorization,
    disconnect,
    start_authorization,
)
from analytics.metrics.providers.base import ProviderError
from analytics.metrics.providers.tiktok_client import REVOKE_PATH, TOKEN_PATH
from analytics.models import TikTokConnection
from creators.models import PortalGrant
from tests.analytics.conftest import connect
from tests.factories import CreatorFactory, CreatorUserFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

REDIRECT_URI = "https://creatordesk.example/portal/tiktok/callback/"


@pytest.fixture
def creator():
    # The fake TikTok's users sign in as @fakecreator unless told otherwise: the handle must match.
    return CreatorFactory(handle="fakecreator", user=CreatorUserFactory())


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _snapshot():
    return sorted(TikTokConnection.objects.values_list("pk", "creator_id", "open_id", "revoked_at", "updated_at"))


# --- services --------------------------------------------------------------------------------------------


def test_start_authorization_sends_the_creator_to_tiktok_with_state_and_pkce(tiktok, creator, settings):
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    assert url.startswith(settings.TIKTOK_AUTH_URL + "?")
    query = _query(url)
    assert query["client_key"] == tiktok.client_key
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["scope"].split(",") == settings.TIKTOK_SCOPES
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32
    assert tiktok.client_secret not in url


def test_each_authorization_gets_its_own_state_and_challenge(tiktok, creator):
    first = _query(start_authorization(creator=creator, redirect_uri=REDIRECT_URI))
    second = _query(start_authorization(creator=creator, redirect_uri=REDIRECT_URI))
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


def test_code_challenge_is_rfc7636_s256():
    # The worked example of RFC 7636, appendix B.
    assert (
        code_challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_completing_the_authorization_stores_the_tokens_tiktok_issued(tiktok, creator):
    user = tiktok.add_user()
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    code = tiktok.consent(url, open_id=user.open_id)

    connection = complete_authorization(creator=creator, state=_query(url)["state"], code=code)

    exchange = tiktok.hits(TOKEN_PATH)[0]
    assert exchange.form["grant_type"] == "authorization_code"
    assert exchange.form["redirect_uri"] == REDIRECT_URI
    assert code_challenge_for(exchange.form["code_verifier"]) == _query(url)["code_challenge"]
    stored = TikTokConnection.objects.get(creator=creator)
    assert stored.pk == connection.pk and stored.open_id == user.open_id
    assert tiktok.is_live(stored.access_token)
    assert stored.refresh_token in tiktok.live_refresh_tokens()
    assert stored.revoked_at is None and stored.connected_at is not None
    assert stored.access_expires_at > timezone.now()


def test_a_state_that_was_never_issued_is_rejected_and_nothing_is_called(tiktok, creator):
    user = tiktok.add_user()
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    code = tiktok.consent(url, open_id=user.open_id)
    with pytest.raises(TikTokOAuthError) as caught:
        complete_authorization(creator=creator, state="forged-state", code=code)
    assert caught.value.code == TikTokOAuthErrorCode.STATE_INVALID
    assert tiktok.hits(TOKEN_PATH) == []
    assert not TikTokConnection.objects.exists()


def test_a_state_works_only_once(tiktok, creator):
    user = tiktok.add_user()
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    state = _query(url)["state"]
    complete_authorization(creator=creator, state=state, code=tiktok.consent(url, open_id=user.open_id))
    with pytest.raises(TikTokOAuthError) as caught:
        complete_authorization(creator=creator, state=state, code=tiktok.consent(url, open_id=user.open_id))
    assert caught.value.code == TikTokOAuthErrorCode.STATE_INVALID
    assert len(tiktok.hits(TOKEN_PATH)) == 1


def test_a_state_started_by_another_creator_is_rejected(tiktok, creator):
    other = CreatorFactory(user=CreatorUserFactory())
    user = tiktok.add_user()
    url = start_authorization(creator=other, redirect_uri=REDIRECT_URI)
    with pytest.raises(TikTokOAuthError) as caught:
        complete_authorization(
            creator=creator, state=_query(url)["state"], code=tiktok.consent(url, open_id=user.open_id)
        )
    assert caught.value.code == TikTokOAuthErrorCode.STATE_INVALID
    assert tiktok.hits(TOKEN_PATH) == []
    assert not TikTokConnection.objects.exists()


def test_a_state_expires(tiktok, creator, settings):
    settings.TIKTOK_OAUTH_STATE_TTL_S = 1
    user = tiktok.add_user()
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    code = tiktok.consent(url, open_id=user.open_id)
    time.sleep(1.2)
    with pytest.raises(TikTokOAuthError):
        complete_authorization(creator=creator, state=_query(url)["state"], code=code)
    assert tiktok.hits(TOKEN_PATH) == []


def test_a_code_tiktok_refuses_stores_nothing(tiktok, creator):
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    with pytest.raises(ProviderError):
        complete_authorization(creator=creator, state=_query(url)["state"], code="code-never-issued")
    assert len(tiktok.hits(TOKEN_PATH)) == 1
    assert not TikTokConnection.objects.exists()


def test_connect_is_refused_when_tiktok_is_not_configured(tiktok, creator, settings):
    settings.TIKTOK_CLIENT_KEY = ""
    with pytest.raises(TikTokOAuthError) as caught:
        start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    assert caught.value.code == TikTokOAuthErrorCode.NOT_CONFIGURED


def test_an_account_already_connected_to_another_creator_is_refused(tiktok, creator):
    other, user = connect(tiktok)
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    with pytest.raises(TikTokOAuthError) as caught:
        complete_authorization(
            creator=creator, state=_query(url)["state"], code=tiktok.consent(url, open_id=user.open_id)
        )
    assert caught.value.code == TikTokOAuthErrorCode.ACCOUNT_IN_USE
    assert not TikTokConnection.objects.filter(creator=creator).exists()
    assert TikTokConnection.objects.get(creator=other).revoked_at is None


def test_disconnect_revokes_at_tiktok_and_wipes_the_tokens(tiktok):
    creator, _ = connect(tiktok)
    before = TikTokConnection.objects.get(creator=creator)

    assert disconnect(creator=creator) is True

    assert tiktok.revoked_tokens == [before.access_token]
    after = TikTokConnection.objects.get(creator=creator)
    assert (after.access_token, after.refresh_token) == ("", "")
    assert after.revoked_at is not None and after.access_expires_at is None


def test_disconnect_wipes_the_tokens_even_when_tiktok_cannot_be_reached(tiktok, settings):
    creator, _ = connect(tiktok)
    tiktok.server_errors(REVOKE_PATH, times=settings.TIKTOK_MAX_ATTEMPTS)
    assert disconnect(creator=creator, client=_no_sleep_client()) is False
    after = TikTokConnection.objects.get(creator=creator)
    assert (after.access_token, after.refresh_token) == ("", "")
    assert after.revoked_at is not None
    assert len(tiktok.hits(REVOKE_PATH)) == settings.TIKTOK_MAX_ATTEMPTS


def _no_sleep_client():
    from analytics.metrics.providers.tiktok_client import TikTokClient

    return TikTokClient.from_settings(sleep=lambda seconds: None)


def test_disconnect_without_a_connection_is_refused(tiktok, creator):
    with pytest.raises(TikTokOAuthError) as caught:
        disconnect(creator=creator)
    assert caught.value.code == TikTokOAuthErrorCode.NOT_CONNECTED
    assert tiktok.requests == []


def test_disconnect_leaves_another_creators_connection_alone(tiktok):
    creator, _ = connect(tiktok)
    other, _ = connect(tiktok)
    other_before = TikTokConnection.objects.values().get(creator=other)
    disconnect(creator=creator)
    assert TikTokConnection.objects.values().get(creator=other) == other_before
    assert other_before["access_token"] not in tiktok.revoked_tokens


def test_connecting_again_after_a_disconnect_reuses_the_row(tiktok, creator):
    creator, user = connect(tiktok, creator=creator)
    first = TikTokConnection.objects.get(creator=creator)
    disconnect(creator=creator)
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    complete_authorization(creator=creator, state=_query(url)["state"], code=tiktok.consent(url, open_id=user.open_id))
    again = TikTokConnection.objects.get(creator=creator)
    assert again.pk == first.pk and again.revoked_at is None
    assert tiktok.is_live(again.access_token)


# --- portal pages ------------------------------------------------------------------------------------------


@pytest.fixture
def portal(creator):
    client = Client()
    client.force_login(creator.user)
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_the_page_shows_not_connected_with_a_connect_button(tiktok, portal):
    response = portal.get(reverse("tiktok:connection"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not connected" in body and reverse("tiktok:connect") in body


def test_the_page_shows_connected_since_and_the_last_error(tiktok, creator, portal):
    connect(tiktok, creator=creator)
    TikTokConnection.objects.filter(creator=creator).update(last_error="TikTok refused it", last_log_id="LOG123")
    body = portal.get(reverse("tiktok:connection")).content.decode()
    connection = TikTokConnection.objects.get(creator=creator)
    assert "Connected since" in body and f"{connection.connected_at:%b} {connection.connected_at.day}" in body
    assert "TikTok refused it" in body and "LOG123" in body
    assert reverse("tiktok:disconnect") in body


def test_the_page_never_shows_the_tokens(tiktok, creator, portal):
    connect(tiktok, creator=creator)
    connection = TikTokConnection.objects.get(creator=creator)
    body = portal.get(reverse("tiktok:connection")).content.decode()
    assert connection.access_token not in body and connection.refresh_token not in body


def test_the_home_page_loads_the_card_with_htmx(tiktok, portal):
    body = portal.get(reverse("portal:home")).content.decode()
    assert f'hx-get="{reverse("tiktok:card")}"' in body
    card = portal.get(reverse("tiktok:card"), HTTP_HX_REQUEST="true")
    assert card.status_code == 200 and 'id="tiktok-card"' in card.content.decode()


def test_marketers_and_strangers_do_not_reach_the_tiktok_pages(tiktok):
    marketer = Client()
    marketer.force_login(UserFactory())
    for name in ("tiktok:connection", "tiktok:card", "tiktok:callback"):
        assert marketer.get(reverse(name)).status_code == 404, name
    for name in ("tiktok:connect", "tiktok:disconnect"):
        assert marketer.post(reverse(name)).status_code == 404, name
    anonymous = Client()
    response = anonymous.post(reverse("tiktok:connect"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_connect_redirects_to_tiktok_and_needs_a_post(tiktok, portal, settings):
    assert portal.get(reverse("tiktok:connect")).status_code == 405
    response = portal.post(reverse("tiktok:connect"))
    assert response.status_code == 302 and response.url.startswith(settings.TIKTOK_AUTH_URL)
    assert _query(response.url)["redirect_uri"] == settings.SITE_URL.rstrip("/") + reverse("tiktok:callback")


def test_connect_and_disconnect_need_the_csrf_token(tiktok, creator):
    connect(tiktok, creator=creator)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(creator.user)
    assert guarded.post(reverse("tiktok:connect")).status_code == 403
    assert guarded.post(reverse("tiktok:disconnect")).status_code == 403
    assert TikTokConnection.objects.get(creator=creator).revoked_at is None
    assert tiktok.requests == []


def test_the_full_connect_flow_through_the_portal(tiktok, creator, portal):
    user = tiktok.add_user()
    authorize_url = portal.post(reverse("tiktok:connect")).url
    code = tiktok.consent(authorize_url, open_id=user.open_id)

    response = portal.get(
        reverse("tiktok:callback"), {"code": code, "state": _query(authorize_url)["state"]}, follow=True
    )

    assert "TikTok connected" in " ".join(_messages(response))
    assert "Connected since" in response.content.decode()
    stored = TikTokConnection.objects.get(creator=creator)
    assert stored.open_id == user.open_id and tiktok.is_live(stored.access_token)


def test_the_callback_when_tiktok_fails_asks_to_try_again_and_does_not_resend_the_code(tiktok, creator, portal):
    user = tiktok.add_user()
    authorize_url = portal.post(reverse("tiktok:connect")).url
    code = tiktok.consent(authorize_url, open_id=user.open_id)
    tiktok.server_errors(TOKEN_PATH, status=503)

    response = portal.get(
        reverse("tiktok:callback"), {"code": code, "state": _query(authorize_url)["state"]}, follow=True
    )

    assert "try connecting again" in " ".join(_messages(response))
    assert len(tiktok.hits(TOKEN_PATH)) == 1  # an authorization code is single-use
    assert not TikTokConnection.objects.exists()


def test_the_callback_warns_about_permissions_the_creator_unticked(tiktok, creator, portal, settings):
    user = tiktok.add_user()
    authorize_url = portal.post(reverse("tiktok:connect")).url
    granted = [scope for scope in settings.TIKTOK_SCOPES if scope != "video.list"]
    code = tiktok.consent(authorize_url, open_id=user.open_id, granted=granted)
    response = portal.get(
        reverse("tiktok:callback"), {"code": code, "state": _query(authorize_url)["state"]}, follow=True
    )
    assert any("video.list" in message for message in _messages(response))


def test_the_callback_with_a_declined_consent_says_so_and_writes_nothing(tiktok, portal):
    authorize_url = portal.post(reverse("tiktok:connect")).url
    state = _query(authorize_url)["state"]
    response = portal.get(
        reverse("tiktok:callback"),
        {"error": "access_denied", "error_description": "Call 555-0100 to claim a prize", "state": state},
        follow=True,
    )
    messages = " ".join(_messages(response))
    assert "cancelled" in messages and "555-0100" not in messages
    assert not TikTokConnection.objects.exists()
    assert tiktok.hits(TOKEN_PATH) == []


def test_a_declined_consent_burns_its_state(tiktok, creator, portal):
    user = tiktok.add_user()
    authorize_url = portal.post(reverse("tiktok:connect")).url
    state = _query(authorize_url)["state"]
    portal.get(reverse("tiktok:callback"), {"error": "access_denied", "state": state})
    code = tiktok.consent(authorize_url, open_id=user.open_id)
    response = portal.get(reverse("tiktok:callback"), {"code": code, "state": state}, follow=True)
    assert "expired" in " ".join(_messages(response))
    assert not TikTokConnection.objects.exists()


@pytest.mark.parametrize("params", [{}, {"code": "abc"}, {"state": "abc"}, {"code": "abc", "state": "forged"}])
def test_a_callback_with_missing_or_forged_parameters_writes_nothing(tiktok, portal, params):
    response = portal.get(reverse("tiktok:callback"), params, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tiktok:connection")
    assert _messages(response)
    assert not TikTokConnection.objects.exists()
    assert tiktok.hits(TOKEN_PATH) == []


def test_a_creator_cannot_complete_another_creators_authorization(tiktok, creator, portal):
    victim = CreatorFactory(user=CreatorUserFactory())
    victim_portal = Client()
    victim_portal.force_login(victim.user)
    user = tiktok.add_user()
    authorize_url = victim_portal.post(reverse("tiktok:connect")).url
    code = tiktok.consent(authorize_url, open_id=user.open_id)

    portal.get(reverse("tiktok:callback"), {"code": code, "state": _query(authorize_url)["state"]})

    assert not TikTokConnection.objects.exists()
    assert tiktok.hits(TOKEN_PATH) == []


def test_disconnect_through_the_portal_touches_only_the_signed_in_creator(tiktok, creator, portal):
    connect(tiktok, creator=creator)
    other, _ = connect(tiktok)
    other_before = TikTokConnection.objects.values().get(creator=other)

    response = portal.post(reverse("tiktok:disconnect"), follow=True)

    assert "TikTok disconnected" in " ".join(_messages(response))
    mine = TikTokConnection.objects.get(creator=creator)
    assert mine.revoked_at is not None and mine.access_token == ""
    assert TikTokConnection.objects.values().get(creator=other) == other_before


def test_disconnect_when_not_connected_changes_nothing(tiktok, creator, portal):
    connect(tiktok)  # someone else's connection, which must stay as it is
    before = _snapshot()
    response = portal.post(reverse("tiktok:disconnect"), follow=True)
    assert "not connected" in " ".join(_messages(response))
    assert _snapshot() == before
    assert tiktok.requests == []


# --- proving the handle ------------------------------------------------------------------------------------


def test_signing_in_to_tiktok_as_another_username_is_refused_and_stores_nothing(tiktok, creator):
    user = tiktok.add_user(username="someone_else")
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)

    with pytest.raises(TikTokOAuthError) as caught:
        complete_authorization(
            creator=creator, state=_query(url)["state"], code=tiktok.consent(url, open_id=user.open_id),
            user=creator.user,
        )  # fmt: skip

    assert caught.value.code == TikTokOAuthErrorCode.HANDLE_MISMATCH
    assert "@someone_else, not @fakecreator" in caught.value.message
    assert not TikTokConnection.objects.exists()
    assert not PortalGrant.objects.exists()
    assert len(tiktok.revoked_tokens) == 1  # the token TikTok issued for the wrong account is given back


def test_without_the_username_scope_the_handle_cannot_be_proven(tiktok, creator, settings):
    user = tiktok.add_user()
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)
    granted = [scope for scope in settings.TIKTOK_SCOPES if scope != "user.info.profile"]

    with pytest.raises(TikTokOAuthError) as caught:
        complete_authorization(
            creator=creator, state=_query(url)["state"],
            code=tiktok.consent(url, open_id=user.open_id, granted=granted),
        )  # fmt: skip

    assert caught.value.code == TikTokOAuthErrorCode.USERNAME_NOT_SHARED
    assert not TikTokConnection.objects.exists()


def test_signing_in_as_the_handle_proves_it_for_every_workspace(tiktok):
    creator = CreatorFactory(handle="fakecreator")
    account = CreatorUserFactory()
    PortalGrant.objects.create(user=account, creator=creator, workspace=WorkspaceFactory(), method="claim_link")
    user = tiktok.add_user()
    url = start_authorization(creator=creator, redirect_uri=REDIRECT_URI)

    complete_authorization(
        creator=creator, state=_query(url)["state"], code=tiktok.consent(url, open_id=user.open_id), user=account
    )

    creator.refresh_from_db()
    assert creator.user == account
    assert PortalGrant.objects.filter(user=account, creator=creator, workspace__isnull=True, method="tiktok").exists()
