"""A deterministic synthetic creator index for the demo: a few thousand creators across tiers, niches
and countries, with videos, stats, follower history and audiences, plus a handful of named profiles
every demo has (FEATURED: invented celebrity-like accounts at the top of discovery, and the demo
creator). Same seed and day, same rows, so `seed_demo` stays idempotent. Engagement and growth are
computed from the generated stats with the formulas of docs/scoring.md (interactions / views; follower
change over 30 days)."""

import math
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import chain
from typing import Any

from django.db import connection

from analytics.demo.names import FIRST
from analytics.scoring import services as scoring_services
from creators.index import services as index_services
from creators.index.services import VideoRow, VideoStatsRow
from creators.models import Creator, CreatorScoreHistory

COUNTRIES = {  # country: (weight, languages, cities)
    "US": (30, ["en"], ["Los Angeles", "New York", "Austin", "Miami", "Chicago"]),
    "GB": (8, ["en"], ["London", "Manchester", "Bristol"]),
    "DE": (6, ["de", "en"], ["Berlin", "Munich", "Hamburg"]),
    "FR": (6, ["fr"], ["Paris", "Lyon", "Marseille"]),
    "ES": (5, ["es"], ["Madrid", "Barcelona", "Valencia"]),
    "MX": (5, ["es"], ["Ciudad de México", "Guadalajara", "Monterrey"]),
    "BR": (6, ["pt"], ["São Paulo", "Rio de Janeiro", "Belo Horizonte"]),
    "IN": (6, ["hi", "en"], ["Mumbai", "Delhi", "Bengaluru"]),
    "CA": (4, ["en", "fr"], ["Toronto", "Montréal", "Vancouver"]),
    "AU": (4, ["en"], ["Sydney", "Melbourne", "Brisbane"]),
    "IT": (4, ["it"], ["Milano", "Roma", "Napoli"]),
    "NL": (3, ["nl", "en"], ["Amsterdam", "Rotterdam", "Utrecht"]),
    "PL": (3, ["pl"], ["Warszawa", "Kraków", "Łódź"]),
    "SE": (2, ["sv", "en"], ["Stockholm", "Göteborg"]),
    "PH": (3, ["tl", "en"], ["Manila", "Cebu"]),
    "ID": (3, ["id"], ["Jakarta", "Surabaya"]),
    "JP": (2, ["ja"], ["Tokyo", "Osaka"]),
}

SUFFIX = [
    "",
    ".glow",
    "_eats",
    ".fit",
    "_thrifts",
    ".codes",
    "_travels",
    ".makes",
    "_daily",
    ".studio",
    "_lab",
    ".diaries",
    "_home",
    ".style",
    "_bakes",
    ".runs",
    "_plays",
    ".reads",
]
NAME_ACCENTS = {"ines": "Inès", "lea": "Léa", "zoe": "Zoë", "elif": "Elif", "mateo": "Mateo", "chloe": "Chloé"}
NICHE_HASHTAGS = {
    "beauty": ["beautytok", "grwm"],
    "skincare": ["skincare", "skincareroutine", "glowup"],
    "makeup": ["makeup", "makeuptutorial"],
    "fashion": ["ootd", "fashiontok"],
    "thrifting": ["thrift", "thrifthaul"],
    "food": ["foodtok", "recipe"],
    "cooking": ["cooking", "easyrecipe"],
    "baking": ["baking", "sourdough"],
    "fitness": ["fitness", "gymtok"],
    "wellness": ["wellness", "selfcare"],
    "gaming": ["gaming", "gamer"],
    "tech": ["techtok", "setup"],
    "travel": ["traveltok", "hiddengems"],
    "parenting": ["momtok", "parenting"],
    "pets": ["dogsoftiktok", "catsoftiktok"],
    "coffee": ["coffeetok", "latteart"],
    "diy": ["diy", "crafts"],
}
BIO_LINES = [
    "Honest reviews, no gatekeeping.",
    "Sharing what actually works for me.",
    "New video every Tuesday.",
    "Small creator, big dreams ✨",
    "Collabs: see email",
    "Making the everyday a little nicer.",
]


@dataclass
class DemoCreator:
    profile: dict[str, Any]
    videos: list[VideoRow] = field(default_factory=list)
    stats: list[VideoStatsRow] = field(default_factory=list)
    followers_by_day: list[tuple[date, int]] = field(default_factory=list)
    audience: dict[str, dict[str, float]] = field(default_factory=dict)


def _followers(rng: random.Random) -> int:
    # Log-uniform between 2k and 3M: most creators are small, as on the platform.
    return int(10 ** rng.uniform(3.3, 6.5))


