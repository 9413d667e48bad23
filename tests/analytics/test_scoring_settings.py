"""A workspace's scoring settings: validated, saved once, and used for "your score" and audience fit."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.models import ScoringProfile
from analytics.scoring.settings import audience_fit, update_scoring_profile, workspace_score
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _update(workspace, by, **kwargs):
    values = {"objective": "awareness", "weights": None, "target_audience": {}} | kwargs
    with workspace_scope(workspace):
        return update_scoring_profile(workspace=workspace, by=by, **values)


def test_own_weights_are_kept_and_defaults_are_not_stored(workspace, manager):
    profile = _update(
        workspace,
        manager,
        objective="conversions",
        weights={"conversions": {"engagement_rate_views": 1, "share_rate": 3}},
        target_audience={"age_buckets": ["18-24"], "genders": ["female"], "countries": ["us", " GB", "United Kingdom"]},
    )

    assert profile.objective == "conversions"
    assert profile.weights == {"conversions": {"engagement_rate_views": 1.0, "share_rate": 3.0}}
    assert profile.target_audience == {"age_buckets": ["18-24"], "genders": ["female"], "countries": ["GB", "US"]}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weights": {"awareness": {"reach_rate": -1}}}, "weights"),
        ({"weights": {"awareness": {"follower_count": 1}}}, "weights"),
        ({"weights": {"awareness": {"reach_rate": 0}}}, "weights"),
        ({"objective": "virality"}, "objective"),
        ({"target_audience": {"countries": ["Atlantis"]}}, "countries"),
        ({"target_audience": {"age_buckets": ["12-99"]}}, "age_buckets"),
    ],
)
def test_bad_settings_are_refused_with_the_field_and_nothing_is_written(workspace, manager, kwargs, field):
    with pytest.raises(ApplicationError) as caught:
        _update(workspace, manager, **kwargs)

    assert field in caught.value.fields
    with scopes_disabled():
        assert not ScoringProfile.objects.exists()


def test_the_workspace_score_is_the_weighted_mean_of_percentiles_minus_the_penalty(workspace, manager):
    profile = _update(
        workspace, manager, objective="awareness", weights={"awareness": {"reach_rate": 3, "median_views": 1}}
    )
    components = {"pct_reach_rate": 80.0, "pct_median_views": 40.0, "pct_save_rate": 10.0, "flag_penalty": 5.0}

    # (3 x 80 + 1 x 40) / 4 - 5; the save rate has no weight in these settings
    assert workspace_score(profile=profile, components=components) == pytest.approx(65.0)
    assert workspace_score(profile=profile, components={"pct_save_rate": 10.0}) is None


def test_audience_fit_is_the_share_of_viewers_in_the_target_groups(workspace, manager):
    profile = _update(workspace, manager, target_audience={"genders": ["female"], "countries": ["US", "GB"]})
    audience = {"genders": {"female": 70.0, "male": 30.0}, "countries": {"US": 40.0, "GB": 10.0, "IN": 50.0}}

    # genders: 70; countries: 40 + 10 = 50; the mean of the two dimensions
    assert audience_fit(profile=profile, audience=audience) == pytest.approx(60.0)


def test_the_page_saves_for_a_manager_and_refuses_an_analyst(client, manager, analyst, workspace):
    client.force_login(analyst)
    assert client.post(reverse("analytics-creators:scoring-settings"), {"objective": "awareness"}).status_code == 403
    with scopes_disabled():
        assert not ScoringProfile.objects.exists()

    client.force_login(manager)
    response = client.post(
        reverse("analytics-creators:scoring-settings"),
        {"objective": "awareness", "countries": "US, DE", "genders": ["female"], "w-awareness-reach_rate": "abc"},
    )
    assert response.status_code == 400 and "is not a number" in response.content.decode()

    response = client.post(
        reverse("analytics-creators:scoring-settings"), {"objective": "awareness", "reset": "1", "countries": "US, DE"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        profile = ScoringProfile.objects.get(workspace=workspace)
    assert (profile.objective, profile.weights, profile.target_audience) == (
        "awareness",
        {},
        {"countries": ["DE", "US"]},
    )
    assert "Weights per objective" in client.get(reverse("analytics-creators:scoring-settings")).content.decode()
