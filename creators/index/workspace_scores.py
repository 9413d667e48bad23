"""A workspace's own score of every scored creator ("Your score"), computed in SQL from the percentiles
the scoring run stored on each creator, with the weights the workspace tuned.

Analytics owns the settings and calls `set_workspace_weights` when they change and
`queue_workspace_score_refresh` after each scoring run; both queue `recompute_workspace_scores`, which
walks `creators_creatorscore` by creator id in chunks of CHUNK_SIZE, one transaction each, and keeps its
place in `WorkspaceScoring.done_through_id` (the progress, and where a retried task resumes). The rows
stay readable while they are recomputed: discovery sorts by them as soon as any exist.

The formula is the one of the global score (docs/scoring.md, "Your score"): the weighted mean of the
creator's known `pct_<component>` percentiles, minus its flag penalty, clipped to 0-100, rounded to 2
decimals; a creator with none of the weighted percentiles known has no row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from core.queue import enqueue_on_commit
from creators.models import WorkspaceScoring

# 20,000 creators a transaction: ~0.1-0.2 s of work each, so a profile change never holds a long lock.
CHUNK_SIZE = 20_000
RECOMPUTE_TASK = "creators.tasks.recompute_workspace_scores_task"

# The weighted percentile mean of one creator (`cs`), for the weights in `w(name, weight)`; NULL when no
# weighted percentile is known (GREATEST would turn that NULL into 0). JSON null (`->>` gives NULL) is an
# unknown percentile and carries no weight.
_KNOWN_WEIGHT = "sum(w.weight) FILTER (WHERE cs.components ->> ('pct_' || w.name) IS NOT NULL)"
_SCORE_SQL = f"""
    CASE WHEN {_KNOWN_WEIGHT} > 0 THEN round(LEAST(GREATEST(
        sum(w.weight * (cs.components ->> ('pct_' || w.name))::float8) / {_KNOWN_WEIGHT}
        - COALESCE((cs.components ->> 'flag_penalty')::float8, 0), 0), 100)::numeric, 2) END
