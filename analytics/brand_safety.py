"""Scan recent captions and hashtags for a workspace's must-avoid terms (its own list and the must-avoid
topics of its campaigns' briefs) and keep every hit.

A scan covers the whole index (a hit must be filterable in discovery before anyone opens the profile)
over the scoring window, and replaces the workspace's hits with what it found, so it is idempotent and
a removed term or an edited caption leaves no stale hit behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings

from accounts.models import Workspace
from accounts.tenancy import workspace_scope
from analytics.scoring.brand_safety_terms import brand_safety_hits
from analytics.scoring.services import copy_frame
from briefs.models import Brief
from creators.models import BrandSafetyTerm
from creators.workspace.brand_safety import HitRow, replace_brand_safety_hits


def scan_workspace(*, workspace_id: int, as_of: datetime | None = None) -> int:
    """Returns how many hits the workspace has after the scan."""
    workspace = Workspace.objects.get(pk=workspace_id)
    as_of = as_of or datetime.now(UTC)
    with workspace_scope(workspace):
        terms = list(BrandSafetyTerm.objects.filter(workspace=workspace).values_list("term", flat=True))
        terms += brief_must_avoid_terms(workspace=workspace)
        if not terms:
            return replace_brand_safety_hits(workspace=workspace, hits=[], found_at=as_of)
        videos = copy_frame(
            "SELECT creator_id, id AS video_id, caption, array_to_string(hashtags, ' ') AS hashtags "
            "FROM creators_video WHERE posted_at > %s",
            [as_of - timedelta(days=settings.SCORING_WINDOW_DAYS)],
            {"creator_id": "int64", "video_id": "int64", "caption": "str", "hashtags": "str"},
            [],
        )
        videos["caption"] = videos["caption"].fillna("")
        videos["hashtags"] = videos["hashtags"].fillna("")
        found = brand_safety_hits(videos, terms)
        hits = [
            HitRow(creator_id=int(c), video_id=int(v), term=str(t), field=str(f), excerpt=str(e))
            for c, v, t, f, e in found.itertuples(index=False, name=None)
        ]
        return replace_brand_safety_hits(workspace=workspace, hits=hits, found_at=as_of)


def brief_must_avoid_terms(*, workspace: Workspace) -> list[str]:
    """The must-avoid topics of the latest brief version of each of the workspace's campaigns."""
    latest = Brief.objects.filter(workspace=workspace).order_by("campaign_id", "-version").distinct("campaign_id")
    return sorted({term for brief in latest for term in brief.must_avoid_terms})


def workspaces_with_terms() -> list[int]:
    own = BrandSafetyTerm.objects.with_scopes_disabled().values_list("workspace_id", flat=True)
    from_briefs = Brief.objects.with_scopes_disabled().exclude(must_avoid="").values_list("workspace_id", flat=True)
    return sorted(set(own) | set(from_briefs))
