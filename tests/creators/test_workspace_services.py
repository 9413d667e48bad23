"""The workspace-layer services: notes, tags, relationship status, shortlists, audience validation.

Each write has its refusal twin, which asserts nothing was written (rows and audit events alike)."""

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import AuditEvent, Role
from accounts.tenancy import workspace_scope
from creators.errors import CreatorError, CreatorPermissionError
from creators.models import (
    AudienceProfile,
    Creator,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorTag,
    Relationship,
    Tag,
)
from creators.services import upsert_audience_profile, validate_audience_profile
from creators.workspace import selectors, services
from tests.creators.workspace_factories import (
    AudienceProfileFactory,
    CreatorListEntryFactory,
    CreatorListFactory,
    CreatorNoteFactory,
    CreatorTagFactory,
    RelationshipFactory,
    TagFactory,
)
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_workspace(workspace):
    """The code under test runs in the workspace's scope, as it does inside a request."""
    with workspace_scope(workspace):
        yield workspace


def _audit(action):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action).values_list("workspace_id", "actor_id", "target"))


def _count(model):
    with scopes_disabled():
        return model.objects.count()


# --- Shortlists ---------------------------------------------------------------------------------


def test_creating_a_list_stores_it_and_records_who_did(in_workspace, manager):
    creator_list = services.create_creator_list(
        workspace=in_workspace, name="  Spring launch ", description="Skincare, US", by=manager
    )
    assert (creator_list.name, creator_list.description, creator_list.created_by) == (
        "Spring launch",
        "Skincare, US",
        manager,
    )
    assert _audit("list.created") == [(in_workspace.pk, manager.pk, "Spring launch")]


def test_a_list_name_used_in_the_workspace_is_refused_whatever_its_case(in_workspace, manager):
    CreatorListFactory(workspace=in_workspace, name="Spring launch")
    with pytest.raises(CreatorError) as refusal:
        services.create_creator_list(workspace=in_workspace, name="SPRING LAUNCH", by=manager)
    assert refusal.value.code == "duplicate" and "name" in refusal.value.fields
    assert _count(CreatorList) == 1
    assert _audit("list.created") == []


def test_a_blank_list_name_is_refused(in_workspace, manager):
    with pytest.raises(CreatorError) as refusal:
        services.create_creator_list(workspace=in_workspace, name="   ", by=manager)
    assert "name" in refusal.value.fields
    assert _count(CreatorList) == 0


def test_the_same_list_name_is_free_in_another_workspace(in_workspace, manager):
    CreatorListFactory(workspace=WorkspaceFactory(), name="Spring launch")
    created = services.create_creator_list(workspace=in_workspace, name="Spring launch", by=manager)
    assert created.workspace == in_workspace
    assert _count(CreatorList) == 2


def test_renaming_a_list_keeps_its_creators_and_records_the_old_name(in_workspace, manager):
    entry = CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=in_workspace, name="Old"))
    renamed = services.update_creator_list(creator_list=entry.creator_list, by=manager, name="New", description="d")
    renamed.refresh_from_db()
    assert (renamed.name, renamed.description) == ("New", "d")
    assert CreatorListEntry.objects.filter(creator_list=renamed).count() == 1
    with scopes_disabled():
        event = AuditEvent.objects.get(action="list.updated")
    assert event.data["old_name"] == "Old"


def test_renaming_a_list_to_a_taken_name_is_refused_and_changes_nothing(in_workspace, manager):
    CreatorListFactory(workspace=in_workspace, name="Taken")
    creator_list = CreatorListFactory(workspace=in_workspace, name="Mine")
    with pytest.raises(CreatorError) as refusal:
        services.update_creator_list(creator_list=creator_list, by=manager, name="taken")
    assert refusal.value.code == "duplicate"
    creator_list.refresh_from_db()
    assert creator_list.name == "Mine"
    assert _audit("list.updated") == []


def test_saving_a_list_unchanged_writes_no_audit_event(in_workspace, manager):
    creator_list = CreatorListFactory(workspace=in_workspace, name="Same", description="")
    services.update_creator_list(creator_list=creator_list, by=manager, name="Same")
    assert _audit("list.updated") == []


def test_deleting_a_list_removes_its_entries_but_not_the_creators(in_workspace, manager):
    entry = CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=in_workspace, name="Gone"))
    services.delete_creator_list(creator_list=entry.creator_list, by=manager)
    assert _count(CreatorList) == 0 and _count(CreatorListEntry) == 0
    entry.creator.refresh_from_db()  # still in the index
    assert _audit("list.deleted") == [(in_workspace.pk, manager.pk, "Gone")]


