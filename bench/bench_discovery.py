# ruff: noqa: S608 - the hand-written SQL is built from constants of this file, never from input
"""Discovery over a million creators: representative API queries end to end, against hand-written SQL.

`run(ctx)` prepares a benchmark database beside the development one (`<name>_bench` on the same server:
the million rows stay out of `make run`'s data and survive between runs), then runs the measurement in a
fresh interpreter pointed at it (`python -m bench.bench_discovery --worker`), so Django is configured for
that database whatever other benchmarks did in this process.

Per query, through the real API view (django.test.Client, token auth, DRF, FilterSet, serializer):
- `discovery.<name>.p50_ms` / `p95_ms`: end-to-end latency of the request in process (no HTTP socket);
- `discovery.<name>.db_ms`: the database time of all the SQL the view issued (connection.execute_wrapper),
  median per request, with `baseline` = the same result (the count and the page) fetched with hand-written
  SQL through psycopg, so its `ratio` is view db time / raw SQL time (target ≤ 2);
the p95 line carries the same baseline and the db ratio as `db_ratio`. Targets: p95 ≤ 50 ms, db ratio ≤ 2.
Each statement the view issued is EXPLAINed; a sequential scan of creators_creator is printed to stderr.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

from bench.workers import run_worker

CREATORS = int(os.environ.get("BENCH_DISCOVERY_CREATORS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_DISCOVERY_REQUESTS", "100"))  # timed requests per query
# Only these query shapes (comma-separated names of _queries), e.g. "default,your_score"; all when empty.
ONLY = [name for name in os.environ.get("BENCH_DISCOVERY_ONLY", "").split(",") if name]
WARMUP = 10
TARGET_P95_MS = 50.0
TARGET_DB_RATIO = 2.0
SHORTLIST_SIZE = 300  # a real shortlist: a few hundred creators
REPO_ROOT = Path(__file__).resolve().parent.parent

# The columns the list serializer reads (creators.discovery.selectors.LIST_FIELDS), for the hand-written SQL.
COLUMNS = (
    "id, platform, handle, display_name, bio, avatar_url, country, city, languages, niches, follower_count, "
    "video_count, is_verified, score, engagement_rate, growth_30d, last_posted_at, authenticity_flags"
)
PAGE = 25


def _log(message: str) -> None:
    print(f"[bench.discovery] {message}", file=sys.stderr, flush=True)


# Hand-written SQL for the same result: what a DBA would type for each request, statement by statement in
# the order the view needs them (identify the member, then the page and its bounded count).
AUTH_SQL = [
    "SELECT u.* FROM authtoken_token t JOIN accounts_user u ON u.id = t.user_id WHERE t.key = %(token)s",
    "SELECT m.*, w.* FROM accounts_membership m JOIN accounts_workspace w ON w.id = m.workspace_id "
    "WHERE m.user_id = (SELECT user_id FROM authtoken_token WHERE key = %(token)s) ORDER BY m.created_at",
]
ESTIMATE_SQL = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'creators_creator'::regclass"


def _count(where: str, source: str = "creators_creator") -> str:
    return f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT 1001) AS matches"


def _estimate(where: str, source: str = "creators_creator") -> str:
    return f"EXPLAIN (FORMAT JSON) SELECT id FROM {source} WHERE {where}"


def _page(where: str, order: str, *, limit: int = PAGE + 1, offset: int = 0, source: str = "creators_creator") -> str:
    columns = COLUMNS if source == "creators_creator" else ", ".join(f"c.{c.strip()}" for c in COLUMNS.split(","))
    return f"SELECT {columns} FROM {source} WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}"


def _filtered(where: str, order: str, *, source: str = "creators_creator", estimate: bool = True) -> list[str]:
    """A filtered page, then its size: the planner's estimate for a broad filter, else a bounded count."""
    return [_page(where, order, source=source), _estimate(where, source) if estimate else _count(where, source)]


