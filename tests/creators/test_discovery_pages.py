"""The discovery page: results and filters in the URL, the htmx partial, constant queries, the CSV export,
bulk actions through the services, and saved searches."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from creators.models import CreatorList, CreatorListEntry, CreatorTag, SavedSearch, Tag
from tests.creators.discovery_factories import make_creator, put_on_list
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("creators:creator-list")
BULK_URL = reverse("creators:creator-bulk")
EXPORT_URL = reverse("creators:creator-export")
SAVE_URL = reverse("creators:saved-search-create")


@pytest.fixture
def member(client, manager):
    client.force_login(manager)
    return client


def _entries():
    with scopes_disabled():
        return sorted(CreatorListEntry.objects.values_list("creator_list__name", "creator__handle"))


def _tags():
    with scopes_disabled():
        return sorted(CreatorTag.objects.values_list("tag__name", "creator__handle"))


def _lists():
    with scopes_disabled():
        return sorted(CreatorList.objects.values_list("name", flat=True))


# --- Results -------------------------------------------------------------------------------------------------


def test_the_page_lists_creators_linked_to_their_profiles(member):
    creator = make_creator("glowmaya", display_name="Maya Glow")

    response = member.get(LIST_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{reverse("creators:creator-detail", kwargs={"creator_pk": creator.pk})}"' in body
    assert "@glowmaya" in body
    assert 'href="/creators/import/"' in body


def test_filters_come_from_the_url(member):
    make_creator("american", country="US")
    make_creator("french", country="FR")

    body = member.get(LIST_URL, {"country": "FR"}).content.decode()

    assert "@french" in body
    assert "@american" not in body


def test_engagement_is_shown_as_a_percentage(member):
    make_creator("engaging", engagement_rate=Decimal("0.0725"))

    assert "7.25 %" in member.get(LIST_URL).content.decode()


def test_tiers_are_shown_as_badges(member):
    make_creator("microcreator", follower_count=45_000)

    body = member.get(LIST_URL).content.decode()

    assert 'class="badge text-capitalize bg-blue-lt">micro</span>' in body


def test_htmx_gets_only_the_results(member):
    make_creator("glowmaya")

    response = member.get(LIST_URL, {"q": "glowmaya"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "@glowmaya" in body


def test_cards_show_the_same_results(member):
    make_creator("glowmaya")

    body = member.get(LIST_URL, {"view": "cards"}).content.decode()

    assert "cd-creator-card" in body
    assert "@glowmaya" in body


def test_invalid_filters_answer_400_with_the_reason(member):
    make_creator("glowmaya")

    response = member.get(LIST_URL, {"min_followers": "50000", "max_followers": "10"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Must be at least the minimum." in body
    assert "@glowmaya" not in body


def test_an_empty_index_says_how_to_fill_it(member):
    body = member.get(LIST_URL).content.decode()

    assert "Your creator index is empty" in body
    assert "Import creators" in body


def test_filters_that_match_nobody_offer_to_clear_them(member):
    make_creator("american", country="US")

    body = member.get(LIST_URL, {"country": "FR"}).content.decode()

    assert "No creators match these filters" in body
    assert "Clear all filters" in body


def test_another_workspaces_list_id_shows_none_of_its_creators(member):
    other = WorkspaceFactory(slug="other-brand")
    put_on_list(other, "Other brand secret list", make_creator("their_pick"))
    with scopes_disabled():
        their_list = CreatorList.objects.get(name="Other brand secret list")

    response = member.get(LIST_URL, {"in_list": their_list.pk})

    assert response.status_code == 400
    body = response.content.decode()
    assert "@their_pick" not in body
    assert "Other brand secret list" not in body


def _query_count(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_10_or_50_results(member, workspace):
    for i in range(50):
        make_creator(f"creator{i:02d}", country="US" if i < 10 else "GB", niches=["beauty"])
    put_on_list(workspace, "Spring", make_creator("listed"))

    ten = _query_count(member, {"country": "US", "per_page": 50})
    fifty = _query_count(member, {"niche": "beauty", "per_page": 50})

    assert ten == fifty


def test_the_page_query_count_is_bounded(member, django_assert_max_num_queries):
    for i in range(30):
        make_creator(f"creator{i:02d}")

    with django_assert_max_num_queries(16):
        member.get(LIST_URL, {"q": "creator", "per_page": 25})


# --- CSV export -----------------------------------------------------------------------------------------------


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_writes_the_filtered_results_in_order(member):
    make_creator("small_us", country="US", follower_count=20_000, engagement_rate=Decimal("0.05"))
    make_creator("big_us", country="US", follower_count=80_000)
    make_creator("french", country="FR")

    response = member.get(EXPORT_URL, {"country": "US", "ordering": "-followers"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="creators-')
    rows = _csv(response)
    assert [row["handle"] for row in rows] == ["big_us", "small_us"]
    assert rows[1]["engagement_rate_pct"] == "5.00"
    assert rows[1]["tier"] == "micro"


def test_export_of_ticked_creators_only(member):
    kept = make_creator("kept")
    make_creator("not_ticked")

    rows = _csv(member.get(EXPORT_URL, {"creator": kept.pk}))

    assert [row["handle"] for row in rows] == ["kept"]


def test_export_takes_the_search_from_the_bulk_form(member):
    make_creator("american", country="US")
    make_creator("french", country="FR")

    rows = _csv(member.get(EXPORT_URL, {"query": "country=FR", "csrfmiddlewaretoken": "x"}))

    assert [row["handle"] for row in rows] == ["french"]


def test_export_quotes_cells_a_spreadsheet_would_run(member):
    make_creator("sneaky", display_name="=HYPERLINK(evil)")

    rows = _csv(member.get(EXPORT_URL))

    assert rows[0]["display_name"] == "'=HYPERLINK(evil)"


def test_export_refuses_invalid_filters(member):
    response = member.get(EXPORT_URL, {"tier": "giga"})

    assert response.status_code == 400


# --- Bulk actions --------------------------------------------------------------------------------------------


def test_bulk_add_ticked_creators_to_a_list(member, workspace):
    first, second = make_creator("first"), make_creator("second")
    make_creator("not_ticked")
    shortlist = put_on_list(workspace, "Spring")

    response = member.post(
        BULK_URL, {"action": "add_to_list", "creator": [first.pk, second.pk], "creator_list": shortlist.pk}
    )

    assert response.status_code == 302
    assert _entries() == [("Spring", "first"), ("Spring", "second")]


def test_bulk_add_to_a_new_list(member):
    picked = make_creator("picked")

    member.post(BULK_URL, {"action": "add_to_list", "creator": [picked.pk], "new_list_name": "Launch picks"})

    assert _entries() == [("Launch picks", "picked")]


def test_bulk_tag(member):
    picked = make_creator("picked")
    make_creator("not_ticked")

    member.post(BULK_URL, {"action": "tag", "creator": [picked.pk], "tag_name": "vetted"})

    assert _tags() == [("vetted", "picked")]


def test_bulk_select_all_matching_uses_the_search(member, workspace):
    make_creator("french1", country="FR")
    make_creator("french2", country="FR")
    make_creator("american", country="US")
    shortlist = put_on_list(workspace, "France")

    response = member.post(
        BULK_URL, {"action": "add_to_list", "select_all": "1", "query": "country=FR", "creator_list": shortlist.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?country=FR"
    assert _entries() == [("France", "french1"), ("France", "french2")]


def test_bulk_without_a_selection_is_refused_and_writes_nothing(member, workspace):
    make_creator("someone")
    shortlist = put_on_list(workspace, "Spring")

    response = member.post(BULK_URL, {"action": "add_to_list", "creator_list": shortlist.pk})

    assert response.status_code == 400
    assert "Select creators first" in response.content.decode()
    assert _entries() == []


def test_bulk_into_another_workspaces_list_is_refused_and_writes_nothing(member):
    picked = make_creator("picked")
    their_list = put_on_list(WorkspaceFactory(slug="other-brand"), "Theirs")

    response = member.post(BULK_URL, {"action": "add_to_list", "creator": [picked.pk], "creator_list": their_list.pk})

    assert response.status_code == 400
    assert _entries() == []


def test_bulk_tag_without_a_name_is_refused_and_writes_nothing(member):
    picked = make_creator("picked")

    response = member.post(BULK_URL, {"action": "tag", "creator": [picked.pk], "tag_name": "   "})

    assert response.status_code == 400
    assert _tags() == []
    with scopes_disabled():
        assert not Tag.objects.exists()


def test_bulk_new_list_with_a_taken_name_is_refused_and_writes_nothing(member, workspace):
    put_on_list(workspace, "Spring")
    picked = make_creator("picked")

    response = member.post(BULK_URL, {"action": "add_to_list", "creator": [picked.pk], "new_list_name": "spring"})

    assert response.status_code == 400
    assert _entries() == []
    assert _lists() == ["Spring"]


def test_bulk_select_all_beyond_the_limit_is_refused_and_writes_nothing(member, workspace, monkeypatch):
    from creators.discovery import selectors as discovery

    monkeypatch.setattr(discovery, "COUNT_LIMIT", 2)
    for i in range(3):
        make_creator(f"french{i}", country="FR")
    shortlist = put_on_list(workspace, "France")

    response = member.post(
        BULK_URL, {"action": "add_to_list", "select_all": "1", "query": "country=FR", "creator_list": shortlist.pk}
    )

    assert response.status_code == 400
    assert "narrow the filters" in response.content.decode()
    assert _entries() == []


def test_bulk_with_garbage_ids_is_refused_and_writes_nothing(member):
    response = member.post(BULK_URL, {"action": "tag", "creator": ["1; DROP TABLE"], "tag_name": "x"})

    assert response.status_code == 400
    assert _tags() == []


def test_analysts_cannot_run_bulk_actions(client, analyst):
    client.force_login(analyst)
    picked = make_creator("picked")

    response = client.post(BULK_URL, {"action": "tag", "creator": [picked.pk], "tag_name": "vetted"})

    assert response.status_code == 403
    assert _tags() == []


# --- Saved searches ------------------------------------------------------------------------------------------


def _saved():
    with scopes_disabled():
        return sorted(SavedSearch.objects.values_list("workspace__slug", "name", "query_string"))


def test_save_a_search_keeps_its_filters_and_drops_the_rest(member):
    response = member.post(SAVE_URL, {"name": "US micro", "query": "tier=micro&country=US&page=3&evil=1"})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?tier=micro&country=US"
    assert _saved() == [("glow-test", "US micro", "tier=micro&country=US")]


def test_saved_searches_are_listed_with_their_link(member):
    member.post(SAVE_URL, {"name": "US micro", "query": "tier=micro&country=US"})

    body = member.get(LIST_URL).content.decode()

    assert f'href="{LIST_URL}?tier=micro&amp;country=US"' in body
    assert "US micro" in body


def test_a_saved_search_name_used_twice_is_refused_and_writes_nothing(member):
    member.post(SAVE_URL, {"name": "US micro", "query": "tier=micro"})

    response = member.post(SAVE_URL, {"name": "us MICRO", "query": "tier=nano"})

    assert response.status_code == 400
    assert "Already used in this workspace." in response.content.decode()
    assert _saved() == [("glow-test", "US micro", "tier=micro")]


def test_a_saved_search_needs_a_name(member):
    response = member.post(SAVE_URL, {"name": "  ", "query": "tier=micro"})

    assert response.status_code == 400
    assert _saved() == []


def test_delete_a_saved_search(member):
    member.post(SAVE_URL, {"name": "US micro", "query": "tier=micro"})
    with scopes_disabled():
        saved = SavedSearch.objects.get()

    response = member.post(reverse("creators:saved-search-delete", kwargs={"saved_search_pk": saved.pk}))

    assert response.status_code == 302
    assert _saved() == []


def test_another_workspaces_saved_search_cannot_be_deleted(member):
    other = WorkspaceFactory(slug="other-brand")
    with scopes_disabled():
        theirs = SavedSearch.objects.create(workspace=other, name="Theirs", query_string="tier=mega")

    response = member.post(reverse("creators:saved-search-delete", kwargs={"saved_search_pk": theirs.pk}))

    assert response.status_code == 404
    assert _saved() == [("other-brand", "Theirs", "tier=mega")]


def test_another_workspaces_saved_searches_are_not_listed(member):
    with scopes_disabled():
        SavedSearch.objects.create(workspace=WorkspaceFactory(slug="other-brand"), name="Their plan", query_string="")

    assert "Their plan" not in member.get(LIST_URL).content.decode()