"""
_WEIGHTS_SQL = "unnest(%(names)s::text[], %(weights)s::float8[]) AS w(name, weight)"


def _weights_params(weights: Mapping[str, float]) -> dict[str, list[Any]]:
    positive = {name: float(weight) for name, weight in sorted(weights.items()) if float(weight) > 0}
    if not positive:
        raise ValueError("At least one weight must be greater than 0.")
    return {"names": list(positive), "weights": list(positive.values())}


def _scoring(workspace_id: int) -> Any:
    return WorkspaceScoring.objects.with_scopes_disabled().filter(workspace_id=workspace_id)


@transaction.atomic
def set_workspace_weights(
    *, workspace_id: int, objective: str, weights: Mapping[str, Mapping[str, float]]
) -> WorkspaceScoring:
    """Record the objective and every objective's effective weights of a workspace (analytics' scoring
    settings, already validated) and, when they changed or the last recompute did not finish, queue a
    recompute after commit. A change restarts the recompute from the first creator."""
    if objective not in weights:
        raise ValueError(f"No weights for the objective {objective!r}.")
    _weights_params(weights[objective])
    plain = {name: {k: float(v) for k, v in values.items()} for name, values in weights.items()}
    scoring, created = (
        _scoring(workspace_id)
        .select_for_update()
        .get_or_create(workspace_id=workspace_id, defaults={"objective": objective, "weights": plain})
    )
    if not created and (scoring.objective, scoring.weights) != (objective, plain):
        scoring.objective, scoring.weights, scoring.done_through_id, scoring.finished_at = objective, plain, 0, None
        scoring.save(update_fields=["objective", "weights", "done_through_id", "finished_at", "updated_at"])
        created = True
    if created or scoring.finished_at is None:
        enqueue_on_commit("creators.tasks.recompute_workspace_scores_task", workspace_id)
    return scoring


def queue_workspace_score_refresh() -> int:
    """After a scoring run: recompute every workspace that has its own weights, from the first creator
    (the percentiles moved). Returns how many recomputes were queued."""
    with transaction.atomic():
        ids = list(_scoring_all().values_list("workspace_id", flat=True))
        _scoring_all().update(done_through_id=0, finished_at=None, updated_at=datetime.now(UTC))
        for workspace_id in ids:
            enqueue_on_commit("creators.tasks.recompute_workspace_scores_task", workspace_id)
    return len(ids)


def _scoring_all() -> Any:
    return WorkspaceScoring.objects.with_scopes_disabled().all()


@dataclass(frozen=True)
class RecomputeResult:
    chunks: int
    finished: bool


def recompute_workspace_scores(*, workspace_id: int, chunk_size: int = CHUNK_SIZE) -> RecomputeResult:
    """Compute the workspace's score of every scored creator from where the last chunk stopped, one chunk
    per transaction (the WorkspaceScoring row is locked for each, so two runs share one cursor and a
    change of weights, which resets it, is picked up by the next chunk). Idempotent: rows equal to the
    computed ones are not rewritten, and a finished recompute started again recomputes the same rows."""
    chunks = 0
    while True:
        with transaction.atomic():
            scoring = _scoring(workspace_id).select_for_update(of=("self",)).first()
            if scoring is None:  # the workspace or its settings are gone
                return RecomputeResult(chunks=chunks, finished=False)
            upto = _store_chunk(scoring, chunk_size=chunk_size)
            chunks += 1
            if upto is None:
                scoring.finished_at = datetime.now(UTC)
                scoring.save(update_fields=["finished_at", "updated_at"])
                return RecomputeResult(chunks=chunks, finished=True)
            scoring.done_through_id = upto
            scoring.save(update_fields=["done_through_id", "updated_at"])


def _store_chunk(scoring: WorkspaceScoring, *, chunk_size: int) -> int | None:
    """Store the next chunk after `done_through_id`; the last creator id it covered, or None when no
    creator was left (the rows of creators past the last scored one are then removed)."""
    after = scoring.done_through_id
    params: dict[str, Any] = {
        "ws": scoring.workspace_id,
        "after": after,
        **_weights_params(scoring.weights[scoring.objective]),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(creator_id) FROM (SELECT creator_id FROM creators_creatorscore WHERE creator_id > %s "
            "ORDER BY creator_id LIMIT %s) AS chunk",
            [after, chunk_size],
        )
        upto = cursor.fetchone()[0]
        if upto is None:
            cursor.execute(
                "DELETE FROM creators_workspacecreatorscore WHERE workspace_id = %s AND creator_id > %s",
                [scoring.workspace_id, after],
            )
            return None
        params["upto"] = upto
        cursor.execute(
            f"""
            WITH computed AS (
                SELECT cs.creator_id, s.score FROM creators_creatorscore cs
                CROSS JOIN LATERAL (SELECT {_SCORE_SQL} AS score FROM {_WEIGHTS_SQL}) s
                WHERE cs.creator_id > %(after)s AND cs.creator_id <= %(upto)s AND s.score IS NOT NULL
            ), stored AS (
                INSERT INTO creators_workspacecreatorscore (workspace_id, creator_id, score)
                SELECT %(ws)s, creator_id, score FROM computed ORDER BY creator_id
                ON CONFLICT (workspace_id, creator_id) DO UPDATE SET score = EXCLUDED.score
                WHERE creators_workspacecreatorscore.score IS DISTINCT FROM EXCLUDED.score
                RETURNING creator_id
            )
            DELETE FROM creators_workspacecreatorscore d
            WHERE d.workspace_id = %(ws)s AND d.creator_id > %(after)s AND d.creator_id <= %(upto)s
                AND NOT EXISTS (SELECT 1 FROM computed c WHERE c.creator_id = d.creator_id)
            """,  # noqa: S608 - constants of this module; values travel as parameters
            params,
        )
    return int(upto)


def weighted_scores(*, creator_ids: Iterable[int], weights: Mapping[str, float]) -> dict[int, Decimal]:
    """The score of each given creator (that has one) under `weights`, by the same SQL as the stored
    rows: for ranking a few candidates by an objective other than the workspace's own."""
    ids = list(creator_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT cs.creator_id, s.score FROM creators_creatorscore cs
            CROSS JOIN LATERAL (SELECT {_SCORE_SQL} AS score FROM {_WEIGHTS_SQL}) s
            WHERE cs.creator_id = ANY(%(ids)s) AND s.score IS NOT NULL
            """,  # noqa: S608 - constants of this module; values travel as parameters
            {"ids": ids, **_weights_params(weights)},
        )
        return {int(pk): Decimal(score) for pk, score in cursor.fetchall()}


def workspace_scoring(*, workspace_id: int) -> WorkspaceScoring | None:
    """The workspace's weights and recompute progress, or None without its own settings."""
    return _scoring(workspace_id).first()  # type: ignore[no-any-return]