def _queries(shortlist_id: int, workspace_id: int) -> dict[str, tuple[dict[str, str], list[str]]]:
    micro = "follower_count >= 10000 AND follower_count < 100000"
    audience = "creators_creator c JOIN creators_audienceprofile a ON a.creator_id = c.id"
    audience_where = "(a.countries -> 'US') >= '50' AND (a.genders -> 'female') >= '60'"
    # The count finds its candidates through the coarse share tags' GIN index; the JSON comparison decides.
    audience_tags = "creator_audience_share_tags(a.countries, a.genders, a.age_buckets) @> '{c:US:50,g:FEMALE:60}'"
    micro_c = "c.follower_count >= 10000 AND c.follower_count < 100000"
    your_scores = "creators_workspacecreatorscore w JOIN creators_creator c ON c.id = w.creator_id"
    on_list = (
        f"EXISTS (SELECT 1 FROM creators_creatorlistentry e WHERE e.creator_list_id = {shortlist_id} "
        "AND e.creator_id = c.id)"
    )
    return {
        "default": ({}, [_page("true", "score DESC NULLS LAST, id"), ESTIMATE_SQL]),
        "tier_country_niche": (
            {"tier": "micro", "country": "US", "niche": "skincare", "ordering": "-engagement_rate"},
            _filtered(
                f"{micro} AND country = 'US' AND niches && '{{skincare}}'", "engagement_rate DESC NULLS LAST, id"
            ),
        ),
        "engagement_followers": (
            {
                "min_engagement_rate": "0.08",
                "max_engagement_rate": "0.2",
                "min_followers": "20000",
                "max_followers": "200000",
                "ordering": "-followers",
            },
            _filtered(
                "engagement_rate BETWEEN 0.08 AND 0.2 AND follower_count BETWEEN 20000 AND 200000",
                "follower_count DESC NULLS LAST, id",
            ),
        ),
        "keyword": ({"q": "maya"}, _keyword_sql("maya")),
        "keyword_typo": ({"q": "charlidamelo"}, _keyword_sql("charlidamelo", typo=True)),
        "keyword_accent": ({"q": "Núñez"}, _keyword_sql("nunez")),
        "audience": (
            {
                "audience_country": "US",
                "audience_country_min": "50",
                "audience_gender": "female",
                "audience_gender_min": "60",
            },
            # Audience shares are JSON: the planner can only guess, so they are counted (bounded), on the
            # audience profiles alone (through the tags' index) when no other filter needs the creator row.
            [
                _page(audience_where, "c.score DESC NULLS LAST, c.id", source=audience),
                _count(f"{audience_tags} AND {audience_where}", source="creators_audienceprofile a"),
            ],
        ),
        "recent_language": (
            {"language": "es", "posted_within_days": "7", "ordering": "-recent"},
            _filtered(
                "languages && '{es}' AND last_posted_at >= now() - interval '7 days'",
                "last_posted_at DESC NULLS LAST, id",
            ),
        ),
        "growth_email": (
            {"min_growth_30d": "0.2", "has_email": "true", "authenticity": "clean", "ordering": "-growth"},
            _filtered(
                "growth_30d >= 0.2 AND EXISTS (SELECT 1 FROM creators_workspacecreatorcontact k "
                f"WHERE k.workspace_id = {workspace_id} AND k.creator_id = creators_creator.id AND k.email <> '') "
                "AND authenticity_flags = '{}'",
                "growth_30d DESC NULLS LAST, id",
            ),
        ),
        "shortlist": (
            {"in_list": str(shortlist_id)},
            [
                f"SELECT 1 FROM creators_creatorlist WHERE id = {shortlist_id}",  # the list is the workspace's
                _page(on_list, "c.score DESC NULLS LAST, c.id", source="creators_creator c"),
                _estimate(on_list, source="creators_creator c"),  # a few hundred expected: then counted
                _count(on_list, source="creators_creator c"),
            ],
        ),
        # "Your score": the workspace's own scores walked by their index (workspace, score DESC, creator),
        # joined to the creator rows; first whether the workspace has any (else it is the global sort).
        "your_score": (
            {"ordering": "-your_score"},
            [
                f"SELECT 1 FROM creators_workspacecreatorscore WHERE workspace_id = {workspace_id} LIMIT 1",
                _page(f"w.workspace_id = {workspace_id}", "w.score DESC, w.creator_id", source=your_scores),
                ESTIMATE_SQL,
            ],
        ),
        "your_score_tier_country": (
            {"tier": "micro", "country": "US", "ordering": "-your_score"},
            [
                f"SELECT 1 FROM creators_workspacecreatorscore WHERE workspace_id = {workspace_id} LIMIT 1",
                _page(
                    f"w.workspace_id = {workspace_id} AND {micro_c} AND c.country = 'US'",
                    "w.score DESC, w.creator_id",
                    source=your_scores,
                ),
                _estimate(f"{micro} AND country = 'US'"),
            ],
        ),
        "deep_page": (
            {"ordering": "-followers", "page": "200", "page_size": "50"},
            [
                f"SELECT {COLUMNS} FROM creators_creator WHERE id IN (SELECT id FROM creators_creator "
                "ORDER BY follower_count DESC NULLS LAST, id LIMIT 51 OFFSET 9950) "
                "ORDER BY follower_count DESC NULLS LAST, id",
                ESTIMATE_SQL,
            ],
        ),
    }


