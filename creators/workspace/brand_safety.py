"""A workspace's must-avoid terms and the hits found for them: the vetting record discovery filters on.

Analytics scans captions and hashtags (`analytics.brand_safety`) and hands the hits here; this module
owns the rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models.functions import Lower

from accounts.models import User, Workspace
from accounts.services import record_audit_event
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import BrandSafetyHit, BrandSafetyTerm

TERM_MAX_CHARS = 100
MAX_TERMS = 500  # per workspace: the scan compiles them into one pattern


@dataclass(frozen=True)
class HitRow:
    creator_id: int
    video_id: int
    term: str
    field: str  # "caption" or "hashtags"
    excerpt: str


def clean_term(raw: str) -> str:
    term = " ".join(raw.split()).lstrip("#").strip()
    if len(term) < 2 or len(term) > TERM_MAX_CHARS:
        raise CreatorError(
            f"A term needs 2 to {TERM_MAX_CHARS} characters.",
            code=CreatorErrorCode.INVALID,
            fields={"term": [f"2 to {TERM_MAX_CHARS} characters."]},
        )
    return term


@transaction.atomic
def add_brand_safety_term(*, workspace: Workspace, term: str, by: User) -> BrandSafetyTerm:
    """Add a must-avoid word, phrase or hashtag (case- and accent-insensitive when scanned)."""
    cleaned = clean_term(term)
    terms = BrandSafetyTerm.objects.filter(workspace=workspace)
    if terms.annotate(lower=Lower("term")).filter(lower=cleaned.lower()).exists():
        raise CreatorError(
            f"“{cleaned}” is already on the list.",
            code=CreatorErrorCode.DUPLICATE,
            fields={"term": ["Already listed."]},
        )
    if terms.count() >= MAX_TERMS:
        raise CreatorError(f"A workspace can keep up to {MAX_TERMS} terms.", code=CreatorErrorCode.INVALID)
    created = BrandSafetyTerm.objects.create(workspace=workspace, term=cleaned, created_by=by)
    record_audit_event(workspace=workspace, actor=by, action="brand_safety.term_added", target=cleaned)
    return created


@transaction.atomic
def remove_brand_safety_term(*, term: BrandSafetyTerm, by: User) -> None:
    """Remove a term and the hits it found (the next scan would drop them anyway)."""
    BrandSafetyHit.objects.filter(workspace=term.workspace, term__iexact=term.term).delete()
    record_audit_event(workspace=term.workspace, actor=by, action="brand_safety.term_removed", target=term.term)
    term.delete()


def replace_brand_safety_hits(*, workspace: Workspace, hits: Sequence[HitRow], found_at: datetime) -> int:
    """Make the workspace's hits exactly `hits` (a full scan's result), in one transaction: a hit that
    is still there keeps its first `found_at`, a hit no longer found goes. Safe to run twice."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE scanned_hits (creator_id bigint, video_id bigint, term text, field text, "
            "excerpt text) ON COMMIT DROP"
        )
        with cursor.copy("COPY scanned_hits FROM STDIN") as copy:
            for hit in {(h.video_id, h.term, h.field): h for h in hits}.values():
                copy.write_row((hit.creator_id, hit.video_id, hit.term[:100], hit.field, hit.excerpt[:300]))
        cursor.execute(
            """
            DELETE FROM creators_brandsafetyhit h WHERE h.workspace_id = %s AND NOT EXISTS (
                SELECT 1 FROM scanned_hits s WHERE s.video_id = h.video_id AND s.term = h.term AND s.field = h.field)
            """,
            [workspace.pk],
        )
        cursor.execute(
            """
            INSERT INTO creators_brandsafetyhit (workspace_id, creator_id, video_id, term, field, excerpt, found_at,
                created_at, updated_at)
            SELECT %(ws)s, creator_id, video_id, term, field, excerpt, %(at)s, %(at)s, %(at)s FROM scanned_hits
            ON CONFLICT (workspace_id, video_id, term, field) DO UPDATE SET excerpt = EXCLUDED.excerpt
                WHERE creators_brandsafetyhit.excerpt IS DISTINCT FROM EXCLUDED.excerpt
            """,
            {"ws": workspace.pk, "at": found_at},
        )
        cursor.execute("SELECT count(*) FROM creators_brandsafetyhit WHERE workspace_id = %s", [workspace.pk])
        (total,) = cursor.fetchone()
        cursor.execute("DROP TABLE scanned_hits")
    return int(total)
