"""Store scoring results in the index: the latest score with its components, a row of history per day,
the figures discovery sorts and filters on (copied onto the creator), and the tier medians.

Called by analytics' scoring service with plain rows; one transaction, COPY-staged, so storing 100,000
scores takes one statement per table (bench/scoring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from creators.models import TierBenchmark
from creators.selectors import forget_tier_engagement_medians


@dataclass(frozen=True)
class ScoreColumns:
    """A scoring run's results, one list per column, all of the same length (row i is one creator).

    `components_json` holds each creator's components as a JSON object text (docs/scoring.md): values,
    `pct_<component>` percentiles, counts, flags with evidence, `score_<objective>`s and the tier."""

    creator_ids: Sequence[int]
    scores: Sequence[float | None]
    awareness: Sequence[float | None]
    consideration: Sequence[float | None]
    conversions: Sequence[float | None]
    engagement_rates: Sequence[float | None]
    growth_30d: Sequence[float | None]
    flags: Sequence[Sequence[str]]
    components_json: Sequence[str]


def _rounded(value: float | None, low: float, high: float, digits: int) -> float | None:
    # NaN arrives as None from the caller; the columns have a fixed precision, so an outlier is stored at
    # the column's bound rather than failing the whole run.
    if value is None or value != value:
        return None
    return round(min(max(float(value), low), high), digits)


def store_scores(*, columns: ScoreColumns, computed_at: datetime, loaded_at: datetime) -> None:
    """Write a run's scores as of `computed_at`. `score_stale` is cleared on the stored creators that have
    not changed since `loaded_at`, when the run read its data (a pull that landed meanwhile keeps its
    creator stale for the next run). Rows equal to the stored ones are not rewritten."""
    day = computed_at.date()
    c = columns
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            "CREATE TEMP TABLE scored (creator_id bigint, score numeric(5,2), awareness numeric(5,2), "
            "consideration numeric(5,2), conversions numeric(5,2), engagement_rate numeric(7,5), "
            "growth_30d numeric(9,5), flags varchar(40)[], components jsonb) ON COMMIT DROP"
        )
        with cursor.copy("COPY scored FROM STDIN") as copy:
            for row in zip(
                c.creator_ids, c.scores, c.awareness, c.consideration, c.conversions, c.engagement_rates,
                c.growth_30d, c.flags, c.components_json, strict=True,
            ):  # fmt: skip
                creator_id, score, awareness, consideration, conversions, rate, growth, flags, components = row
                copy.write_row(
                    (
                        creator_id,
                        _rounded(score, 0, 100, 2),
                        _rounded(awareness, 0, 100, 2),
                        _rounded(consideration, 0, 100, 2),
                        _rounded(conversions, 0, 100, 2),
                        _rounded(rate, 0, 99.99, 5),
                        _rounded(growth, -9999, 9999, 5),
                        list(flags),
                        components,
                    )
                )
        cursor.execute(
            """
            UPDATE creators_creator c SET score = s.score, engagement_rate = s.engagement_rate,
                growth_30d = s.growth_30d, authenticity_flags = s.flags,
                score_stale = c.score_stale AND c.updated_at > %(loaded)s
            FROM scored s
            WHERE c.id = s.creator_id AND (
                (c.score, c.engagement_rate, c.growth_30d, c.authenticity_flags)
                    IS DISTINCT FROM (s.score, s.engagement_rate, s.growth_30d, s.flags)
                OR (c.score_stale AND c.updated_at <= %(loaded)s))
            """,
            {"loaded": loaded_at},
        )
        cursor.execute(
            """
            INSERT INTO creators_creatorscore (creator_id, score, components, computed_at, created_at, updated_at)
            SELECT creator_id, score, components, %(at)s, %(at)s, %(at)s FROM scored ORDER BY creator_id
            ON CONFLICT (creator_id) DO UPDATE SET score = EXCLUDED.score, components = EXCLUDED.components,
                computed_at = EXCLUDED.computed_at, updated_at = EXCLUDED.updated_at
            WHERE (creators_creatorscore.score, creators_creatorscore.components)
                IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.components)
            """,
            {"at": computed_at},
        )
        cursor.execute(
            """
            INSERT INTO creators_creatorscorehistory (creator_id, scored_on, score, score_awareness,
                score_consideration, score_conversions, engagement_rate)
            SELECT creator_id, %(day)s, score, awareness, consideration, conversions, engagement_rate
            FROM scored ORDER BY creator_id
            ON CONFLICT (creator_id, scored_on) DO UPDATE SET score = EXCLUDED.score,
                score_awareness = EXCLUDED.score_awareness, score_consideration = EXCLUDED.score_consideration,
                score_conversions = EXCLUDED.score_conversions, engagement_rate = EXCLUDED.engagement_rate
            WHERE (creators_creatorscorehistory.score, creators_creatorscorehistory.engagement_rate)
                IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.engagement_rate)
            """,
            {"day": day},
        )
        cursor.execute("DROP TABLE scored")
    forget_tier_engagement_medians()


def store_tier_benchmarks(
    *, medians: Mapping[str, Mapping[str, float | None]], counts: Mapping[str, int], computed_at: datetime
) -> None:
    with transaction.atomic():
        for tier, values in medians.items():
            TierBenchmark.objects.update_or_create(
                tier=tier,
                defaults={"medians": dict(values), "creators": int(counts.get(tier, 0)), "computed_at": computed_at},
            )
