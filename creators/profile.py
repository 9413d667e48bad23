"""Reads behind the creator profile page (`creators.profile_views`): the creator's public numbers
against its follower tier, follower growth and views-per-video charts, the recent videos with their
latest stats, the audience charts, lookalikes, and this workspace's notes, tags, relationship and
shortlists around them, gathered in one `CreatorProfile` in a constant number of queries."""

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Workspace
from creators.models import (
    AudienceProfile,
    Creator,
    CreatorList,
    CreatorNote,
    FollowerSnapshot,
    Relationship,
    Tag,
    Video,
    VideoStats,
)
from creators.selectors import TierComparison, compare_with_tier, similar_creators, tier_bounds
from creators.workspace.selectors import (
    PROFILE_NOTES,
    TAG_SUGGESTIONS,
    creator_lists_for_creator,
    notes_for_creator,
    relationship_for,
    tags_for_creator,
)

FOLLOWER_GROWTH_DAYS = 90
RECENT_VIDEOS = 24  # the views-per-video chart; the table shows the first RECENT_VIDEOS_IN_TABLE
RECENT_VIDEOS_IN_TABLE = 12
AUDIENCE_TOP_ENTRIES = 8


# --- The profile page ---------------------------------------------------------------------------


class _Chart:
    """Labels and values as JSON, for `<canvas data-chart data-labels=… data-values=…>` (static/js/app.js)."""

    labels: list[str]
    values: list[float]

    @property
    def labels_json(self) -> str:
        return json.dumps(self.labels)

    @property
    def values_json(self) -> str:
        return json.dumps(self.values)


@dataclass(frozen=True)
class ChartSeries(_Chart):
    labels: list[str]
    values: list[float]

    def __bool__(self) -> bool:
        return len(self.values) > 1  # one point is not a trend


@dataclass(frozen=True)
class RecentVideo:
    video: Video
    stats: VideoStats | None

    @property
    def engagement_rate(self) -> float | None:
        """Interactions (likes + comments + shares) over views, the same definition as Creator.engagement_rate."""
        if self.stats is None or not self.stats.views:
            return None
        return (self.stats.likes + self.stats.comments + self.stats.shares) / self.stats.views

    @property
    def engagement_percent(self) -> float | None:
        rate = self.engagement_rate
        return None if rate is None else rate * 100


@dataclass(frozen=True)
class ShareChart(_Chart):
    labels: list[str]
    values: list[float]
    unknown: float  # what the shares leave out (they sum to at most 100)


@dataclass
class CreatorProfile:
    creator: Creator
    engagement: TierComparison
    follower_growth: ChartSeries
    views_per_video: ChartSeries
    recent_videos: list[RecentVideo]
    median_views: int | None
    audience: dict[str, ShareChart]
    notes: list[CreatorNote]
    note_count: int
    tags: list[Tag]
    tag_suggestions: list[str]
    relationship: Relationship | None
    lists: list[CreatorList]
    similar: list[Creator]
    past_collaborations: list[Any] = field(default_factory=list)  # the campaigns app does not exist yet

    @property
    def tier_label(self) -> str:
        return self.engagement.tier_label

    @property
    def tier_range(self) -> str:
        if self.engagement.tier not in tier_bounds():
            return "follower count unknown"
        low, high = tier_bounds()[self.engagement.tier]
        return f"{_compact(low)}+ followers" if high is None else f"{_compact(low)} to {_compact(high)} followers"

    @property
    def followers_display(self) -> str:
        return compact_count(self.creator.follower_count)

    @property
    def likes_display(self) -> str:
        return compact_count(self.creator.likes_count)

    @property
    def median_views_display(self) -> str:
        return "" if self.median_views is None else compact_count(self.median_views)

    @property
    def growth_percent(self) -> float | None:
        growth = self.creator.growth_30d
        return None if growth is None else float(growth) * 100

    @property
    def lists_with_creator(self) -> list[CreatorList]:
        return [creator_list for creator_list in self.lists if creator_list.has_creator]  # type: ignore[attr-defined]

    @property
    def lists_without_creator(self) -> list[CreatorList]:
        return [creator_list for creator_list in self.lists if not creator_list.has_creator]  # type: ignore[attr-defined]


