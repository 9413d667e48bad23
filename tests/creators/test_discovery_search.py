"""Keyword search (full text + handles, accents, typos, ranking), bounded counts and bounded paging."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tenancy import workspace_scope
from creators.discovery import selectors as discovery
from tests.creators.discovery_factories import filterset, handles, make_creator, results
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws():
    workspace = WorkspaceFactory(slug="search-a")
    with workspace_scope(workspace):
        yield workspace


@pytest.fixture
def counts_everything(monkeypatch):
    """The planner's estimate never stands in for a count (tests hold a few rows, the planner guesses)."""
    monkeypatch.setattr(discovery, "ESTIMATE_ABOVE", 10**9)


# --- Keyword matching and ranking -------------------------------------------------------------------------


def test_exact_handle_ranks_above_a_bio_that_mentions_it(ws):
    make_creator("fan_account", bio="i love glowmaya so much, glowmaya forever", follower_count=900_000)
    make_creator("glowmaya", display_name="Maya", follower_count=12_000)

    assert handles(ws, {"q": "glowmaya"})[0] == "glowmaya"


def test_at_sign_before_a_handle_is_ignored(ws):
    make_creator("glowmaya")
    make_creator("someone_else", bio="skincare")

    assert handles(ws, {"q": "@glowmaya"}) == ["glowmaya"]


def test_a_misspelt_handle_still_finds_the_creator(ws):
    make_creator("charlidamelio", display_name="Charli D'Amelio")
    make_creator("zachking", display_name="Zach King")

    assert handles(ws, {"q": "charlidamelo"}) == ["charlidamelio"]


def test_accents_do_not_matter_in_the_keyword(ws):
    make_creator("lucia.cooks", display_name="Lucía Núñez")
    make_creator("other", display_name="Lucas Smith")

    assert handles(ws, {"q": "nunez"}) == ["lucia.cooks"]


def test_accents_typed_in_the_keyword_match_unaccented_text(ws):
    make_creator("cafe_daily", bio="cafe every morning")

    assert handles(ws, {"q": "Café"}) == ["cafe_daily"]


def test_keyword_matches_hashtags(ws):
    make_creator("thrifter", hashtags=["thriftflip"])
    make_creator("baker", hashtags=["sourdough"])

    assert handles(ws, {"q": "#thriftflip"}) == ["thrifter"]


def test_keyword_finds_a_handle_from_a_part_of_it(ws):
    make_creator("maya.glowup", display_name="M")
    make_creator("zoe.eats", display_name="Z")

    assert handles(ws, {"q": "glowup"}) == ["maya.glowup"]


def test_keyword_excludes_words_after_a_minus(ws):
    make_creator("vegan_baker", bio="vegan baking")
    make_creator("butter_baker", bio="baking with butter")

    assert handles(ws, {"q": "baking -butter"}) == ["vegan_baker"]


def test_keyword_combines_with_filters(ws):
    make_creator("skin_us", bio="skincare routines", country="US")
    make_creator("skin_fr", bio="skincare routines", country="FR")

    assert handles(ws, {"q": "skincare", "country": "FR"}) == ["skin_fr"]


def test_an_explicit_sort_overrides_relevance(ws):
    make_creator("glowmaya", follower_count=1_000)
    make_creator("big_fan", bio="glowmaya", follower_count=900_000)

    assert handles(ws, {"q": "glowmaya", "ordering": "-followers"}) == ["big_fan", "glowmaya"]


def test_a_misspelt_handle_is_found_under_an_explicit_sort_too(ws):
    make_creator("charlidamelio")
    make_creator("zachking")

    assert handles(ws, {"q": "charlidamelo", "ordering": "-followers"}) == ["charlidamelio"]


def test_a_broad_keyword_of_two_words_matches_documents_with_both(ws, monkeypatch):
    monkeypatch.setattr(discovery, "COUNT_LIMIT", 1)
    make_creator("both1", bio="vegan baking daily", score=Decimal("50"))
    make_creator("both2", bio="baking, vegan style", score=Decimal("40"))
    make_creator("one_word", bio="vegan food", score=Decimal("90"))

    assert handles(ws, {"q": "vegan baking"}) == ["both1", "both2"]


@pytest.mark.parametrize("raw", ['"vegan baking"', "vegan -butter", "vegan or keto", "glow.up"])
def test_keywords_with_search_syntax_get_no_substring_shortcut(raw):
    assert discovery.keyword_prefilter(discovery.Keyword.parse(raw)) is None


def test_a_keyword_nothing_matches_finds_nobody(ws):
    make_creator("glowmaya")

    assert handles(ws, {"q": "xqzvbnm"}) == []


def test_a_keyword_of_punctuation_alone_finds_nobody_without_error(ws):
    make_creator("glowmaya")

    assert handles(ws, {"q": "!!! ---"}) == []


def test_a_keyword_longer_than_100_characters_is_refused(ws):
    assert not filterset(ws, {"q": "a" * 101}).is_valid()


def test_a_broad_keyword_lists_the_exact_handle_first_then_by_score(ws, monkeypatch):
    # More matches than are ranked (COUNT_LIMIT): relevance gives way to the exact handle, then score.
    monkeypatch.setattr(discovery, "COUNT_LIMIT", 3)
    make_creator("maya", score=Decimal("10"))
    for score in (80, 60, 40, 20):
        make_creator(f"fan{score}", bio="maya fan", score=Decimal(score))

    page = results(ws, {"q": "maya"})

    assert [c.handle for c in page.creators] == ["maya", "fan80", "fan60", "fan40", "fan20"]
    assert not page.by_relevance


