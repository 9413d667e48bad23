# ruff: noqa: SIM905 - the word lists read better as sentences than as 200 quoted words
"""Import 1,000,000 creator rows from CSV through the import service, against raw COPY of the same file.

`run(ctx)` generates the file once (deterministic, kept under var/bench/), then measures in a fresh
interpreter (`python -m bench.bench_import --worker`) against DATABASE_URL, so Django is configured
with production settings whatever other benchmarks did in this process, and the peak RSS is that of
the importing process alone.

Figures:
- `import.rows_per_s`: rows/s of `creators.importing.pipeline.import_creators` on the file: count pass,
  parsing, validation, COPY to staging and `INSERT ... ON CONFLICT` into the live creator table with
  all its indexes. `baseline` = the same file `COPY`'d as-is into an unlogged table of text columns
  through psycopg, in the same run; `ratio` = import / raw COPY. Target: >= 50,000 rows/s.
- `import.upsert_statement_rows_per_s`: rows over the seconds spent inside the `INSERT ... ON CONFLICT`
  statements alone (timed with `connection.execute_wrapper`): the database's share, the ceiling of the import.
- `import.peak_rss_mib`: peak resident memory of the importing process; `baseline` = the 1 GiB budget.
- `import.reimport_rows_per_s` (BENCH_IMPORT_REIMPORT=1): the same file again, every row unchanged.
Every creator the benchmark wrote is deleted afterwards, as is its throwaway workspace.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.context import production_env

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
REIMPORT = os.environ.get("BENCH_IMPORT_REIMPORT") == "1"
TARGET_ROWS_PER_S = 50_000
MEMORY_BUDGET_MIB = 1024
REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 20_240_501
# Every generated handle ends with this, so cleanup can find exactly the bench's rows.
HANDLE_SUFFIX = "_zzib"
FILE_VERSION = "v1"

HEADER = [
    "username", "nickname", "followers", "following", "likes", "videos", "country", "language", "niches",
    "verified", "email", "bio",
]  # fmt: skip
_ADJECTIVES = (
    "glow cozy daily tiny wild urban happy sunny quiet bold fresh golden lazy minty rosy salty sweet crispy "
    "vivid calm brave lucky clever witty chill retro neon velvet"
).split()
_NOUNS = (
    "maya skin chef runner gamer nomad baker coder mama papa pup kitty garden closet thrift kitchen lens "
    "studio trail wave cloud beans sprout muse atlas fox panda"
).split()
_NICHES = (
    "beauty skincare makeup haircare fashion thrifting streetwear jewelry food cooking baking vegan coffee "
    "fitness yoga running wellness mental-health gaming tech gadgets travel outdoors parenting pets home-decor "
    "diy gardening books education finance career comedy dance music art photography cars sports sustainability"
).split()
_COUNTRIES = "US GB IN MX BR CA FR DE IT ES PH ID JP KR AU AR CO NL SE PL TR EG SA AE PK NG ZA TH VN MY".split()
_LANGUAGES = "en es pt fr de it hi id ja ko ar tr".split()
_BIO_WORDS = (
    "daily tips routines recipes vlogs reviews hauls tutorials honest fun family life style budget easy "
    "healthy love sharing my journey with you weekly new videos collabs dm email below"
).split()


def _count_text(rng: random.Random, value: int) -> str:
    roll = rng.random()
    if roll < 0.10 and value >= 10_000:
        return f"{value / 1_000_000:.1f}M" if value >= 1_000_000 else f"{value / 1000:.1f}K"
    if roll < 0.15:
        return f"{value:,}"
    return str(value)


def generate(path: Path, rows: int) -> None:
    """Deterministic creators: log-uniform followers (100 to 20M), 40 niches, 30 countries."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible test data, not secrets
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            adjective, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
            handle = f"{adjective}.{noun}{i:x}{HANDLE_SUFFIX}"
            followers = int(10 ** rng.uniform(2, 7.3))
            writer.writerow(
                [
                    "@" + handle,
                    f"{adjective.title()} {noun.title()}",
                    _count_text(rng, followers),
                    str(rng.randint(0, 3000)),
                    _count_text(rng, followers * rng.randint(5, 40)),
                    str(rng.randint(1, 1500)),
                    rng.choice(_COUNTRIES),
                    rng.choice(_LANGUAGES),
                    ",".join(rng.sample(_NICHES, rng.randint(1, 3))),
                    "true" if rng.random() < 0.03 else "false",
                    f"{noun}{i}@example.com" if rng.random() < 0.3 else "",
                    " ".join(rng.choices(_BIO_WORDS, k=rng.randint(4, 14))),
                ]
            )
    tmp.replace(path)


