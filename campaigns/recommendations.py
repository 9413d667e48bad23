"""Creators to suggest for a campaign: not on it yet, in its target niches and countries, ranked by
score and by how much of their audience is the campaign's target audience (creators.audience.fit)."""

from dataclasses import dataclass

from django.db.models import F, Q

from campaigns.models import Campaign, Collaboration
from creators.audience.fit import audience_fit
from creators.models import Creator

CANDIDATES = 60  # the best-scored matches; ranked again with audience fit, the first ones are shown
SHOWN = 8


@dataclass(frozen=True)
class Recommendation:
    creator: Creator
    audience_fit: float | None

    @property
    def rank_key(self) -> tuple[float, float]:
        score = float(self.creator.score or 0)
        # Equal weight to the score and to the fit; an unknown audience counts as half a fit.
        fit = self.audience_fit if self.audience_fit is not None else 50.0
        return (-(score + fit) / 2, -score)


def recommendations(*, campaign: Campaign) -> list[Recommendation]:
    target = campaign.target_audience or {}
    creators = Creator.objects.filter(score__isnull=False).exclude(
        pk__in=Collaboration.objects.filter(campaign=campaign, workspace_id=campaign.workspace_id).values("creator_id")
    )
    if target.get("niches"):
        creators = creators.filter(niches__overlap=list(target["niches"]))
    if target.get("countries"):
        creators = creators.filter(Q(country__in=target["countries"]))
    candidates = list(creators.select_related("audience").order_by(F("score").desc(nulls_last=True), "id")[:CANDIDATES])
    wanted = {key: value for key, value in target.items() if key in ("age_buckets", "genders", "countries") and value}
    ranked = []
    for creator in candidates:
        audience = getattr(creator, "audience", None) if hasattr(creator, "audience") else None
        shares = (
            {"age_buckets": audience.age_buckets, "genders": audience.genders, "countries": audience.countries}
            if audience is not None
            else None
        )
        ranked.append(Recommendation(creator=creator, audience_fit=audience_fit(shares, wanted) if wanted else None))
    return sorted(ranked, key=lambda r: r.rank_key)[:SHOWN]
