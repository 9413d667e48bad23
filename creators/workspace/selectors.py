"""Reads of a workspace's private layers on the shared creator index: its shortlists and who is on
them, its notes, its tags (on one creator or on a table of creators) and its relationship status with
a creator. Workspace-owned rows are read through the scoped managers (inside a request the scope is
active) and filtered by `workspace` as well."""

from django.db.models import Count, Exists, F, OuterRef, QuerySet

from accounts.models import Workspace
from creators.models import Creator, CreatorList, CreatorListEntry, CreatorNote, CreatorTag, Relationship, Tag
from creators.selectors import tier_expression

PROFILE_NOTES = 100  # newest first; older ones stay in the API
TAG_SUGGESTIONS = 200


# --- Shortlists, notes and tags -----------------------------------------------------------------


def list_creator_lists(*, workspace: Workspace) -> QuerySet[CreatorList]:
    """The workspace's shortlists by name, each with `creator_count`."""
    return (
        CreatorList.objects.filter(workspace=workspace)
        .select_related("created_by")
        .annotate(creator_count=Count("entries"))
        .order_by("name", "pk")
    )


def list_entries(*, creator_list: CreatorList) -> QuerySet[CreatorListEntry]:
    """Who is on a shortlist, newest first, with the creator and who added them."""
    return (
        CreatorListEntry.objects.filter(creator_list=creator_list)
        .select_related("creator", "added_by")
        .annotate(engagement_percent=F("creator__engagement_rate") * 100, tier=tier_expression("creator__"))
        .order_by("-created_at", "-pk")
    )


def creators_on_list(*, creator_list: CreatorList) -> QuerySet[Creator]:
    """The creators on a shortlist, newest addition first, each with `added_at` (one join: an entry is
    unique per list and creator)."""
    return (
        Creator.objects.filter(list_entries__creator_list=creator_list)
        .annotate(added_at=F("list_entries__created_at"))
        .order_by("-added_at", "-pk")
    )


def list_notes(*, workspace: Workspace) -> QuerySet[CreatorNote]:
    return CreatorNote.objects.filter(workspace=workspace).select_related("author", "creator").order_by("-created_at")


def list_tags(*, workspace: Workspace) -> QuerySet[Tag]:
    """The workspace's tags by name, each with `creator_count`."""
    return Tag.objects.filter(workspace=workspace).annotate(creator_count=Count("creator_tags")).order_by("name", "pk")


def tags_by_creator(*, workspace: Workspace, creator_ids: list[int]) -> dict[int, list[Tag]]:
    """Tags of several creators in one query (for tables of creators)."""
    by_creator: dict[int, list[Tag]] = {}
    rows = CreatorTag.objects.filter(workspace=workspace, creator_id__in=creator_ids).select_related("tag")
    for row in rows.order_by("tag__name"):
        by_creator.setdefault(row.creator_id, []).append(row.tag)
    return by_creator


def notes_for_creator(*, workspace: Workspace, creator: Creator) -> QuerySet[CreatorNote]:
    return CreatorNote.objects.filter(workspace=workspace, creator=creator).select_related("author")


def tags_for_creator(*, workspace: Workspace, creator: Creator) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace, creator_tags__creator=creator).order_by("name")


def relationship_for(*, workspace: Workspace, creator: Creator) -> Relationship | None:
    return Relationship.objects.filter(workspace=workspace, creator=creator).select_related("updated_by").first()


def creator_lists_for_creator(*, workspace: Workspace, creator: Creator) -> QuerySet[CreatorList]:
    """Every shortlist of the workspace, each marked `has_creator`, with its size."""
    on_list = CreatorListEntry.objects.filter(creator_list=OuterRef("pk"), creator=creator)
    return list_creator_lists(workspace=workspace).annotate(has_creator=Exists(on_list))
