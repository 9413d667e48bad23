"""Unknown is not zero: a count a file does not give is stored as NULL, shown as "—", sorted last, in no
tier, and left out of scoring's follower-based rates (docs/import.md, "Unknown is not zero")."""

import csv
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tenancy import workspace_scope
from analytics.scoring.services import score_index
from creators import selectors
from creators.discovery import selectors as discovery
from creators.models import Creator, CreatorScore
from creators.profile import compact_count
from tests.creators.discovery_factories import make_creator, results
from tests.creators.import_support import import_file as _import
from tests.creators.import_support import write_csv as _csv
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


def _counts(handle):
    return Creator.objects.filter(handle=handle).values_list(
        "follower_count", "following_count", "likes_count", "video_count"
    )[0]


# --- The importer ----------------------------------------------------------------------------------------


def test_counts_a_file_does_not_give_are_stored_as_unknown(tmp_path, workspace):
    _import(workspace, _csv(tmp_path / "c.csv", ("username", "followers"), [("maya", "12K"), ("jo", "")]))

    assert _counts("maya") == (12_000, None, None, None)
    assert _counts("jo") == (None, None, None, None)  # an empty cell is unknown too, never 0


def test_a_file_without_a_count_never_erases_the_stored_one(tmp_path, workspace):
    _import(workspace, _csv(tmp_path / "a.csv", ("username", "followers", "videos"), [("maya", "12K", "40")]))

    _import(workspace, _csv(tmp_path / "b.csv", ("username", "bio"), [("maya", "Skincare")]))
    _import(workspace, _csv(tmp_path / "c.csv", ("username", "followers"), [("maya", "")]))

    assert _counts("maya") == (12_000, None, None, 40)


def test_a_file_fills_an_unknown_count(tmp_path, workspace):
    # Added by handle (an open call, a list): nothing known yet, no source recorded.
    make_creator("maya", follower_count=None, provenance={"display_name": {"source": "staff", "at": "x"}})

    summary = _import(workspace, _csv(tmp_path / "a.csv", ("username", "followers"), [("maya", "500")]))

    assert _counts("maya")[0] == 500  # NULL is empty: filled, not "kept from another source"
    assert (summary.updated, summary.kept) == (1, 0)


# --- Discovery -------------------------------------------------------------------------------------------


@pytest.fixture
def ws():
    workspace = WorkspaceFactory(slug="unknown-counts")
    with workspace_scope(workspace):
        yield workspace


def test_unknown_follower_counts_sort_last_both_ways(ws):
    make_creator("small", follower_count=1_000)
    make_creator("unknown", follower_count=None)
    make_creator("big", follower_count=90_000)

    most_first = [c.handle for c in results(ws, {"ordering": "-followers"}).creators]
    fewest_first = [c.handle for c in results(ws, {"ordering": "followers"}).creators]

    assert most_first == ["big", "small", "unknown"]
    assert fewest_first == ["small", "big", "unknown"]


def test_follower_filters_and_tiers_leave_unknown_counts_out(ws):
    make_creator("micro", follower_count=20_000)
    make_creator("unknown", follower_count=None)

    assert [c.handle for c in results(ws, {"min_followers": 0}).creators] == ["micro"]
    assert [c.handle for c in results(ws, {"max_followers": 50_000}).creators] == ["micro"]
    assert [c.handle for c in results(ws, {"tier": ["nano", "micro", "macro", "mega"]}).creators] == ["micro"]