def test_adding_creators_skips_those_already_on_the_list_and_keeps_who_added_them(in_workspace, manager, owner):
    creator_list = CreatorListFactory(workspace=in_workspace)
    first, second = CreatorFactory(), CreatorFactory()
    CreatorListEntryFactory(creator_list=creator_list, creator=first, added_by=owner)
    added = services.add_creators_to_list(creator_list=creator_list, creators=[first, second], by=manager)
    assert added == 1
    added_by = dict(CreatorListEntry.objects.values_list("creator_id", "added_by_id"))
    assert added_by == {first.pk: owner.pk, second.pk: manager.pk}


def test_adding_creators_by_queryset_takes_every_match(in_workspace, manager):
    creator_list = CreatorListFactory(workspace=in_workspace)
    for _ in range(3):
        CreatorFactory(country="FR")
    CreatorFactory(country="US")
    added = services.add_creators_to_list(
        creator_list=creator_list, creators=Creator.objects.filter(country="FR"), by=manager
    )
    assert added == 3
    assert set(CreatorListEntry.objects.values_list("creator__country", flat=True)) == {"FR"}


def test_adding_nobody_new_records_no_audit_event(in_workspace, manager):
    entry = CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=in_workspace))
    assert services.add_creators_to_list(creator_list=entry.creator_list, creators=[entry.creator], by=manager) == 0
    assert _audit("list.creators_added") == []


def test_a_refused_new_list_adds_nobody(in_workspace, manager):
    CreatorListFactory(workspace=in_workspace, name="Taken")
    with pytest.raises(CreatorError):
        services.add_creators_to_new_list(workspace=in_workspace, name="Taken", creators=[CreatorFactory()], by=manager)
    assert _count(CreatorList) == 1 and _count(CreatorListEntry) == 0


def test_removing_creators_from_a_list_leaves_the_others(in_workspace, manager):
    creator_list = CreatorListFactory(workspace=in_workspace)
    stays, goes = CreatorListEntryFactory(creator_list=creator_list), CreatorListEntryFactory(creator_list=creator_list)
    removed = services.remove_creators_from_list(creator_list=creator_list, creators=[goes.creator], by=manager)
    assert removed == 1
    assert list(CreatorListEntry.objects.values_list("creator_id", flat=True)) == [stays.creator_id]
    assert len(_audit("list.creators_removed")) == 1


# --- Tags ---------------------------------------------------------------------------------------


def test_tagging_creates_the_tag_once_and_reuses_it_whatever_the_case(in_workspace, manager):
    first, second = CreatorFactory(), CreatorFactory()
    tag = services.tag_creators(workspace=in_workspace, tag_name="#Vegan", creators=[first], by=manager)
    again = services.tag_creators(workspace=in_workspace, tag_name="vegan", creators=[first, second], by=manager)
    assert tag == again and tag.name == "Vegan"
    assert _count(Tag) == 1
    assert set(CreatorTag.objects.values_list("creator_id", flat=True)) == {first.pk, second.pk}
    assert len(_audit("tag.applied")) == 2


def test_tagging_nobody_creates_the_tag_alone(in_workspace, manager):
    tag = services.tag_creators(workspace=in_workspace, tag_name="later", creators=[], by=manager)
    assert tag.name == "later" and _count(CreatorTag) == 0


def test_adding_nobody_to_a_list_adds_nothing(in_workspace, manager):
    creator_list = CreatorListFactory(workspace=in_workspace)
    assert services.add_creators_to_list(creator_list=creator_list, creators=Creator.objects.none(), by=manager) == 0


def test_a_too_long_tag_is_refused_and_nothing_is_tagged(in_workspace, manager):
    with pytest.raises(CreatorError) as refusal:
        services.tag_creators(workspace=in_workspace, tag_name="x" * 51, creators=[CreatorFactory()], by=manager)
    assert "tag" in refusal.value.fields
    assert _count(Tag) == 0 and _count(CreatorTag) == 0


def test_untagging_keeps_the_tag_for_the_other_creators(in_workspace, manager):
    tag = TagFactory(workspace=in_workspace)
    stays, goes = CreatorTagFactory(tag=tag), CreatorTagFactory(tag=tag)
    assert services.untag_creators(tag=tag, creators=[goes.creator], by=manager) == 1
    assert list(CreatorTag.objects.values_list("creator_id", flat=True)) == [stays.creator_id]
    assert _audit("tag.removed") == [(in_workspace.pk, manager.pk, tag.name)]


