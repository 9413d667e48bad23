"""The TikTok Display API as a `MetricsProvider`, for creators who connected their account.

A pull: load the creator's connection, refresh the access token if it expires within
TIKTOK_REFRESH_MARGIN_S, read /v2/user/info/, page /v2/video/list/ by cursor until `max_videos`,
and map both to snapshots. If TikTok says the access token is invalid, refresh once and pull again.
The snapshots are not stored here; only the tokens and the pull's outcome on the connection are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from analytics.metrics.oauth import (
    access_token_expires_soon,
    active_tiktok_connection,
    record_sync_result,
    refresh_access_token,
)
from analytics.metrics.providers.base import (
    CreatorMetrics,
    CreatorRef,
    ProfileSnapshot,
    ProviderError,
    ProviderErrorCode,
    VideoSnapshot,
)
from analytics.metrics.providers.tiktok_client import VIDEO_PAGE_MAX, TikTokClient
from analytics.models import TikTokConnection

# The fields each snapshot needs (scopes user.info.basic, user.info.profile, user.info.stats, video.list).
USER_FIELDS = (
    "open_id",
    "avatar_url",
    "display_name",
    "bio_description",
    "is_verified",
    "follower_count",
    "following_count",
    "likes_count",
    "video_count",
)
VIDEO_FIELDS = (
    "id",
    "create_time",
    "title",
    "video_description",
    "duration",
    "share_url",
    "view_count",
    "like_count",
    "comment_count",
    "share_count",
)

# A hashtag is "#" then word characters (any script), not preceded by a word character ("a#b" is not one).
_HASHTAG = re.compile(r"(?<!\w)#(\w+)")
_HASHTAG_MAX_LENGTH = 100  # Creator.hashtags holds at most 100 characters per tag


def hashtags_in(*texts: str) -> tuple[str, ...]:
    """Hashtags in order of first appearance, lower-cased, without "#", each once."""
    seen: dict[str, None] = {}
    for text in texts:
        for tag in _HASHTAG.findall(text):
            if len(tag) <= _HASHTAG_MAX_LENGTH:
                seen.setdefault(tag.lower(), None)
    return tuple(seen)


def _malformed(what: str, log_id: str) -> ProviderError:
    return ProviderError(
        f"TikTok sent an unexpected response ({what}).", code=ProviderErrorCode.MALFORMED, log_id=log_id
    )


def _count(raw: Mapping[str, Any], key: str, log_id: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _malformed(f"{key} is not a count", log_id)
    return value


def _optional_count(raw: Mapping[str, Any], key: str, log_id: str) -> int | None:
    return None if raw.get(key) is None else _count(raw, key, log_id)


def _text(raw: Mapping[str, Any], key: str, log_id: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _malformed(f"{key} is not text", log_id)
    return value


def profile_snapshot(raw: Mapping[str, Any], *, captured_at: dt.datetime, log_id: str = "") -> ProfileSnapshot:
    is_verified = raw.get("is_verified")
    if is_verified is not None and not isinstance(is_verified, bool):
        raise _malformed("is_verified is not a boolean", log_id)
    return ProfileSnapshot(
        captured_at=captured_at,
        follower_count=_count(raw, "follower_count", log_id),
        following_count=_optional_count(raw, "following_count", log_id),
        likes_count=_optional_count(raw, "likes_count", log_id),
        video_count=_optional_count(raw, "video_count", log_id),
        display_name=_text(raw, "display_name", log_id) or None,
        bio=_text(raw, "bio_description", log_id) or None,
        avatar_url=_text(raw, "avatar_url", log_id) or None,
        is_verified=is_verified,
    )


def video_snapshot(raw: Mapping[str, Any], *, captured_at: dt.datetime, log_id: str = "") -> VideoSnapshot:
    video_id = raw.get("id")
    if not isinstance(video_id, str) or not video_id:
        raise _malformed("a video has no id", log_id)
    create_time = _optional_count(raw, "create_time", log_id)
    title = _text(raw, "title", log_id)
    description = _text(raw, "video_description", log_id)
    return VideoSnapshot(
        platform_video_id=video_id,
        captured_at=captured_at,
        views=_count(raw, "view_count", log_id),
        likes=_count(raw, "like_count", log_id),
        comments=_count(raw, "comment_count", log_id),
        shares=_count(raw, "share_count", log_id),
        posted_at=dt.datetime.fromtimestamp(create_time, tz=dt.UTC) if create_time is not None else None,
        caption=description or title,
        hashtags=hashtags_in(title, description),
        duration_s=_optional_count(raw, "duration", log_id),
        share_url=_text(raw, "share_url", log_id),
    )


class TikTokProvider:
    name = "tiktok"

    def __init__(
        self,
        *,
        client_factory: Callable[[], TikTokClient] = TikTokClient.from_settings,
        now: Callable[[], dt.datetime] = timezone.now,
    ) -> None:
        self._client_factory = client_factory
        self._now = now

    def fetch(self, *, creator: CreatorRef, max_videos: int, at: dt.datetime | None = None) -> CreatorMetrics:
        """`at` is ignored: the API only reports the present, captured now."""
        connection = active_tiktok_connection(creator_id=creator.creator_id)
        if connection is None:
            raise ProviderError(f"@{creator.handle} has not connected TikTok.", code=ProviderErrorCode.NOT_CONNECTED)
        with self._client_factory() as client:
            try:
                metrics = self._fetch(connection=connection, client=client, max_videos=max_videos)
            except ProviderError as exc:
                record_sync_result(connection_id=connection.pk, error=exc)
                raise
        record_sync_result(connection_id=connection.pk, error=None)
        return metrics

    def _fetch(self, *, connection: TikTokConnection, client: TikTokClient, max_videos: int) -> CreatorMetrics:
        if access_token_expires_soon(connection=connection, now=self._now()):
            connection = refresh_access_token(connection=connection, client=client)
        try:
            return self._pull(client=client, access_token=connection.access_token, max_videos=max_videos)
        except ProviderError as exc:
            if exc.code != ProviderErrorCode.AUTH_EXPIRED:
                raise
        # The token was revoked or expired early: refresh once and pull again; a second refusal stands.
        connection = refresh_access_token(
            connection=connection, client=client, rejected_access_token=connection.access_token
        )
        return self._pull(client=client, access_token=connection.access_token, max_videos=max_videos)

    def _pull(self, *, client: TikTokClient, access_token: str, max_videos: int) -> CreatorMetrics:
        captured_at = self._now().astimezone(dt.UTC)
        info = client.user_info(access_token=access_token, fields=USER_FIELDS)
        profile = profile_snapshot(info.user, captured_at=captured_at, log_id=info.log_id)
        videos: dict[str, VideoSnapshot] = {}
        cursor: int | None = None
        while len(videos) < max_videos:
            page = client.list_videos(
                access_token=access_token,
                fields=VIDEO_FIELDS,
                cursor=cursor,
                max_count=min(VIDEO_PAGE_MAX, max_videos - len(videos)),
            )
            for raw in page.videos:
                video = video_snapshot(raw, captured_at=captured_at, log_id=page.log_id)
                videos.setdefault(video.platform_video_id, video)
                if len(videos) == max_videos:
                    break
            # TikTok may return fewer than max_count even with has_more; an empty page or a cursor
            # that does not move would loop forever, so either ends the pull.
            if not page.has_more or not page.videos or page.cursor == cursor:
                break
            cursor = page.cursor
        return CreatorMetrics(profile=profile, videos=tuple(videos.values()))