def _keyword_sql(term: str, *, typo: bool = False) -> list[str]:
    vector = "to_tsvector('simple'::regconfig, COALESCE(search_document, ''))"
    query = f"websearch_to_tsquery('simple'::regconfig, '{term}')"
    match = f"({vector} @@ {query} OR handle LIKE '%{term}%')"
    rank = f"ts_rank({vector}, {query}) + similarity(handle, '{term}') + (handle = '{term}')::int"
    if typo:  # nothing contains the keyword (estimated few, counted none): the trigram-similar handles, ranked
        return [
            _estimate(match),
            _count(match),
            _estimate(f"handle % '{term}'"),
            _count(f"handle % '{term}'"),
            f"SELECT {COLUMNS}, {rank} AS rank FROM creators_creator WHERE handle % '{term}' "
            f"ORDER BY rank DESC, follower_count DESC NULLS LAST, id LIMIT {PAGE + 1}",
        ]
    # Too many matches to rank (the estimate says so): the exact handle first, then the matches by score.
    return [
        _estimate(match),
        f"SELECT {COLUMNS}, {rank} AS rank FROM creators_creator WHERE {match} AND handle = '{term}' LIMIT 1",
        # A match contains the word: the cheap strpos spares most rows the to_tsvector of the full-text test.
        f"SELECT {COLUMNS}, {rank} AS rank FROM creators_creator WHERE strpos(search_document, '{term}') > 0 "
        f"AND {match} AND handle <> '{term}' ORDER BY score DESC NULLS LAST, id LIMIT {PAGE}",
    ]


# --- parent side ---------------------------------------------------------------------------------------


def run(ctx: Any) -> list[dict[str, Any]]:
    return run_worker("bench.bench_discovery", "_bench")


# --- worker side (a fresh interpreter on the benchmark database) -----------------------------------------


def _worker(out_path: str) -> None:
    import django

    # Eleven shapes of 110 requests each pass the API's default 1,000 calls an hour per token.
    os.environ.setdefault("API_RATE_PER_TOKEN", "100000/hour")
    django.setup()
    from django.core.management import call_command

    from bench.creator_generator import generate

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    _log(f"benchmark database migrated in {time.monotonic() - started:.1f}s")
    database_url = os.environ["DATABASE_URL"]
    generate(database_url, count=CREATORS)
    token, shortlist_id, workspace_id = _member_token()
    figures: list[dict[str, Any]] = []
    failures: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as raw:
        for name, (params, sql) in _queries(shortlist_id, workspace_id).items():
            if ONLY and name not in ONLY:
                continue
            result = _measure(name, params, sql, token=token, raw=raw)
            figures.extend(result["figures"])
            failures.extend(result["failures"])
    Path(out_path).write_text(json.dumps(figures))
    for failure in failures:
        _log(f"MISSED: {failure}")


