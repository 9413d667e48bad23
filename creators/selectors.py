"""Reads for the creator index and the workspace layers. Workspace-owned rows are read through the
scoped managers (inside a request the scope is active) and filtered by `workspace` as well."""

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone

from accounts.models import User, Workspace
from creators.models import (
    AudienceProfile,
    Creator,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorTag,
    FollowerSnapshot,
    Relationship,
    Tag,
    Video,
    VideoStats,
)
from creators.portal.access import creator_for_account

TIER_LABELS = {"nano": "Nano", "micro": "Micro", "macro": "Macro", "mega": "Mega"}
# A creator whose follower count is unknown (NULL) is in no tier: shown as such, never counted in one.
TIER_UNKNOWN = "unknown"
TIER_MEDIANS_CACHE_SECONDS = 600  # medians move only when a scoring run rewrites engagement rates
FOLLOWER_GROWTH_DAYS = 90
RECENT_VIDEOS = 24  # the views-per-video chart; the table shows the first RECENT_VIDEOS_IN_TABLE
RECENT_VIDEOS_IN_TABLE = 12
PROFILE_NOTES = 100  # newest first; older ones stay in the API
TAG_SUGGESTIONS = 200
SIMILAR_CREATORS = 6
SIMILAR_FALLBACK_POOL = 500  # candidates ranked for a creator without niches
AUDIENCE_TOP_ENTRIES = 8


def list_creators(*, search: str = "") -> QuerySet[Creator]:
    creators = Creator.objects.order_by(F("follower_count").desc(nulls_last=True), "pk")
    if search:
        term = search.strip().lstrip("@")
        creators = creators.filter(Q(handle__icontains=term) | Q(display_name__icontains=term))
    return creators


def creator_for_user(*, user: User) -> Creator | None:
    """The creator profile a portal account acts as (creators.portal.access)."""
    return creator_for_account(user=user)


@dataclass(frozen=True)
class IndexSummary:
    creator_count: int
    total_followers: int
    country_count: int
    tiers: dict[str, int]
    top_countries: list[tuple[str, int]]


def tier_bounds() -> dict[str, tuple[int, int | None]]:
    """Follower tiers, lower bound inclusive (settings.CREATOR_TIER_BOUNDS)."""
    bounds = settings.CREATOR_TIER_BOUNDS  # nano < 10k <= micro < 100k <= macro < 1M <= mega
    return {
        "nano": (0, bounds[0]),
        "micro": (bounds[0], bounds[1]),
        "macro": (bounds[1], bounds[2]),
        "mega": (bounds[2], None),
    }


def tier_of(follower_count: int | None) -> str:
    """The tier a follower count falls in (lower bounds inclusive); TIER_UNKNOWN for an unknown count."""
    if follower_count is None:
        return TIER_UNKNOWN
    for name, (low, high) in tier_bounds().items():
        if follower_count >= low and (high is None or follower_count < high):
            return name
    return "nano"  # negative counts cannot be stored; this only satisfies the type checker


def _tier_q(name: str) -> Q:
    low, high = tier_bounds()[name]
    return Q(follower_count__gte=low) & (Q(follower_count__lt=high) if high is not None else Q())


def tier_expression(prefix: str = "") -> Case:
    """The tier name of a creator row as SQL (prefix "creator__" from a related model)."""
    whens = [When(Q(**{f"{prefix}follower_count__isnull": True}), then=Value(TIER_UNKNOWN))]
    for name, (low, high) in tier_bounds().items():
        condition = Q(**{f"{prefix}follower_count__gte": low})
        if high is not None:
            condition &= Q(**{f"{prefix}follower_count__lt": high})
        whens.append(When(condition, then=Value(name)))
    return Case(*whens, default=Value("nano"), output_field=CharField())


def index_summary() -> IndexSummary:
    """Headline numbers of the shared creator index, in two queries."""
    tier_filters = {name: _tier_q(name) for name in tier_bounds()}
    totals = Creator.objects.aggregate(
        creator_count=Count("pk"),
        total_followers=Sum("follower_count"),
        country_count=Count("country", distinct=True, filter=~Q(country="")),
        **{f"tier_{name}": Count("pk", filter=condition) for name, condition in tier_filters.items()},
    )
    top_countries = list(
        Creator.objects.exclude(country="")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
        .values_list("country", "n")[:8]
    )
    return IndexSummary(
        creator_count=totals["creator_count"],
        total_followers=totals["total_followers"] or 0,
        country_count=totals["country_count"],
        tiers={name: totals[f"tier_{name}"] for name in tier_filters},
        top_countries=top_countries,
    )


# --- Engagement against the tier ----------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's continuous median; NULLs are ignored, an empty set gives NULL."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _tier_medians_cache_key() -> str:
    # Several databases may share one Redis (review apps, parallel test runs): key by database too.
    bounds = "-".join(str(bound) for bound in settings.CREATOR_TIER_BOUNDS)
    return f"creators:tier-engagement-medians:v1:{connection.settings_dict['NAME']}:{bounds}"


