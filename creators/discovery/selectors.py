"""Discovery selectors: the creator search the dashboard page, the CSV export and the API share.

Everything reads the one `Creator` table (niches, scores and activity are denormalized there, see the
model's docstring), so a filtered, sorted page of a million creators is one indexed query. Two rules keep
it fast whatever the filters (docs/discovery.md):

* counts are bounded: at most COUNT_LIMIT + 1 matching rows are counted ("1,000+" beyond), and an
  unfiltered index is sized from the planner's statistics instead of being counted;
* paging is bounded: no page reaches past MAX_RESULT_ROWS, so OFFSET never walks more than that.
"""

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, OrderBy, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, StrIndex
from django.db.models.lookups import GreaterThan

from accounts.models import Workspace
from creators.models import Creator, CreatorList, Niche, SavedSearch, Tag, WorkspaceCreatorScore
from creators.search_text import fold

# Counting stops here: "1,000+" tells a marketer to narrow the filters as well as an exact figure would,
# and counting further costs a heap visit per match (10,000 matches: ~50-90 ms on the benchmark box,
# docs/discovery.md), more than the page itself.
COUNT_LIMIT = 1_000
# Pages never reach past this many rows (OFFSET cost grows with depth); filters narrow, paging does not.
MAX_RESULT_ROWS = 10_000
KEYWORD_MAX_LENGTH = 100
# Below this many characters a substring match on handles cannot use the trigram index.
HANDLE_SUBSTRING_MIN_LENGTH = 3
# From this offset on, a page is fetched by id after walking the sort index (see _page_rows).
DEFERRED_JOIN_OFFSET = 1_000
# When the planner expects more matches than this, its estimate is shown ("about 7,100") instead of
# counting: a count visits every matching row, 25-50 ms for a few thousand scattered ones.
ESTIMATE_ABOVE = 2_000

# The columns a result row (table or card) shows; the search document and sync details stay in the table.
LIST_FIELDS = (
    "id",
    "platform",
    "handle",
    "display_name",
    "bio",
    "avatar_url",
    "country",
    "city",
    "languages",
    "niches",
    "follower_count",
    "video_count",
    "is_verified",
    "score",
    "engagement_rate",
    "growth_30d",
    "last_posted_at",
    "authenticity_flags",
)

TIER_CHOICES = [("nano", "Nano"), ("micro", "Micro"), ("macro", "Macro"), ("mega", "Mega")]
# The tier of a creator whose follower count is unknown (NULL): shown, never a filter (it matches no range).
TIER_UNKNOWN = "unknown"


def tier_bounds() -> dict[str, tuple[int, int | None]]:
    """Follower range of each tier, lower bound inclusive (settings.CREATOR_TIER_BOUNDS)."""
    low, mid, high = settings.CREATOR_TIER_BOUNDS  # nano < 10k <= micro < 100k <= macro < 1M <= mega
    return {"nano": (0, low), "micro": (low, mid), "macro": (mid, high), "mega": (high, None)}


def tier_condition(tiers: Sequence[str]) -> Q:
    condition = Q()
    for name in tiers:
        low, high = tier_bounds()[name]
        tier = Q(follower_count__gte=low)
        if high is not None:
            tier &= Q(follower_count__lt=high)
        condition |= tier
    return condition


def _tier_annotation() -> Case:
    bounds = tier_bounds()
    return Case(
        When(follower_count__isnull=True, then=Value(TIER_UNKNOWN)),
        *(When(follower_count__lt=high, then=Value(name)) for name, (_, high) in bounds.items() if high is not None),
        default=Value("mega"),
    )


def discoverable_creators() -> QuerySet[Creator]:
    """The shared index as result rows: list columns, the tier and percentages for display."""
    return Creator.objects.only(*LIST_FIELDS).annotate(
        tier=_tier_annotation(),
        engagement_pct=F("engagement_rate") * 100,
        growth_pct=F("growth_30d") * 100,
    )


# --- Keyword search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyword:
    """A search box entry, folded the way the search documents are (lower case, no accents)."""

    text: str  # for full text: "Núñez  Glow" -> "nunez glow"
    handle: str  # for handles: no @, no spaces -> "nunezglow"

    @classmethod
    def parse(cls, raw: str) -> "Keyword | None":
        text = " ".join(fold(raw[:KEYWORD_MAX_LENGTH]).split())
        if not text:
            return None
        return cls(text=text, handle=re.sub(r"[^\w.]", "", text.replace(" ", "")))


