"""Writes to the creator index shared by every workspace: creators by handle (in bulk, or one profile
on first sight) and their audience profiles.

Each service is one transaction with keyword-only arguments, and refuses bad input with a
`CreatorError` (code + fields) before writing anything. The index belongs to no workspace, so no
audit event is recorded. A workspace's private layers on the index (shortlists, tags, notes,
relationship, saved searches) are written by `creators.workspace.services`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from creators.audience.shares import AUDIENCE_FIELDS, validate_audience
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import AudienceProfile, Creator, Platform
from creators.search_text import search_document

# --- The shared index ---------------------------------------------------------------------------


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
def ensure_creator(*, handle: str, platform: str = Platform.TIKTOK) -> tuple[Creator, bool]:
    """The index profile for a handle, added (never synced yet, so the next metrics sweep fills it)
    when the index does not know it. `handle` must already be a clean, lower-case handle.
    Returns the creator and whether it was added."""
    creator, created = Creator.objects.get_or_create(
        platform=platform, handle=handle, defaults={"search_document": search_document(handle=handle, display_name="")}
    )
    return creator, created


def validate_audience_profile(
    *,
    age_buckets: object = None,
    genders: object = None,
    countries: object = None,
    cities: object = None,
) -> dict[str, dict[str, float]]:
    """Check audience shares: each given mapping is label -> percent (0 to 100) summing to at most 100 %.

    Returns the cleaned mappings for the fields given (None means "not given"); raises CreatorError
    naming every bad field otherwise. The rule itself is `creators.audience.shares.validate_audience`, which
    the bulk index writers use too, so every path into AudienceProfile checks the same thing."""
    given = {
        field: mapping
        for field, mapping in zip(AUDIENCE_FIELDS, (age_buckets, genders, countries, cities), strict=True)
        if mapping is not None
    }
    not_mappings = {
        field: ['Expected an object of label → percent, e.g. {"18-24": 41.5}.']
        for field, mapping in given.items()
        if not isinstance(mapping, Mapping)
    }
    if not_mappings:
        raise CreatorError("The audience profile is not valid.", code=CreatorErrorCode.INVALID, fields=not_mappings)
    cleaned = validate_audience(given)  # type: ignore[arg-type]  # mappings checked just above
    return {field: cleaned[field] for field in given}


@transaction.atomic
def upsert_audience_profile(
    *,
    creator: Creator,
    age_buckets: object = None,
    genders: object = None,
    countries: object = None,
    cities: object = None,
) -> AudienceProfile:
    """Store a creator's audience after validating it; mappings not given (None) keep their stored value.

    The audience belongs to the shared index, not to a workspace, so no audit event is recorded."""
    cleaned = validate_audience_profile(age_buckets=age_buckets, genders=genders, countries=countries, cities=cities)
    profile, _ = AudienceProfile.objects.update_or_create(creator=creator, defaults=cleaned)
    return profile