def _member_token() -> tuple[str, int, int]:
    """A workspace owner with an API token, a shortlist of SHORTLIST_SIZE creators, and the workspace's
    contact e-mails for 30 % of the creators (contacts are per workspace); idempotent. Returns the token,
    the shortlist's id and the workspace's id."""
    from django.db import connection
    from django_scopes import scopes_disabled
    from rest_framework.authtoken.models import Token

    from accounts.models import Membership, Role, User, Workspace
    from creators.models import CreatorList, CreatorListEntry

    with scopes_disabled():
        workspace, _ = Workspace.objects.get_or_create(slug="bench-discovery", defaults={"name": "Bench discovery"})
        user = User.objects.filter(email="bench-discovery@bench.invalid").first()
        if user is None:
            user = User.objects.create_user(email="bench-discovery@bench.invalid", password=None)
        Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": Role.OWNER})
        token, _ = Token.objects.get_or_create(user=user)
        shortlist, _ = CreatorList.objects.get_or_create(workspace=workspace, name="Bench shortlist")
        if CreatorListEntry.objects.filter(creator_list=shortlist).count() != SHORTLIST_SIZE:
            CreatorListEntry.objects.filter(creator_list=shortlist).delete()
            # The generator numbers creators 1..CREATORS: take a spread of them.
            step = max(1, CREATORS // SHORTLIST_SIZE)
            CreatorListEntry.objects.bulk_create(
                CreatorListEntry(workspace=workspace, creator_list=shortlist, creator_id=pk)
                for pk in range(step // 2 + 1, CREATORS + 1, step)[:SHORTLIST_SIZE]
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE creators_creatorlistentry")
        with connection.cursor() as cursor:
            # 30 % of creators, spread by a multiplicative hash of the id (the generator's old share).
            cursor.execute(
                "SELECT count(*) FROM creators_workspacecreatorcontact WHERE workspace_id = %s", [workspace.pk]
            )
            if cursor.fetchone()[0] == 0:
                cursor.execute(
                    "INSERT INTO creators_workspacecreatorcontact (workspace_id, creator_id, email, source, "
                    "created_at, updated_at) SELECT %s, id, 'c' || id || '@mail.example', 'import', now(), now() "
                    "FROM creators_creator WHERE (id * 2654435761) %% 100 < 30",
                    [workspace.pk],
                )
                cursor.execute("ANALYZE creators_workspacecreatorcontact")
            _fill_your_scores(cursor, workspace.pk)
    return token.key, shortlist.pk, workspace.pk


def _fill_your_scores(cursor: Any, workspace_id: int) -> None:
    """The workspace's own score of every scored creator, once. The generated components carry no tier
    percentiles to recompute them from, so the scores are spread by a multiplicative hash of the id (an
    order unlike the global score's, so the sort walks its own index); what is measured is the read."""
    cursor.execute("SELECT 1 FROM creators_workspacecreatorscore WHERE workspace_id = %s LIMIT 1", [workspace_id])
    if cursor.fetchone():
        return
    cursor.execute(
        "INSERT INTO creators_workspacecreatorscore (workspace_id, creator_id, score) "
        "SELECT %s, id, ((id * 2654435761) %% 10000) / 100.0 FROM creators_creator WHERE score IS NOT NULL",
        [workspace_id],
    )
    cursor.execute("VACUUM (ANALYZE) creators_workspacecreatorscore")


class _QueryLog:
    """connection.execute_wrapper: the time and text of every statement a request issued."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, float]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - started))

    @property
    def seconds(self) -> float:
        return sum(seconds for _, _, seconds in self.statements)


def _measure(
    name: str, params: dict[str, str], sql: list[str], *, token: str, raw: psycopg.Connection[Any]
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_WORKSPACE="bench-discovery", HTTP_HOST="localhost")
    url = "/api/v1/creators/" + (f"?{urlencode(params)}" if params else "")
    latencies: list[float] = []
    db_times: list[float] = []
    raw_times: list[float] = []
    log = _QueryLog()
    body: dict[str, Any] = {}
    # Request and hand-written SQL alternate, so both meet the same machine (caches, neighbours' load).
    for i in range(WARMUP + REQUESTS):
        log = _QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {url} answered {response.status_code}: {response.content[:300]!r}")
        raw_ms_once = _time_raw(raw, sql, token=token)
        if i >= WARMUP:
            latencies.append(elapsed * 1000)
            db_times.append(log.seconds * 1000)
            raw_times.append(raw_ms_once)
        body = response.json()
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    db_ms = statistics.median(db_times)
    raw_ms = statistics.median(raw_times)
    ratio = db_ms / raw_ms if raw_ms else float("nan")
    seq_scans = _explain(log.statements)
    _log(
        f"{name}: {len(log.statements)} statements, count {body.get('count')} "
        f"({'exact' if body.get('count_is_exact') else 'bounded/estimate'}), {len(body.get('results', []))} rows; "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, db {db_ms:.2f} ms vs raw SQL {raw_ms:.2f} ms (x{ratio:.2f})"
    )
    for sql, _, seconds in log.statements:  # the last request's statements, for reading the figures
        _log(f"    {seconds * 1000:7.2f} ms  {' '.join(sql.split())[:110]}")
    failures = []
    if p95 > TARGET_P95_MS:
        failures.append(f"{name}: p95 {p95:.1f} ms > {TARGET_P95_MS} ms")
    if ratio > TARGET_DB_RATIO:
        failures.append(f"{name}: db ratio {ratio:.2f} > {TARGET_DB_RATIO}")
    failures.extend(f"{name}: sequential scan of creators_creator in {statement[:120]}" for statement in seq_scans)
    common = {"unit": "ms", "better": "lower", "baseline": raw_ms, "vs": "hand-written SQL (psycopg)"}
    return {
        "figures": [
            {"name": f"{name}.p50_ms", "value": p50, **common},
            {
                "name": f"{name}.p95_ms",
                "value": p95,
                **common,
                "db_ratio": round(ratio, 3),
                "seq_scan": bool(seq_scans),
            },
            {"name": f"{name}.db_ms", "value": db_ms, **common},
        ],
        "failures": failures,
    }


def _time_raw(raw: psycopg.Connection[Any], statements: list[str], *, token: str) -> float:
    """Milliseconds for the hand-written statements of one request (member lookup included), via psycopg."""
    started = time.perf_counter()
    with raw.cursor() as cur:
        for statement in AUTH_SQL:
            cur.execute(statement, {"token": token})  # type: ignore[arg-type]
            cur.fetchall()
        for statement in statements:
            cur.execute(statement)  # type: ignore[arg-type]
            cur.fetchall()
    return (time.perf_counter() - started) * 1000


def _explain(statements: list[tuple[str, Any, float]]) -> list[str]:
    """EXPLAIN each statement the view issued on creators_creator; return those with a Seq Scan on it."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for sql, params, _ in statements:
            if "creators_creator" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            if _has_node(plan[0]["Plan"], "Gather Merge") or _has_node(plan[0]["Plan"], "Gather"):
                _log(f"  note: a parallel plan ({' '.join(sql.split())[:100]}): worker start-up costs milliseconds")
            if _has_seq_scan(plan[0]["Plan"]):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                text = "\n".join(row[0] for row in cursor.fetchall())
                _log(f"Seq Scan on creators_creator:\n{sql}\n{text}")
                found.append(sql)
    return found


def _has_node(node: dict[str, Any], node_type: str) -> bool:
    return node.get("Node Type") == node_type or any(_has_node(child, node_type) for child in node.get("Plans", []))


def _has_seq_scan(node: dict[str, Any]) -> bool:
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") == "creators_creator":
        return True
    return any(_has_seq_scan(child) for child in node.get("Plans", []))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker(sys.argv[2])
    else:
        sys.exit("usage: python -m bench.bench_discovery --worker OUT.json (or run it through bench.runner)")