# Exactly the expression of the GIN index creator_search_gin, so the match is an index scan.
SEARCH_VECTOR = SearchVector("search_document", config="simple")


def keyword_matches(queryset: QuerySet[Creator], keyword: Keyword, *, typo: bool = False) -> QuerySet[Creator]:
    """Creators whose handle, name, bio or hashtags match the keyword.

    Normally: full text (web-search syntax: words, "quoted phrases", -exclusions) over the folded search
    document, or the handle containing the keyword (`glow` finds `@maya.glow`); each branch has its own GIN
    index and PostgreSQL ORs the bitmaps. `typo=True` is the fallback when that finds nothing: handles
    trigram-similar to the keyword (`charlidamelo` finds `@charlidamelio`). It is a fallback, not a third
    branch, because a short or common keyword shares trigrams with a large part of a million handles."""
    if typo:
        return queryset.filter(handle__trigram_similar=keyword.handle) if keyword.handle else queryset.none()
    matches = Q(document=SearchQuery(keyword.text, config="simple", search_type="websearch"))
    if len(keyword.handle) >= HANDLE_SUBSTRING_MIN_LENGTH:
        matches |= Q(handle__contains=keyword.handle)
    return queryset.alias(document=SEARCH_VECTOR).filter(matches)


def keyword_prefilter(keyword: Keyword) -> Q | None:
    """A cheap condition every match fulfils, for scans that test matches row by row (a page read in score
    order): each word of a plain keyword occurs in the (folded) search document. PostgreSQL tests this
    `strpos` before the costly to_tsvector of the full-text match (~1 µs against ~8 µs a row). `strpos`
    rather than LIKE: the planner takes LIKE '%word%' for rarer than it is, expects a long scan and picks a
    parallel plan whose start-up alone costs ~10 ms. Only for plain words: quotes, OR and -exclusions change
    what a match needs."""
    words = keyword.text.split(" ")
    if not all(word.isalnum() for word in words) or "or" in words:
        return None
    condition = Q()
    for word in words:
        condition &= Q(GreaterThan(StrIndex("search_document", Value(word)), 0))
    return condition


