from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User, Workspace
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import Creator, CreatorList, CreatorListEntry, CreatorTag, Platform, Tag
from creators.search_text import search_document


@dataclass(frozen=True)
class CreatorRow:
    handle: str
    display_name: str = ""
    country: str = ""
    follower_count: int = 0
    platform: str = Platform.TIKTOK


@transaction.atomic
def upsert_creators(*, rows: Iterable[CreatorRow]) -> int:
    """Insert or update creators by (platform, handle); a second run with the same rows changes nothing
    but the timestamp. Returns the number of rows written."""
    creators = []
    for row in rows:
        handle = row.handle.lstrip("@").lower()
        document = search_document(handle=handle, display_name=row.display_name)
        creators.append(
            Creator(
                platform=row.platform,
                handle=handle,
                display_name=row.display_name,
                country=row.country,
                follower_count=row.follower_count,
                search_document=document,
            )
        )
    written = Creator.objects.bulk_create(
        creators,
        update_conflicts=True,
        unique_fields=["platform", "handle"],
        update_fields=["display_name", "country", "follower_count", "search_document", "updated_at"],
    )
    return len(written)


@transaction.atomic
def link_creator_account(*, creator: Creator, user: User) -> Creator:
    """Tie a creator-kind user to their index profile (one-to-one)."""
    if not user.is_creator:
        raise ValueError("Only creator accounts can be linked to a creator profile.")
    creator = Creator.objects.select_for_update().get(pk=creator.pk)
    creator.user = user
    creator.save(update_fields=["user", "updated_at"])
    return creator


def _creator_ids(creators: Iterable[Creator] | QuerySet[Creator]) -> list[int]:
    if isinstance(creators, QuerySet):
        return list(creators.values_list("pk", flat=True))
    return [creator.pk for creator in creators]


@transaction.atomic
def create_creator_list(*, workspace: Workspace, name: str, by: User, description: str = "") -> CreatorList:
    """A new shortlist; names are unique per workspace, case-insensitively."""
    name = name.strip()
    if not name:
        raise CreatorError("Give the list a name.", code=CreatorErrorCode.INVALID, fields={"name": ["Required."]})
    if CreatorList.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise CreatorError(
            f"A list called {name!r} already exists.",
            code=CreatorErrorCode.DUPLICATE,
            fields={"name": ["Already used in this workspace."]},
        )
    return CreatorList.objects.create(workspace=workspace, name=name, description=description, created_by=by)


@transaction.atomic
def add_creators_to_list(
    *, creator_list: CreatorList, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> int:
    """Add creators to a shortlist; ones already on it are left alone. Returns how many were added."""
    ids = _creator_ids(creators)
    on_list = CreatorListEntry.objects.filter(creator_list=creator_list, creator_id__in=ids)
    before = on_list.count()
    entries = [
        CreatorListEntry(workspace_id=creator_list.workspace_id, creator_list=creator_list, creator_id=pk, added_by=by)
        for pk in ids
    ]
    # Already on the list: the original entry (and who added it) stays.
    CreatorListEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=1000)
    return on_list.count() - before


@transaction.atomic
def tag_creators(
    *, workspace: Workspace, tag_name: str, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> Tag:
    """Tag creators, creating the tag on first use (tag names are case-insensitive per workspace)."""
    name = tag_name.strip().lstrip("#")
    if not name or len(name) > 50:
        raise CreatorError(
            "A tag needs 1 to 50 characters.", code=CreatorErrorCode.INVALID, fields={"tag": ["1 to 50 characters."]}
        )
    tag = Tag.objects.filter(workspace=workspace, name__iexact=name).first()
    if tag is None:
        tag = Tag.objects.create(workspace=workspace, name=name)
    CreatorTag.objects.bulk_create(
        [CreatorTag(workspace=workspace, tag=tag, creator_id=pk) for pk in _creator_ids(creators)],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return tag
