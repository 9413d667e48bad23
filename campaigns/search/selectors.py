"""What the top bar's search finds, grouped. Creators come from the shared index through discovery's
keyword search (the same GIN indexes, the same typo fallback), so a handle is found as fast as on the
discovery page; campaigns, collaborations and members come from the current workspace only, through
its scope and an explicit workspace filter."""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import Membership, Workspace
from campaigns.models import Campaign, Collaboration
from creators.discovery.selectors import RELEVANCE, Keyword, Search, discoverable_creators, results_page
from creators.models import Creator

# Fewer characters match too much of a million handles to be worth a query while typing.
MIN_QUERY_LENGTH = 2
SUGGESTION_LIMIT = 5  # per group in the dropdown: four groups of five fit one screen
PAGE_LIMIT = 25  # per group on the full results page


@dataclass(frozen=True)
class SearchResults:
    query: str
    creators: list[Creator] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    collaborations: list[Collaboration] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.creators or self.campaigns or self.collaborations or self.members)

    @property
    def is_searched(self) -> bool:
        return len(self.query) >= MIN_QUERY_LENGTH


def search_workspace(*, workspace: Workspace, query: str, limit: int = SUGGESTION_LIMIT) -> SearchResults:
    """Up to `limit` of each kind matching `query`, best first. Another workspace's campaigns,
    collaborations and members are never found: every query but the shared index's names `workspace`."""
    query = " ".join(query.split())[:100]
    keyword = Keyword.parse(query)
    if len(query) < MIN_QUERY_LENGTH or keyword is None:
        return SearchResults(query=query)
    text = query.lstrip("@")
    creators = results_page(
        Search(queryset=discoverable_creators(), keyword=keyword, ordering=RELEVANCE), page_number=1, per_page=limit
    ).creators
    campaigns = list(Campaign.objects.filter(workspace=workspace, name__icontains=text).order_by("-created_at")[:limit])
    collaborations = list(
        Collaboration.objects.filter(workspace=workspace)
        .filter(
            Q(creator__handle__icontains=text)
            | Q(creator__display_name__icontains=text)
            | Q(campaign__name__icontains=text)
        )
        .select_related("campaign", "creator")
        .order_by("-stage_changed_at", "-pk")[:limit]
    )
    members = list(
        Membership.objects.filter(workspace=workspace)
        .filter(Q(user__email__icontains=text) | Q(user__full_name__icontains=text))
        .select_related("user")
        .order_by("user__email")[:limit]
    )
    return SearchResults(
        query=query, creators=creators, campaigns=campaigns, collaborations=collaborations, members=members
    )
