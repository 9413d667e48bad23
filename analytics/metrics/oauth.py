"""Connecting a creator's TikTok account (Login Kit for Web, OAuth 2.0 with PKCE) and keeping its
tokens alive: the services that write `TikTokConnection`, and the one read the portal needs.

Only the creator themselves starts, completes or ends a connection (the portal views pass the
signed-in creator's own profile). No HTTP call runs inside a database transaction.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, TypedDict
from urllib.parse import urlencode

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from analytics.metrics.providers.base import ProviderError, ProviderErrorCode, RetryableProviderError
from analytics.metrics.providers.tiktok_client import TikTokClient
from analytics.models import TikTokConnection
from core.errors import ApplicationError
from core.redis_pool import redis_client
from creators.errors import CreatorError
from creators.models import Creator
from creators.portal.access import prove_handle

log = structlog.get_logger(__name__)

_STATE_CACHE_PREFIX = "tiktok-oauth-state:"
# A refresh holds the lock across one token call: the client's timeout times its attempts, with room.
_LOCK_TIMEOUT_S = 90
_LOCK_WAIT_S = 30


class TikTokOAuthErrorCode(StrEnum):
    NOT_CONFIGURED = "tiktok_not_configured"
    STATE_INVALID = "tiktok_state_invalid"
    ACCOUNT_IN_USE = "tiktok_account_in_use"
    NOT_CONNECTED = "tiktok_not_connected"
    HANDLE_MISMATCH = "tiktok_handle_mismatch"
    USERNAME_NOT_SHARED = "tiktok_username_not_shared"


# Reading the username needs this scope; without the username the handle cannot be proven.
USERNAME_SCOPE = "user.info.profile"


class TikTokOAuthError(ApplicationError):
    pass


class _PendingAuthorization(TypedDict):
    creator_id: int
    code_verifier: str
    redirect_uri: str


# --- reads -------------------------------------------------------------------------------------------


def tiktok_connection_for(*, creator: Creator) -> TikTokConnection | None:
    """The creator's connection, active or ended, for the portal card."""
    return TikTokConnection.objects.filter(creator=creator).first()


def active_tiktok_connection(*, creator_id: int) -> TikTokConnection | None:
    return TikTokConnection.objects.filter(creator_id=creator_id, revoked_at__isnull=True).first()


def missing_scopes(*, connection: TikTokConnection) -> list[str]:
    """Scopes we asked for that the creator unticked on TikTok's consent page."""
    granted = {scope.strip() for scope in connection.scope.split(",") if scope.strip()}
    return [scope for scope in settings.TIKTOK_SCOPES if scope not in granted]


# --- authorization -----------------------------------------------------------------------------------