def tier_engagement_medians() -> dict[str, float | None]:
    """The median engagement rate of each tier, over every creator with a rate, in one query.

    Global to the index and costly on a million rows (each tier is scanned), so it is cached for
    TIER_MEDIANS_CACHE_SECONDS in the shared cache."""
    key = _tier_medians_cache_key()
    cached: dict[str, float | None] | None = cache.get(key)
    if cached is not None:
        return cached
    medians = Creator.objects.filter(engagement_rate__isnull=False).aggregate(
        **{name: Median("engagement_rate", filter=_tier_q(name)) for name in tier_bounds()}
    )
    cache.set(key, medians, TIER_MEDIANS_CACHE_SECONDS)
    return medians


def forget_tier_engagement_medians() -> None:
    """Drop the cached medians (after a scoring run rewrote engagement rates)."""
    cache.delete(_tier_medians_cache_key())


@dataclass(frozen=True)
class TierComparison:
    tier: str
    median_engagement_rate: float | None
    engagement_rate: float | None

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, "Unknown tier")

    @property
    def ratio(self) -> float | None:
        """The creator's rate over the tier's median (1.0 = typical for the tier)."""
        if self.engagement_rate is None or not self.median_engagement_rate:
            return None
        return self.engagement_rate / self.median_engagement_rate

    @property
    def verdict(self) -> str:
        """ "above", "below" or "typical" (within ±10 % of the median), "unknown" without a rate."""
        ratio = self.ratio
        if ratio is None:
            return "unknown"
        if ratio >= 1.1:
            return "above"
        if ratio <= 0.9:
            return "below"
        return "typical"

    @property
    def rate_percent(self) -> float | None:
        return None if self.engagement_rate is None else self.engagement_rate * 100

    @property
    def median_percent(self) -> float | None:
        return None if self.median_engagement_rate is None else self.median_engagement_rate * 100

    def _bar(self, value: float | None) -> int:
        # Both bars on one scale whose end sits a quarter beyond the larger value.
        largest = max(self.engagement_rate or 0.0, self.median_engagement_rate or 0.0)
        return 0 if value is None or largest <= 0 else round(value / (largest * 1.25) * 100)

    @property
    def rate_bar(self) -> int:
        return self._bar(self.engagement_rate)

    @property
    def median_bar(self) -> int:
        return self._bar(self.median_engagement_rate)


def compare_with_tier(*, creator: Creator) -> TierComparison:
    tier = tier_of(creator.follower_count)
    rate = float(creator.engagement_rate) if creator.engagement_rate is not None else None
    # An unknown follower count has no tier to compare with: no median.
    median = tier_engagement_medians().get(tier) if tier != TIER_UNKNOWN else None
    return TierComparison(tier=tier, median_engagement_rate=median, engagement_rate=rate)


# --- Similar creators ---------------------------------------------------------------------------


