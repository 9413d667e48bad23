"""The creator API: discovery filters as query parameters, bounded counts and pages, the detail with its
latest score and audience, tenant isolation of workspace filters, constant queries, and the schema."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from creators.models import CreatorScore, WorkspaceCreatorContact
from tests.creators.discovery_factories import give_audience, make_creator, put_on_list, relate
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:creator-list")


@pytest.fixture
def api(client, analyst, workspace):
    token = Token.objects.create(user=analyst)
    client.defaults.update(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_WORKSPACE=workspace.slug)
    return client


def _handles(response):
    assert response.status_code == 200, response.content
    return [row["handle"] for row in response.json()["results"]]


# --- Filters as query parameters -------------------------------------------------------------------------------


def test_keyword_search(api):
    make_creator("glowmaya", display_name="Maya")
    make_creator("zoe.eats", bio="food")

    assert _handles(api.get(LIST_URL, {"q": "maya"})) == ["glowmaya"]


def test_tier_and_follower_range(api):
    make_creator("nano1", follower_count=8_000)
    make_creator("micro_small", follower_count=15_000)
    make_creator("micro_big", follower_count=90_000)

    assert _handles(api.get(LIST_URL, {"tier": "micro", "max_followers": 50_000})) == ["micro_small"]


def test_engagement_rate_is_a_fraction(api):
    make_creator("low", engagement_rate=Decimal("0.02"))
    make_creator("high", engagement_rate=Decimal("0.08"))

    assert _handles(api.get(LIST_URL, {"min_engagement_rate": "0.05", "max_engagement_rate": "0.1"})) == ["high"]


def test_niche_country_language_repeat(api):
    make_creator("skin_us", niches=["skincare"], country="US", languages=["en"])
    make_creator("skin_mx", niches=["skincare"], country="MX", languages=["es"])
    make_creator("games_us", niches=["gaming"], country="US", languages=["en"])

    response = api.get(f"{LIST_URL}?niche=skincare&niche=beauty&country=US&country=MX&language=es")

    assert _handles(response) == ["skin_mx"]


def test_ordering(api):
    make_creator("small", follower_count=1_000)
    make_creator("big", follower_count=900_000)

    assert _handles(api.get(LIST_URL, {"ordering": "-followers"})) == ["big", "small"]
    assert _handles(api.get(LIST_URL, {"ordering": "followers"})) == ["small", "big"]


def test_a_result_row_carries_tier_percent_free_rates_and_relevance(api, workspace):
    maya = make_creator("glowmaya", follower_count=45_000, engagement_rate=Decimal("0.0725"))
    with scopes_disabled():
        WorkspaceCreatorContact.objects.create(workspace=workspace, creator=maya, email="m@g.test")

    row = api.get(LIST_URL, {"q": "glowmaya"}).json()["results"][0]

    assert row["tier"] == "micro"
    assert row["engagement_rate"] == pytest.approx(0.0725)
    assert row["has_contact_email"] is True  # this workspace's own contact row
    assert row["relevance"] > 1  # the exact handle's bonus


def test_invalid_filters_answer_400_with_the_fields(api):
    response = api.get(LIST_URL, {"min_followers": "lots", "tier": "giga"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"min_followers", "tier"}


# --- Counts and pages -------------------------------------------------------------------------------------------


def test_count_is_exact_for_a_small_result(api):
    for i in range(3):
        make_creator(f"c{i}")

    body = api.get(LIST_URL, {"page_size": 2}).json()

    assert (body["count"], body["count_is_exact"]) == (3, True)
    assert body["next"].endswith("page=2&page_size=2") or "page=2" in body["next"]
    assert body["previous"] is None


def test_the_last_page_has_no_next(api):
    for i in range(3):
        make_creator(f"c{i}")

    body = api.get(LIST_URL, {"page_size": 2, "page": 2}).json()

    assert [row["handle"] for row in body["results"]] == ["c2"]
    assert body["next"] is None
    assert body["previous"] is not None


def test_a_page_past_the_results_is_404(api):
    make_creator("only")

    response = api.get(LIST_URL, {"page": 5})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_page_past_the_reachable_rows_is_404(api):
    assert api.get(LIST_URL, {"page": 10_000}).status_code == 404


def test_page_size_is_capped_at_100(api):
    for i in range(101):
        make_creator(f"c{i:03d}")

    assert len(api.get(LIST_URL, {"page_size": 500}).json()["results"]) == 100


# --- Workspace filters --------------------------------------------------------------------------------------------


def test_in_list_of_the_workspace(api, workspace):
    picked = make_creator("picked")
    make_creator("other")
    shortlist = put_on_list(workspace, "Spring", picked)

    assert _handles(api.get(LIST_URL, {"in_list": shortlist.pk})) == ["picked"]


def test_another_workspaces_list_gives_400_and_none_of_its_creators(api):
    their_list = put_on_list(WorkspaceFactory(slug="other-brand"), "Their secret", make_creator("their_pick"))

    response = api.get(LIST_URL, {"in_list": their_list.pk})

    assert response.status_code == 400
    assert "their_pick" not in response.content.decode()
    assert set(response.json()["error"]["fields"]) == {"in_list"}


def test_relationship_filter_reads_only_the_current_workspace(api, workspace):
    ours = make_creator("ours")
    relate(workspace, ours, "contacted")
    theirs = make_creator("theirs")
    relate(WorkspaceFactory(slug="other-brand"), theirs, "contacted")

    assert _handles(api.get(LIST_URL, {"relationship": "contacted"})) == ["ours"]


# --- Detail ------------------------------------------------------------------------------------------------


def test_detail_has_the_latest_score_components_and_audience(api):
    creator = make_creator("glowmaya", bio="skincare", hashtags=["skintok"])
    CreatorScore.objects.create(
        creator=creator,
        score=Decimal("81.5"),
        components={"engagement": 0.9, "growth": 0.6},
        computed_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    give_audience(creator, genders={"female": 70.0, "male": 28.0}, countries={"US": 60.0})

    body = api.get(reverse("api:creator-detail", kwargs={"pk": creator.pk})).json()

    assert body["latest_score"]["score"] == pytest.approx(81.5)
    assert body["latest_score"]["components"] == {"engagement": 0.9, "growth": 0.6}
    assert body["audience"]["genders"] == {"female": 70.0, "male": 28.0}
    assert body["hashtags"] == ["skintok"]


def test_detail_without_score_or_audience_says_null(api):
    creator = make_creator("newcomer")

    body = api.get(reverse("api:creator-detail", kwargs={"pk": creator.pk})).json()

    assert body["latest_score"] is None
    assert body["audience"] is None


def test_detail_ignores_list_filters(api):
    creator = make_creator("glowmaya")

    response = api.get(reverse("api:creator-detail", kwargs={"pk": creator.pk}), {"tier": "giga"})

    assert response.status_code == 200


# --- Queries ------------------------------------------------------------------------------------------------


def _queries(api, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_10_or_50_results(api):
    for i in range(50):
        make_creator(f"creator{i:02d}", country="US" if i < 10 else "GB", niches=["beauty"])

    assert _queries(api, LIST_URL, {"country": "US", "page_size": 50}) == _queries(
        api, LIST_URL, {"niche": "beauty", "page_size": 50}
    )


def test_the_list_query_count_is_bounded(api, django_assert_max_num_queries):
    for i in range(30):
        make_creator(f"creator{i:02d}")

    with django_assert_max_num_queries(8):
        api.get(LIST_URL, {"q": "creator", "page_size": 25, "tier": "micro"})


def test_the_detail_is_one_query_after_authentication(api):
    creator = make_creator("glowmaya")
    give_audience(creator, countries={"US": 60.0})
    CreatorScore.objects.create(creator=creator, score=Decimal("50"), computed_at=datetime(2026, 11, 1, tzinfo=UTC))
    url = reverse("api:creator-detail", kwargs={"pk": creator.pk})

    # The token with its user, the member's workspaces, then the creator joined to its audience and score.
    assert _queries(api, url, {}) == 3


# --- Schema ------------------------------------------------------------------------------------------------


def test_every_filter_is_documented_in_the_schema(client, analyst):
    client.force_login(analyst)  # the schema is for signed-in users
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/creators/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}

    for name in (
        "q",
        "tier",
        "min_followers",
        "max_followers",
        "min_engagement_rate",
        "max_engagement_rate",
        "niche",
        "country",
        "language",
        "ordering",
        "audience_country",
        "relationship",
        "in_list",
        "page",
        "page_size",
    ):
        assert parameters[name].get("description"), f"{name} is not documented"
    assert parameters["tier"]["schema"]["type"] == "array"
    assert parameters["min_followers"]["schema"]["type"] == "integer"
