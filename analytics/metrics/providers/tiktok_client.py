"""HTTP client for TikTok's official API v2 (Login Kit OAuth and the Display API), nothing more.

Every call turns into either validated plain data or a `ProviderError`:

* HTTP 429 or `rate_limit_exceeded` -> `RetryableProviderError(RATE_LIMITED)` with `retry_after`,
  never retried here (the task backs off; hammering a throttled API makes it worse);
* 5xx, timeouts and connection errors -> retried here up to `max_attempts` with exponential backoff
  and full jitter, then `RetryableProviderError(TRANSIENT)` (code exchange and refresh only when the
  request never left: see `_send`);
* `access_token_invalid` -> `ProviderError(AUTH_EXPIRED)` (the provider refreshes once and retries);
* any other 4xx -> `ProviderError(REJECTED)`, never retried;
* anything that is not the documented shape -> `ProviderError(MALFORMED)`, never a KeyError.

Each error carries TikTok's `log_id` (from the body, else the `x-tt-logid` header) for support.
Before each request the client takes a token from the shared Redis bucket of that endpoint.

Endpoints: https://developers.tiktok.com/doc/oauth-user-access-token-management,
/doc/tiktok-api-v2-get-user-info, /doc/tiktok-api-v2-video-list, /doc/tiktok-api-v2-video-query,
/doc/tiktok-api-v2-error-handling, /doc/oauth-error-handling, /doc/tiktok-api-v2-rate-limit.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import structlog
from django.conf import settings

from analytics.metrics.providers.base import ProviderError, ProviderErrorCode, RetryableProviderError
from analytics.metrics.rate_limit import tiktok_bucket

log = structlog.get_logger(__name__)

TOKEN_PATH = "/v2/oauth/token/"  # noqa: S105 - a URL path, not a secret
REVOKE_PATH = "/v2/oauth/revoke/"
USER_INFO_PATH = "/v2/user/info/"
VIDEO_LIST_PATH = "/v2/video/list/"
VIDEO_QUERY_PATH = "/v2/video/query/"

# TikTok counts its limit over a sliding minute and sends no Retry-After; wait out the window.
RATE_LIMIT_WINDOW_S = 60.0
VIDEO_PAGE_MAX = 20  # max_count per /v2/video/list/ page: the API's maximum
VIDEO_QUERY_MAX_IDS = 20  # ids per /v2/video/query/ call: the API's maximum

# OAuth errors (RFC 6749 names) that are TikTok's trouble, not ours: try again later.
_TRANSIENT_OAUTH_ERRORS = {"server_error", "temporarily_unavailable"}


class RateLimiter(Protocol):
    def acquire(self, *, max_wait_s: float, sleep: Callable[[float], None] = ...) -> None: ...


@dataclass(frozen=True, slots=True)
class TokenGrant:
    open_id: str
    scope: str
    access_token: str
    refresh_token: str
    expires_in_s: int
    refresh_expires_in_s: int


@dataclass(frozen=True, slots=True)
class UserInfo:
    user: dict[str, Any]
    log_id: str


@dataclass(frozen=True, slots=True)
class VideoPage:
    videos: tuple[dict[str, Any], ...]
    cursor: int
    has_more: bool
    log_id: str


def _malformed(what: str, log_id: str) -> ProviderError:
    return ProviderError(
        f"TikTok sent an unexpected response ({what}).", code=ProviderErrorCode.MALFORMED, log_id=log_id
    )


def _str(payload: Mapping[str, Any], key: str, log_id: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise _malformed(f"{key} is not a non-empty string", log_id)
    return value


def _int(payload: Mapping[str, Any], key: str, log_id: str) -> int:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(f"{key} is not an integer", log_id)
    return value


class TikTokClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_key: str,
        client_secret: str,
        timeout_s: float = 10.0,
        max_attempts: int = 3,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 8.0,
        rate_limiter_for: Callable[[str], RateLimiter] | None = None,
        rate_max_wait_s: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.client_key = client_key
        self._client_secret = client_secret
        self._max_attempts = max(1, max_attempts)
        self._backoff_base_s = backoff_base_s
        self._backoff_max_s = backoff_max_s
        self._rate_limiter_for = rate_limiter_for
        self._rate_max_wait_s = rate_max_wait_s
        self._sleep = sleep
        self._jitter = jitter
        self._http = httpx.Client(base_url=base_url, timeout=timeout_s, transport=transport)

    @classmethod
    def from_settings(cls, **overrides: Any) -> TikTokClient:
        client_key = settings.TIKTOK_CLIENT_KEY
        options: dict[str, Any] = {
            "base_url": settings.TIKTOK_API_BASE_URL,
            "client_key": client_key,
            "client_secret": settings.TIKTOK_CLIENT_SECRET,
            "timeout_s": settings.TIKTOK_TIMEOUT_S,
            "max_attempts": settings.TIKTOK_MAX_ATTEMPTS,
            "backoff_base_s": settings.TIKTOK_BACKOFF_BASE_S,
            "backoff_max_s": settings.TIKTOK_BACKOFF_MAX_S,
            "rate_limiter_for": lambda endpoint: tiktok_bucket(endpoint=endpoint, client_key=client_key),
            "rate_max_wait_s": settings.TIKTOK_RATE_MAX_WAIT_S,
        }
        options.update(overrides)
        return cls(**options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TikTokClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- OAuth ---------------------------------------------------------------------------------

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenGrant:
        payload, log_id = self._oauth(
            TOKEN_PATH,
            {
                "client_key": self.client_key,
                "client_secret": self._client_secret,
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            },
            is_idempotent=False,
        )
        return self._grant(payload, log_id)

    def refresh(self, *, refresh_token: str) -> TokenGrant:
        payload, log_id = self._oauth(
            TOKEN_PATH,
            {
                "client_key": self.client_key,
                "client_secret": self._client_secret,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            is_idempotent=False,
        )
        return self._grant(payload, log_id)

    def revoke(self, *, access_token: str) -> None:
        self._oauth(
            REVOKE_PATH,
            {"client_key": self.client_key, "client_secret": self._client_secret, "token": access_token},
            allow_empty=True,
        )

    # --- Display API ---------------------------------------------------------------------------

    def user_info(self, *, access_token: str, fields: tuple[str, ...]) -> UserInfo:
        response = self._send("GET", USER_INFO_PATH, access_token=access_token, params={"fields": ",".join(fields)})
        data, log_id = self._envelope(response)
        user = data.get("user")
        if not isinstance(user, dict):
            raise _malformed("data.user is not an object", log_id)
        return UserInfo(user=user, log_id=log_id)

    def list_videos(
        self, *, access_token: str, fields: tuple[str, ...], cursor: int | None = None, max_count: int = VIDEO_PAGE_MAX
    ) -> VideoPage:
        body: dict[str, Any] = {"max_count": min(max_count, VIDEO_PAGE_MAX)}
        if cursor is not None:
            body["cursor"] = cursor
        response = self._send(
            "POST", VIDEO_LIST_PATH, access_token=access_token, params={"fields": ",".join(fields)}, json_body=body
        )
        data, log_id = self._envelope(response)
        videos = data.get("videos", [])
        if not isinstance(videos, list) or not all(isinstance(video, dict) for video in videos):
            raise _malformed("data.videos is not a list of objects", log_id)
        has_more = data.get("has_more")
        if not isinstance(has_more, bool):
            raise _malformed("data.has_more is not a boolean", log_id)
        return VideoPage(videos=tuple(videos), cursor=_int(data, "cursor", log_id), has_more=has_more, log_id=log_id)

    def query_videos(
        self, *, access_token: str, fields: tuple[str, ...], video_ids: list[str]
    ) -> tuple[dict[str, Any], ...]:
        if len(video_ids) > VIDEO_QUERY_MAX_IDS:
            raise ValueError(f"TikTok answers at most {VIDEO_QUERY_MAX_IDS} video ids per query.")
        response = self._send(
            "POST",
            VIDEO_QUERY_PATH,
            access_token=access_token,
            params={"fields": ",".join(fields)},
            json_body={"filters": {"video_ids": video_ids}},
        )
        data, log_id = self._envelope(response)
        videos = data.get("videos", [])
        if not isinstance(videos, list) or not all(isinstance(video, dict) for video in videos):
            raise _malformed("data.videos is not a list of objects", log_id)
        return tuple(videos)

    # --- transport -----------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        access_token: str | None = None,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        is_idempotent: bool = True,
    ) -> httpx.Response:
        """One logical call: rate-limit token, then up to `max_attempts` tries for 5xx and timeouts.
        Returns any response below 500 other than 429; raises for the rest.

        A call that is not idempotent (a code exchange or refresh: codes are single-use and refresh
        tokens rotate) is retried only when the request never reached TikTok (connection refused or
        connect timeout); after a 5xx or a read timeout it may have been processed, and resending
        would only trade the real outcome for `invalid_grant`."""
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        for attempt in range(1, self._max_attempts + 1):
            if self._rate_limiter_for is not None:
                self._rate_limiter_for(path).acquire(max_wait_s=self._rate_max_wait_s, sleep=self._sleep)
            try:
                response = self._http.request(method, path, params=params, json=json_body, data=form, headers=headers)
            except httpx.TransportError as exc:  # timeouts, refused and reset connections
                failure: ProviderError = RetryableProviderError(
                    f"TikTok did not answer ({type(exc).__name__}).", code=ProviderErrorCode.TRANSIENT
                )
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
            else:
                if response.status_code == 429 or self._error_code(response) == "rate_limit_exceeded":
                    raise self._rate_limited(response)
                if response.status_code < 500:
                    return response
                failure = RetryableProviderError(
                    f"TikTok answered HTTP {response.status_code}.",
                    code=ProviderErrorCode.TRANSIENT,
                    log_id=self._log_id(response),
                )
                never_sent = False
            log.warning(
                "tiktok.request_failed", path=path, attempt=attempt, error=failure.message, log_id=failure.log_id
            )
            if not is_idempotent and not never_sent:
                break
            if attempt < self._max_attempts:
                self._sleep(self._backoff_s(attempt))
        raise failure

    def _backoff_s(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in
        [0, min(cap, base * 2^(attempt-1))], so workers retrying together spread out."""
        ceiling = min(self._backoff_max_s, self._backoff_base_s * 2 ** (attempt - 1))
        return self._jitter() * ceiling

    def _rate_limited(self, response: httpx.Response) -> RetryableProviderError:
        retry_after = RATE_LIMIT_WINDOW_S
        header = response.headers.get("Retry-After", "")
        if header.strip().isdigit():
            retry_after = float(header.strip())
        return RetryableProviderError(
            "TikTok's rate limit was exceeded; try again later.",
            code=ProviderErrorCode.RATE_LIMITED,
            log_id=self._log_id(response),
            retry_after=retry_after,
        )

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None

    def _error_code(self, response: httpx.Response) -> str:
        payload = self._json(response)
        if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
            code = payload["error"].get("code")
            return code if isinstance(code, str) else ""
        return ""

    def _log_id(self, response: httpx.Response) -> str:
        payload = self._json(response)
        if isinstance(payload, dict):
            error = payload.get("error")
            for holder in (error if isinstance(error, dict) else {}, payload):
                log_id = holder.get("log_id")
                if isinstance(log_id, str) and log_id:
                    return log_id
        return response.headers.get("x-tt-logid", "")

    def _envelope(self, response: httpx.Response) -> tuple[dict[str, Any], str]:
        """Check the Display API envelope `{"data": {...}, "error": {"code", "message", "log_id"}}`."""
        log_id = self._log_id(response)
        payload = self._json(response)
        if not isinstance(payload, dict) or not isinstance(payload.get("error"), dict):
            raise _malformed("no error object", log_id)
        error = payload["error"]
        code = error.get("code")
        if not isinstance(code, str):
            raise _malformed("error.code is not a string", log_id)
        if code != "ok" or response.status_code >= 400:
            message = error.get("message") if isinstance(error.get("message"), str) else ""
            detail = f"TikTok refused the request: {code}" + (f" ({message})" if message else "")
            if code == "access_token_invalid":
                raise ProviderError(detail, code=ProviderErrorCode.AUTH_EXPIRED, log_id=log_id)
            raise ProviderError(detail, code=ProviderErrorCode.REJECTED, log_id=log_id)
        data = payload.get("data")
        if not isinstance(data, dict):
            raise _malformed("data is not an object", log_id)
        return data, log_id

    def _oauth(
        self, path: str, form: dict[str, str], *, allow_empty: bool = False, is_idempotent: bool = True
    ) -> tuple[dict[str, Any], str]:
        """OAuth endpoints answer flat JSON, with `{"error", "error_description", "log_id"}` on failure."""
        response = self._send("POST", path, form=form, is_idempotent=is_idempotent)
        log_id = self._log_id(response)
        if allow_empty and response.status_code < 400 and not response.content.strip():
            return {}, log_id
        payload = self._json(response)
        if not isinstance(payload, dict):
            raise _malformed("not a JSON object", log_id)
        error = payload.get("error")
        if isinstance(error, dict):  # some OAuth answers use the Display API's envelope
            error = error.get("code") if error.get("code") != "ok" else None
        if error or response.status_code >= 400:
            name = error if isinstance(error, str) else f"HTTP {response.status_code}"
            description = payload.get("error_description")
            detail = f"TikTok refused the authorization: {name}" + (
                f" ({description})" if isinstance(description, str) and description else ""
            )
            if name in _TRANSIENT_OAUTH_ERRORS:
                raise RetryableProviderError(detail, code=ProviderErrorCode.TRANSIENT, log_id=log_id)
            if name == "invalid_grant":
                raise ProviderError(detail, code=ProviderErrorCode.AUTH_EXPIRED, log_id=log_id)
            raise ProviderError(detail, code=ProviderErrorCode.REJECTED, log_id=log_id)
        return payload, log_id

    @staticmethod
    def _grant(payload: dict[str, Any], log_id: str) -> TokenGrant:
        return TokenGrant(
            open_id=_str(payload, "open_id", log_id),
            scope=_str(payload, "scope", log_id),
            access_token=_str(payload, "access_token", log_id),
            refresh_token=_str(payload, "refresh_token", log_id),
            expires_in_s=_int(payload, "expires_in", log_id),
            refresh_expires_in_s=_int(payload, "refresh_expires_in", log_id),
        )