def code_challenge_for(code_verifier: str) -> str:
    """PKCE S256 (RFC 7636 §4.2): base64url of the verifier's SHA-256, without padding."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _state_key(state: str) -> str:
    # Keyed by a hash, so the cache never holds the value an attacker would need to replay.
    return _STATE_CACHE_PREFIX + hashlib.sha256(state.encode()).hexdigest()


def start_authorization(*, creator: Creator, redirect_uri: str) -> str:
    """Return TikTok's consent URL for `creator`. The state is random, bound to this creator, kept
    server-side for TIKTOK_OAUTH_STATE_TTL_S and usable once; the PKCE verifier stays with it."""
    if not settings.TIKTOK_CLIENT_KEY or not settings.TIKTOK_CLIENT_SECRET:
        raise TikTokOAuthError(
            "TikTok connect is not set up on this CreatorDesk yet; ask the team that runs it.",
            code=TikTokOAuthErrorCode.NOT_CONFIGURED,
        )
    state = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)  # 86 characters; RFC 7636 allows 43 to 128
    pending: _PendingAuthorization = {
        "creator_id": creator.pk,
        "code_verifier": code_verifier,
        "redirect_uri": redirect_uri,
    }
    cache.set(_state_key(state), pending, timeout=settings.TIKTOK_OAUTH_STATE_TTL_S)
    query = urlencode(
        {
            "client_key": settings.TIKTOK_CLIENT_KEY,
            "scope": ",".join(settings.TIKTOK_SCOPES),
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge_for(code_verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{settings.TIKTOK_AUTH_URL}?{query}"


def _take_pending(state: str) -> _PendingAuthorization | None:
    """Single use: of two callbacks racing with one state, only the one whose delete succeeds wins."""
    if not state:
        return None
    key = _state_key(state)
    pending = cache.get(key)
    if pending is None or not cache.delete(key):
        return None
    return pending  # type: ignore[no-any-return]


def discard_authorization(*, state: str) -> None:
    """The creator declined on TikTok: the state must not be usable later."""
    if state:
        cache.delete(_state_key(state))


def complete_authorization(
    *, creator: Creator, state: str, code: str, user: User | None = None, client: TikTokClient | None = None
) -> TikTokConnection:
    """Finish the consent `creator` started: check the state, exchange the code (with the PKCE
    verifier), read the TikTok username and refuse unless it is the creator's handle, then store the
    tokens encrypted. With `user` (the portal account that connected), the handle is then proven: the
    account reaches every workspace's collaborations with the creator (creators.portal.access).
    Raises TikTokOAuthError for a bad state, another account's username, a username not shared, or an
    account another creator has connected; ProviderError when TikTok refuses or fails."""
    pending = _take_pending(state)
    if pending is None or pending["creator_id"] != creator.pk:
        raise TikTokOAuthError(
            "That TikTok sign-in link has expired or was not started from your account. Please connect again.",
            code=TikTokOAuthErrorCode.STATE_INVALID,
        )
    with _client_or_default(client) as tiktok:
        grant = tiktok.exchange_code(
            code=code, redirect_uri=pending["redirect_uri"], code_verifier=pending["code_verifier"]
        )
        _check_username(tiktok, creator=creator, access_token=grant.access_token, scope=grant.scope)
    now = timezone.now()
    fields: dict[str, Any] = {
        "open_id": grant.open_id,
        "scope": grant.scope,
        "access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "access_expires_at": now + dt.timedelta(seconds=grant.expires_in_s),
        "refresh_expires_at": now + dt.timedelta(seconds=grant.refresh_expires_in_s),
        "connected_at": now,
        "revoked_at": None,
        "last_error": "",
        "last_log_id": "",
    }
    in_use = TikTokOAuthError(
        "This TikTok account is already connected to another creator profile.",
        code=TikTokOAuthErrorCode.ACCOUNT_IN_USE,
    )
    try:
        with transaction.atomic():
            taken = TikTokConnection.objects.filter(open_id=grant.open_id, revoked_at__isnull=True).exclude(
                creator=creator
            )
            if taken.exists():
                raise in_use
            connection = TikTokConnection.objects.select_for_update().filter(creator=creator).first()
            if connection is None:
                connection = TikTokConnection.objects.create(creator=creator, **fields)
            else:
                for name, value in fields.items():
                    setattr(connection, name, value)
                connection.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:  # another creator connected the same account in the meantime
        raise in_use from exc
    log.info("tiktok.connected", creator_id=creator.pk, open_id=grant.open_id, scope=grant.scope)
    if user is not None:
        try:
            prove_handle(user=user, creator=creator)
        except CreatorError as exc:
            raise TikTokOAuthError(exc.message, code=TikTokOAuthErrorCode.ACCOUNT_IN_USE) from exc
    return connection


def _check_username(tiktok: TikTokClient, *, creator: Creator, access_token: str, scope: str) -> None:
    """The TikTok account must be the creator's handle: anyone can sign in to TikTok, only the handle's
    owner can sign in as it. On a mismatch the fresh token is revoked (best effort) and nothing stored."""
    username = ""
    if USERNAME_SCOPE in {part.strip() for part in scope.split(",")}:
        info = tiktok.user_info(access_token=access_token, fields=("open_id", "username"))
        username = str(info.user.get("username") or "").strip().lstrip("@").lower()
    if username == creator.handle:
        return
    with contextlib.suppress(ProviderError):
        tiktok.revoke(access_token=access_token)
    if not username:
        raise TikTokOAuthError(
            "TikTok did not share your username, so we cannot tell it is your account. Connect again and allow "
            "CreatorDesk to read your profile.",
            code=TikTokOAuthErrorCode.USERNAME_NOT_SHARED,
        )
    log.warning("tiktok.handle_mismatch", creator_id=creator.pk, username=username)
    raise TikTokOAuthError(
        f"You signed in to TikTok as @{username}, not @{creator.handle}. Sign in to TikTok as @{creator.handle}, "
        "then connect again.",
        code=TikTokOAuthErrorCode.HANDLE_MISMATCH,
    )


@contextmanager
def _client_or_default(client: TikTokClient | None) -> Iterator[TikTokClient]:
    """The caller's client as is, or one from settings that is closed afterwards."""
    if client is not None:
        yield client
        return
    with TikTokClient.from_settings() as default:
        yield default


@contextmanager
def _connection_lock(connection_id: int) -> Iterator[bool]:
    """A Redis lock per connection, across workers. Refresh tokens rotate: two workers refreshing
    with the same token would leave one holding a dead token, so refreshes take turns."""
    lock = redis_client().lock(
        f"cd:tiktok:connection-lock:{connection_id}", timeout=_LOCK_TIMEOUT_S, blocking_timeout=_LOCK_WAIT_S
    )
    acquired = bool(lock.acquire())
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()


