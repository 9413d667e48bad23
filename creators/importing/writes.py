"""The SQL that writes one chunk of an import: its creators' staging rows, `COPY` into temporary
staging tables, and the statements that apply them to creators (keeping what other sources wrote),
the workspace's contact e-mails, the search text, and, from per-video files, videos and their stats
snapshots. creators.importing.pipeline calls these inside the chunk's transaction.

- A cell left empty never erases what we know: the creator keeps the stored value.
- The index is shared, so an import never overwrites what another source wrote (creators.index.provenance):
  it creates creators and videos the index has never seen, fills empty values, and updates values this
  workspace imported before. Values that differ from another source's are left and counted (`kept`).
  Contact e-mails go to the importing workspace's own contact rows, never to the shared profile.
- Audience shares follow the same rule per part of the profile (countries, genders, ages): an import fills
  a part that is empty and was never written, or one this workspace imported; the rest is kept.
"""

import json
from datetime import datetime
from typing import Any

from creators.disclosure import SPONSORED_SQL, SPONSORED_SQL_PARAMS
from creators.importing.mapping import VIDEO_STATS_FIELDS, ParsedRow
from creators.index.provenance import (
    AUDIENCE_KEYS,
    WRITABLE_BY_IMPORT,
    import_source,
    own_import_sql,
    protected_sql,
    video_import_allowed_sql,
)
from creators.index.video_stats import copy_latest_stats
from creators.models import Platform
from creators.search_text import search_document

# Creator column -> its SQL type in the staging table (the columns are named as the target fields).
_CREATOR_COLUMNS: dict[str, str] = {
    "display_name": "text",
    "follower_count": "bigint",
    "following_count": "bigint",
    "likes_count": "bigint",
    "video_count": "integer",
    "bio": "text",
    "country": "text",
    "region": "text",
    "city": "text",
    "languages": "varchar[]",
    "niches": "varchar[]",
    "hashtags": "varchar[]",
    "is_verified": "boolean",
    "avatar_url": "text",
}
_SEARCH_INPUTS = ("display_name", "bio", "hashtags")
# What a new creator gets for a column the file leaves empty, by SQL type (the model's defaults). A count
# the file does not give is unknown, NULL, never 0 (docs/import.md, "Unknown is not zero").
_SQL_DEFAULTS = {"text": "''", "bigint": "NULL", "integer": "NULL", "varchar[]": "'{}'", "boolean": "false"}

# Video target -> (staging SQL type, Video column, SQL default for a new video).
_VIDEO_COLUMNS: dict[str, tuple[str, str, str]] = {
    "caption": ("text", "caption", "''"),
    "video_hashtags": ("varchar[]", "hashtags", "'{}'"),
    "sound": ("text", "sound", "''"),
    "duration_s": ("integer", "duration_s", "NULL"),
    "posted_at": ("timestamptz", "posted_at", "NULL"),
    "share_url": ("text", "share_url", "''"),
    "is_paid_partnership": ("boolean", "is_paid_partnership", "false"),
}


def mapped_creator_fields(mapping: dict[str, str]) -> list[str]:
    return [name for name in _CREATOR_COLUMNS if mapping.get(name)]


def staging_creator(row: ParsedRow, fields: list[str]) -> tuple[Any, ...]:
    """The creator's staging row. Its search text covers the file's values; when a search input is
    not in the file (no column, or an empty cell) `needs_search_merge` asks the writer to redo it with
    the stored value, should the creator already exist."""
    creator = row.creator
    needs_search_merge = any(creator.get(name) is None for name in _SEARCH_INPUTS)
    document = search_document(
        handle=row.handle,
        display_name=creator.get("display_name") or "",
        bio=creator.get("bio") or "",
        hashtags=creator.get("hashtags") or (),
    )
    return (row.handle, needs_search_merge, *(creator.get(name) for name in fields), document)


