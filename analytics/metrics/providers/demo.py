"""Deterministic synthetic metrics, for `make run`, the demo and benchmarks.

Every figure is a pure function of the creator's handle and the capture time, so a pull repeated for
the same capture slot returns the same numbers (which is what makes a re-delivered task a no-op), and
successive slots tell a coherent story: followers grow at the creator's own rate, a new video appears
every few days, and a video's views climb towards a ceiling along a saturating curve.

Distributions (seeded per handle): daily follower growth 0-0.6 %, a video every 2-7 days, a view
ceiling of 20 %-250 % of followers per video, interactions at 3-15 % of views. About 3 % of creators
carry a planted anomaly: a follower spike (bought followers), comments far below likes (engagement
pods), or views tiny next to followers.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings

from analytics.metrics.providers.base import CreatorMetrics, CreatorRef, ProfileSnapshot, VideoSnapshot
from creators.models import Creator, FollowerSnapshot

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # the demo world's first day
_HASHTAGS = ("fyp", "tutorial", "routine", "review", "haul", "recipe", "workout", "vlog", "tips", "grwm")


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - reproducible data, not secrets


class _Persona:
    """The creator's seeded traits."""

    def __init__(self, handle: str) -> None:
        rng = _rng("persona", handle)
        self.base_followers = int(10 ** rng.uniform(3, 6.3))
        self.daily_growth = rng.uniform(0.0, 0.006)
        self.cadence_days = rng.uniform(2, 7)
        self.reach = rng.uniform(0.2, 2.5)
        self.interaction_rate = rng.uniform(0.03, 0.15)
        self.comment_share = rng.uniform(0.02, 0.08)
        self.anomaly = rng.choices(["", "follower_spike", "comments_tiny", "views_tiny"], [97, 1, 1, 1])[0]
        self.spike_day = rng.randint(30, 200)
        self.paid_every = rng.randint(4, 12)  # every n-th video is a paid partnership


def _anchor(creator_id: int, persona: _Persona, at: datetime) -> tuple[datetime, int]:
    """Where the creator's follower curve starts: its earliest snapshot from before the slot's day (the
    seed's, an import's or an earlier pull's), which this pull never writes, so a repeated pull of the
    same slot gets the same count. Without one, the curve starts flat at the stored count."""
    first = (
        FollowerSnapshot.objects.filter(creator_id=creator_id, captured_on__lt=at.date())
        .order_by("captured_on")
        .first()
    )
    if first is not None:
        return datetime.combine(first.captured_on, datetime.min.time(), tzinfo=UTC), first.follower_count
    stored = Creator.objects.filter(pk=creator_id).values_list("follower_count", flat=True).first()
    return at, stored or persona.base_followers


class DemoProvider:
    name = "demo"

    def __init__(self, latency_s: float | None = None) -> None:
        # A real API answers in hundreds of milliseconds; the demo can pretend to, so a pull takes time
        # on the profile page, and so a worker can be killed in the middle of one (tests/integration).
        self.latency_s = settings.METRICS_DEMO_LATENCY_S if latency_s is None else latency_s

    def fetch(self, *, creator: CreatorRef, max_videos: int, at: datetime | None = None) -> CreatorMetrics:
        if self.latency_s:
            time.sleep(self.latency_s)
        at = (at or datetime.now(UTC)).astimezone(UTC)
        persona = _Persona(creator.handle)
        followers = self._followers(persona, _anchor(creator.creator_id, persona, at), at)
        videos = self._videos(creator, persona, at, followers, max_videos)
        # Only followers move: the stored likes, following and video counts (from the import or the
        # seed) are kept as they are, so a demo creator's header stays believable.
        profile = ProfileSnapshot(captured_at=at, follower_count=followers)
        return CreatorMetrics(profile=profile, videos=tuple(videos))

    @staticmethod
    def _followers(persona: _Persona, anchor: tuple[datetime, int], at: datetime) -> int:
        since, base = anchor
        days = max((at - since).total_seconds() / 86400, 0)
        count = base * math.exp(persona.daily_growth * days)
        if persona.anomaly == "follower_spike" and days >= persona.spike_day % 60 + 7:
            count *= 1.8  # an overnight jump no organic growth explains
        return int(count)

    @staticmethod
    def _videos_posted(persona: _Persona, at: datetime) -> int:
        return int(max((at - EPOCH).total_seconds() / 86400, 0) / persona.cadence_days)

    def _videos(
        self, creator: CreatorRef, persona: _Persona, at: datetime, followers: int, max_videos: int
    ) -> list[VideoSnapshot]:
        posted = self._videos_posted(persona, at)
        videos = []
        for number in range(posted, max(posted - max_videos, 0), -1):
            posted_at = EPOCH + timedelta(days=number * persona.cadence_days)
            rng = _rng("video", creator.handle, number)
            age_days = (at - posted_at).total_seconds() / 86400
            ceiling = followers * persona.reach * rng.uniform(0.3, 1.7)
            if persona.anomaly == "views_tiny":
                ceiling = followers * 0.002
            views = int(ceiling * (1 - math.exp(-age_days / 1.5)))
            interactions = views * persona.interaction_rate * rng.uniform(0.7, 1.3)
            comments_share = 0.0005 if persona.anomaly == "comments_tiny" else persona.comment_share
            is_paid = number % persona.paid_every == 0
            tags = tuple(sorted({rng.choice(_HASHTAGS), rng.choice(_HASHTAGS)} | ({"ad"} if is_paid else set())))
            videos.append(
                VideoSnapshot(
                    platform_video_id=f"demo-{creator.creator_id}-{number}",
                    captured_at=at,
                    views=views,
                    likes=int(interactions * 0.8),
                    comments=int(interactions * comments_share),
                    shares=int(interactions * 0.06),
                    saves=int(interactions * 0.09),
                    posted_at=posted_at,
                    caption=f"Video {number} " + " ".join(f"#{tag}" for tag in tags),
                    hashtags=tags,
                    duration_s=rng.randint(7, 180),
                    share_url=f"https://www.tiktok.com/@{creator.handle}/video/{number}",
                    is_paid_partnership=is_paid,
                    completion_rate=Decimal(f"{rng.uniform(0.15, 0.7):.4f}"),
                )
            )
        return videos
