"""The creator profile page and its htmx cards (notes, tags, relationship, lists)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from creators import selectors
from creators.models import CreatorList, CreatorListEntry, CreatorNote, CreatorTag, Relationship
from tests.creators.workspace_factories import (
    AudienceProfileFactory,
    CreatorListEntryFactory,
    CreatorListFactory,
    CreatorNoteFactory,
    CreatorTagFactory,
    FollowerSnapshotFactory,
    TagFactory,
    VideoFactory,
    VideoStatsFactory,
)
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fresh_medians():
    selectors.forget_tier_engagement_medians()
    yield
    selectors.forget_tier_engagement_medians()


@pytest.fixture
def creator(db):
    return CreatorFactory(handle="glow.by.maya", follower_count=42_000, engagement_rate=Decimal("0.081"))


def _url(name, **kwargs):
    return reverse(f"creators:{name}", kwargs=kwargs)


def _count(model, **filters):
    with scopes_disabled():
        return model.objects.filter(**filters).count()


# --- The page -----------------------------------------------------------------------------------


def test_the_profile_shows_header_tier_engagement_charts_and_this_workspaces_notes(client, manager, creator, workspace):
    for rate in ("0.03", "0.04", "0.05"):
        CreatorFactory(follower_count=30_000, engagement_rate=Decimal(rate))
    VideoStatsFactory(video=VideoFactory(creator=creator), views=12_345)
    VideoStatsFactory(video=VideoFactory(creator=creator), views=1_000)
    today = timezone.now().date()
    FollowerSnapshotFactory(creator=creator, captured_on=today, follower_count=42_000)
    FollowerSnapshotFactory(creator=creator, captured_on=today - timedelta(days=10), follower_count=40_000)
    AudienceProfileFactory(creator=creator)
    CreatorNoteFactory(workspace=workspace, creator=creator, body="Quoted 350 USD per video")
    CreatorNoteFactory(workspace=WorkspaceFactory(), creator=creator, body="Another brand's secret")
    client.force_login(manager)

    response = client.get(_url("creator-detail", creator_pk=creator.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert "@glow.by.maya" in body and "Micro creator" in body
    assert "8.10 %" in body  # the creator's rate
    assert "4.50 %" in body  # the micro median of 0.03, 0.04, 0.05 and 0.081
    assert 'data-chart="line"' in body and "12345" in body  # growth chart, views-per-video values
    assert "Audience by gender" in body
    assert "Quoted 350 USD per video" in body and "Another brand&#x27;s secret" not in body
    assert "No collaborations yet" in body


def test_an_unknown_creator_is_404(client, manager):
    client.force_login(manager)
    assert client.get(_url("creator-detail", creator_pk=999_999)).status_code == 404


def test_a_profile_without_data_explains_what_comes_next(client, manager, creator):
    client.force_login(manager)
    body = client.get(_url("creator-detail", creator_pk=creator.pk)).content.decode()
    assert "No videos synced yet" in body and "No audience data yet" in body and "No growth history yet" in body


def _page_queries(client, workspace, *, items):
    creator = CreatorFactory(niches=["pets"], engagement_rate=Decimal("0.05"))
    CreatorFactory(niches=["pets"])
    for _ in range(items):
        VideoStatsFactory(video=VideoFactory(creator=creator))
        CreatorNoteFactory(workspace=workspace, creator=creator)
        CreatorTagFactory(tag=TagFactory(workspace=workspace), creator=creator)
        CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=workspace), creator=creator)
    url = _url("creator-detail", creator_pk=creator.pk)
    client.get(url)  # the tier medians are cached after the first view of any profile
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_profile_page_issues_the_same_queries_whatever_the_number_of_videos_and_notes(
    client, manager, workspace, django_assert_max_num_queries
):
    client.force_login(manager)
    few = _page_queries(client, workspace, items=2)
    many = _page_queries(client, workspace, items=30)
    assert few == many
    creator = CreatorFactory()
    with django_assert_max_num_queries(16):
        client.get(_url("creator-detail", creator_pk=creator.pk))


def test_an_analyst_sees_the_cards_without_their_forms(client, analyst, creator, workspace):
    CreatorNoteFactory(workspace=workspace, creator=creator, body="Visible to analysts")
    client.force_login(analyst)
    body = client.get(_url("creator-detail", creator_pk=creator.pk)).content.decode()
    assert "Visible to analysts" in body
    assert 'name="body"' not in body and 'name="new_list_name"' not in body and 'name="status"' not in body


# --- Notes --------------------------------------------------------------------------------------


def test_adding_a_note_with_htmx_returns_the_notes_card_with_it(client, manager, creator):
    client.force_login(manager)
    response = client.post(_url("note-add", creator_pk=creator.pk), {"body": "Loves SPF content"}, **HTMX)
    assert response.status_code == 200
    assert 'id="creator-notes"' in response.content.decode() and "Loves SPF content" in response.content.decode()
    assert _count(CreatorNote, creator=creator, author=manager) == 1


def test_an_empty_note_comes_back_as_a_400_card_and_is_not_stored(client, manager, creator):
    client.force_login(manager)
    response = client.post(_url("note-add", creator_pk=creator.pk), {"body": "   "}, **HTMX)
    assert response.status_code == 400 and 'id="creator-notes"' in response.content.decode()
    assert _count(CreatorNote) == 0


def test_without_javascript_adding_a_note_goes_back_to_the_profile(client, manager, creator):
    client.force_login(manager)
    response = client.post(_url("note-add", creator_pk=creator.pk), {"body": "Plain form"})
    assert response.status_code == 302
    assert response["Location"] == _url("creator-detail", creator_pk=creator.pk) + "#creator-notes"
    assert _count(CreatorNote) == 1


def test_a_manager_cannot_delete_a_teammates_note_from_the_page(client, manager, workspace, creator):
    with scopes_disabled():
        teammate = MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.MANAGER).user
    note = CreatorNoteFactory(workspace=workspace, creator=creator, author=teammate)
    client.force_login(manager)
    response = client.post(_url("note-delete", creator_note_pk=note.pk), **HTMX)
    assert response.status_code == 403 and "author or a workspace owner" in response.content.decode()
    assert _count(CreatorNote) == 1


def test_an_owner_deletes_a_note_from_the_page(client, owner, manager, workspace, creator):
    note = CreatorNoteFactory(workspace=workspace, creator=creator, author=manager)
    client.force_login(owner)
    assert client.post(_url("note-delete", creator_note_pk=note.pk), **HTMX).status_code == 200
    assert _count(CreatorNote) == 0


def test_an_analyst_cannot_add_a_note(client, analyst, creator):
    client.force_login(analyst)
    response = client.post(_url("note-add", creator_pk=creator.pk), {"body": "Sneaky"}, **HTMX)
    assert response.status_code == 403
    assert _count(CreatorNote) == 0


# --- Tags and relationship ----------------------------------------------------------------------


def test_tagging_and_untagging_from_the_profile(client, manager, creator):
    client.force_login(manager)
    added = client.post(_url("tag-add", creator_pk=creator.pk), {"name": "#Vegan"}, **HTMX)
    assert added.status_code == 200 and "#Vegan" in added.content.decode()
    with scopes_disabled():
        tag = CreatorTag.objects.get(creator=creator).tag
    removed = client.post(_url("tag-remove", creator_pk=creator.pk, tag_pk=tag.pk), **HTMX)
    assert removed.status_code == 200
    assert _count(CreatorTag) == 0


def test_a_blank_tag_is_refused(client, manager, creator):
    client.force_login(manager)
    assert client.post(_url("tag-add", creator_pk=creator.pk), {"name": "#"}, **HTMX).status_code == 400
    assert _count(CreatorTag) == 0


def test_setting_the_relationship_from_the_select(client, manager, creator):
    client.force_login(manager)
    response = client.post(_url("relationship-set", creator_pk=creator.pk), {"status": "in_talks"}, **HTMX)
    assert response.status_code == 200 and 'value="in_talks" selected' in response.content.decode()
    assert _count(Relationship, creator=creator, status="in_talks") == 1


def test_an_unknown_relationship_status_is_refused(client, manager, creator):
    client.force_login(manager)
    assert client.post(_url("relationship-set", creator_pk=creator.pk), {"status": "bff"}, **HTMX).status_code == 400
    assert _count(Relationship) == 0


# --- Lists from the profile ---------------------------------------------------------------------


def test_adding_the_creator_to_an_existing_list(client, manager, workspace, creator):
    creator_list = CreatorListFactory(workspace=workspace, name="Spring")
    client.force_login(manager)
    response = client.post(_url("creator-list-add", creator_pk=creator.pk), {"creator_list": creator_list.pk}, **HTMX)
    assert response.status_code == 200
    assert _count(CreatorListEntry, creator_list=creator_list, creator=creator) == 1


def test_adding_the_creator_to_a_new_list_creates_it(client, manager, creator):
    client.force_login(manager)
    response = client.post(_url("creator-list-add", creator_pk=creator.pk), {"new_list_name": "Autumn"}, **HTMX)
    assert response.status_code == 200 and "Autumn" in response.content.decode()
    assert _count(CreatorListEntry, creator_list__name="Autumn", creator=creator) == 1


def test_a_new_list_with_a_taken_name_adds_nothing(client, manager, workspace, creator):
    CreatorListFactory(workspace=workspace, name="Autumn")
    client.force_login(manager)
    response = client.post(_url("creator-list-add", creator_pk=creator.pk), {"new_list_name": "autumn"}, **HTMX)
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert _count(CreatorList) == 1 and _count(CreatorListEntry) == 0


def test_another_workspaces_list_cannot_be_picked(client, manager, creator):
    theirs = CreatorListFactory(workspace=WorkspaceFactory())
    client.force_login(manager)
    response = client.post(_url("creator-list-add", creator_pk=creator.pk), {"creator_list": theirs.pk}, **HTMX)
    assert response.status_code == 400
    assert _count(CreatorListEntry) == 0


def test_removing_the_creator_from_a_list_on_the_profile(client, manager, workspace, creator):
    entry = CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=workspace), creator=creator)
    client.force_login(manager)
    url = _url("creator-list-remove", creator_pk=creator.pk, creator_list_pk=entry.creator_list_id)
    assert client.post(url, **HTMX).status_code == 200
    assert _count(CreatorListEntry) == 0
