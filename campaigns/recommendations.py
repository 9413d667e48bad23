"""Creators to suggest for a campaign: not on it yet, in its target niches, countries, languages and
tiers, ranked by their score for the campaign's objective and by how much of their audience is the
campaign's target audience (creators.audience.fit). docs/scoring.md, "Recommendations", explains it.

The score is the workspace's own when it has scoring settings: the CANDIDATES best matches by "Your
score" (creators.index.workspace_scores, an index walk) are scored again with the workspace's weights
for the scoring objective the campaign's objective maps to. Without settings, the candidates are the
best by the global score and the objective's score is the one the scoring run stored with the default
weights (`score_<objective>` in the creator's components)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet

from campaigns.models import Campaign, Collaboration
from creators.audience.fit import audience_fit
from creators.discovery.selectors import TIER_CHOICES, tier_condition, workspace_has_scores
from creators.index.workspace_scores import weighted_scores, workspace_scoring
from creators.models import Creator

CANDIDATES = 100  # the best matches by the stored score; ranked again by objective and fit, SHOWN kept
SHOWN = 8
UNKNOWN_FIT = 50.0  # an unknown audience counts as half a fit: neither a match nor a miss

# A campaign's objective -> the scoring objective whose weights judge creators for it
# (analytics.scoring.composite.DEFAULT_OBJECTIVE_WEIGHTS): awareness buys reach; engagement buys
# attention (comments, saves, videos watched to the end); traffic and sales buy action.
SCORING_OBJECTIVES = {
    "awareness": "awareness",
    "engagement": "consideration",
    "traffic": "conversions",
    "sales": "conversions",
}
FALLBACK_OBJECTIVE = "consideration"  # the scoring run's default objective


@dataclass(frozen=True)
class Recommendation:
    creator: Creator
    score: float | None  # the creator's score for the campaign's objective, 0-100
    audience_fit: float | None

    @property
    def rank_key(self) -> tuple[float, float, int]:
        score = self.score if self.score is not None else 0.0
        fit = self.audience_fit if self.audience_fit is not None else UNKNOWN_FIT
        # Equal weight to the objective's score and to the fit; ties: the better score, then the lower id.
        return (-(score + fit) / 2, -score, self.creator.pk)


def scoring_objective(campaign: Campaign) -> str:
    return SCORING_OBJECTIVES.get(str(campaign.objective), FALLBACK_OBJECTIVE)


def _matching(campaign: Campaign) -> QuerySet[Creator]:
    target = campaign.target_audience or {}
    creators = Creator.objects.exclude(
        pk__in=Collaboration.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id).values("creator_id")
    )
    if target.get("niches"):
        creators = creators.filter(niches__overlap=list(target["niches"]))
    if target.get("countries"):
        creators = creators.filter(country__in=list(target["countries"]))
    if target.get("languages"):
        creators = creators.filter(languages__overlap=list(target["languages"]))
    tiers = [tier for tier in target.get("tiers") or [] if tier in dict(TIER_CHOICES)]
    if tiers:
        creators = creators.filter(tier_condition(tiers))
    return creators


def _candidates(campaign: Campaign, *, own_scores: bool) -> list[Creator]:
    creators = _matching(campaign).select_related("audience", "latest_score")
    if own_scores:  # walks workspacescore_rank_idx
        ranked = creators.filter(workspace_scores__workspace_id=campaign.workspace_id).order_by(
            F("workspace_scores__score").desc(), "id"
        )
    else:
        ranked = creators.filter(score__isnull=False).order_by(F("score").desc(), "id")
    return list(ranked[:CANDIDATES])


def _stored_objective_score(creator: Creator, objective: str) -> float | None:
    latest = getattr(creator, "latest_score", None) if hasattr(creator, "latest_score") else None
    value = (latest.components or {}).get(f"score_{objective}") if latest is not None else None
    return float(value) if isinstance(value, int | float | Decimal) else None


def _fit(creator: Creator, wanted: Mapping[str, Any]) -> float | None:
    if not wanted:
        return None
    audience = getattr(creator, "audience", None) if hasattr(creator, "audience") else None
    if audience is None:
        return None
    shares = {"age_buckets": audience.age_buckets, "genders": audience.genders, "countries": audience.countries}
    return audience_fit(shares, wanted)


def recommendations(*, campaign: Campaign) -> list[Recommendation]:
    """The SHOWN best creators for the campaign (five queries at most)."""
    objective = scoring_objective(campaign)
    scoring = workspace_scoring(workspace_id=campaign.workspace_id)
    weights = (scoring.weights or {}).get(objective) if scoring is not None else None
    candidates = _candidates(campaign, own_scores=bool(weights) and workspace_has_scores(campaign.workspace_id))
    if weights:
        own = weighted_scores(creator_ids=[c.pk for c in candidates], weights=weights)
        scores = {c.pk: float(own[c.pk]) if c.pk in own else None for c in candidates}
    else:
        # The objective's score stored by the last scoring run; the global score for a creator scored before.
        scores = {c.pk: _stored_objective_score(c, objective) for c in candidates}
        scores = {c.pk: scores[c.pk] if scores[c.pk] is not None else float(c.score or 0) for c in candidates}
    target = campaign.target_audience or {}
    wanted = {key: value for key, value in target.items() if key in ("age_buckets", "genders", "countries") and value}
    ranked = [Recommendation(creator=c, score=scores[c.pk], audience_fit=_fit(c, wanted)) for c in candidates]
    return sorted(ranked, key=lambda r: r.rank_key)[:SHOWN]
