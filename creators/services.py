from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from creators.models import Creator, Platform
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