def _compact(count: int) -> str:
    """Tier bounds as people say them: 10k, 100k, 1M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size:
            return f"{count / size:g}{suffix}"
    return str(count)


def compact_count(count: int | None) -> str:
    """A count short enough for a stat tile: 950, 12.3K, 47.3M (one decimal below 100 of the unit); "—"
    for an unknown count."""
    if count is None:
        return "—"
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if count >= size:
            value = count / size
            return f"{value:.1f}".rstrip("0").rstrip(".") + suffix if value < 100 else f"{value:.0f}{suffix}"
    return str(count)


def creators_for_profile() -> QuerySet[Creator]:
    """The queryset the profile page looks its creator up in: audience and score in the same query."""
    return Creator.objects.select_related("audience", "latest_score")


def _day_label(day: date) -> str:
    return f"{day:%b} {day.day}"  # "Oct 7": short enough for a chart axis


def follower_growth(*, creator: Creator, days: int = FOLLOWER_GROWTH_DAYS) -> ChartSeries:
    since = timezone.now().date() - timedelta(days=days)
    points = FollowerSnapshot.objects.filter(creator=creator, captured_on__gte=since).order_by("captured_on")
    rows = list(points.values_list("captured_on", "follower_count"))
    return ChartSeries(labels=[_day_label(day) for day, _ in rows], values=[float(count) for _, count in rows])


def recent_videos_with_latest_stats(*, creator: Creator, limit: int = RECENT_VIDEOS) -> list[RecentVideo]:
    """The newest videos, each with its latest stats snapshot, in two queries (DISTINCT ON per video)."""
    latest = VideoStats.objects.order_by("video_id", "-captured_at").distinct("video_id")
    videos = (
        Video.objects.filter(creator=creator)
        .order_by(F("posted_at").desc(nulls_last=True), "-pk")
        .prefetch_related(Prefetch("stats", queryset=latest, to_attr="latest_stats"))[:limit]
    )
    return [RecentVideo(video=video, stats=next(iter(video.latest_stats), None)) for video in videos]  # type: ignore[attr-defined]


def _share_chart(shares: dict[str, Any], *, top: int | None = None, sort: bool = True) -> ShareChart:
    numeric = [(str(label), float(value)) for label, value in shares.items() if isinstance(value, int | float)]
    if sort:
        numeric.sort(key=lambda item: (-item[1], item[0]))
    shown = numeric[:top] if top else numeric
    other = sum(value for _, value in numeric[len(shown) :])
    labels = [label for label, _ in shown] + (["Other"] if other > 0 else [])
    values = [value for _, value in shown] + ([round(other, 2)] if other > 0 else [])
    return ShareChart(labels=labels, values=values, unknown=round(max(0.0, 100 - sum(values)), 2))


def _age_order(item: tuple[str, Any]) -> tuple[int, str]:
    digits = re.match(r"\D*(\d+)", item[0])
    return (int(digits.group(1)) if digits else 1_000, item[0])


def audience_charts(*, audience: AudienceProfile | None) -> dict[str, ShareChart]:
    if audience is None:
        return {}
    charts = {
        # Age buckets read youngest first; JSONB does not keep key order ("45+" comes back before "13-17").
        "age_buckets": _share_chart(dict(sorted(audience.age_buckets.items(), key=_age_order)), sort=False),
        "genders": _share_chart(audience.genders),
        "countries": _share_chart(audience.countries, top=AUDIENCE_TOP_ENTRIES),
    }
    return {name: chart for name, chart in charts.items() if chart.values}


def creator_profile(*, workspace: Workspace, creator: Creator) -> CreatorProfile:
    """Everything the profile page shows, in a constant number of queries (about ten) whatever the
    number of videos, notes, tags or lists. `creator` should come from `creators_for_profile()`."""
    videos = recent_videos_with_latest_stats(creator=creator)
    views = [item.stats.views for item in videos if item.stats is not None]
    chronological = [item for item in reversed(videos) if item.stats is not None]
    notes = list(notes_for_creator(workspace=workspace, creator=creator)[: PROFILE_NOTES + 1])
    tags = list(tags_for_creator(workspace=workspace, creator=creator))
    on_creator = {tag.pk for tag in tags}
    suggestions = Tag.objects.filter(workspace=workspace).order_by("name").values_list("pk", "name")[:TAG_SUGGESTIONS]
    return CreatorProfile(
        creator=creator,
        engagement=compare_with_tier(creator=creator),
        follower_growth=follower_growth(creator=creator),
        views_per_video=ChartSeries(
            labels=[
                _day_label(timezone.localdate(item.video.posted_at)) if item.video.posted_at else "—"
                for item in chronological
            ],
            values=[float(item.stats.views) for item in chronological if item.stats is not None],
        ),
        recent_videos=videos[:RECENT_VIDEOS_IN_TABLE],
        median_views=_median(views),
        audience=audience_charts(audience=getattr(creator, "audience", None)),
        notes=notes[:PROFILE_NOTES],
        note_count=len(notes),
        tags=tags,
        tag_suggestions=[name for pk, name in suggestions if pk not in on_creator],
        relationship=relationship_for(workspace=workspace, creator=creator),
        lists=list(creator_lists_for_creator(workspace=workspace, creator=creator)),
        similar=similar_creators(creator=creator),
    )


def _median(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2)