def test_an_unknown_follower_count_is_in_the_unknown_tier(ws):
    creator = make_creator("unknown", follower_count=None)

    annotated = discovery.discoverable_creators().get(pk=creator.pk)

    assert annotated.tier == discovery.tier_of(None) == selectors.tier_of(None) == "unknown"
    assert compact_count(None) == "—"
    comparison = selectors.compare_with_tier(creator=creator)
    assert (comparison.tier, comparison.median_engagement_rate, comparison.ratio) == ("unknown", None, None)


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows would be scanned otherwise
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("ordering", "index"), [("-followers", "creator_followers_idx"), ("followers", "creator_followers_asc_idx")]
)
def test_the_follower_sorts_are_read_from_their_index_without_a_sort(ws, ordering, index):
    make_creator("a", follower_count=None)
    make_creator("b", follower_count=10)

    plan = _plan(discovery.order_by_key(discovery.discoverable_creators(), ordering)[:50])

    assert index in plan
    assert "Sort" not in plan  # NULLS LAST in the ORDER BY matches the index: no sort step


def test_the_similar_creators_pool_is_read_from_the_country_index(ws):
    creator = make_creator("maya", follower_count=20_000)
    for n in range(3):
        make_creator(f"peer{n}", follower_count=30_000 + n)
    pool = (
        Creator.objects.exclude(pk=creator.pk)
        .filter(country="US", follower_count__gte=10_000, follower_count__lt=100_000)
        .order_by(discovery.F("follower_count").desc(nulls_last=True))
        .values("pk")[:500]
    )

    assert "creator_country_idx" in _plan(pool)
    assert {c.handle for c in selectors.similar_creators(creator=creator)} == {"peer0", "peer1", "peer2"}


def test_a_creator_of_unknown_size_still_gets_similar_creators_of_its_country(ws):
    creator = make_creator("unknown", follower_count=None)
    make_creator("peer", follower_count=30_000)

    assert [c.handle for c in selectors.similar_creators(creator=creator)] == ["peer"]


# --- What people see -------------------------------------------------------------------------------------


def test_pages_show_an_unknown_count_as_a_dash(client, analyst):
    client.force_login(analyst)
    creator = make_creator("unknown.size", follower_count=None)

    listing = client.get(reverse("creators:creator-list"), {"view": "table"})
    profile = client.get(reverse("creators:creator-detail", kwargs={"creator_pk": creator.pk}))

    assert listing.status_code == profile.status_code == 200
    assert "None" not in listing.text
    assert 'title="Follower count unknown">—' in listing.text
    assert 'id="stat-followers" title="—">—</div>' in profile.text


def test_the_api_gives_an_unknown_count_as_null(client, analyst, workspace):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=analyst)
    make_creator("unknown.size", follower_count=None)

    response = client.get(
        reverse("api:creator-list"), HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_WORKSPACE=workspace.slug
    )

    (row,) = response.json()["results"]
    assert (row["follower_count"], row["tier"]) == (None, "unknown")


def test_the_csv_export_leaves_an_unknown_count_empty(client, analyst):
    client.force_login(analyst)
    make_creator("unknown.size", follower_count=None)

    response = client.get(reverse("creators:creator-export"))

    (row,) = list(csv.DictReader(response.content.decode().splitlines()))
    assert (row["followers"], row["tier"]) == ("", "unknown")


# --- Scoring ---------------------------------------------------------------------------------------------


def test_scoring_a_creator_of_unknown_size_leaves_the_follower_rates_out(tmp_path, workspace, settings):
    settings.SCORING_WINDOW_DAYS = 90
    posted = timezone.now() - timedelta(days=3)
    rows = [(f"70{n}", "maya", int(posted.timestamp()) - n * 3600, 1000 + n, 100, 5, 2) for n in range(4)]
    header = ("video_id", "username", "createTime", "plays", "likes", "comments", "shares")
    path = _csv(tmp_path / "v.csv", header, rows)
    _import(workspace, path)
    assert _counts("maya")[0] is None

    score_index(as_of=timezone.now() + timedelta(minutes=1))

    maya = Creator.objects.get(handle="maya")
    components = CreatorScore.objects.get(creator=maya).components
    assert maya.engagement_rate is not None  # by views: known
    assert components["tier"] == "unknown"
    assert components["reach_rate"] is None and components["engagement_rate_followers"] is None
