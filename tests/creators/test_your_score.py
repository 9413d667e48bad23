"""'Your score': a workspace's tuned weights sort discovery (page and API) and rank the campaign
recommendations, from rows recomputed in SQL by an idempotent, chunked task.

Four creators with hand-set tier percentiles (pct_*) and flag penalties; the workspace scores are the
weighted means worked out below by hand (docs/scoring.md, "Your score")."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from accounts.tenancy import workspace_scope
from analytics.models import ScoringProfile
from analytics.scoring.settings import refresh_workspace_scores, update_scoring_profile, workspace_score
from campaigns import recommendations as recs
from creators.discovery import selectors as discovery
from creators.index.workspace_scores import RECOMPUTE_TASK, recompute_workspace_scores
from creators.models import AudienceProfile, CreatorScore, WorkspaceCreatorScore, WorkspaceScoring
from creators.tasks import recompute_workspace_scores_task
from tests.campaigns.factories import CampaignFactory
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, tzinfo=UTC)
# Awareness tuned to reach 3, median views 1:
#   reach  = 90, views = 10              -> (3*90 + 10) / 4 = 70.00
#   steady = 50, views = 100             -> (3*50 + 100) / 4 = 62.50
#   flagged = 80, views unknown, penalty 15 -> 80 - 15 = 65.00 (the unknown one carries no weight)
#   silent: no percentile known          -> no score of its own
REACH_WEIGHTS = {"awareness": {"reach_rate": 3, "median_views": 1}}
VIEWS_WEIGHTS = {"awareness": {"median_views": 1}}


def _creator(handle, *, score, pcts, penalty=0.0, **kwargs):
    creator = CreatorFactory(handle=handle, score=Decimal(score), **kwargs)
    components = {f"pct_{name}": value for name, value in pcts.items()} | {"flag_penalty": penalty}
    CreatorScore.objects.create(creator=creator, score=Decimal(score), components=components, computed_at=NOW)
    return creator


@pytest.fixture
def four():
    return {
        "reach": _creator("reach", score="20", pcts={"reach_rate": 90, "median_views": 10}),
        "steady": _creator("steady", score="90", pcts={"reach_rate": 50, "median_views": 100}),
        "flagged": _creator("flagged", score="50", pcts={"reach_rate": 80, "median_views": None}, penalty=15.0),
        "silent": _creator("silent", score="95", pcts={"reach_rate": None, "median_views": None}),
    }


def _tune(workspace, weights, objective="awareness"):
    with scopes_disabled():
        user = UserFactory()
        MembershipFactory(workspace=workspace, user=user)
    with workspace_scope(workspace):
        update_scoring_profile(workspace=workspace, by=user, objective=objective, weights=weights, target_audience={})
    recompute_workspace_scores_task(workspace.pk)


def _page(workspace, *, page=1, per_page=10, queryset=None):
    search = discovery.Search(
        queryset=queryset if queryset is not None else discovery.discoverable_creators(),
        ordering=discovery.YOUR_SCORE,
        workspace_id=workspace.pk,
    )
    with workspace_scope(workspace):
        result = discovery.results_page(search, page_number=page, per_page=per_page)
    return [(c.handle, getattr(c, "your_score", None)) for c in result.creators]


def _stored(workspace):
    with scopes_disabled():
        return dict(WorkspaceCreatorScore.objects.filter(workspace=workspace).values_list("creator__handle", "score"))


# --- The sort --------------------------------------------------------------------------------------------


def test_your_score_sorts_by_the_workspace_weights_then_the_unscored_by_global_score(workspace, four):
    _tune(workspace, REACH_WEIGHTS)

    assert _page(workspace) == [
        ("reach", Decimal("70.00")),
        ("flagged", Decimal("65.00")),
        ("steady", Decimal("62.50")),
        ("silent", None),
    ]


def test_pages_continue_across_the_scored_and_unscored_creators(workspace, four):
    _tune(workspace, REACH_WEIGHTS)

    assert [h for h, _ in _page(workspace, page=2, per_page=2)] == ["steady", "silent"]
    # Page 2 of 3 a page starts exactly where the scored creators end: they are counted, not read.
    assert [h for h, _ in _page(workspace, page=2, per_page=3)] == ["silent"]


def test_filters_apply_to_the_your_score_sort(workspace, four):
    _tune(workspace, REACH_WEIGHTS)
    tuned = discovery.discoverable_creators().exclude(handle="reach")

    assert [h for h, _ in _page(workspace, queryset=tuned)] == ["flagged", "steady", "silent"]


def test_another_workspaces_weights_never_change_your_order(workspace, four):
    other = WorkspaceFactory()
    _tune(workspace, REACH_WEIGHTS)
    mine = _page(workspace)

    _tune(other, VIEWS_WEIGHTS)

    assert _page(workspace) == mine
    # The other workspace: views 100 > 10, then its unscored ones (flagged's views are unknown) by global score.
    assert [h for h, _ in _page(other)] == ["steady", "reach", "silent", "flagged"]


def test_without_scoring_settings_your_score_is_the_global_score(workspace, four):
    assert [h for h, _ in _page(workspace)] == ["silent", "steady", "flagged", "reach"]


def test_the_api_sorts_by_your_score_and_returns_it(client, workspace, analyst, four):
    _tune(workspace, REACH_WEIGHTS)
    token = Token.objects.create(user=analyst)

    response = client.get(
        reverse("api:creator-list"),
        {"ordering": "-your_score"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
        HTTP_X_WORKSPACE=workspace.slug,
    )

    assert response.status_code == 200, response.content
    rows = [(r["handle"], r["your_score"]) for r in response.json()["results"]]
    assert rows == [("reach", 70.0), ("flagged", 65.0), ("steady", 62.5), ("silent", None)]


def test_the_discovery_page_offers_and_applies_your_score(client, workspace, manager, four):
    _tune(workspace, REACH_WEIGHTS)
    client.force_login(manager)

    html = client.get(reverse("creators:creator-list"), {"ordering": "-your_score"}).content.decode()

    assert 'value="-your_score"' in html
    assert html.index("@reach") < html.index("@flagged") < html.index("@steady") < html.index("@silent")


def test_the_schema_documents_the_sort(client, analyst, workspace):
    client.force_login(analyst)
    schema = client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/creators/"]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")

    row = schema["components"]["schemas"]["Creator"]["properties"]["your_score"]

    assert "-your_score" in ordering["schema"]["enum"] and "your_score" in ordering["description"]
    assert row["nullable"] is True and "weights" in row["description"]


# --- The stored scores and the task ---------------------------------------------------------------------


def test_the_sql_score_is_the_python_score_of_the_settings_panel(workspace, four):
    _tune(workspace, REACH_WEIGHTS)
    with scopes_disabled():
        profile = ScoringProfile.objects.get(workspace=workspace)
        expected = {
            c.creator.handle: workspace_score(profile=profile, components=c.components)
            for c in CreatorScore.objects.select_related("creator")
        }

    assert {h: float(s) for h, s in _stored(workspace).items()} == {h: s for h, s in expected.items() if s is not None}


def test_saving_settings_queues_the_recompute_with_the_workspace_id(
    workspace, manager, django_capture_on_commit_callbacks
):
    with workspace_scope(workspace), django_capture_on_commit_callbacks() as callbacks:
        update_scoring_profile(
            workspace=workspace, by=manager, objective="awareness", weights=REACH_WEIGHTS, target_audience={}
        )

    queued = [(c.keywords["task_name"], c.args) for c in callbacks]
    assert queued == [(RECOMPUTE_TASK, (workspace.pk,))]


def test_saving_the_same_settings_again_queues_nothing(workspace, manager, four, django_capture_on_commit_callbacks):
    _tune(workspace, REACH_WEIGHTS)
    with workspace_scope(workspace), django_capture_on_commit_callbacks() as callbacks:
        update_scoring_profile(
            workspace=workspace, by=manager, objective="awareness", weights=REACH_WEIGHTS, target_audience={}
        )

    assert callbacks == []


def test_the_recompute_is_idempotent_and_does_not_rewrite_equal_rows(workspace, four):
    _tune(workspace, REACH_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT creator_id, xmin::text FROM creators_workspacecreatorscore ORDER BY creator_id")
        before = cursor.fetchall()
    first = _stored(workspace)

    with scopes_disabled():
        WorkspaceScoring.objects.filter(workspace=workspace).update(done_through_id=0, finished_at=None)
    recompute_workspace_scores_task(workspace.pk)
    recompute_workspace_scores_task(workspace.pk)

    with connection.cursor() as cursor:
        cursor.execute("SELECT creator_id, xmin::text FROM creators_workspacecreatorscore ORDER BY creator_id")
        assert cursor.fetchall() == before  # same rows, same row versions: nothing rewritten
    assert _stored(workspace) == first


def test_chunks_record_progress_and_give_the_same_scores(workspace, four):
    _tune(workspace, REACH_WEIGHTS)
    whole = _stored(workspace)
    with scopes_disabled():
        WorkspaceCreatorScore.objects.filter(workspace=workspace).delete()
        WorkspaceScoring.objects.filter(workspace=workspace).update(done_through_id=0, finished_at=None)

    result = recompute_workspace_scores(workspace_id=workspace.pk, chunk_size=1)

    # Four creators one by one, then the empty chunk that finishes.
    assert (result.chunks, result.finished) == (5, True)
    with scopes_disabled():
        scoring = WorkspaceScoring.objects.get(workspace=workspace)
    assert scoring.done_through_id == four["silent"].pk and scoring.finished_at is not None
    assert _stored(workspace) == whole


def test_new_weights_replace_the_scores_and_drop_creators_left_without_one(workspace, four):
    _tune(workspace, REACH_WEIGHTS)

    _tune(workspace, VIEWS_WEIGHTS)

    assert _stored(workspace) == {"reach": Decimal("10.00"), "steady": Decimal("100.00")}


def test_a_scoring_run_queues_a_refresh_for_every_workspace_with_settings(
    workspace, four, django_capture_on_commit_callbacks
):
    _tune(workspace, REACH_WEIGHTS)
    WorkspaceFactory()  # without settings: nothing to recompute

    with django_capture_on_commit_callbacks() as callbacks:
        assert refresh_workspace_scores() == 1

    assert {(c.keywords["task_name"], c.args) for c in callbacks} == {(RECOMPUTE_TASK, (workspace.pk,))}
    with scopes_disabled():
        assert WorkspaceScoring.objects.get(workspace=workspace).finished_at is None  # in progress again


# --- Recommendations -------------------------------------------------------------------------------------


def _recommended(campaign):
    with workspace_scope(campaign.workspace):
        return [(r.creator.handle, r.score) for r in recs.recommendations(campaign=campaign)]


def test_recommendations_follow_the_campaigns_objective_with_the_workspace_weights(workspace, four):
    # Awareness tuned as above; consideration tuned to median views only.
    _tune(workspace, REACH_WEIGHTS | {"consideration": {"median_views": 1}})

    awareness = _recommended(CampaignFactory(workspace=workspace, objective="awareness"))
    engagement = _recommended(CampaignFactory(workspace=workspace, objective="engagement"))

    # No audience target: every fit is unknown (50), so the objective's score decides.
    assert awareness == [("reach", 70.0), ("flagged", 65.0), ("steady", 62.5)]
    # Engagement maps to consideration: median views 100 > 10; flagged has no views percentile.
    assert engagement == [("steady", 100.0), ("reach", 10.0), ("flagged", None)]


def test_recommendations_without_settings_use_the_stored_objective_score(workspace, four):
    for handle, value in (("reach", 40), ("steady", 30), ("flagged", 80), ("silent", 10)):
        CreatorScore.objects.filter(creator=four[handle]).update(
            components={"score_awareness": value, "score_conversions": 100 - value}
        )

    awareness = _recommended(CampaignFactory(workspace=workspace, objective="awareness"))
    sales = _recommended(CampaignFactory(workspace=workspace, objective="sales"))

    assert [h for h, _ in awareness] == ["flagged", "reach", "steady", "silent"]
    assert [h for h, _ in sales] == ["silent", "steady", "reach", "flagged"]


def test_recommendations_follow_the_target_tiers_niches_and_audience(workspace, four):
    _tune(workspace, REACH_WEIGHTS)
    for creator, followers in ((four["reach"], 5_000), (four["steady"], 50_000), (four["flagged"], 60_000)):
        type(creator).objects.filter(pk=creator.pk).update(follower_count=followers, niches=["beauty"])
    AudienceProfile.objects.create(creator=four["steady"], genders={"female": 90, "male": 10})
    AudienceProfile.objects.create(creator=four["flagged"], genders={"female": 20, "male": 80})
    campaign = CampaignFactory(
        workspace=workspace,
        objective="awareness",
        target_audience={"tiers": ["micro"], "niches": ["beauty"], "genders": ["female"]},
    )

    # reach is a nano creator, silent is in no beauty niche. steady: (62.5 + 90) / 2 = 76.25 beats
    # flagged: (65 + 20) / 2 = 42.5 although flagged's score is higher.
    assert _recommended(campaign) == [("steady", 62.5), ("flagged", 65.0)]
