"""Where the shared index's public values came from, and what an import may overwrite.

`Creator.provenance` maps a field to `{"source", "workspace" (imports only), "at"}`; its "videos" entry
names who wrote the creator's videos, and each `Video.provenance` names who wrote that video. Sources:
- `platform`: a metrics pull (the TikTok API, or the demo provider standing in for it);
- `creator`: the creator, in the portal or through a live link they posted;
- `staff`: an admin edit or the demo seed;
- `import`: a workspace's file, with that workspace's id (never shown to other workspaces).

The rule (docs/security.md): an import creates creators and videos the index has never seen, fills
empty values, and updates values the same workspace imported before. It never overwrites a non-empty
value from any other source, nor a value stored before sources were recorded (nobody knows whose it is).
An audience profile's parts follow the same rule, each under its own key (`AUDIENCE_KEYS`)."""

import datetime
import json
from enum import StrEnum
from typing import Any

from django.utils import timezone


class Source(StrEnum):
    PLATFORM = "platform"
    CREATOR = "creator"
    STAFF = "staff"
    IMPORT = "import"


# The shared profile fields a file may carry, with their SQL types (creators.importing.writes stages them).
WRITABLE_BY_IMPORT = frozenset(
    {
        "display_name", "follower_count", "following_count", "likes_count", "video_count", "bio", "country",
        "region", "city", "languages", "niches", "hashtags", "is_verified", "avatar_url",
    }
)  # fmt: skip
# The provenance key of each part of a creator's AudienceProfile (creators.importing.writes writes them).
AUDIENCE_KEYS = {
    "countries": "audience_countries",
    "genders": "audience_genders",
    "age_buckets": "audience_age_buckets",
}
# What "empty" means per SQL type; a boolean is never empty (false is a statement, e.g. "not verified").
_EMPTY_SQL = {"text": "''", "bigint": "0", "integer": "0", "varchar[]": "'{}'"}
# How a page names each source (the importing workspace is never named).
_LABELS = {
    Source.PLATFORM: "via TikTok",
    Source.CREATOR: "from the creator",
    Source.STAFF: "set by staff",
    Source.IMPORT: "imported",
}


def entry(source: Source, *, at: datetime.datetime | None = None, workspace_id: int | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"source": str(source), "at": (at or timezone.now()).isoformat()}
    if workspace_id is not None:
        value["workspace"] = str(workspace_id)
    return value


def import_source(*, workspace_id: int, at: datetime.datetime) -> str:
    """The JSON an import writes beside each value it sets."""
    return json.dumps(entry(Source.IMPORT, at=at, workspace_id=workspace_id))


def own_import_sql(expression: str) -> str:
    """SQL: the provenance entry `expression` is an import by the workspace in `%(workspace)s` (text)."""
    return f"COALESCE({expression} ->> 'source' = 'import' AND {expression} ->> 'workspace' = %(workspace)s, false)"


def protected_sql(name: str, sql_type: str, *, staged: str) -> str:
    """SQL: the file gives a value for `cur.<name>` that the import may not write (see the module doc).
    `cur` is the stored creator row."""
    source = f"cur.provenance -> '{name}'"
    empty = f"COALESCE(cur.{name} = {_EMPTY_SQL[sql_type]}, true)" if sql_type in _EMPTY_SQL else "false"
    return f"({staged} IS NOT NULL AND NOT ({own_import_sql(source)} OR ({source} IS NULL AND {empty})))"


def video_import_allowed_sql() -> str:
    """SQL for a staged video row `s` (with `s.creator_id` set): may this import write it? An existing
    video only when this workspace imported it; a new one only for a creator whose videos this workspace
    imported, or who has no videos and no recorded video source yet."""
    return f"""COALESCE(
        (SELECT {own_import_sql("v.provenance")} FROM creators_video v
         WHERE v.creator_id = s.creator_id AND v.platform_video_id = s.video_id),
        (SELECT {own_import_sql("c.provenance -> 'videos'")}
             OR (c.provenance -> 'videos' IS NULL
                 AND NOT EXISTS (SELECT 1 FROM creators_video x WHERE x.creator_id = c.id))
         FROM creators_creator c WHERE c.id = s.creator_id),
        false)"""  # noqa: S608 - our constants


def labels(provenance: dict[str, Any] | None) -> dict[str, str]:
    """field -> "imported 3 Dec" / "via TikTok 5 Dec", for the profile page (no workspace named)."""
    result: dict[str, str] = {}
    for field, value in (provenance or {}).items():
        if not isinstance(value, dict) or value.get("source") not in Source.__members__.values():
            continue
        label = _LABELS[Source(value["source"])]
        try:
            at = datetime.datetime.fromisoformat(value.get("at", ""))
            label += f" {at:%-d %b %Y}"
        except (TypeError, ValueError):
            pass
        result[field] = label
    return result