def test_deleting_a_tag_takes_it_off_every_creator(in_workspace, manager):
    tag = TagFactory(workspace=in_workspace, name="gifted")
    CreatorTagFactory(tag=tag)
    CreatorTagFactory(tag=tag)
    services.delete_tag(tag=tag, by=manager)
    assert _count(Tag) == 0 and _count(CreatorTag) == 0
    with scopes_disabled():
        assert AuditEvent.objects.get(action="tag.deleted").data["count"] == 2


# --- Notes --------------------------------------------------------------------------------------


def test_adding_a_note_stores_it_trimmed_with_its_author(in_workspace, manager):
    creator = CreatorFactory()
    note = services.add_note(workspace=in_workspace, creator=creator, body="  Quoted 300 USD.\n", by=manager)
    assert (note.body, note.author, note.creator) == ("Quoted 300 USD.", manager, creator)
    assert _audit("note.created") == [(in_workspace.pk, manager.pk, f"@{creator.handle}")]


def test_an_empty_note_is_refused(in_workspace, manager):
    with pytest.raises(CreatorError) as refusal:
        services.add_note(workspace=in_workspace, creator=CreatorFactory(), body=" \n ", by=manager)
    assert "body" in refusal.value.fields
    assert _count(CreatorNote) == 0 and _audit("note.created") == []


def test_the_author_deletes_their_note(in_workspace, manager):
    note = CreatorNoteFactory(workspace=in_workspace, author=manager)
    services.delete_note(note=note, by=manager)
    assert _count(CreatorNote) == 0
    assert len(_audit("note.deleted")) == 1


def test_an_owner_deletes_a_teammates_note(in_workspace, manager, owner):
    note = CreatorNoteFactory(workspace=in_workspace, author=manager)
    services.delete_note(note=note, by=owner)
    assert _count(CreatorNote) == 0


def test_a_manager_cannot_delete_a_teammates_note(in_workspace, manager):
    with scopes_disabled():
        teammate = MembershipFactory(workspace=in_workspace, user=UserFactory(), role=Role.MANAGER).user
    note = CreatorNoteFactory(workspace=in_workspace, author=teammate)
    with pytest.raises(CreatorPermissionError) as refusal:
        services.delete_note(note=note, by=manager)
    assert refusal.value.http_status == 403
    assert _count(CreatorNote) == 1 and _audit("note.deleted") == []


# --- Relationship -------------------------------------------------------------------------------


def test_setting_a_status_creates_the_relationship(in_workspace, manager):
    creator = CreatorFactory()
    relationship = services.set_relationship_status(
        workspace=in_workspace, creator=creator, status="in_talks", by=manager
    )
    assert (relationship.status, relationship.updated_by) == ("in_talks", manager)
    with scopes_disabled():
        event = AuditEvent.objects.get(action="relationship.changed")
    assert (event.data["from"], event.data["to"]) == (None, "in_talks")


def test_changing_a_status_updates_the_one_relationship(in_workspace, manager):
    existing = RelationshipFactory(workspace=in_workspace, status="contacted")
    services.set_relationship_status(
        workspace=in_workspace, creator=existing.creator, status="active_partner", by=manager
    )
    assert list(Relationship.objects.values_list("pk", "status")) == [(existing.pk, "active_partner")]
    with scopes_disabled():
        event = AuditEvent.objects.get(action="relationship.changed")
    assert (event.data["from"], event.data["to"]) == ("contacted", "active_partner")


def test_setting_the_current_status_again_writes_nothing(in_workspace, manager):
    existing = RelationshipFactory(workspace=in_workspace, status="contacted")
    before = existing.updated_at
    services.set_relationship_status(workspace=in_workspace, creator=existing.creator, status="contacted", by=manager)
    existing.refresh_from_db()
    assert existing.updated_at == before and _audit("relationship.changed") == []


def test_an_unknown_status_is_refused(in_workspace, manager):
    with pytest.raises(CreatorError) as refusal:
        services.set_relationship_status(workspace=in_workspace, creator=CreatorFactory(), status="married", by=manager)
    assert "status" in refusal.value.fields
    assert _count(Relationship) == 0


# --- Audience -----------------------------------------------------------------------------------


