"""Shortlist pages: index, detail, add/remove, rename, delete, CSV export; tag deletion."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from creators.models import CreatorList, CreatorListEntry, CreatorTag, Tag
from tests.creators.workspace_factories import (
    CreatorListEntryFactory,
    CreatorListFactory,
    CreatorTagFactory,
    TagFactory,
)
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, **kwargs):
    return reverse(f"creators:{name}", kwargs=kwargs)


def _count(model, **filters):
    with scopes_disabled():
        return model.objects.filter(**filters).count()


@pytest.fixture
def shortlist(workspace):
    return CreatorListFactory(workspace=workspace, name="Spring launch", description="US skincare")


def test_the_index_lists_the_workspaces_lists_with_their_sizes(client, analyst, shortlist):
    CreatorListEntryFactory(creator_list=shortlist)
    CreatorListEntryFactory(creator_list=shortlist)
    client.force_login(analyst)
    body = client.get(_url("list-index")).content.decode()
    assert "Spring launch" in body and ">2<" in body
    assert "Create list" not in body  # analysts read only


def test_an_empty_index_says_how_to_start(client, manager):
    client.force_login(manager)
    body = client.get(_url("list-index")).content.decode()
    assert "No shortlists yet" in body and "Create list" in body


def test_creating_a_list_opens_it(client, manager):
    client.force_login(manager)
    response = client.post(_url("list-index"), {"name": "Autumn", "description": ""})
    with scopes_disabled():
        created = CreatorList.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("list-detail", creator_list_pk=created.pk)


def test_a_duplicate_list_name_is_shown_beside_the_field_and_not_stored(client, manager, shortlist):
    client.force_login(manager)
    response = client.post(_url("list-index"), {"name": "spring LAUNCH"})
    assert response.status_code == 400 and "Already used in this workspace." in response.content.decode()
    assert _count(CreatorList) == 1


def test_an_analyst_cannot_create_a_list(client, analyst):
    client.force_login(analyst)
    assert client.post(_url("list-index"), {"name": "Nope"}).status_code == 403
    assert _count(CreatorList) == 0


def test_the_detail_shows_the_creators_on_the_list(client, manager, shortlist, workspace):
    entry = CreatorListEntryFactory(creator_list=shortlist, creator=CreatorFactory(handle="maya.glow"))
    CreatorTagFactory(tag=TagFactory(workspace=workspace, name="vegan"), creator=entry.creator)
    client.force_login(manager)
    body = client.get(_url("list-detail", creator_list_pk=shortlist.pk)).content.decode()
    assert "@maya.glow" in body and "#vegan" in body and "US skincare" in body


def _detail_queries(client, creator_list, *, entries):
    for _ in range(entries):
        entry = CreatorListEntryFactory(creator_list=creator_list)
        CreatorTagFactory(tag=TagFactory(workspace=creator_list.workspace), creator=entry.creator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("list-detail", creator_list_pk=creator_list.pk)).status_code == 200
    return len(queries)


def test_the_list_page_issues_the_same_queries_whatever_its_size(client, manager, workspace):
    client.force_login(manager)
    few = _detail_queries(client, CreatorListFactory(workspace=workspace), entries=2)
    many = _detail_queries(client, CreatorListFactory(workspace=workspace), entries=40)
    assert few == many


def test_the_list_index_issues_the_same_queries_whatever_the_number_of_lists(
    client, manager, workspace, django_assert_max_num_queries
):
    client.force_login(manager)
    for _ in range(25):
        CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=workspace))
        TagFactory(workspace=workspace)
    with django_assert_max_num_queries(8):
        client.get(_url("list-index"))


def test_adding_ticked_creators_to_a_list_and_returning_to_next(client, manager, shortlist):
    first, second = CreatorFactory(), CreatorFactory()
    client.force_login(manager)
    response = client.post(
        _url("list-add", creator_list_pk=shortlist.pk), {"creator": [first.pk, second.pk], "next": "/creators/?q=glow"}
    )
    assert response.status_code == 302 and response["Location"] == "/creators/?q=glow"
    assert _count(CreatorListEntry, creator_list=shortlist) == 2


def test_adding_an_unknown_creator_adds_nobody(client, manager, shortlist):
    known = CreatorFactory()
    client.force_login(manager)
    client.post(_url("list-add", creator_list_pk=shortlist.pk), {"creator": [known.pk, 999_999]})
    assert _count(CreatorListEntry) == 0


def test_next_cannot_send_the_user_off_site(client, manager, shortlist):
    client.force_login(manager)
    response = client.post(
        _url("list-add", creator_list_pk=shortlist.pk), {"creator": [CreatorFactory().pk], "next": "https://evil.test/"}
    )
    assert response["Location"] == _url("list-detail", creator_list_pk=shortlist.pk)


def test_removing_a_row_with_htmx_answers_an_empty_row(client, manager, shortlist):
    entry = CreatorListEntryFactory(creator_list=shortlist)
    client.force_login(manager)
    response = client.post(_url("list-remove", creator_list_pk=shortlist.pk), {"creator": entry.creator_id}, **HTMX)
    assert response.status_code == 200 and response.content == b""
    assert _count(CreatorListEntry) == 0


def test_renaming_a_list(client, manager, shortlist):
    client.force_login(manager)
    client.post(_url("list-update", creator_list_pk=shortlist.pk), {"name": "Summer", "description": "new"})
    shortlist.refresh_from_db()
    assert (shortlist.name, shortlist.description) == ("Summer", "new")


def test_renaming_to_a_taken_name_changes_nothing(client, manager, shortlist, workspace):
    CreatorListFactory(workspace=workspace, name="Taken")
    client.force_login(manager)
    response = client.post(_url("list-update", creator_list_pk=shortlist.pk), {"name": "taken"}, follow=True)
    assert "already exists" in response.content.decode()
    shortlist.refresh_from_db()
    assert shortlist.name == "Spring launch"


def test_deleting_a_list(client, manager, shortlist):
    CreatorListEntryFactory(creator_list=shortlist)
    client.force_login(manager)
    response = client.post(_url("list-delete", creator_list_pk=shortlist.pk))
    assert response.status_code == 302 and response["Location"] == _url("list-index")
    assert _count(CreatorList) == 0 and _count(CreatorListEntry) == 0


def test_the_csv_export_has_every_creator_and_defuses_formulas(client, analyst, shortlist):
    CreatorListEntryFactory(
        creator_list=shortlist,
        creator=CreatorFactory(handle="maya", display_name="=HYPERLINK(1)", follower_count=42_000),
    )
    CreatorListEntryFactory(creator_list=shortlist, creator=CreatorFactory(handle="zoe", follower_count=2_000_000))
    client.force_login(analyst)
    response = client.get(_url("list-export", creator_list_pk=shortlist.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="spring-launch-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_handle = {row["handle"]: row for row in rows}
    assert set(by_handle) == {"maya", "zoe"}
    assert by_handle["maya"]["display_name"] == "'=HYPERLINK(1)"
    assert (by_handle["maya"]["tier"], by_handle["zoe"]["tier"]) == ("micro", "mega")
    assert by_handle["zoe"]["profile_url"] == "https://www.tiktok.com/@zoe"


def test_deleting_a_tag_from_the_index_page(client, manager, workspace):
    tag = TagFactory(workspace=workspace)
    CreatorTagFactory(tag=tag)
    client.force_login(manager)
    response = client.post(_url("tag-delete", tag_pk=tag.pk))
    assert response.status_code == 302
    assert _count(Tag) == 0


def test_tagging_ticked_creators_and_returning_to_next(client, manager):
    first, second = CreatorFactory(), CreatorFactory()
    client.force_login(manager)
    response = client.post(
        _url("tag-apply"), {"name": "gifted", "creator": [first.pk, second.pk], "next": "/creators/?country=US"}
    )
    assert response.status_code == 302 and response["Location"] == "/creators/?country=US"
    assert _count(CreatorTag, tag__name="gifted") == 2


def test_bulk_tagging_without_a_name_tags_nobody(client, manager):
    client.force_login(manager)
    client.post(_url("tag-apply"), {"name": "", "creator": [CreatorFactory().pk]})
    assert _count(Tag) == 0 and _count(CreatorTag) == 0