def disconnect(*, creator: Creator, client: TikTokClient | None = None) -> bool:
    """End `creator`'s connection: revoke the token at TikTok, then wipe both tokens and mark the row
    revoked, even when TikTok cannot be reached. Returns whether TikTok confirmed the revoke."""
    connection = active_tiktok_connection(creator_id=creator.pk)
    if connection is None:
        raise TikTokOAuthError("Your TikTok account is not connected.", code=TikTokOAuthErrorCode.NOT_CONNECTED)
    revoked_at_tiktok = False
    with _connection_lock(connection.pk):
        connection.refresh_from_db()
        if connection.access_token:
            try:
                with _client_or_default(client) as tiktok:
                    tiktok.revoke(access_token=connection.access_token)
                revoked_at_tiktok = True
            except ProviderError as exc:
                log.warning("tiktok.revoke_failed", creator_id=creator.pk, error=exc.message, log_id=exc.log_id)
        now = timezone.now()
        TikTokConnection.objects.filter(pk=connection.pk, revoked_at__isnull=True).update(
            access_token="",
            refresh_token="",
            access_expires_at=None,
            refresh_expires_at=None,
            revoked_at=now,
            updated_at=now,
        )
    log.info("tiktok.disconnected", creator_id=creator.pk, revoked_at_tiktok=revoked_at_tiktok)
    return revoked_at_tiktok


# --- token upkeep and sync status (called by the provider) ------------------------------------------------


def access_token_expires_soon(*, connection: TikTokConnection, now: dt.datetime | None = None) -> bool:
    if connection.access_expires_at is None:
        return True
    margin = dt.timedelta(seconds=settings.TIKTOK_REFRESH_MARGIN_S)
    return connection.access_expires_at <= (now or timezone.now()) + margin


def refresh_access_token(
    *, connection: TikTokConnection, client: TikTokClient, rejected_access_token: str | None = None
) -> TikTokConnection:
    """Refresh the connection's tokens and store the new pair; returns the row as now stored.

    Without `rejected_access_token` it refreshes only if the token expires within the margin; with
    it (TikTok just said that token is invalid) only if the row still holds that token. Either way,
    a worker that waited for the lock while another refreshed uses the other's fresh token."""
    with _connection_lock(connection.pk) as acquired:
        if not acquired:
            raise RetryableProviderError(
                "Another worker is refreshing this TikTok token.", code=ProviderErrorCode.TRANSIENT
            )
        current = TikTokConnection.objects.filter(pk=connection.pk, revoked_at__isnull=True).first()
        if current is None:
            raise ProviderError("The creator disconnected TikTok.", code=ProviderErrorCode.NOT_CONNECTED)
        now = timezone.now()
        if rejected_access_token is None:
            needed = access_token_expires_soon(connection=current, now=now)
        else:
            needed = current.access_token == rejected_access_token
        if not needed:
            return current
        if not current.refresh_token or (current.refresh_expires_at and current.refresh_expires_at <= now):
            raise ProviderError(
                "TikTok access has expired; the creator needs to connect TikTok again.",
                code=ProviderErrorCode.AUTH_EXPIRED,
            )
        grant = client.refresh(refresh_token=current.refresh_token)
        now = timezone.now()
        updated = TikTokConnection.objects.filter(pk=current.pk, revoked_at__isnull=True).update(
            scope=grant.scope,
            access_token=grant.access_token,
            refresh_token=grant.refresh_token,
            access_expires_at=now + dt.timedelta(seconds=grant.expires_in_s),
            refresh_expires_at=now + dt.timedelta(seconds=grant.refresh_expires_in_s),
            updated_at=now,
        )
        if not updated:  # disconnected while we were refreshing: do not bring the tokens back
            raise ProviderError("The creator disconnected TikTok.", code=ProviderErrorCode.NOT_CONNECTED)
        current.refresh_from_db()
    log.info("tiktok.token_refreshed", connection_id=current.pk)
    return current


def record_sync_result(*, connection_id: int, error: ProviderError | None) -> None:
    """Keep the last pull's outcome on the connection, for the creator's portal card and for support
    (TikTok's log_id). Retryable failures (429, 5xx, timeouts) are left out: the task tries again,
    and the creator can do nothing about them; they are logged with their log_id instead."""
    now = timezone.now()
    rows = TikTokConnection.objects.filter(pk=connection_id, revoked_at__isnull=True)
    if error is None:
        rows.update(last_synced_at=now, last_error="", last_log_id="", updated_at=now)
    elif error.retryable:
        log.warning("tiktok.pull_failed", connection_id=connection_id, error=error.message, log_id=error.log_id)
    else:
        rows.update(last_error=error.message, last_log_id=error.log_id[:128], updated_at=now)


def reencrypt_tiktok_tokens() -> int:
    """Key rotation: after the new key is put first in TOKEN_ENCRYPTION_KEY (the old one kept after
    it), rewrite every stored token under the new key, so the old one can then be dropped. Each row
    is rewritten under its refresh lock, so a concurrent refresh is never overwritten with older
    tokens. Returns the number of connections rewritten; safe to run again."""
    rewritten = 0
    pks = TikTokConnection.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True)
    for pk in list(pks):
        with _connection_lock(pk) as acquired:
            if not acquired:
                raise RetryableProviderError(
                    "A connection is busy; run the rotation again.", code=ProviderErrorCode.TRANSIENT
                )
            connection = TikTokConnection.objects.filter(pk=pk).first()
            if connection is None:
                continue
            # Loading decrypted with whichever key matches; saving encrypts under the first key.
            connection.save(update_fields=["access_token", "refresh_token", "updated_at"])
            rewritten += 1
    return rewritten
