"""Reads of the creator index shared by every workspace: listing and finding creators, the creator a
portal account acts as, follower tiers, the index's headline numbers, engagement against the tier's
median and similar creators. A workspace's own layers are read by `creators.workspace.selectors`,
the profile page by `creators.profile`."""

from dataclasses import dataclass
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
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, Least

from accounts.models import User
from creators.models import AudienceProfile, Creator
from creators.portal.access import creator_for_account

TIER_LABELS = {"nano": "Nano", "micro": "Micro", "macro": "Macro", "mega": "Mega"}
# A creator whose follower count is unknown (NULL) is in no tier: shown as such, never counted in one.
TIER_UNKNOWN = "unknown"
TIER_MEDIANS_CACHE_SECONDS = 600  # medians move only when a scoring run rewrites engagement rates
SIMILAR_CREATORS = 6
SIMILAR_FALLBACK_POOL = 500  # candidates ranked for a creator without niches


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