def stage_creators(cursor: Any, creators: list[tuple[Any, ...]], *, fields: list[str]) -> None:
    """COPY a chunk's creators into the temporary staging table (empty cells stay NULL)."""
    if not creators:
        return
    columns = ", ".join(f"{name} {_CREATOR_COLUMNS[name]}" for name in fields)
    cursor.execute("DROP TABLE IF EXISTS pg_temp.creator_import_staging")
    cursor.execute(
        "CREATE TEMP TABLE creator_import_staging (handle text NOT NULL, needs_search_merge boolean NOT NULL, "
        f"{columns + ', ' if columns else ''}search_document text NOT NULL) ON COMMIT DROP"
    )
    staged = ["handle", "needs_search_merge", *fields, "search_document"]
    with cursor.copy(f"COPY creator_import_staging ({', '.join(staged)}) FROM STDIN") as copy:
        copy.set_types(["text", "bool", *(_CREATOR_COLUMNS[name] for name in fields), "text"])
        for creator in creators:
            copy.write_row(creator)


def apply_creators(
    cursor: Any, creators: list[tuple[Any, ...]], *, fields: list[str], now: datetime, workspace_id: int
) -> tuple[int, int, int]:
    """Upsert the staged creators; returns (created, updated, values kept from other sources).

    A cell the file leaves empty keeps the stored value (COALESCE with the stored row), and a row is
    only rewritten when a value differs: unchanged rows never reach the upsert. A value another source
    wrote is first blanked in the staging row (so it is kept the same way), and counted."""
    if not creators:
        return 0, 0, 0
    kept, search_inputs_kept = _keep_other_sources(cursor, fields=fields, workspace_id=workspace_id)
    if search_inputs_kept or any(creator[1] for creator in creators):
        _merge_search_documents(cursor, fields)
    # Drop the rows that would change nothing before the upsert: ON CONFLICT ... WHERE false still
    # locks (so writes) every conflicting row, which makes re-importing a big file as slow as the
    # first import; this join only reads.
    cursor.execute(
        f"""
        DELETE FROM creator_import_staging s USING creators_creator cur
        WHERE cur.platform = %s AND cur.handle = s.handle
            AND ({", ".join([*(f"COALESCE(s.{name}, cur.{name})" for name in fields), "s.search_document"])})
            IS NOT DISTINCT FROM ({", ".join([*(f"cur.{name}" for name in fields), "cur.search_document"])})
        """,  # noqa: S608 - identifiers are our constants
        [Platform.TIKTOK],
    )
    if cursor.rowcount == len(creators):
        cursor.execute("DROP TABLE creator_import_staging")
        return 0, 0, kept

    unmapped = [name for name in _CREATOR_COLUMNS if name not in fields]
    insert_values = ["%(platform)s", "s.handle"]
    insert_values += [f"COALESCE(s.{name}, cur.{name}, {_SQL_DEFAULTS[_CREATOR_COLUMNS[name]]})" for name in fields]
    insert_values += [_SQL_DEFAULTS[_CREATOR_COLUMNS[name]] for name in unmapped]
    # Each value the file writes records this workspace's import as its source (creators.index.provenance).
    written = ", ".join(
        f"'{name}', CASE WHEN s.{name} IS NOT NULL AND s.{name} IS DISTINCT FROM cur.{name} THEN %(source)s::jsonb END"
        for name in fields
    )
    provenance = (
        f"COALESCE(cur.provenance, '{{}}'::jsonb) || jsonb_strip_nulls(jsonb_build_object({written}))"
        if fields
        else "COALESCE(cur.provenance, '{}'::jsonb)"
    )
    compared = [*fields, "search_document"]
    sql = f"""
        WITH written AS (
            INSERT INTO creators_creator AS c (
                platform, handle, {", ".join([*fields, *unmapped])}, sync_status, sync_error, authenticity_flags,
                search_document, provenance, first_seen_at, last_seen_at, created_at, updated_at
            )
            SELECT {", ".join(insert_values)}, 'never', '', '{{}}',
                s.search_document, {provenance}, %(now)s, %(now)s, %(now)s, %(now)s
            FROM creator_import_staging s
            LEFT JOIN creators_creator cur ON cur.platform = %(platform)s AND cur.handle = s.handle
            ORDER BY s.handle
            ON CONFLICT (platform, handle) DO UPDATE SET
                {", ".join(f"{name} = EXCLUDED.{name}" for name in compared)},
                provenance = EXCLUDED.provenance,
                last_seen_at = EXCLUDED.last_seen_at, updated_at = EXCLUDED.updated_at
            WHERE ({", ".join(f"c.{name}" for name in compared)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in compared)})
            RETURNING (c.xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
    """  # noqa: S608 - identifiers are our constants; values travel as parameters
    cursor.execute(
        sql, {"platform": Platform.TIKTOK, "now": now, "source": import_source(workspace_id=workspace_id, at=now)}
    )
    created, updated = cursor.fetchone()
    cursor.execute("DROP TABLE creator_import_staging")
    return int(created), int(updated), kept


