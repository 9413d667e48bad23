"""A local stand-in for TikTok's API v2, served over real HTTP on 127.0.0.1 (pytest-socket allows
loopback), so the client's transport, retries, timeouts and rate limiting are exercised for real.

It reproduces the documented shapes (developers.tiktok.com: oauth-user-access-token-management,
oauth-error-handling, tiktok-api-v2-get-user-info, -video-list, -video-query, -error-handling):

* POST /v2/oauth/token/ (form): `authorization_code` (checks client key/secret, code, redirect_uri and
  the PKCE verifier against the challenge sent to the consent page) and `refresh_token` (rotates the
  refresh token); OAuth errors as `{"error", "error_description", "log_id"}`;
* POST /v2/oauth/revoke/ (form): forgets the token, answers an empty 200;
* GET /v2/user/info/?fields=...: Bearer token, only the requested fields, under `data.user`;
* POST /v2/video/list/?fields=... `{"cursor", "max_count"}`: newest first, `data.videos/cursor/has_more`,
  the cursor being the last video's create_time in milliseconds;
* POST /v2/video/query/?fields=... `{"filters": {"video_ids": [...]}}`;
* Display API errors as `{"data": {}, "error": {"code", "message", "log_id"}}`, and every answer carries
  an `x-tt-logid` header.

Faults are scripted per path and consumed in order (`script`, or the helpers `rate_limit_burst`,
`server_errors`, `slow`, `malformed`, `token_invalid`, `reject`). Every request is recorded, with the time
it arrived and the log_id it was answered with, so tests count hits instead of trusting the client.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN_PATH = "/v2/oauth/token/"
REVOKE_PATH = "/v2/oauth/revoke/"
USER_INFO_PATH = "/v2/user/info/"
VIDEO_LIST_PATH = "/v2/video/list/"
VIDEO_QUERY_PATH = "/v2/video/query/"

USER_FIELDS = {
    "open_id",
    "union_id",
    "avatar_url",
    "avatar_url_100",
    "avatar_large_url",
    "display_name",
    "bio_description",
    "profile_deep_link",
    "is_verified",
    "username",
    "follower_count",
    "following_count",
    "likes_count",
    "video_count",
}
STATS_FIELDS = {"follower_count", "following_count", "likes_count", "video_count"}
VIDEO_OBJECT_FIELDS = {
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
}
ACCESS_TTL_S = 24 * 60 * 60  # documented: 24 hours
REFRESH_TTL_S = 365 * 24 * 60 * 60  # documented: 365 days
VIDEO_PAGE_MAX = 20


@dataclass
class Fault:
    """One scripted answer. `delay_s` alone (no status) delays the normal answer."""

    status: int | None = None
    body: Any = None  # dict/list -> JSON; str/bytes -> sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, str]
    json: Any
    arrived_at: float  # time.monotonic()
    status: int = 0
    log_id: str = ""


@dataclass
class FakeUser:
    open_id: str
    profile: dict[str, Any]
    videos: list[dict[str, Any]]  # newest first


@dataclass
class _Grant:
    open_id: str
    scope: str
    expires_at: float  # time.time()


class FakeTikTok:
    def __init__(self) -> None:
        self.client_key = "fake-key-" + secrets.token_hex(6)  # unique per test: isolates Redis buckets
        self.client_secret = secrets.token_urlsafe(24)
        self.users: dict[str, FakeUser] = {}
        self.requests: list[RecordedRequest] = []
        self.revoked_tokens: list[str] = []
        self._codes: dict[str, dict[str, str]] = {}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._log_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeTikTok:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-tiktok", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- world ----------------------------------------------------------------------------------

    def add_user(self, *, video_count: int = 0, **profile: Any) -> FakeUser:
        open_id = profile.pop("open_id", None) or "open-" + secrets.token_hex(8)
        base = {
            "open_id": open_id,
            "union_id": "union-" + secrets.token_hex(6),
            "avatar_url": f"https://p16.tiktokcdn.example/{open_id}.jpeg",
            "display_name": "Fake Creator",
            "bio_description": "Skincare on a budget #skincare",
            "profile_deep_link": f"https://vm.tiktok.example/{open_id}",
            "is_verified": False,
            "username": "fakecreator",
            "follower_count": 48_210,
            "following_count": 312,
            "likes_count": 1_204_554,
            "video_count": video_count,
        }
        base.update(profile)
        newest = int(time.time()) - 3600
        videos = [
            {
                "id": str(7_300_000_000_000_000_000 + index),
                "create_time": newest - index * 86_400,  # one a day, newest first
                "title": f"Routine day {index} #SkinCare #budget",
                "video_description": f"Routine day {index} #SkinCare #budget #GRWM",
                "duration": 15 + index % 45,
                "share_url": f"https://www.tiktok.com/@fakecreator/video/{7_300_000_000_000_000_000 + index}",
                "cover_image_url": "https://p16.tiktokcdn.example/cover.jpeg",
                "embed_link": "https://www.tiktok.com/embed/v2/1",
                "embed_html": "<blockquote></blockquote>",
                "height": 1920,
                "width": 1080,
                "view_count": 10_000 + index * 37,
                "like_count": 900 + index * 3,
                "comment_count": 40 + index,
                "share_count": 12 + index % 7,
            }
            for index in range(video_count)
        ]
        user = FakeUser(open_id=open_id, profile=base, videos=videos)
        self.users[open_id] = user
        return user

    def consent(self, authorize_url: str, *, open_id: str, granted: list[str] | None = None) -> str:
        """What TikTok's consent page does when the user agrees: check the request the app built and
        return the code it would append to the redirect URI. `granted` is the scopes the user left
        ticked (all requested ones by default)."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
        if query.get("client_key") != self.client_key:
            raise AssertionError("consent page: unknown client_key")
        if query.get("response_type") != "code":
            raise AssertionError("consent page: response_type must be code")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            raise AssertionError("consent page: PKCE S256 challenge required")
        for name in ("redirect_uri", "state", "scope"):
            if not query.get(name):
                raise AssertionError(f"consent page: {name} missing")
        code = "code-" + secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = {
                "open_id": open_id,
                "challenge": query["code_challenge"],
                "redirect_uri": query["redirect_uri"],
                "scope": ",".join(granted) if granted is not None else query["scope"],
            }
        return code

    def issue_tokens(
        self, open_id: str, *, scope: str = "user.info.basic,user.info.profile,user.info.stats,video.list"
    ) -> tuple[str, str]:
        """Tokens as if the user had connected earlier (for tests that start from a connection)."""
        with self._lock:
            return self._issue(open_id, scope)

    def expire_access_token(self, token: str) -> None:
        with self._lock:
            self._access[token].expires_at = 0

    def is_live(self, token: str) -> bool:
        with self._lock:
            grant = self._access.get(token)
            return grant is not None and grant.expires_at > time.time()

    def live_refresh_tokens(self) -> set[str]:
        with self._lock:
            return set(self._refresh)

    # --- scripted faults ----------------------------------------------------------------------------

    def script(self, path: str, *faults: Fault) -> None:
        with self._lock:
            self._faults[path].extend(faults)

    def rate_limit_burst(self, path: str, *, times: int = 1, retry_after: int | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.script(
            path,
            *[
                Fault(status=429, body=self._api_error("rate_limit_exceeded", "Rate limit exceeded"), headers=headers)
                for _ in range(times)
            ],
        )

    def server_errors(self, path: str, *, times: int = 1, status: int = 500) -> None:
        self.script(
            path,
            *[Fault(status=status, body=self._api_error("internal_error", "Internal error")) for _ in range(times)],
        )

    def token_invalid(self, path: str, *, times: int = 1) -> None:
        self.script(
            path,
            *[
                Fault(status=401, body=self._api_error("access_token_invalid", "Access token is invalid"))
                for _ in range(times)
            ],
        )

    def reject(self, path: str, *, code: str = "invalid_params", status: int = 400) -> None:
        self.script(path, Fault(status=status, body=self._api_error(code, "The request is invalid")))

    def malformed(self, path: str, body: Any, *, status: int = 200) -> None:
        self.script(path, Fault(status=status, body=body))

    def slow(self, path: str, *, delay_s: float, times: int = 1) -> None:
        self.script(path, *[Fault(delay_s=delay_s) for _ in range(times)])

    # --- what happened --------------------------------------------------------------------------------

    def hits(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    # --- internals --------------------------------------------------------------------------------------

    def _next_log_id(self) -> str:
        return time.strftime("%Y%m%d%H%M%S") + f"FAKE{next(self._log_ids):08d}"

    @staticmethod
    def _api_error(code: str, message: str) -> dict[str, Any]:
        return {"data": {}, "error": {"code": code, "message": message, "log_id": ""}}

    def _issue(self, open_id: str, scope: str) -> tuple[str, str]:
        access = "act." + secrets.token_urlsafe(24)
        refresh = "rft." + secrets.token_urlsafe(24)
        now = time.time()
        self._access[access] = _Grant(open_id=open_id, scope=scope, expires_at=now + ACCESS_TTL_S)
        self._refresh[refresh] = _Grant(open_id=open_id, scope=scope, expires_at=now + REFRESH_TTL_S)
        return access, refresh

    def _token_response(self, open_id: str, scope: str) -> dict[str, Any]:
        access, refresh = self._issue(open_id, scope)
        return {
            "access_token": access,
            "expires_in": ACCESS_TTL_S,
            "open_id": open_id,
            "refresh_expires_in": REFRESH_TTL_S,
            "refresh_token": refresh,
            "scope": scope,
            "token_type": "Bearer",
        }

    def handle(self, request: RecordedRequest) -> tuple[int, Any, dict[str, str], float]:
        """Returns (status, body, headers, delay_s) for one request; runs under the lock."""
        faults = self._faults.get(request.path)
        delay_s = 0.0
        if faults:
            fault = faults.popleft()
            delay_s = fault.delay_s
            if fault.status is not None:
                return fault.status, fault.body, fault.headers, delay_s
        if request.path == TOKEN_PATH and request.method == "POST":
            return (*self._token(request), {}, delay_s)
        if request.path == REVOKE_PATH and request.method == "POST":
            return (*self._revoke(request), {}, delay_s)
        if request.path in (USER_INFO_PATH, VIDEO_LIST_PATH, VIDEO_QUERY_PATH):
            expected_method = "GET" if request.path == USER_INFO_PATH else "POST"
            if request.method != expected_method:
                return 405, self._api_error("invalid_params", "Method not allowed"), {}, delay_s
            return (*self._display(request), {}, delay_s)
        return 404, self._api_error("invalid_params", "Unknown path"), {}, delay_s

    def _oauth_error(self, error: str, description: str, status: int = 400) -> tuple[int, Any]:
        return status, {"error": error, "error_description": description, "log_id": ""}

    def _client_ok(self, form: dict[str, str]) -> bool:
        return form.get("client_key") == self.client_key and form.get("client_secret") == self.client_secret

    def _token(self, request: RecordedRequest) -> tuple[int, Any]:
        form = request.form
        if not self._client_ok(form):
            return self._oauth_error("invalid_client", "Client key or secret is incorrect.", 401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            issued = self._codes.pop(form.get("code", ""), None)
            if issued is None:
                return self._oauth_error("invalid_grant", "Authorization code is expired or was used.")
            if form.get("redirect_uri") != issued["redirect_uri"]:
                return self._oauth_error("invalid_grant", "redirect_uri does not match the authorization request.")
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).decode().rstrip("=") != issued["challenge"]:
                return self._oauth_error("invalid_request", "Code verifier or code challenge is invalid.")
            return 200, self._token_response(issued["open_id"], issued["scope"])
        if grant_type == "refresh_token":
            grant = self._refresh.pop(form.get("refresh_token", ""), None)  # rotated: the old one dies
            if grant is None or grant.expires_at <= time.time():
                return self._oauth_error("invalid_grant", "Refresh token is invalid or expired.")
            return 200, self._token_response(grant.open_id, grant.scope)
        return self._oauth_error("unsupported_grant_type", "Unsupported grant type.")

    def _revoke(self, request: RecordedRequest) -> tuple[int, Any]:
        if not self._client_ok(request.form):
            return self._oauth_error("invalid_client", "Client key or secret is incorrect.", 401)
        token = request.form.get("token", "")
        grant = self._access.pop(token, None)
        if grant is None:
            return self._oauth_error("invalid_request", "Token is invalid.")
        self.revoked_tokens.append(token)
        # Revoking ends the user's authorization of the app: its refresh tokens die too.
        for refresh, refresh_grant in list(self._refresh.items()):
            if refresh_grant.open_id == grant.open_id:
                del self._refresh[refresh]
        return 200, b""

    def _display(self, request: RecordedRequest) -> tuple[int, Any]:
        authorization = request.headers.get("authorization", "")
        grant = self._access.get(authorization.removeprefix("Bearer ").strip())
        if not authorization.startswith("Bearer ") or grant is None or grant.expires_at <= time.time():
            return 401, self._api_error("access_token_invalid", "The access token is invalid or not found.")
        fields = [name for name in request.query.get("fields", [""])[0].split(",") if name]
        if not fields:
            return 400, self._api_error("invalid_params", "fields is required")
        known = USER_FIELDS if request.path == USER_INFO_PATH else VIDEO_OBJECT_FIELDS
        if unknown := [name for name in fields if name not in known]:
            return 400, self._api_error("invalid_params", f"Unknown fields: {','.join(unknown)}")
        scopes = set(grant.scope.split(","))
        if request.path == USER_INFO_PATH and STATS_FIELDS & set(fields) and "user.info.stats" not in scopes:
            return 401, self._api_error("scope_not_authorized", "user.info.stats is not authorized")
        if request.path != USER_INFO_PATH and "video.list" not in scopes:
            return 401, self._api_error("scope_not_authorized", "video.list is not authorized")
        user = self.users[grant.open_id]
        ok = {"code": "ok", "message": "", "log_id": ""}
        if request.path == USER_INFO_PATH:
            return 200, {"data": {"user": {name: user.profile[name] for name in fields}}, "error": ok}
        body = request.json if isinstance(request.json, dict) else {}
        if request.path == VIDEO_QUERY_PATH:
            ids = (body.get("filters") or {}).get("video_ids") or []
            if not isinstance(ids, list) or not 0 < len(ids) <= VIDEO_PAGE_MAX:
                return 400, self._api_error("invalid_params", "filters.video_ids must hold 1 to 20 ids")
            videos = [video for video in user.videos if video["id"] in ids]
            return 200, {"data": {"videos": [{n: v[n] for n in fields} for v in videos]}, "error": ok}
        max_count = body.get("max_count", 10)
        if not isinstance(max_count, int) or not 0 < max_count <= VIDEO_PAGE_MAX:
            return 400, self._api_error("invalid_params", "max_count must be 1 to 20")
        cursor = body.get("cursor")
        older = [video for video in user.videos if cursor is None or video["create_time"] * 1000 < cursor]
        page = older[:max_count]
        next_cursor = page[-1]["create_time"] * 1000 if page else (cursor or 0)
        data = {
            "videos": [{name: video[name] for name in fields} for video in page],
            "cursor": next_cursor,
            "has_more": len(older) > len(page),
        }
        return 200, {"data": data, "error": ok}


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeTikTok
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        fake = self.server_fake
        arrived_at = time.monotonic()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        form: dict[str, str] = {}
        body_json: Any = None
        if "application/x-www-form-urlencoded" in content_type:
            form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        elif "application/json" in content_type and raw:
            try:
                body_json = json.loads(raw)
            except json.JSONDecodeError:
                body_json = None
        request = RecordedRequest(
            method=method,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={key.lower(): value for key, value in self.headers.items()},
            form=form,
            json=body_json,
            arrived_at=arrived_at,
        )
        with fake._lock:
            status, body, headers, delay_s = fake.handle(request)
            log_id = fake._next_log_id()
            request.status, request.log_id = status, log_id
            fake.requests.append(request)
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict) and "log_id" in error:
                body = {**body, "error": {**error, "log_id": log_id}}
            elif "log_id" in body:
                body = {**body, "log_id": log_id}
        if delay_s:
            time.sleep(delay_s)
        payload = json.dumps(body).encode() if isinstance(body, dict | list) else body
        if isinstance(payload, str):
            payload = payload.encode()
        payload = payload or b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-tt-logid", log_id)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and went away
            pass