def bench_file(repo_root: Path, rows: int) -> Path:
    folder = repo_root / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"import_creators_{rows}_{FILE_VERSION}.csv"
    if not path.exists():
        _log(f"generating {rows:,} rows into {path}")
        generate(path, rows)
    return path


def _log(message: str) -> None:
    print(f"[bench import] {message}", file=sys.stderr, flush=True)


# --- parent side ---------------------------------------------------------------------------------------


def run(ctx: Any) -> list[dict[str, Any]]:
    if not os.environ.get("DATABASE_URL"):
        raise RuntimeError("DATABASE_URL is not set: run through `python -m config.devstack exec --`")
    path = bench_file(REPO_ROOT, ROWS)
    env = production_env()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603 - our own module, our own interpreter
            [sys.executable, "-m", "bench.bench_import", "--worker", str(path), out.name],
            env=env,
            cwd=REPO_ROOT,
            check=True,
        )
        return json.loads(Path(out.name).read_text())  # type: ignore[no-any-return]


# --- worker side (a fresh interpreter) ---------------------------------------------------------------------


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _raw_copy_rows_per_s(path: Path) -> float:
    """The floor of any CSV import on this box: the file streamed into an unlogged table of text columns."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_import_raw_copy")
        conn.execute(f"CREATE UNLOGGED TABLE bench_import_raw_copy ({', '.join(f'{c} text' for c in HEADER)})")
        try:
            started = time.perf_counter()
            with (
                conn.cursor().copy("COPY bench_import_raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
                path.open("rb") as data,
            ):
                while block := data.read(1 << 20):
                    copy.write(block)
            elapsed = time.perf_counter() - started
            (copied,) = conn.execute("SELECT count(*) FROM bench_import_raw_copy").fetchone()  # type: ignore[misc]
        finally:
            conn.execute("DROP TABLE IF EXISTS bench_import_raw_copy")
    if copied != ROWS:
        raise RuntimeError(f"raw COPY loaded {copied} rows, expected {ROWS}")
    return ROWS / elapsed


def _delete_bench_creators(after_id: int = 0) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        # The file's e-mails became the workspace's contact rows (docs/security.md): they go first.
        cursor.execute(
            "DELETE FROM creators_workspacecreatorcontact WHERE creator_id IN "
            "(SELECT id FROM creators_creator WHERE id > %s AND handle LIKE %s)",
            [after_id, f"%\\{HANDLE_SUFFIX}"],
        )
        cursor.execute(
            "DELETE FROM creators_creator WHERE id > %s AND handle LIKE %s", [after_id, f"%\\{HANDLE_SUFFIX}"]
        )
        return cursor.rowcount


def _worker(path: Path, out_path: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.models import Max

    from accounts.models import Workspace
    from accounts.tenancy import workspace_scope
    from creators.importing.pipeline import import_creators
    from creators.models import Creator

    if MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes()):
        _log("migrating the database")
        call_command("migrate", verbosity=0)
    leftovers = _delete_bench_creators()  # a previous run that was killed before its cleanup
    if leftovers:
        _log(f"deleted {leftovers:,} creators left by an earlier run")

    copy_rows_per_s = _raw_copy_rows_per_s(path)
    _log(f"raw COPY: {copy_rows_per_s:,.0f} rows/s")

    workspace = Workspace.objects.create(name="Import benchmark", slug=f"bench-import-{os.getpid()}")
    last_id_before = Creator.objects.aggregate(last=Max("id"))["last"] or 0
    rss_before = _rss_mib()
    figures: list[dict[str, Any]] = []
    try:
        upsert_seconds = [0.0]

        def time_upserts(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            # The statement that writes creators_creator: where the database maintains the table's indexes.
            if not sql.lstrip().startswith("WITH written AS"):
                return execute(sql, params, many, context)
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                upsert_seconds[0] += time.perf_counter() - began

        with workspace_scope(workspace), connection.execute_wrapper(time_upserts):
            started = time.perf_counter()
            summary = import_creators(workspace=workspace, path=path)
            elapsed = time.perf_counter() - started
        peak = _rss_mib()
        _log(
            f"import: {ROWS:,} rows in {elapsed:.1f}s, of which {upsert_seconds[0]:.1f}s in the INSERT ... ON CONFLICT "
            f"statements; peak RSS {peak:.0f} MiB (before: {rss_before:.0f} MiB)"
        )
        if (summary.created, summary.rejected) != (ROWS, 0):
            raise RuntimeError(f"expected {ROWS} new creators and no rejects, got {summary}")
        figures.append(
            {
                "name": "rows_per_s",
                "value": ROWS / elapsed,
                "unit": "rows/s",
                "baseline": copy_rows_per_s,
                "better": "higher",
                "vs": "raw COPY of the same file into an unlogged table (psycopg)",
                "rows": ROWS,
                "seconds": round(elapsed, 2),
                "target": TARGET_ROWS_PER_S,
                "met": ROWS / elapsed >= TARGET_ROWS_PER_S,
                "upsert_statement_seconds": round(upsert_seconds[0], 2),
            }
        )
        figures.append(
            {
                # The database alone: rows over the time spent in the upsert statements. The import cannot
                # beat this without changing the table's indexes or adding cores (see docs/import.md).
                "name": "upsert_statement_rows_per_s",
                "value": ROWS / upsert_seconds[0],
                "unit": "rows/s",
                "baseline": copy_rows_per_s,
                "better": "higher",
                "vs": "raw COPY of the same file into an unlogged table (psycopg)",
            }
        )
        figures.append(
            {
                "name": "peak_rss_mib",
                "value": peak,
                "unit": "MiB",
                "baseline": MEMORY_BUDGET_MIB,
                "better": "lower",
                "vs": "the 1 GiB budget",
                "rss_before_import_mib": round(rss_before, 1),
                "met": peak < MEMORY_BUDGET_MIB,
            }
        )
        if REIMPORT:
            with workspace_scope(workspace):
                started = time.perf_counter()
                again = import_creators(workspace=workspace, path=path)
                elapsed = time.perf_counter() - started
            if (again.created, again.updated, again.unchanged) != (0, 0, ROWS):
                raise RuntimeError(f"a re-import changed rows: {again}")
            figures.append(
                {
                    "name": "reimport_rows_per_s",
                    "value": ROWS / elapsed,
                    "unit": "rows/s",
                    "baseline": copy_rows_per_s,
                    "better": "higher",
                    "vs": "raw COPY of the same file into an unlogged table (psycopg)",
                    "seconds": round(elapsed, 2),
                }
            )
    finally:
        started = time.perf_counter()
        deleted = _delete_bench_creators(last_id_before)
        workspace.delete()
        _log(f"cleanup: deleted {deleted:,} creators in {time.perf_counter() - started:.1f}s")
    Path(out_path).write_text(json.dumps(figures))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(Path(sys.argv[2]), sys.argv[3])
    else:
        sys.exit("usage: python -m bench.bench_import --worker FILE.csv OUT.json (or run it through bench.runner)")