def with_relevance(queryset: QuerySet[Creator], keyword: Keyword) -> QuerySet[Creator]:
    """Annotate `rank`: full-text rank + handle similarity + 1 for the exact handle, so `@maya` itself beats
    a bio that mentions maya, and the closest handle leads a typo search."""
    query = SearchQuery(keyword.text, config="simple", search_type="websearch")
    exact_handle = Case(When(handle=keyword.handle, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return queryset.annotate(
        rank=Cast(SearchRank(SEARCH_VECTOR, query), FloatField())
        + TrigramSimilarity("handle", keyword.handle or keyword.text)
        + exact_handle
    )


# --- Sorting -------------------------------------------------------------------------------------------

# Sort key -> column. Every sort matches a "<column> DESC NULLS LAST, id" or "<column> ASC NULLS LAST, id"
# index of the model, so the first pages are an index scan that stops after one page; id breaks ties so
# paging is stable. Unknown values (NULL: no score yet, an unknown follower count) come last either way.
SORT_COLUMNS = {
    "score": "score",
    "engagement_rate": "engagement_rate",
    "followers": "follower_count",
    "growth": "growth_30d",
    "recent": "last_posted_at",
}
ORDERING_CHOICES = [
    ("-score", "Score (best first)"),
    ("-your_score", "Your score (your scoring settings)"),
    ("-engagement_rate", "Engagement rate (highest first)"),
    ("-followers", "Followers (most first)"),
    ("-growth", "30-day growth (fastest first)"),
    ("-recent", "Recently active first"),
    ("score", "Score (lowest first)"),
    ("engagement_rate", "Engagement rate (lowest first)"),
    ("followers", "Followers (fewest first)"),
    ("growth", "30-day growth (slowest first)"),
    ("recent", "Least recently active first"),
]
DEFAULT_ORDERING = "-score"
# The workspace's own score (creators.index.workspace_scores): its rows are walked by their index
# (workspace, score DESC, creator); creators without one follow, by the global score. Descending only.
YOUR_SCORE = "-your_score"
RELEVANCE = "relevance"


def workspace_has_scores(workspace_id: int | None) -> bool:
    """True once the workspace has its own scores; until then "Your score" is the global score."""
    return workspace_id is not None and WorkspaceCreatorScore.objects.filter(workspace_id=workspace_id).exists()


def order_by_key(queryset: QuerySet[Creator], ordering: str, *, workspace_id: int | None = None) -> QuerySet[Creator]:
    """Apply a sort key of ORDERING_CHOICES (missing values last, ties by id). YOUR_SCORE here annotates
    every match (for bulk actions and the export, which the caller bounds); a page uses _your_score_rows."""
    if ordering == YOUR_SCORE:
        if workspace_id is None or not workspace_has_scores(workspace_id):
            return order_by_key(queryset, DEFAULT_ORDERING)
        mine = WorkspaceCreatorScore.objects.filter(workspace_id=workspace_id, creator=OuterRef("pk"))
        return queryset.annotate(your_score=Subquery(mine.values("score")[:1])).order_by(
            F("your_score").desc(nulls_last=True), F("score").desc(nulls_last=True), "id"
        )
    descending = ordering.startswith("-")
    column = SORT_COLUMNS[ordering.lstrip("-")]
    expression: OrderBy = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return queryset.order_by(expression, "id")


def order_by_relevance(queryset: QuerySet[Creator]) -> QuerySet[Creator]:
    return queryset.order_by(F("rank").desc(), F("follower_count").desc(nulls_last=True), "id")


# --- One discovery request: filter, count, order, page ---------------------------------------------------


@dataclass(frozen=True)
class Search:
    """A parsed discovery request (`discovery.filters` builds it): the filtered creators, the keyword, the sort."""

    queryset: QuerySet[Creator]  # filtered by everything but the keyword, not ordered
    keyword: Keyword | None = None
    ordering: str | None = None  # a key of ORDERING_CHOICES, RELEVANCE, or None for the default
    is_filtered: bool = False
    workspace_id: int | None = None  # whose "Your score" YOUR_SCORE sorts by
    # False when a filter's selectivity is a guess for the planner (audience shares in JSON): count instead.
    may_estimate: bool = True
    # Counts the same matches more cheaply, when the filters allow (audience filters alone); else None.
    count_queryset: QuerySet[Any] | None = None

    @property
    def by_relevance(self) -> bool:
        return self.keyword is not None and self.ordering in (None, "", RELEVANCE)


@dataclass(frozen=True)
class ResultCount:
    value: int
    is_exact: bool  # False: at least `value` (bounded count) or about `value` (estimate)
    is_estimate: bool = False

    def __str__(self) -> str:
        if self.is_exact:
            return f"{self.value:,}"
        if self.is_estimate:
            return f"about {round(self.value, 2 - len(str(self.value))):,}"  # two significant digits
        return f"{self.value:,}+"


@dataclass(frozen=True)
class ResultPage:
    creators: list[Creator]
    number: int
    per_page: int
    count: ResultCount
    has_next: bool
    by_relevance: bool  # the rows are in keyword-relevance order

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.creators else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.creators)

    @property
    def num_pages(self) -> int | None:
        """Known when the count is exact."""
        return max(1, math.ceil(self.count.value / self.per_page)) if self.count.is_exact else None

    @property
    def is_capped(self) -> bool:
        """More matches exist than the pages reach: narrowing the filters is the way to see them."""
        return not self.count.is_exact and self.number >= max_page(self.per_page)


class PageOutOfRange(Exception):
    """The page number is not a number, below 1, past MAX_RESULT_ROWS or past the last result."""


def max_page(per_page: int) -> int:
    return max(1, MAX_RESULT_ROWS // per_page)


def parse_page_number(raw: Any, *, per_page: int, strict: bool) -> int:
    """The page number asked for; `strict` (the API) refuses bad ones, otherwise they become the nearest page."""
    try:
        number = int(str(raw)) if raw not in (None, "") else 1
    except ValueError:
        if strict:
            raise PageOutOfRange("The page number must be a whole number.") from None
        return 1
    if number < 1 or number > max_page(per_page):
        if strict:
            raise PageOutOfRange(f"Pages run from 1 to {max_page(per_page)}; narrow the filters to see further.")
        return min(max(number, 1), max_page(per_page))
    return number


def estimated_index_size() -> int:
    """The planner's row estimate for the creator table (refreshed by ANALYZE/autovacuum); -1 if never analyzed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [Creator._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def estimated_matches(queryset: QuerySet[Any]) -> int:
    """The planner's row estimate for a filtered queryset (EXPLAIN: planning only, nothing is read)."""
    if queryset.query.is_empty():  # .none(): Django answers without asking, and EXPLAIN has nothing to say
        return 0
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def count_results(queryset: QuerySet[Any], *, is_filtered: bool, may_estimate: bool = True) -> ResultCount:
    """Count matches without visiting thousands of rows: an unfiltered index is sized from statistics, a
    filter the planner expects to match more than ESTIMATE_ABOVE rows shows its estimate, and otherwise at
    most COUNT_LIMIT + 1 rows are counted ("1,000+" beyond)."""
    if not is_filtered:
        size = estimated_index_size()
        if size > COUNT_LIMIT:
            return ResultCount(value=size, is_exact=False, is_estimate=True)
    elif may_estimate:
        estimate = estimated_matches(queryset)
        if estimate > ESTIMATE_ABOVE:
            return ResultCount(value=estimate, is_exact=False, is_estimate=True)
    counted = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    if counted > COUNT_LIMIT:
        return ResultCount(value=COUNT_LIMIT, is_exact=False)
    return ResultCount(value=counted, is_exact=True)


def results_page(search: Search, *, page_number: int, per_page: int) -> ResultPage:
    """One page of results with its count, in a constant number of queries (one to five).

    Relevance needs the rank of every match, so it is computed only when the matches are few enough to count
    (COUNT_LIMIT); a broader keyword lists the exact handle first and then the matches by score. Other sorts
    read one page (and one row more, to know if there is a next page) straight from their index; the count
    comes after, and is skipped when the first page is not full."""
    offset = (page_number - 1) * per_page
    count: ResultCount | None = None
    pinned: list[Creator] = []
    keyword = search.keyword
    queryset = search.queryset
    prefilter = keyword_prefilter(keyword) if keyword is not None else None
    if keyword is not None:
        matches = keyword_matches(queryset, keyword)
        count = count_results(matches, is_filtered=True, may_estimate=search.may_estimate)
        if count.value == 0:  # nothing contains the keyword: it may be a misspelt handle
            matches = keyword_matches(queryset, keyword, typo=True)
            count = count_results(matches, is_filtered=True, may_estimate=search.may_estimate)
            prefilter = None  # a misspelt handle is not a substring of its creator's document
        queryset = with_relevance(matches, keyword)
    by_relevance = search.by_relevance and count is not None and count.is_exact
    by_your_score: int | None = None
    if by_relevance:
        ordered = order_by_relevance(queryset)
    elif search.by_relevance and keyword is not None:
        # Too many matches to rank them all: the exact handle first, then the others by the default sort.
        exact = queryset.filter(handle=keyword.handle)
        ordered = order_by_key(_prefiltered(queryset, prefilter).exclude(handle=keyword.handle), DEFAULT_ORDERING)
        if page_number == 1:
            pinned = list(exact[:1])
        elif exact.exists():
            offset -= 1  # page 1 showed it in the first place
    elif search.ordering == YOUR_SCORE and search.workspace_id and workspace_has_scores(search.workspace_id):
        by_your_score = search.workspace_id
        ordered = _prefiltered(queryset, prefilter)
    else:
        ordered = order_by_key(_prefiltered(queryset, prefilter), search.ordering or DEFAULT_ORDERING)
    if by_your_score is not None:
        rows = _your_score_rows(ordered, workspace_id=by_your_score, offset=offset, limit=per_page + 1)
    else:
        rows = pinned + _page_rows(ordered, offset=offset, limit=per_page + 1 - len(pinned))
    creators, has_next = rows[:per_page], len(rows) > per_page and page_number < max_page(per_page)
    if count is None:
        if page_number == 1 and not has_next:
            count = ResultCount(value=len(creators), is_exact=True)  # the whole result fits on this page
        else:
            count = count_results(
                search.count_queryset if search.count_queryset is not None else search.queryset,
                is_filtered=search.is_filtered,
                may_estimate=search.may_estimate,
            )
    return ResultPage(
        creators=creators,
        number=page_number,
        per_page=per_page,
        count=count,
        has_next=has_next,
        by_relevance=by_relevance,
    )


def _prefiltered(queryset: QuerySet[Creator], prefilter: Q | None) -> QuerySet[Creator]:
    return queryset.filter(prefilter) if prefilter is not None else queryset


def _page_rows(ordered: QuerySet[Creator], *, offset: int, limit: int) -> list[Creator]:
    if offset < DEFERRED_JOIN_OFFSET or "rank" in ordered.query.annotations:
        return list(ordered[offset : offset + limit])
    # Deep pages: walk the sort index for ids only (an index-only scan when the sort has no filter), then
    # fetch the page's rows by id, so OFFSET skips index entries rather than whole rows.
    ids = ordered.values("pk")[offset : offset + limit]
    return list(ordered.filter(pk__in=ids))


def _your_score_rows(queryset: QuerySet[Creator], *, workspace_id: int, offset: int, limit: int) -> list[Creator]:
    """A page in "Your score" order. The creators the workspace scored come first, read by an inner join
    that walks workspacescore_rank_idx and stops after the page (a LEFT JOIN sorted NULLS LAST could
    not use it and would sort every match); the others follow by the global score, from the offset
    left once the scored ones ran out. Their number is then known from this page, or counted (at most
    `offset` rows, MAX_RESULT_ROWS) when the page starts past them."""
    scored = (
        queryset.filter(workspace_scores__workspace_id=workspace_id)
        .annotate(your_score=F("workspace_scores__score"))
        .order_by(F("workspace_scores__score").desc(), "id")
    )
    rows = _page_rows(scored, offset=offset, limit=limit)
    if len(rows) == limit:
        return rows
    scored_count = offset + len(rows) if rows or offset == 0 else scored.order_by().values("pk")[:offset].count()
    mine = WorkspaceCreatorScore.objects.filter(workspace_id=workspace_id, creator=OuterRef("pk"))
    others = order_by_key(queryset.exclude(Exists(mine)), DEFAULT_ORDERING)
    return rows + _page_rows(others, offset=max(0, offset - scored_count), limit=limit - len(rows))


def matching_creators(search: Search) -> QuerySet[Creator]:
    """Every match of the search in display order (a keyword ranks them), for bulk actions and the CSV export;
    the caller bounds it (BULK_LIMIT, EXPORT_LIMIT). The typo fallback applies as on the page."""
    queryset = search.queryset
    keyword = search.keyword
    if keyword is None:
        return order_by_key(queryset, search.ordering or DEFAULT_ORDERING, workspace_id=search.workspace_id)
    matches = keyword_matches(queryset, keyword)
    if not matches.exists():
        matches = keyword_matches(queryset, keyword, typo=True)
    ranked = with_relevance(matches, keyword)
    if search.by_relevance:
        return order_by_relevance(ranked)
    return order_by_key(ranked, search.ordering or "", workspace_id=search.workspace_id)


# --- Workspace data the page shows beside the results ------------------------------------------------


def list_saved_searches(*, workspace: Workspace) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(workspace=workspace).order_by("name")


def list_creator_lists(*, workspace: Workspace) -> QuerySet[CreatorList]:
    return CreatorList.objects.filter(workspace=workspace).order_by("name")


def list_tags(*, workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace).order_by("name")


def list_niches() -> QuerySet[Niche]:
    return Niche.objects.order_by("sort_order", "name")


def creators_with_profile() -> QuerySet[Creator]:
    """Creators with their audience and latest score joined, for a detail view in one query."""
    return Creator.objects.select_related("audience", "latest_score")


def tier_of(follower_count: int | None) -> str:
    if follower_count is None:
        return TIER_UNKNOWN
    for name, (low, high) in tier_bounds().items():
        if follower_count >= low and (high is None or follower_count < high):
            return name
    return "nano"  # negative counts cannot be stored; kept for the type checker