def _keep_other_sources(cursor: Any, *, fields: list[str], workspace_id: int) -> tuple[int, bool]:
    """Blank, in the staging table, every value an existing creator got from another source: the
    platform, the creator, staff, another workspace's import, or a value stored before sources were
    recorded. Returns (how many differing values were kept, whether a search input was among them)."""
    guarded = [name for name in fields if name in WRITABLE_BY_IMPORT]
    if not guarded:
        return 0, False
    protected = {name: protected_sql(name, _CREATOR_COLUMNS[name], staged=f"s.{name}") for name in guarded}
    params = {"platform": Platform.TIKTOK, "workspace": str(workspace_id)}
    differing = " + ".join(f"({protected[name]} AND s.{name} IS DISTINCT FROM cur.{name})::int" for name in guarded)
    cursor.execute(
        f"""
        SELECT COALESCE(sum({differing}), 0) FROM creator_import_staging s
        JOIN creators_creator cur ON cur.platform = %(platform)s AND cur.handle = s.handle
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    kept = int(cursor.fetchone()[0])
    search_guarded = [name for name in guarded if name in _SEARCH_INPUTS]
    merge = " OR ".join(protected[name] for name in search_guarded) if search_guarded else "false"
    cursor.execute(
        f"""
        UPDATE creator_import_staging s SET
            {", ".join(f"{name} = CASE WHEN {protected[name]} THEN NULL ELSE s.{name} END" for name in guarded)},
            needs_search_merge = s.needs_search_merge OR {merge}
        FROM creators_creator cur
        WHERE cur.platform = %(platform)s AND cur.handle = s.handle
            AND ({" OR ".join(protected[name] for name in guarded)})
        RETURNING {merge}
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    return kept, any(row[0] for row in cursor.fetchall())


def apply_contacts(cursor: Any, contacts: list[tuple[str, str]], *, now: datetime, workspace_id: int) -> None:
    """The file's contact e-mails become the importing workspace's own contact rows (never shared)."""
    if not contacts:
        return
    cursor.execute(
        """
        INSERT INTO creators_workspacecreatorcontact (workspace_id, creator_id, email, source, created_at, updated_at)
        SELECT %(workspace)s, c.id, x.email, 'import', %(now)s, %(now)s
        FROM unnest(%(handles)s::text[], %(emails)s::text[]) AS x(handle, email)
        JOIN creators_creator c ON c.platform = %(platform)s AND c.handle = x.handle
        ORDER BY c.id
        ON CONFLICT (workspace_id, creator_id) DO UPDATE SET
            email = EXCLUDED.email, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
        WHERE creators_workspacecreatorcontact.email IS DISTINCT FROM EXCLUDED.email
        """,
        {
            "workspace": workspace_id,
            "now": now,
            "platform": Platform.TIKTOK,
            "handles": [handle for handle, _email in contacts],
            "emails": [email.strip().lower() for _handle, email in contacts],
        },
    )


def _merge_search_documents(cursor: Any, fields: list[str]) -> None:
    """Redo the search text of staged creators that already exist and whose row lacks a search input
    (display name, bio or hashtags): the text must cover the values the creator keeps."""
    file_values = [f"s.{name}" if name in fields else "NULL" for name in _SEARCH_INPUTS]
    # Only where a stored value would add to the text: an empty stored bio changes nothing.
    empty = {"display_name": "''", "bio": "''", "hashtags": "'{}'"}
    adds_text = [
        f"(s.{name} IS NULL AND cur.{name} <> {empty[name]})" if name in fields else f"cur.{name} <> {empty[name]}"
        for name in _SEARCH_INPUTS
    ]
    cursor.execute(
        f"""
        SELECT s.handle, {", ".join(file_values)}, cur.display_name, cur.bio, cur.hashtags
        FROM creator_import_staging s
        JOIN creators_creator cur ON cur.platform = %s AND cur.handle = s.handle
        WHERE s.needs_search_merge AND ({" OR ".join(adds_text)})
        """,  # noqa: S608 - identifiers are our constants
        [Platform.TIKTOK],
    )
    handles, documents = [], []
    for handle, name, bio, hashtags, stored_name, stored_bio, stored_hashtags in cursor.fetchall():
        handles.append(handle)
        documents.append(
            search_document(
                handle=handle,
                display_name=name if name is not None else stored_name,
                bio=bio if bio is not None else stored_bio,
                hashtags=hashtags if hashtags is not None else stored_hashtags,
            )
        )
    if handles:
        cursor.execute(
            "UPDATE creator_import_staging s SET search_document = merged.document "
            "FROM unnest(%s::text[], %s::text[]) AS merged(handle, document) WHERE s.handle = merged.handle",
            [handles, documents],
        )


def stage_videos(cursor: Any, rows: list[ParsedRow], *, mapping: dict[str, str]) -> None:
    """COPY a chunk's videos into their temporary staging table."""
    video_fields = [name for name in _VIDEO_COLUMNS if mapping.get(name)]
    stats_fields = [name for name in VIDEO_STATS_FIELDS if mapping.get(name)]
    # When the file says when its counts were read, the snapshot carries that time (else the import's).
    stats_fields += ["captured_at"] if mapping.get("captured_at") else []
    staged = ["handle", "video_id", *video_fields, *stats_fields]
    cursor.execute("DROP TABLE IF EXISTS pg_temp.video_import_staging")
    cursor.execute(
        "CREATE TEMP TABLE video_import_staging (handle text NOT NULL, video_id text NOT NULL, creator_id bigint, "
        + ", ".join(f"{name} {sql_type}" for name, (sql_type, _column, _default) in _VIDEO_COLUMNS.items())
        + ", "
        + ", ".join(f"{name} bigint" for name in VIDEO_STATS_FIELDS)
        + ", captured_at timestamptz) ON COMMIT DROP"
    )
    with cursor.copy(f"COPY video_import_staging ({', '.join(staged)}) FROM STDIN") as copy:
        copy.set_types(
            [
                "text",
                "text",
                *(_VIDEO_COLUMNS[name][0] for name in video_fields),
                *("timestamptz" if name == "captured_at" else "bigint" for name in stats_fields),
            ]
        )
        for row in rows:
            video = row.video or {}
            copy.write_row(
                (row.handle, video["video_id"], *(video.get(name) for name in (*video_fields, *stats_fields)))
            )


def apply_videos(
    cursor: Any, *, mapping: dict[str, str], now: datetime, captured_at: datetime, workspace_id: int
) -> tuple[int, int, int, int]:
    """Upsert the staged videos and add a stats snapshot where the counts changed since the last one;
    returns (videos created, videos updated, snapshots added, video rows kept as another source wrote
    them). Only videos this import may write (creators.index.provenance) are touched."""
    video_fields = [name for name in _VIDEO_COLUMNS if mapping.get(name)]
    stats_fields = [name for name in VIDEO_STATS_FIELDS if mapping.get(name)]
    cursor.execute(
        "UPDATE video_import_staging s SET creator_id = c.id FROM creators_creator c "
        "WHERE c.platform = %s AND c.handle = s.handle",
        [Platform.TIKTOK],
    )
    cursor.execute(
        f"DELETE FROM video_import_staging s WHERE NOT {video_import_allowed_sql()}",  # noqa: S608 - our constant
        {"workspace": str(workspace_id)},
    )
    kept = cursor.rowcount
    source = import_source(workspace_id=workspace_id, at=now)
    columns = [(name, column, default) for name, (_type, column, default) in _VIDEO_COLUMNS.items()]
    # Empty cells keep the stored value (COALESCE), so only what the file says can change a video.
    merged = [f"COALESCE(s.{name}, v.{column})" for name, column, _default in columns]
    assignments = ", ".join(f"{column} = {value}" for (_n, column, _d), value in zip(columns, merged, strict=True))
    current = ", ".join(f"v.{column}" for _name, column, _default in columns)
    cursor.execute(
        f"""
        UPDATE creators_video v SET
            {assignments},
            updated_at = %(now)s
        FROM video_import_staging s
        WHERE v.creator_id = s.creator_id AND v.platform_video_id = s.video_id
            AND ({", ".join(merged)}) IS DISTINCT FROM ({current})
        """,  # noqa: S608 - identifiers are our constants
        {"now": now},
    )
    updated = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO creators_video (creator_id, platform_video_id, {", ".join(column for _n, column, _d in columns)},
            provenance, created_at, updated_at)
        SELECT s.creator_id, s.video_id, {", ".join(f"COALESCE(s.{name}, {default})" for name, _c, default in columns)},
            %(source)s::jsonb, %(now)s, %(now)s
        FROM video_import_staging s
        ON CONFLICT (creator_id, platform_video_id) DO NOTHING
        """,  # noqa: S608 - identifiers are our constants
        {"now": now, "source": source},
    )
    created = cursor.rowcount
    if created:
        # The creator's videos now come from this workspace's files: its later imports may add more.
        cursor.execute(
            "UPDATE creators_creator c SET provenance = c.provenance || jsonb_build_object('videos', %s::jsonb) "
            "WHERE c.id IN (SELECT DISTINCT creator_id FROM video_import_staging) AND c.provenance -> 'videos' IS NULL",
            [source],
        )
    cursor.execute(
        f"""
        UPDATE creators_video v SET is_sponsored = {SPONSORED_SQL}
        FROM video_import_staging s
        WHERE v.creator_id = s.creator_id AND v.platform_video_id = s.video_id
            AND v.is_sponsored IS DISTINCT FROM {SPONSORED_SQL}
        """,  # noqa: S608 - our constant
        SPONSORED_SQL_PARAMS,
    )
    snapshots = 0
    if stats_fields:
        # A snapshot only when the counts differ from the one before its capture time (the file's, or
        # this import's): importing the same file twice (or a file with old numbers) adds nothing.
        cursor.execute(
            """
            INSERT INTO creators_videostats (video_id, captured_at, views, likes, comments, shares, saves)
            SELECT v.id, COALESCE(s.captured_at, %(captured_at)s),
                COALESCE(s.views, last.views, 0), COALESCE(s.likes, last.likes, 0),
                COALESCE(s.comments, last.comments, 0), COALESCE(s.shares, last.shares, 0),
                COALESCE(s.saves, last.saves)
            FROM video_import_staging s
            JOIN creators_video v ON v.creator_id = s.creator_id AND v.platform_video_id = s.video_id
            LEFT JOIN LATERAL (
                SELECT x.views, x.likes, x.comments, x.shares, x.saves FROM creators_videostats x
                WHERE x.video_id = v.id AND x.captured_at <= COALESCE(s.captured_at, %(captured_at)s)
                ORDER BY x.captured_at DESC LIMIT 1
            ) last ON true
            WHERE num_nonnulls(s.views, s.likes, s.comments, s.shares, s.saves) > 0
                AND (last.views IS NULL OR (
                    COALESCE(s.views, last.views), COALESCE(s.likes, last.likes),
                    COALESCE(s.comments, last.comments), COALESCE(s.shares, last.shares),
                    COALESCE(s.saves, last.saves)
                ) IS DISTINCT FROM (last.views, last.likes, last.comments, last.shares, last.saves))
            ON CONFLICT (video_id, captured_at) DO NOTHING
            """,
            {"captured_at": captured_at},
        )
        snapshots = cursor.rowcount
        if snapshots:
            copy_latest_stats(
                cursor,
                video_ids_sql="SELECT v.id FROM video_import_staging s JOIN creators_video v "
                "ON v.creator_id = s.creator_id AND v.platform_video_id = s.video_id",
                new_snapshots=snapshots,
            )
            # Metrics delivered as files are a provider too: their creators are scored by the next run.
            cursor.execute(
                "UPDATE creators_creator SET score_stale = true WHERE NOT score_stale AND id IN "
                "(SELECT DISTINCT creator_id FROM video_import_staging)"
            )
    if "posted_at" in video_fields:
        cursor.execute(
            """
            UPDATE creators_creator c SET last_posted_at = x.latest
            FROM (SELECT creator_id, max(posted_at) AS latest FROM video_import_staging
                  WHERE posted_at IS NOT NULL GROUP BY creator_id) x
            WHERE c.id = x.creator_id AND (c.last_posted_at IS NULL OR c.last_posted_at < x.latest)
            """
        )
    cursor.execute("DROP TABLE video_import_staging")
    return created, updated, snapshots, kept


# --- Audience profiles --------------------------------------------------------------------------------

_AUDIENCE_PARTS = tuple(AUDIENCE_KEYS)


def staging_audience(row: ParsedRow) -> tuple[Any, ...] | None:
    """The audience's staging row (handle, then each part as JSON or None), or None without audience data."""
    if not row.audience:
        return None
    return (row.handle, *(json.dumps(row.audience[p]) if p in row.audience else None for p in _AUDIENCE_PARTS))


def stage_audiences(cursor: Any, audiences: list[tuple[Any, ...]]) -> None:
    """COPY a chunk's audience shares into their temporary staging table (a part not given stays NULL)."""
    if not audiences:
        return
    cursor.execute("DROP TABLE IF EXISTS pg_temp.audience_import_staging")
    cursor.execute(
        "CREATE TEMP TABLE audience_import_staging (handle text NOT NULL, creator_id bigint, "
        + ", ".join(f"{part} jsonb" for part in _AUDIENCE_PARTS)
        + ") ON COMMIT DROP"
    )
    with cursor.copy(f"COPY audience_import_staging (handle, {', '.join(_AUDIENCE_PARTS)}) FROM STDIN") as copy:
        copy.set_types(["text"] * (1 + len(_AUDIENCE_PARTS)))
        for audience in audiences:
            copy.write_row(audience)


def _audience_protected_sql(part: str) -> str:
    """SQL: the staged part may not be written (another source wrote it, or nobody knows who did)."""
    source = f"c.provenance -> '{AUDIENCE_KEYS[part]}'"
    empty = f"COALESCE(a.{part} = '{{}}'::jsonb, true)"
    return f"(s.{part} IS NOT NULL AND NOT ({own_import_sql(source)} OR ({source} IS NULL AND {empty})))"


def apply_audiences(
    cursor: Any, audiences: list[tuple[Any, ...]], *, now: datetime, workspace_id: int
) -> tuple[int, int, int]:
    """Write the staged audience shares to the creators' profiles (after apply_creators, so every staged
    handle has its creator); returns (profiles created, profiles updated, parts kept as another source
    wrote them). A part the row does not give keeps its stored value; every part written records this
    workspace's import in the creator's provenance."""
    if not audiences:
        return 0, 0, 0
    params = {"platform": Platform.TIKTOK, "workspace": str(workspace_id), "now": now}
    cursor.execute(
        "UPDATE audience_import_staging s SET creator_id = c.id FROM creators_creator c "
        "WHERE c.platform = %(platform)s AND c.handle = s.handle",
        params,
    )
    protected = {part: _audience_protected_sql(part) for part in _AUDIENCE_PARTS}
    joined = (
        "FROM creators_creator c LEFT JOIN creators_audienceprofile a ON a.creator_id = c.id WHERE c.id = s.creator_id"
    )
    differing = " + ".join(f"({protected[p]} AND s.{p} IS DISTINCT FROM a.{p})::int" for p in _AUDIENCE_PARTS)
    cursor.execute(
        f"""
        SELECT COALESCE(sum({differing}), 0) FROM audience_import_staging s
        JOIN creators_creator c ON c.id = s.creator_id LEFT JOIN creators_audienceprofile a ON a.creator_id = c.id
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    kept = int(cursor.fetchone()[0])
    # Blank what may not be written, so the statements below leave it as it is (as for creators).
    cursor.execute(
        f"""
        UPDATE audience_import_staging s SET
            {", ".join(f"{p} = CASE WHEN {protected[p]} THEN NULL ELSE s.{p} END" for p in _AUDIENCE_PARTS)}
        {joined} AND ({" OR ".join(protected.values())})
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    changes = {p: f"(s.{p} IS NOT NULL AND s.{p} IS DISTINCT FROM a.{p})" for p in _AUDIENCE_PARTS}
    written = ", ".join(
        f"'{AUDIENCE_KEYS[p]}', CASE WHEN {changes[p]} THEN %(source)s::jsonb END" for p in _AUDIENCE_PARTS
    )
    cursor.execute(
        f"""
        UPDATE creators_creator c
        SET provenance = c.provenance || jsonb_strip_nulls(jsonb_build_object({written}))
        FROM audience_import_staging s LEFT JOIN creators_audienceprofile a ON a.creator_id = s.creator_id
        WHERE c.id = s.creator_id AND ({" OR ".join(changes.values())})
        """,  # noqa: S608 - identifiers are our constants
        {**params, "source": import_source(workspace_id=workspace_id, at=now)},
    )
    merged = [f"COALESCE(s.{p}, a.{p})" for p in _AUDIENCE_PARTS]
    cursor.execute(
        f"""
        UPDATE creators_audienceprofile a SET
            {", ".join(f"{p} = {value}" for p, value in zip(_AUDIENCE_PARTS, merged, strict=True))},
            updated_at = %(now)s
        FROM audience_import_staging s
        WHERE a.creator_id = s.creator_id
            AND ({", ".join(merged)}) IS DISTINCT FROM ({", ".join(f"a.{p}" for p in _AUDIENCE_PARTS)})
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    updated = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO creators_audienceprofile (creator_id, {", ".join(_AUDIENCE_PARTS)}, cities, created_at, updated_at)
        SELECT s.creator_id, {", ".join(f"COALESCE(s.{p}, '{{}}'::jsonb)" for p in _AUDIENCE_PARTS)}, '{{}}'::jsonb,
            %(now)s, %(now)s
        FROM audience_import_staging s
        WHERE s.creator_id IS NOT NULL AND num_nonnulls({", ".join(f"s.{p}" for p in _AUDIENCE_PARTS)}) > 0
        ORDER BY s.creator_id
        ON CONFLICT (creator_id) DO NOTHING
        """,  # noqa: S608 - identifiers are our constants
        params,
    )
    created = cursor.rowcount
    cursor.execute("DROP TABLE audience_import_staging")
    return created, updated, kept