class OverlapCount(Func):
    """How many elements two arrays share: cardinality(ARRAY(SELECT unnest(a) INTERSECT SELECT unnest(b)))."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs_sql, lhs_params = compiler.compile(self.source_expressions[0])
        rhs_sql, rhs_params = compiler.compile(self.source_expressions[1])
        sql = f"cardinality(ARRAY(SELECT unnest({lhs_sql}) INTERSECT SELECT unnest({rhs_sql})))"
        return sql, [*lhs_params, *rhs_params]


def _text_array(values: list[str], max_length: int) -> Cast:
    return Cast(Value(values), output_field=ArrayField(CharField(max_length=max_length)))


def _top_audience_country(audience: AudienceProfile | None) -> str:
    countries = audience.countries if audience is not None else {}
    numeric = {code: share for code, share in countries.items() if isinstance(share, int | float)}
    return max(numeric, key=lambda code: (numeric[code], code)) if numeric else ""


def similar_creators(*, creator: Creator, limit: int = SIMILAR_CREATORS) -> list[Creator]:
    """Lookalikes of a creator, best first, in one query.

    similarity = 3 * shared niches + 1 * shared hashtags (at most 5 count)
               + 2 * the candidate's audience share in the creator's top audience country (0..1;
                 without audience data: 1 when both are based in the same country)
               + 2 * same follower tier.
    Niches weigh most because they are curated; hashtags are noisy, so their weight is capped.
    Candidates share at least one niche (GIN index on niches). A creator without niches is compared
    with the SIMILAR_FALLBACK_POOL biggest creators of its country and tier (the country/followers
    index), so the ranking never scans a whole tier; without niches or a country there is nothing to
    go on and the answer is empty. Ties go to the higher engagement rate.
    """
    top_country = _top_audience_country(getattr(creator, "audience", None))
    candidates = Creator.objects.exclude(pk=creator.pk)
    if creator.niches:
        candidates = candidates.filter(niches__overlap=creator.niches)
    elif creator.country:
        # Ordered like the country/followers index (NULLS LAST), so the pool is read from it; a creator of
        # unknown size is compared with the biggest of its country.
        tier = tier_of(creator.follower_count)
        in_tier = candidates.filter(_tier_q(tier)) if tier != TIER_UNKNOWN else candidates
        pool = (
            in_tier.filter(country=creator.country)
            .order_by(F("follower_count").desc(nulls_last=True))
            .values("pk")[:SIMILAR_FALLBACK_POOL]
        )
        candidates = Creator.objects.filter(pk__in=pool)
    else:
        return []
    niche_overlap = OverlapCount(F("niches"), _text_array(creator.niches, 40)) if creator.niches else Value(0)
    hashtag_overlap = (
        Least(OverlapCount(F("hashtags"), _text_array(creator.hashtags, 100)), Value(5))
        if creator.hashtags
        else Value(0)
    )
    if top_country:
        # Shares are validated numbers, but a bulk loader could store a string: count those as 0, never fail.
        candidates = candidates.annotate(
            audience_share_type=Func(
                KeyTransform(top_country, "audience__countries"), function="jsonb_typeof", output_field=CharField()
            )
        )
        audience_match: Any = Case(
            When(
                audience_share_type="number",
                then=Cast(KeyTextTransform(top_country, "audience__countries"), FloatField()) / 100.0,
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
    elif creator.country:
        audience_match = Case(
            When(country=creator.country, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
        )
    else:
        audience_match = Value(0.0)
    same_tier: Any = (
        Case(
            When(_tier_q(tier_of(creator.follower_count)), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        if creator.follower_count is not None
        else Value(0)  # an unknown size shares no tier
    )
    ranked = candidates.annotate(
        niche_overlap=niche_overlap,
        hashtag_overlap=hashtag_overlap,
        similarity=Cast(
            3 * F("niche_overlap") + F("hashtag_overlap") + 2 * Coalesce(audience_match, 0.0) + 2 * same_tier,
            FloatField(),
        ),
    ).order_by("-similarity", F("engagement_rate").desc(nulls_last=True), "pk")
    return list(ranked[:limit])


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


def notes_for_creator(*, workspace: Workspace, creator: Creator) -> QuerySet[CreatorNote]:
    return CreatorNote.objects.filter(workspace=workspace, creator=creator).select_related("author")


def tags_for_creator(*, workspace: Workspace, creator: Creator) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace, creator_tags__creator=creator).order_by("name")


def relationship_for(*, workspace: Workspace, creator: Creator) -> Relationship | None:
    return Relationship.objects.filter(workspace=workspace, creator=creator).select_related("updated_by").first()


def creator_lists_for_creator(*, workspace: Workspace, creator: Creator) -> QuerySet[CreatorList]:
    """Every shortlist of the workspace, each marked `has_creator`, with its size."""
    on_list = CreatorListEntry.objects.filter(creator_list=OuterRef("pk"), creator=creator)
    return list_creator_lists(workspace=workspace).annotate(has_creator=Exists(on_list))


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


# --- Shortlists, notes and tags -----------------------------------------------------------------


def list_creator_lists(*, workspace: Workspace) -> QuerySet[CreatorList]:
    """The workspace's shortlists by name, each with `creator_count`."""
    return (
        CreatorList.objects.filter(workspace=workspace)
        .select_related("created_by")
        .annotate(creator_count=Count("entries"))
        .order_by("name", "pk")
    )


def list_entries(*, creator_list: CreatorList) -> QuerySet[CreatorListEntry]:
    """Who is on a shortlist, newest first, with the creator and who added them."""
    return (
        CreatorListEntry.objects.filter(creator_list=creator_list)
        .select_related("creator", "added_by")
        .annotate(engagement_percent=F("creator__engagement_rate") * 100, tier=tier_expression("creator__"))
        .order_by("-created_at", "-pk")
    )


def creators_on_list(*, creator_list: CreatorList) -> QuerySet[Creator]:
    """The creators on a shortlist, newest addition first, each with `added_at` (one join: an entry is
    unique per list and creator)."""
    return (
        Creator.objects.filter(list_entries__creator_list=creator_list)
        .annotate(added_at=F("list_entries__created_at"))
        .order_by("-added_at", "-pk")
    )


def list_notes(*, workspace: Workspace) -> QuerySet[CreatorNote]:
    return CreatorNote.objects.filter(workspace=workspace).select_related("author", "creator").order_by("-created_at")


def list_tags(*, workspace: Workspace) -> QuerySet[Tag]:
    """The workspace's tags by name, each with `creator_count`."""
    return Tag.objects.filter(workspace=workspace).annotate(creator_count=Count("creator_tags")).order_by("name", "pk")


def tags_by_creator(*, workspace: Workspace, creator_ids: list[int]) -> dict[int, list[Tag]]:
    """Tags of several creators in one query (for tables of creators)."""
    by_creator: dict[int, list[Tag]] = {}
    rows = CreatorTag.objects.filter(workspace=workspace, creator_id__in=creator_ids).select_related("tag")
    for row in rows.order_by("tag__name"):
        by_creator.setdefault(row.creator_id, []).append(row.tag)
    return by_creator