def test_a_valid_audience_is_stored(db):
    creator = CreatorFactory()
    profile = upsert_audience_profile(
        creator=creator, age_buckets={"18-24": 55, "25-34": 45}, genders={"female": 62.5, "male": 37.5}
    )
    profile.refresh_from_db()
    assert profile.age_buckets == {"18-24": 55.0, "25-34": 45.0}
    assert profile.genders == {"female": 62.5, "male": 37.5}


def test_a_partial_audience_update_keeps_the_other_mappings(db):
    profile = AudienceProfileFactory(countries={"US": 60.0})
    upsert_audience_profile(creator=profile.creator, genders={"female": 100})
    profile.refresh_from_db()
    assert profile.countries == {"US": 60.0} and profile.genders == {"female": 100.0}


def test_shares_summing_over_100_are_refused_naming_the_field(db):
    creator = CreatorFactory()
    with pytest.raises(CreatorError) as refusal:
        upsert_audience_profile(creator=creator, genders={"female": 70, "male": 40}, countries={"US": 50})
    assert list(refusal.value.fields) == ["genders"]
    assert not AudienceProfile.objects.exists()


@pytest.mark.parametrize("share", [-1, 100.5, "lots"])
def test_a_share_outside_0_to_100_or_not_a_number_is_refused(db, share):
    with pytest.raises(CreatorError) as refusal:
        validate_audience_profile(age_buckets={"18-24": share})
    assert list(refusal.value.fields) == ["age_buckets"]


def test_an_audience_mapping_that_is_not_an_object_is_refused(db):
    with pytest.raises(CreatorError) as refusal:
        validate_audience_profile(countries=["US", 50])
    assert list(refusal.value.fields) == ["countries"]


# --- Tenant isolation at the service and selector level ----------------------------------------


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Other brand")


def test_selectors_in_one_workspace_never_return_anothers_notes_tags_or_lists(workspace, other_workspace):
    creator = CreatorFactory()
    CreatorNoteFactory(workspace=other_workspace, creator=creator, body="theirs")
    CreatorTagFactory(tag=TagFactory(workspace=other_workspace), creator=creator)
    CreatorListEntryFactory(creator_list=CreatorListFactory(workspace=other_workspace), creator=creator)
    RelationshipFactory(workspace=other_workspace, creator=creator)
    with workspace_scope(workspace):
        assert list(selectors.notes_for_creator(workspace=workspace, creator=creator)) == []
        assert list(selectors.tags_for_creator(workspace=workspace, creator=creator)) == []
        assert list(selectors.list_creator_lists(workspace=workspace)) == []
        assert list(selectors.list_tags(workspace=workspace)) == []
        assert selectors.relationship_for(workspace=workspace, creator=creator) is None


def test_a_query_asking_for_another_workspace_returns_nothing_inside_the_scope(workspace, other_workspace):
    theirs = CreatorListFactory(workspace=other_workspace)
    with workspace_scope(workspace):
        # Even naming their workspace explicitly, the scope filters to ours.
        assert list(selectors.list_creator_lists(workspace=other_workspace)) == []
        assert not CreatorList.objects.filter(pk=theirs.pk).exists()


def test_a_service_run_in_one_workspace_cannot_delete_anothers_list(workspace, other_workspace, manager):
    theirs = CreatorListFactory(workspace=other_workspace)
    with workspace_scope(workspace), pytest.raises(CreatorList.DoesNotExist):
        services.delete_creator_list(creator_list=theirs, by=manager)
    assert _count(CreatorList) == 1 and _audit("list.deleted") == []


def test_a_service_run_in_one_workspace_cannot_delete_anothers_note(workspace, other_workspace, owner):
    theirs = CreatorNoteFactory(workspace=other_workspace)
    with workspace_scope(workspace), pytest.raises(CreatorNote.DoesNotExist):
        services.delete_note(note=theirs, by=owner)
    assert _count(CreatorNote) == 1


def test_tagging_with_another_workspaces_tag_name_makes_a_separate_tag(workspace, other_workspace, manager):
    theirs = TagFactory(workspace=other_workspace, name="vegan")
    with workspace_scope(workspace):
        ours = services.tag_creators(workspace=workspace, tag_name="vegan", creators=[CreatorFactory()], by=manager)
    assert ours.pk != theirs.pk and ours.workspace == workspace
    with scope(workspace=other_workspace):
        assert CreatorTag.objects.filter(tag=theirs).count() == 0