def _shares(rng: random.Random, labels: list[str], total: float = 100.0) -> dict[str, float]:
    weights = [rng.random() + 0.05 for _ in labels]
    scale = total / sum(weights)
    return {label: round(w * scale - 0.05, 1) for label, w in zip(labels, weights, strict=True)}


HISTORY_WEEKS = 6  # weekly stats snapshots, follower counts and scores


@dataclass(frozen=True)
class FeaturedCreator:
    handle: str
    display_name: str
    follower_count: int
    country: str
    niches: tuple[str, ...]


# Invented people: no real account's name, numbers or likeness. The mega accounts put 10-80M followers
# at the top of discovery, as on the platform; the demo creator (seed_demo's CREATOR_HANDLE) is a micro
# skincare creator, the size a skincare brand's $650 collaboration goes to. Handles end in a letter, so
# a generated handle (which ends in its index) never takes one.
DEMO_CREATOR_HANDLE = "ninaglows"
FEATURED = (
    FeaturedCreator("lunavega", "Luna Vega", 78_400_000, "US", ("dance", "comedy")),
    FeaturedCreator("theomarchetti", "Theo Marchetti", 52_100_000, "IT", ("comedy",)),
    FeaturedCreator("kaiandmilo", "Kai & Milo", 46_800_000, "US", ("comedy", "pets")),
    FeaturedCreator("priyacooks", "Priya Cooks", 33_500_000, "IN", ("cooking", "food")),
    FeaturedCreator("jadeblossom", "Jade Blossom", 28_900_000, "PH", ("makeup", "beauty")),
    FeaturedCreator("marcusmoves", "Marcus Moves", 24_300_000, "GB", ("fitness", "dance")),
    FeaturedCreator("sofiaglam", "Sofia Glam", 19_700_000, "BR", ("makeup", "fashion")),
    FeaturedCreator("dannyplays", "Danny Plays", 16_200_000, "US", ("gaming",)),
    FeaturedCreator("camillebakes", "Camille Bakes", 13_800_000, "FR", ("baking", "food")),
    FeaturedCreator("ollietravels", "Ollie Travels", 11_400_000, "AU", ("travel",)),
    FeaturedCreator(DEMO_CREATOR_HANDLE, "Nina Reyes", 48_600, "US", ("skincare", "beauty")),
)


def generate(*, count: int, niches: list[str], today: date, seed: int = 7) -> Iterator[DemoCreator]:
    rng = random.Random(seed)  # noqa: S311 - demo data must be reproducible, not secret
    countries, weights = list(COUNTRIES), [COUNTRIES[c][0] for c in COUNTRIES]
    for index in range(count):
        first = rng.choice(FIRST)
        handle = f"{first}{rng.choice(SUFFIX)}{index}"
        country = rng.choices(countries, weights)[0]
        creator_niches = rng.sample(niches, k=rng.choice([1, 1, 2, 2, 3]))
        followers = _followers(rng)
        yield _creator(
            rng,
            handle=handle,
            display=NAME_ACCENTS.get(first, first.title()),
            country=country,
            creator_niches=creator_niches,
            followers=followers,
            video_prefix=f"{index:06d}",
            today=today,
        )


def generate_featured(*, today: date) -> Iterator[DemoCreator]:
    """FEATURED, each from its own seed (its handle), so adding one changes no other row."""
    for number, featured in enumerate(FEATURED):
        rng = random.Random(f"featured-{featured.handle}")  # noqa: S311 - reproducible, not secret
        yield _creator(
            rng,
            handle=featured.handle,
            display=featured.display_name,
            country=featured.country,
            creator_niches=list(featured.niches),
            followers=featured.follower_count,
            # 9 + five digits: generated creators' ids start with their six-digit index.
            video_prefix=f"9{number:05d}",
            today=today,
            is_featured=True,
        )


