"""The API of shortlists, notes, tags and relationship status."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from creators.models import CreatorList, CreatorListEntry, CreatorNote, CreatorTag, Relationship, Tag
from tests.creators.workspace_factories import (
    CreatorListEntryFactory,
    CreatorListFactory,
    CreatorNoteFactory,
    CreatorTagFactory,
    TagFactory,
)
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _count(model, **filters):
    with scopes_disabled():
        return model.objects.filter(**filters).count()


@pytest.fixture
def api(manager):
    return _api(manager)


@pytest.fixture
def shortlist(workspace):
    return CreatorListFactory(workspace=workspace, name="Spring launch")


# --- Lists --------------------------------------------------------------------------------------


def test_creating_a_list_answers_it_with_its_size(api, manager):
    response = api.post("/api/v1/lists/", {"name": "Autumn", "description": "EU food"}, format="json")
    assert response.status_code == 201
    assert response.json() | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "name": "Autumn",
        "description": "EU food",
        "creator_count": 0,
        "created_by": manager.email,
        "created_at": "",
        "updated_at": "",
    }


def test_a_duplicate_list_name_is_a_400_naming_the_field(api, shortlist):
    response = api.post("/api/v1/lists/", {"name": "SPRING launch"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate" and "name" in response.json()["error"]["fields"]
    assert _count(CreatorList) == 1


def test_listing_lists_counts_their_creators_in_constant_queries(api, workspace):
    for size in (1, 3):
        creator_list = CreatorListFactory(workspace=workspace)
        for _ in range(size):
            CreatorListEntryFactory(creator_list=creator_list)
    with CaptureQueriesContext(connection) as few:
        first = api.get("/api/v1/lists/")
    for _ in range(10):
        CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=workspace))
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/lists/")
    assert sorted(item["creator_count"] for item in first.json()["results"]) == [1, 3]
    assert len(few) == len(many)


def test_patching_a_list_renames_it_and_keeps_the_description(api, shortlist):
    shortlist.description = "keep me"
    shortlist.save(update_fields=["description"])
    response = api.patch(f"/api/v1/lists/{shortlist.pk}/", {"name": "Summer"}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Summer", "keep me")


def test_deleting_a_list(api, shortlist):
    CreatorListEntryFactory(creator_list=shortlist)
    assert api.delete(f"/api/v1/lists/{shortlist.pk}/").status_code == 204
    assert _count(CreatorList) == 0 and _count(CreatorListEntry) == 0


def test_adding_and_removing_list_members(api, shortlist):
    first, second, third = CreatorFactory(), CreatorFactory(), CreatorFactory()
    url = f"/api/v1/lists/{shortlist.pk}/creators/"
    added = api.post(url, {"creator_ids": [first.pk, second.pk, first.pk]}, format="json")
    again = api.post(url, {"creator_ids": [second.pk, third.pk]}, format="json")
    removed = api.delete(f"{url}?creator_id={first.pk}&creator_id={third.pk}")
    assert added.json() == {"changed": 2, "creator_count": 2}
    assert again.json() == {"changed": 1, "creator_count": 3}
    assert removed.json() == {"changed": 2, "creator_count": 1}
    members = api.get(url).json()
    assert [item["id"] for item in members["results"]] == [second.pk]


def test_an_unknown_creator_id_adds_nobody(api, shortlist):
    known = CreatorFactory()
    response = api.post(f"/api/v1/lists/{shortlist.pk}/creators/", {"creator_ids": [known.pk, 987_654]}, format="json")
    assert response.status_code == 400 and "987654" in str(response.json()["error"]["fields"])
    assert _count(CreatorListEntry) == 0


def test_removing_without_creator_ids_is_a_400(api, shortlist):
    CreatorListEntryFactory(creator_list=shortlist)
    assert api.delete(f"/api/v1/lists/{shortlist.pk}/creators/").status_code == 400
    assert _count(CreatorListEntry) == 1


def test_an_analyst_reads_lists_but_cannot_change_them(analyst, shortlist):
    client = _api(analyst)
    assert client.get("/api/v1/lists/").status_code == 200
    assert client.post("/api/v1/lists/", {"name": "Nope"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/lists/{shortlist.pk}/").status_code == 403
    assert _count(CreatorList) == 1


def test_another_workspaces_list_is_404_and_untouched(shortlist):
    with scopes_disabled():
        outsider = MembershipFactory(workspace=WorkspaceFactory(), user=UserFactory(), role=Role.OWNER).user
    client = _api(outsider)
    assert client.get(f"/api/v1/lists/{shortlist.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/lists/{shortlist.pk}/creators/", {"creator_ids": [CreatorFactory().pk]}, format="json"
    )
    assert response.status_code == 404
    assert _count(CreatorListEntry) == 0


# --- Notes --------------------------------------------------------------------------------------


def test_notes_are_created_and_filtered_by_creator(api, manager, workspace):
    creator, other = CreatorFactory(), CreatorFactory()
    CreatorNoteFactory(workspace=workspace, creator=other)
    response = api.post("/api/v1/notes/", {"creator": creator.pk, "body": "Asked for rates"}, format="json")
    assert response.status_code == 201 and response.json()["author"] == manager.email
    listed = api.get(f"/api/v1/notes/?creator={creator.pk}").json()["results"]
    assert [note["body"] for note in listed] == ["Asked for rates"]


def test_a_note_without_a_body_is_a_400(api):
    response = api.post("/api/v1/notes/", {"creator": CreatorFactory().pk, "body": ""}, format="json")
    assert response.status_code == 400 and "body" in response.json()["error"]["fields"]
    assert _count(CreatorNote) == 0


def test_a_manager_cannot_delete_a_teammates_note_over_the_api(api, workspace):
    with scopes_disabled():
        teammate = MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.MANAGER).user
    note = CreatorNoteFactory(workspace=workspace, author=teammate)
    response = api.delete(f"/api/v1/notes/{note.pk}/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    assert _count(CreatorNote) == 1


def test_the_author_deletes_their_note_over_the_api(api, manager, workspace):
    note = CreatorNoteFactory(workspace=workspace, author=manager)
    assert api.delete(f"/api/v1/notes/{note.pk}/").status_code == 204
    assert _count(CreatorNote) == 0


def test_notes_cannot_be_edited(api, manager, workspace):
    note = CreatorNoteFactory(workspace=workspace, author=manager, body="original")
    assert api.patch(f"/api/v1/notes/{note.pk}/", {"body": "changed"}, format="json").status_code == 405
    note.refresh_from_db()
    assert note.body == "original"


# --- Tags ---------------------------------------------------------------------------------------


def test_creating_a_tag_by_tagging_creators(api):
    first, second = CreatorFactory(), CreatorFactory()
    response = api.post("/api/v1/tags/", {"name": "gifted", "creator_ids": [first.pk, second.pk]}, format="json")
    assert response.status_code == 201
    assert (response.json()["name"], response.json()["creator_count"]) == ("gifted", 2)


def test_tags_are_filtered_by_creator_with_their_counts(api, workspace):
    creator = CreatorFactory()
    on_creator, elsewhere = TagFactory(workspace=workspace, name="a"), TagFactory(workspace=workspace, name="b")
    CreatorTagFactory(tag=on_creator, creator=creator)
    CreatorTagFactory(tag=on_creator)
    CreatorTagFactory(tag=elsewhere)
    listed = api.get(f"/api/v1/tags/?creator={creator.pk}").json()["results"]
    assert [(tag["name"], tag["creator_count"]) for tag in listed] == [("a", 2)]


def test_tagging_and_untagging_through_the_tags_creators(api, workspace):
    tag = TagFactory(workspace=workspace)
    first, second = CreatorFactory(), CreatorFactory()
    url = f"/api/v1/tags/{tag.pk}/creators/"
    assert api.post(url, {"creator_ids": [first.pk, second.pk]}, format="json").json() == {
        "changed": 2,
        "creator_count": 2,
    }
    assert api.delete(f"{url}?creator_id={first.pk}").json() == {"changed": 1, "creator_count": 1}
    assert _count(CreatorTag, tag=tag, creator=second) == 1


def test_a_tag_name_too_long_is_a_400(api):
    response = api.post("/api/v1/tags/", {"name": "x" * 60}, format="json")
    assert response.status_code == 400
    assert _count(Tag) == 0


def test_deleting_a_tag(api, workspace):
    tag = TagFactory(workspace=workspace)
    CreatorTagFactory(tag=tag)
    assert api.delete(f"/api/v1/tags/{tag.pk}/").status_code == 204
    assert _count(Tag) == 0 and _count(CreatorTag) == 0


# --- Relationship -------------------------------------------------------------------------------


def test_a_creator_never_contacted_reads_as_new(api):
    creator = CreatorFactory()
    assert api.get(f"/api/v1/creators/{creator.pk}/relationship/").json() == {
        "creator": creator.pk,
        "status": "new",
        "updated_at": None,
        "updated_by": None,
    }


def test_setting_the_relationship_over_the_api(api, manager):
    creator = CreatorFactory()
    response = api.put(f"/api/v1/creators/{creator.pk}/relationship/", {"status": "contacted"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["updated_by"]) == ("contacted", manager.email)
    assert _count(Relationship, creator=creator, status="contacted") == 1


def test_an_unknown_relationship_status_is_a_400(api):
    creator = CreatorFactory()
    response = api.put(f"/api/v1/creators/{creator.pk}/relationship/", {"status": "friends"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]
    assert _count(Relationship) == 0


def test_the_relationship_of_an_unknown_creator_is_404(api):
    assert api.get("/api/v1/creators/999999/relationship/").status_code == 404


def test_another_workspaces_relationship_is_invisible(api):
    creator = CreatorFactory()
    with scopes_disabled():
        Relationship.objects.create(workspace=WorkspaceFactory(), creator=creator, status="active_partner")
    assert api.get(f"/api/v1/creators/{creator.pk}/relationship/").json()["status"] == "new"