def test_the_second_page_of_a_broad_keyword_continues_where_the_first_stopped(ws, monkeypatch):
    monkeypatch.setattr(discovery, "COUNT_LIMIT", 3)
    make_creator("maya", score=Decimal("10"))
    for score in (80, 60, 40, 20):
        make_creator(f"fan{score}", bio="maya fan", score=Decimal(score))

    first = handles(ws, {"q": "maya"}, per_page=2, number=1)
    second = handles(ws, {"q": "maya"}, per_page=2, number=2)
    third = handles(ws, {"q": "maya"}, per_page=2, number=3)

    assert first + second + third == ["maya", "fan80", "fan60", "fan40", "fan20"]


# --- Counting ------------------------------------------------------------------------------------------------


def test_a_small_result_is_counted_exactly(ws, counts_everything):
    for i in range(30):
        make_creator(f"us{i}", country="US")
    make_creator("fr0", country="FR")

    page = results(ws, {"country": "US"}, per_page=25)

    assert (page.count.value, page.count.is_exact) == (30, True)
    assert str(page.count) == "30"


def test_counting_stops_past_the_limit(ws, monkeypatch, counts_everything):
    monkeypatch.setattr(discovery, "COUNT_LIMIT", 5)
    for i in range(8):
        make_creator(f"us{i}", country="US")

    page = results(ws, {"country": "US"}, per_page=2)

    assert (page.count.value, page.count.is_exact, page.count.is_estimate) == (5, False, False)
    assert str(page.count) == "5+"


def test_a_broad_filter_shows_the_planners_estimate(ws, monkeypatch):
    make_creator("us0", country="US")
    make_creator("us1", country="US")
    monkeypatch.setattr(discovery, "estimated_matches", lambda queryset: 48_213)

    page = results(ws, {"country": "US"}, per_page=1)

    assert (page.count.value, page.count.is_exact, page.count.is_estimate) == (48_213, False, True)
    assert str(page.count) == "about 48,000"


def test_audience_filters_are_counted_not_estimated(ws, monkeypatch):
    from tests.creators.discovery_factories import give_audience

    for i in range(3):
        give_audience(make_creator(f"aud{i}"), countries={"US": 60.0})
    monkeypatch.setattr(discovery, "estimated_matches", lambda queryset: 48_213)

    page = results(ws, {"audience_country": "US", "audience_country_min": 50}, per_page=1)

    assert (page.count.value, page.count.is_exact) == (3, True)


def test_audience_and_creator_filters_together_count_only_creators_matching_both(ws):
    from tests.creators.discovery_factories import give_audience

    for i, country in enumerate(["FR", "FR", "US"]):
        give_audience(make_creator(f"aud{i}", country=country), countries={"US": 60.0})
    give_audience(make_creator("fr_other_audience", country="FR"), countries={"GB": 60.0})

    page = results(ws, {"audience_country": "US", "audience_country_min": 50, "country": "FR"}, per_page=1)

    assert (page.count.value, page.count.is_exact) == (2, True)


def test_the_whole_index_is_sized_from_statistics_once_large(ws, monkeypatch):
    make_creator("one")
    make_creator("two")
    monkeypatch.setattr(discovery, "estimated_index_size", lambda: 1_000_000)

    page = results(ws, {}, per_page=1)

    assert (page.count.value, page.count.is_estimate) == (1_000_000, True)


def test_a_first_page_that_is_not_full_needs_no_count_query(ws):
    make_creator("one", country="US")
    make_creator("two", country="US")
    built = filterset(ws, {"country": "US"})
    assert built.is_valid()
    search = built.search()

    with CaptureQueriesContext(connection) as queries:
        page = discovery.results_page(search, page_number=1, per_page=25)

    assert (page.count.value, page.count.is_exact) == (2, True)
    assert len(queries) == 1  # the page itself


# --- Paging ---------------------------------------------------------------------------------------------------


def test_next_page_is_known_from_one_extra_row(ws):
    for i in range(5):
        make_creator(f"c{i}")

    assert results(ws, {}, per_page=4, number=1).has_next
    assert not results(ws, {}, per_page=4, number=2).has_next


def test_deep_pages_fetched_by_id_match_plain_offset(ws, monkeypatch):
    for i in range(12):
        make_creator(f"c{i:02d}", follower_count=1_000 * (i + 1))
    plain = handles(ws, {"ordering": "-followers"}, per_page=3, number=3)
    monkeypatch.setattr(discovery, "DEFERRED_JOIN_OFFSET", 1)

    deferred = handles(ws, {"ordering": "-followers"}, per_page=3, number=3)

    assert deferred == plain == ["c05", "c04", "c03"]


def test_page_numbers_past_the_reachable_rows_are_refused_by_the_api():
    with pytest.raises(discovery.PageOutOfRange):
        discovery.parse_page_number("401", per_page=25, strict=True)


def test_page_numbers_that_are_not_numbers_are_refused_by_the_api():
    with pytest.raises(discovery.PageOutOfRange):
        discovery.parse_page_number("two", per_page=25, strict=True)


def test_the_page_clamps_bad_page_numbers_instead():
    assert discovery.parse_page_number("two", per_page=25, strict=False) == 1
    assert discovery.parse_page_number("0", per_page=25, strict=False) == 1
    assert discovery.parse_page_number("99999", per_page=25, strict=False) == 400


def test_the_last_reachable_page_says_more_results_exist(ws, monkeypatch, counts_everything):
    monkeypatch.setattr(discovery, "MAX_RESULT_ROWS", 4)
    monkeypatch.setattr(discovery, "COUNT_LIMIT", 3)
    for i in range(6):
        make_creator(f"c{i}")

    page = results(ws, {"country": "US"}, per_page=2, number=2)

    assert not page.has_next
    assert page.is_capped