def _creator(
    rng: random.Random,
    *,
    handle: str,
    display: str,
    country: str,
    creator_niches: list[str],
    followers: int,
    video_prefix: str,
    today: date,
    is_featured: bool = False,
) -> DemoCreator:
    """One creator's profile, videos, stats, follower history and audience. The draws from `rng` keep
    the order they had before FEATURED existed, so every generated creator is unchanged."""
    countries = list(COUNTRIES)
    _, languages, cities = COUNTRIES[country]
    # One fixed capture time per day, at its start, so today's snapshots are never in the future.
    anchor = datetime(today.year, today.month, today.day, tzinfo=UTC)
    tags = [tag for niche in creator_niches for tag in NICHE_HASHTAGS.get(niche, [niche.replace("-", "")])]
    growth = rng.gauss(0.03, 0.05)
    # A few planted anomalies: big audiences that barely engage.
    engagement_base = rng.uniform(0.005, 0.02) if rng.random() < 0.04 else rng.uniform(0.03, 0.14)
    demo = DemoCreator(profile={})
    interactions = views_total = 0
    last_posted = None
    for n in range(6):
        posted = anchor - timedelta(days=rng.randint(0, 4) + n * rng.randint(2, 9), hours=rng.randint(0, 20))
        last_posted = max(last_posted or posted, posted)
        video_id = f"{video_prefix}{n:02d}"
        views = max(200, int(followers * rng.uniform(0.1, 1.6)))
        likes = int(views * engagement_base * rng.uniform(0.7, 0.85))
        comments = int(views * engagement_base * rng.uniform(0.03, 0.08))
        shares = int(views * engagement_base * rng.uniform(0.04, 0.1))
        saves = int(views * engagement_base * rng.uniform(0.03, 0.09))
        interactions += likes + comments + shares + saves
        views_total += views
        demo.videos.append(
            VideoRow(
                creator_id=0,
                platform_video_id=video_id,
                posted_at=posted,
                caption=f"{rng.choice(['POV:', 'Day', 'Trying', 'My honest take on', 'Part'])} "
                f"{rng.choice(creator_niches).replace('-', ' ')} #" + " #".join(tags[:3]),
                hashtags=tuple(tags[:3]),
                duration_s=rng.randint(8, 90),
                share_url=f"https://www.tiktok.com/@{handle}/video/{video_id}",
                is_paid_partnership=rng.random() < 0.12,
            )
        )
        watch_time = Decimal(str(round(rng.uniform(3, 25), 2)))
        completion = Decimal(str(round(rng.uniform(0.15, 0.7), 4)))
        # A snapshot a week for the last weeks (so scores have a history); a video's counts climb
        # towards today's along a saturating curve.
        for weeks_ago in range(HISTORY_WEEKS - 1, -1, -1):
            captured = anchor - timedelta(weeks=weeks_ago)
            if captured < posted:
                continue
            share = 1.0 if not weeks_ago else 1 - math.exp(-(captured - posted).total_seconds() / 86400 / 3)
            demo.stats.append(
                VideoStatsRow(
                    creator_id=0,
                    platform_video_id=video_id,
                    captured_at=captured,
                    views=int(views * share),
                    likes=int(likes * share),
                    comments=int(comments * share),
                    shares=int(shares * share),
                    saves=int(saves * share),
                    avg_watch_time_s=watch_time,
                    completion_rate=completion,
                )
            )
    for weeks_ago in range(HISTORY_WEEKS - 1, -1, -1):
        day = today - timedelta(days=weeks_ago * 7)
        demo.followers_by_day.append((day, int(followers / (1 + growth * weeks_ago / 4.3))))
    demo.profile = {
        "handle": handle,
        "display_name": (
            display if is_featured else f"{display} {rng.choice(['', '✨', '| ' + creator_niches[0].title()])}".strip()
        ),
        "bio": f"{creator_niches[0].replace('-', ' ').title()} · {cities[0]} · {rng.choice(BIO_LINES)}",
        "country": country,
        "region": "",
        "city": rng.choice(cities),
        "languages": languages,
        "niches": creator_niches,
        "hashtags": tags[:5],
        "follower_count": followers,
        "following_count": rng.randint(50, 2000),
        "likes_count": followers * rng.randint(5, 40),
        "video_count": rng.randint(30, 900),
        # The celebrity-like accounts carry the badge, as their real counterparts do.
        "is_verified": (followers > 500_000 and rng.random() < 0.5) or (is_featured and followers >= 1_000_000),
        **_former_contact_draw(rng),
        "first_seen_at": anchor - timedelta(days=rng.randint(60, 700)),
        "last_seen_at": anchor,
        # engagement_rate, growth_30d, score and authenticity_flags come from scoring (score_demo_history).
        "last_posted_at": last_posted,
    }
    # Every featured creator has an audience: the demo creator's profile and the top of discovery show one.
    if rng.random() < 0.7 or is_featured:
        demo.audience = {
            "age_buckets": _shares(rng, ["13-17", "18-24", "25-34", "35-44", "45+"]),
            "genders": _shares(rng, ["female", "male", "other"], total=99.0),
            "countries": _shares(rng, [country, *rng.sample([c for c in countries if c != country], 2)], 90.0),
            "cities": {},
        }
    return demo


def _former_contact_draw(rng: random.Random) -> dict[str, Any]:
    """Contact e-mails are workspace-private now (`load_demo_workspace_layers` writes the demo brand's);
    the draw that once chose them stays, so every value after it in the seeded sequence is unchanged."""
    rng.random()
    return {}


def has_demo_contact(handle: str) -> bool:
    """55 % of demo creators, stable per handle: the demo brand has their contact e-mail."""
    return zlib.crc32(handle.encode()) % 100 < 55


