from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import User
from creators.models import Creator


def list_creators(*, search: str = "") -> QuerySet[Creator]:
    creators = Creator.objects.order_by("-follower_count", "pk")
    if search:
        term = search.strip().lstrip("@")
        creators = creators.filter(Q(handle__icontains=term) | Q(display_name__icontains=term))
    return creators


def creator_for_user(*, user: User) -> Creator | None:
    return Creator.objects.filter(user=user).first()


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


def index_summary() -> IndexSummary:
    """Headline numbers of the shared creator index, in two queries."""
    tier_filters = {
        name: Q(follower_count__gte=low) & (Q(follower_count__lt=high) if high is not None else Q())
        for name, (low, high) in tier_bounds().items()
    }
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
