"""Each discovery filter and sort, against creators built to match it and creators built to miss it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from creators.models import WorkspaceCreatorContact
from tests.creators.discovery_factories import (
    filterset,
    give_audience,
    handles,
    make_creator,
    put_on_list,
    relate,
    tag,
)
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws():
    workspace = WorkspaceFactory(slug="discovery-a")
    with workspace_scope(workspace):
        yield workspace


@pytest.fixture
def other_ws():
    return WorkspaceFactory(slug="discovery-b")


def found(ws, **params):
    return set(handles(ws, params))


# --- Tiers and follower ranges ---------------------------------------------------------------------


def test_tier_micro_starts_at_ten_thousand_followers(ws):
    make_creator("justnano", follower_count=9_999)
    make_creator("justmicro", follower_count=10_000)

    assert found(ws, tier="micro") == {"justmicro"}


def test_tier_nano_ends_below_ten_thousand_followers(ws):
    make_creator("justnano", follower_count=9_999)
    make_creator("justmicro", follower_count=10_000)

    assert found(ws, tier="nano") == {"justnano"}


def test_several_tiers_match_any_of_them(ws):
    make_creator("nano1", follower_count=5_000)
    make_creator("macro1", follower_count=500_000)
    make_creator("mega1", follower_count=2_000_000)

    assert found(ws, tier=["nano", "mega"]) == {"nano1", "mega1"}


def test_an_unknown_tier_is_refused(ws):
    assert not filterset(ws, {"tier": "giga"}).is_valid()


def test_follower_range_is_inclusive(ws):
    make_creator("below", follower_count=19_999)
    make_creator("low_edge", follower_count=20_000)
    make_creator("high_edge", follower_count=30_000)
    make_creator("above", follower_count=30_001)

    assert found(ws, min_followers=20_000, max_followers=30_000) == {"low_edge", "high_edge"}


def test_a_follower_range_upside_down_is_refused(ws):
    built = filterset(ws, {"min_followers": 50_000, "max_followers": 10_000})

    assert not built.is_valid()
    assert "max_followers" in built.errors


def test_a_follower_count_beyond_any_account_is_refused(ws):
    assert not filterset(ws, {"min_followers": 10**15}).is_valid()


# --- Engagement and growth ----------------------------------------------------------------------------


def test_engagement_rate_range_is_a_fraction_in_the_api(ws):
    make_creator("low_er", engagement_rate=Decimal("0.02"))
    make_creator("mid_er", engagement_rate=Decimal("0.06"))
    make_creator("high_er", engagement_rate=Decimal("0.20"))
    make_creator("unknown_er", engagement_rate=None)

    assert found(ws, min_engagement_rate="0.05", max_engagement_rate="0.1") == {"mid_er"}


def test_engagement_rate_range_is_a_percentage_on_the_page(ws):
    make_creator("low_er", engagement_rate=Decimal("0.02"))
    make_creator("mid_er", engagement_rate=Decimal("0.06"))

    assert set(handles(ws, {"min_engagement_pct": 5, "max_engagement_pct": 10}, page=True)) == {"mid_er"}


def test_the_page_has_no_fraction_parameters(ws):
    make_creator("low_er", engagement_rate=Decimal("0.02"))

    # The API's fraction means nothing to the page's FilterSet: it is ignored, not misread as a percentage.
    assert set(handles(ws, {"min_engagement_rate": "0.05"}, page=True)) == {"low_er"}


def test_growth_over_30_days_is_a_fraction_in_the_api(ws):
    make_creator("shrinking", growth_30d=Decimal("-0.05"))
    make_creator("growing", growth_30d=Decimal("0.25"))
    make_creator("unknown_growth", growth_30d=None)

    assert found(ws, min_growth_30d="0.1") == {"growing"}


def test_growth_over_30_days_is_a_percentage_on_the_page(ws):
    make_creator("shrinking", growth_30d=Decimal("-0.05"))
    make_creator("growing", growth_30d=Decimal("0.25"))

    assert set(handles(ws, {"min_growth_pct": 10}, page=True)) == {"growing"}


# --- Niche, place, language ------------------------------------------------------------------------------


def test_niche_matches_creators_with_any_of_the_niches(ws):
    make_creator("skin", niches=["skincare", "beauty"])
    make_creator("thrift", niches=["thrifting"])
    make_creator("games", niches=["gaming"])

    assert found(ws, niche=["skincare", "thrifting"]) == {"skin", "thrift"}


def test_a_malformed_niche_is_refused(ws):
    assert not filterset(ws, {"niche": "Skin Care!"}).is_valid()


def test_country_takes_several_codes_in_any_case(ws):
    make_creator("american", country="US")
    make_creator("french", country="FR")
    make_creator("german", country="DE")

    assert found(ws, country=["us", "FR"]) == {"american", "french"}


def test_a_country_that_is_not_a_code_is_refused(ws):
    assert not filterset(ws, {"country": "USA"}).is_valid()


def test_city_matches_whatever_the_case(ws):
    make_creator("austinite", city="Austin")
    make_creator("dallasite", city="Dallas")

    assert found(ws, city="austin") == {"austinite"}


def test_language_matches_creators_speaking_any_of_them(ws):
    make_creator("bilingual", languages=["en", "es"])
    make_creator("french", languages=["fr"])

    assert found(ws, language="es") == {"bilingual"}


# --- Audience ----------------------------------------------------------------------------------------------


def test_audience_country_share_at_least(ws):
    mostly_us = make_creator("mostly_us")
    give_audience(mostly_us, countries={"US": 55.0, "GB": 20.0})
    some_us = make_creator("some_us")
    give_audience(some_us, countries={"US": 30.0, "IN": 50.0})
    make_creator("audience_unknown")

    assert found(ws, audience_country="US", audience_country_min=50) == {"mostly_us"}


def test_audience_country_without_a_share_means_any_share(ws):
    has_gb = make_creator("has_gb")
    give_audience(has_gb, countries={"US": 55.0, "GB": 2.0})
    no_gb = make_creator("no_gb")
    give_audience(no_gb, countries={"US": 90.0})

    assert found(ws, audience_country="gb") == {"has_gb"}


def test_audience_gender_share_at_least(ws):
    female = make_creator("female_audience")
    give_audience(female, genders={"female": 72.0, "male": 26.0})
    male = make_creator("male_audience")
    give_audience(male, genders={"female": 30.0, "male": 68.0})

    assert found(ws, audience_gender="female", audience_gender_min=60) == {"female_audience"}


def test_audience_age_share_at_least(ws):
    young = make_creator("gen_z")
    give_audience(young, age_buckets={"18-24": 61.0, "25-34": 20.0})
    older = make_creator("millennial")
    give_audience(older, age_buckets={"18-24": 15.0, "25-34": 55.0})

    assert found(ws, audience_age="18-24", audience_age_min=50) == {"gen_z"}


def test_a_share_without_its_audience_key_is_refused(ws):
    built = filterset(ws, {"audience_gender_min": 60})

    assert not built.is_valid()
    assert "audience_gender" in built.errors


def test_an_audience_share_over_100_percent_is_refused(ws):
    assert not filterset(ws, {"audience_country": "US", "audience_country_min": 150}).is_valid()


# --- Flags and activity ----------------------------------------------------------------------------------


def test_verified_true_keeps_verified_accounts(ws):
    make_creator("blue_check", is_verified=True)
    make_creator("no_check", is_verified=False)

    assert found(ws, verified="true") == {"blue_check"}


def test_verified_false_keeps_unverified_accounts(ws):
    make_creator("blue_check", is_verified=True)
    make_creator("no_check", is_verified=False)

    assert found(ws, verified="false") == {"no_check"}


def _reachable(ws, other_ws):
    """One creator this workspace has an e-mail for, one only another workspace has (never counted here)."""
    WorkspaceCreatorContact.objects.create(workspace=ws, creator=make_creator("reachable"), email="hi@reachable.test")
    with scopes_disabled():
        WorkspaceCreatorContact.objects.create(
            workspace=other_ws, creator=make_creator("unreachable"), email="theirs@other.test"
        )
    make_creator("nobody_has_it")


def test_has_email_true_keeps_creators_this_workspace_can_e_mail(ws, other_ws):
    _reachable(ws, other_ws)

    assert found(ws, has_email="true") == {"reachable"}


def test_has_email_false_keeps_creators_without_one_here(ws, other_ws):
    _reachable(ws, other_ws)

    assert found(ws, has_email="false") == {"unreachable", "nobody_has_it"}


def test_posted_within_days(ws):
    now = timezone.now()
    make_creator("active", last_posted_at=now - timedelta(days=2))
    make_creator("quiet", last_posted_at=now - timedelta(days=40))
    make_creator("never_posted", last_posted_at=None)

    assert found(ws, posted_within_days=7) == {"active"}


def test_authenticity_clean_leaves_out_flagged_creators(ws):
    make_creator("clean", authenticity_flags=[])
    make_creator("suspicious", authenticity_flags=["follower_spike"])

    assert found(ws, authenticity="clean") == {"clean"}


def test_authenticity_flagged_keeps_only_flagged_creators(ws):
    make_creator("clean", authenticity_flags=[])
    make_creator("suspicious", authenticity_flags=["follower_spike"])

    assert found(ws, authenticity="flagged") == {"suspicious"}


# --- Workspace-private filters ----------------------------------------------------------------------------


def test_relationship_status_of_the_current_workspace(ws):
    talking = make_creator("talking")
    relate(ws, talking, "in_talks")
    partner = make_creator("partner")
    relate(ws, partner, "active_partner")
    make_creator("stranger")

    assert found(ws, relationship="in_talks") == {"talking"}


def test_relationship_none_keeps_creators_without_a_status(ws):
    talking = make_creator("talking")
    relate(ws, talking, "in_talks")
    make_creator("stranger")

    assert found(ws, relationship="none") == {"stranger"}


def test_another_workspaces_relationship_does_not_count(ws, other_ws):
    theirs = make_creator("their_partner")
    relate(other_ws, theirs, "active_partner")

    assert found(ws, relationship="active_partner") == set()
    assert found(ws, relationship="none") == {"their_partner"}


def test_in_list_keeps_the_lists_creators(ws):
    picked = make_creator("picked")
    make_creator("not_picked")
    shortlist = put_on_list(ws, "Spring", picked)

    assert found(ws, in_list=shortlist.pk) == {"picked"}


def test_not_in_list_leaves_the_lists_creators_out(ws):
    picked = make_creator("picked")
    make_creator("not_picked")
    shortlist = put_on_list(ws, "Spring", picked)

    assert found(ws, not_in_list=shortlist.pk) == {"not_picked"}


def test_another_workspaces_list_is_refused_and_shows_none_of_its_creators(ws, other_ws):
    secret = make_creator("their_pick")
    their_list = put_on_list(other_ws, "Their secret list", secret)

    built = filterset(ws, {"in_list": their_list.pk})

    assert not built.is_valid()
    assert "in_list" in built.errors


def test_another_workspaces_list_cannot_be_left_out_either(ws, other_ws):
    their_list = put_on_list(other_ws, "Their secret list", make_creator("their_pick"))

    assert not filterset(ws, {"not_in_list": their_list.pk}).is_valid()


def test_tag_keeps_the_tagged_creators(ws):
    vetted = make_creator("vetted")
    make_creator("unvetted")
    vetted_tag = tag(ws, "vetted", vetted)

    assert found(ws, tag=vetted_tag.pk) == {"vetted"}


def test_another_workspaces_tag_is_refused(ws, other_ws):
    their_tag = tag(other_ws, "theirs", make_creator("tagged_there"))

    assert not filterset(ws, {"tag": their_tag.pk}).is_valid()


def test_workspace_filters_without_a_workspace_are_refused():
    picked = make_creator("picked")
    shortlist = put_on_list(WorkspaceFactory(), "Any", picked)

    assert not filterset(None, {"in_list": shortlist.pk}).is_valid()


# --- Sorting ------------------------------------------------------------------------------------------------


def test_default_order_is_score_best_first_with_unscored_last(ws):
    make_creator("unscored", score=None)
    make_creator("good", score=Decimal("70"))
    make_creator("best", score=Decimal("90"))

    assert handles(ws, {}) == ["best", "good", "unscored"]


def test_ascending_score_still_puts_unscored_last(ws):
    make_creator("unscored", score=None)
    make_creator("good", score=Decimal("70"))
    make_creator("best", score=Decimal("90"))

    assert handles(ws, {"ordering": "score"}) == ["good", "best", "unscored"]


def test_sort_by_engagement_rate(ws):
    make_creator("er_low", engagement_rate=Decimal("0.01"))
    make_creator("er_none", engagement_rate=None)
    make_creator("er_high", engagement_rate=Decimal("0.09"))

    assert handles(ws, {"ordering": "-engagement_rate"}) == ["er_high", "er_low", "er_none"]


def test_sort_by_followers_both_ways(ws):
    make_creator("small", follower_count=1_000)
    make_creator("big", follower_count=900_000)
    make_creator("medium", follower_count=50_000)

    assert handles(ws, {"ordering": "-followers"}) == ["big", "medium", "small"]
    assert handles(ws, {"ordering": "followers"}) == ["small", "medium", "big"]


def test_sort_by_growth(ws):
    make_creator("flat", growth_30d=Decimal("0"))
    make_creator("rocket", growth_30d=Decimal("0.5"))
    make_creator("shrinking", growth_30d=Decimal("-0.1"))

    assert handles(ws, {"ordering": "-growth"}) == ["rocket", "flat", "shrinking"]


def test_sort_by_recent_activity(ws):
    now = timezone.now()
    make_creator("last_month", last_posted_at=now - timedelta(days=30))
    make_creator("never", last_posted_at=None)
    make_creator("today", last_posted_at=now)

    assert handles(ws, {"ordering": "-recent"}) == ["today", "last_month", "never"]


def test_ties_break_by_id_so_pages_do_not_overlap(ws):
    created = [make_creator(f"tied{i}", score=Decimal("50")) for i in range(7)]

    first = handles(ws, {}, per_page=3, number=1)
    second = handles(ws, {}, per_page=3, number=2)
    third = handles(ws, {}, per_page=3, number=3)

    assert first + second + third == [creator.handle for creator in created]


def test_an_unknown_sort_is_refused(ws):
    assert not filterset(ws, {"ordering": "-handle"}).is_valid()