def load_demo_index(*, count: int, today: date, batch: int = 500) -> int:
    """Generate and upsert the FEATURED creators and `count` more, with their videos, stats, follower
    history and audiences. Returns how many were written (len(FEATURED) + count)."""
    niches = index_services.ensure_default_niches()
    written = 0
    pending: list[DemoCreator] = []
    for demo in chain(generate_featured(today=today), generate(count=count, niches=niches, today=today)):
        pending.append(demo)
        if len(pending) == batch:
            written += _write(pending)
            pending = []
    if pending:
        written += _write(pending)
    # Discovery sizes the unfiltered index from the planner's statistics: analyze now, so the first page
    # says "about 3,000 creators" rather than "1,000+" until autovacuum gets round to the table.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Creator._meta.db_table)}")
    return written


def _write(batch: list[DemoCreator]) -> int:
    ids = index_services.upsert_index_creators(rows=[demo.profile for demo in batch])
    videos, stats, snapshots, audiences = [], [], [], {}
    for demo in batch:
        creator_id = ids[demo.profile["handle"]]
        videos += [replace(video, creator_id=creator_id) for video in demo.videos]
        stats += [replace(row, creator_id=creator_id) for row in demo.stats]
        snapshots += [(creator_id, day, followers) for day, followers in demo.followers_by_day]
        if demo.audience:
            audiences[creator_id] = demo.audience
    index_services.upsert_videos(rows=videos)
    index_services.record_video_stats(rows=stats)
    index_services.record_follower_snapshots(rows=snapshots)
    index_services.upsert_audience_profiles(audiences=audiences)
    return len(ids)


def load_demo_workspace_layers(*, workspace: Any, by: Any) -> None:
    """Two shortlists, tags, notes, relationships and saved searches for the demo brand, written once
    (a workspace that already has lists is left as it is) through the creators services."""
    from creators.models import CreatorList, WorkspaceCreatorContact
    from creators.workspace import services

    if CreatorList.objects.filter(workspace=workspace).exists():
        return
    WorkspaceCreatorContact.objects.bulk_create(
        [
            WorkspaceCreatorContact(
                workspace=workspace, creator_id=pk, email=f"{handle.replace('.', '_')}@example.com", source="import"
            )
            for pk, handle in Creator.objects.values_list("pk", "handle").iterator(chunk_size=5000)
            if has_demo_contact(handle)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    skincare = Creator.objects.filter(niches__overlap=["skincare", "beauty"], follower_count__range=(10_000, 100_000))
    picks = list(skincare.order_by("-engagement_rate", "id")[:12])
    if not picks:
        return
    spring = services.create_creator_list(
        workspace=workspace,
        name="Spring glow launch",
        by=by,
        description="Micro skincare creators with strong engagement.",
    )
    services.add_creators_to_list(creator_list=spring, creators=picks[:8], by=by)
    gifting = services.create_creator_list(workspace=workspace, name="Gifting round 2", by=by)
    services.add_creators_to_list(creator_list=gifting, creators=picks[6:], by=by)
    services.tag_creators(workspace=workspace, tag_name="gifted-2026", creators=picks[6:], by=by)
    services.tag_creators(workspace=workspace, tag_name="great-hooks", creators=picks[:3], by=by)
    services.add_note(
        workspace=workspace,
        creator=picks[0],
        by=by,
        body="Rate card: $450 per video, 30-day usage. Fast replies, very on-brief.",
    )
    services.add_note(
        workspace=workspace, creator=picks[1], by=by, body="Loved the SPF sample; asked about a routine video in April."
    )
    services.set_relationship_status(workspace=workspace, creator=picks[0], status="active_partner", by=by)
    services.set_relationship_status(workspace=workspace, creator=picks[1], status="in_talks", by=by)
    services.save_search(
        workspace=workspace,
        name="Micro skincare, US, 5 %+",
        by=by,
        query_string="tier=micro&niche=skincare&country=US&min_engagement_pct=5",
    )
    services.save_search(
        workspace=workspace,
        name="Fast-growing with e-mail",
        by=by,
        query_string="min_growth_pct=5&has_email=true&ordering=-growth",
    )


def score_demo_history(*, today: datetime) -> int:
    """Score the index once a week over the last weeks, ending today, so trends have points; a day
    already scored is skipped, so a second `make run` costs nothing. Returns how many were scored today."""
    if CreatorScoreHistory.objects.filter(scored_on=today.date()).exists():
        return 0
    stored = 0
    for weeks_ago in range(HISTORY_WEEKS - 1, -1, -1):
        stored = scoring_services.score_index(as_of=today - timedelta(weeks=weeks_ago))
    return stored
