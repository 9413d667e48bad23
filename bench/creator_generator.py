"""A million synthetic creators for the discovery benchmark, written with COPY in well under two minutes.

The shape follows the issue: followers log-uniform from 1k to 50M, 1-3 niches of the `Niche` table with a
Zipf-like popularity, 30 countries with a realistic skew (US first), languages from the country, engagement
falling with size, 30-day growth, last post dates, some verified accounts, contact e-mails and authenticity
flags, a score for 90 % of them (with a `CreatorScore` row) and an audience profile for 20 %. The 255 real
handles of ../shared/data are planted with their real follower counts, so a search for `charlidamelio`
finds a real creator among the generated ones.

Only the raw driver (psycopg) is used: rows are formatted as COPY text in Python while PostgreSQL ingests
them; the creator table's secondary indexes are dropped for the load and re-created from their exact
migration definitions (read back from `pg_indexes`) afterwards, then the tables are analyzed and vacuumed
(so index-only scans work). A marker table records the generator version and row count, so a second run
with the same figures returns at once.
"""

from __future__ import annotations

import csv
import json
import math
import multiprocessing
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from analytics.demo.names import FIRST
from creators.niches import DEFAULT_NICHES
from creators.search_text import fold, search_document

GENERATOR_VERSION = 4  # bump when the data shape changes: the next run regenerates
MARKER_TABLE = "bench_creator_generator"
INDEX_TABLE = "bench_creator_generator_indexes"  # the dropped indexes' definitions, until rebuilt
REAL_CREATORS_CSV = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "tiktok_top250_creators_2020.csv"
)

# Country: (weight, languages, cities). 30 countries, weighted roughly like TikTok's creator base.
COUNTRIES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "US": (22, ("en",), ("Los Angeles", "New York", "Austin", "Miami", "Chicago")),
    "IN": (7, ("hi", "en"), ("Mumbai", "Delhi", "Bengaluru")),
    "BR": (7, ("pt",), ("São Paulo", "Rio de Janeiro", "Belo Horizonte")),
    "ID": (6, ("id",), ("Jakarta", "Surabaya")),
    "MX": (5, ("es",), ("Ciudad de México", "Guadalajara", "Monterrey")),
    "GB": (5, ("en",), ("London", "Manchester", "Bristol")),
    "PH": (4, ("tl", "en"), ("Manila", "Cebu")),
    "DE": (4, ("de", "en"), ("Berlin", "München", "Hamburg")),
    "FR": (4, ("fr",), ("Paris", "Lyon", "Marseille")),
    "TR": (3, ("tr",), ("İstanbul", "Ankara")),
    "ES": (3, ("es",), ("Madrid", "Barcelona", "Valencia")),
    "IT": (3, ("it",), ("Milano", "Roma", "Napoli")),
    "CA": (3, ("en", "fr"), ("Toronto", "Montréal", "Vancouver")),
    "VN": (3, ("vi",), ("Hà Nội", "Hồ Chí Minh")),
    "TH": (2, ("th",), ("Bangkok", "Chiang Mai")),
    "JP": (2, ("ja",), ("Tokyo", "Osaka")),
    "KR": (2, ("ko",), ("Seoul", "Busan")),
    "AU": (2, ("en",), ("Sydney", "Melbourne", "Brisbane")),
    "AR": (2, ("es",), ("Buenos Aires", "Córdoba")),
    "CO": (2, ("es",), ("Bogotá", "Medellín")),
    "PL": (1.5, ("pl",), ("Warszawa", "Kraków", "Łódź")),
    "NL": (1.5, ("nl", "en"), ("Amsterdam", "Rotterdam")),
    "SA": (1.5, ("ar",), ("Riyadh", "Jeddah")),
    "EG": (1.5, ("ar",), ("Cairo", "Alexandria")),
    "NG": (1.5, ("en",), ("Lagos", "Abuja")),
    "ZA": (1, ("en",), ("Cape Town", "Johannesburg")),
    "SE": (1, ("sv", "en"), ("Stockholm", "Göteborg")),
    "PT": (1, ("pt",), ("Lisboa", "Porto")),
    "CL": (1, ("es",), ("Santiago", "Valparaíso")),
    "MY": (1, ("ms", "en"), ("Kuala Lumpur", "Penang")),
}
# The demo's first names, plus accented ones: search must fold accents at a million rows too.
FIRST_NAMES = [
    *FIRST,
    "lucía",
    "josé",
    "zoë",
    "andré",
    "renée",
    "chloé",
    "joão",
    "maría",
    "inés",
    "björn",
    "sören",
    "françois",
]
LAST_NAMES = [
    "smith",
    "garcia",
    "núñez",
    "müller",
    "rossi",
    "silva",
    "kim",
    "nguyen",
    "santos",
    "martin",
    "dubois",
    "kowalski",
    "jansen",
    "yilmaz",
    "ibáñez",
    "muñoz",
    "gómez",
    "lópez",
    "pérez",
    "fernández",
    "schäfer",
    "weiß",
    "sørensen",
    "åberg",
    "lefèvre",
    "brandão",
    "patel",
    "khan",
    "tanaka",
    "sato",
    "park",
    "chen",
    "wong",
    "ali",
    "hassan",
    "okafor",
    "mensah",
    "novak",
    "horvath",
]
HANDLE_STYLES = ("{f}{l}", "{f}.{l}", "{f}_{n}", "{f}{n}", "{n}.{f}", "its{f}", "{f}.{l}{n}", "the{f}{n}")
BIO_TEMPLATES = (
    "{niche} lover · {city} ✨ daily {niche2} tips",
    "your favourite {niche} creator from {city}",
    "{niche} & {niche2} | collabs via email 📩",
    "sharing honest {niche} reviews, no gatekeeping",
    "{city} based · {niche} · {niche2} · coffee",
    "making {niche} simple for busy people",
    "📍{city} | {niche} content every day",
    "i post {niche}, sometimes {niche2}. mostly chaos",
)
EXTRA_TAGS = ("fyp", "foryou", "viral", "tiktokmademebuyit", "grwm", "dayinmylife", "storytime", "tutorial")
AGE_BUCKETS = ("13-17", "18-24", "25-34", "35-44", "45+")
FLAGS = ("follower_spike", "low_comment_ratio", "engagement_pods", "suspicious_audience")


WORKERS = 2  # one loader process per core: each formats rows in Python while its PostgreSQL backend ingests
CHUNK = 50_000  # rows per unit of work; each chunk has its own random stream, so workers never change the data


@dataclass(frozen=True)
class GenerationResult:
    creators: int
    seconds: float
    reused: bool


def _log(message: str) -> None:
    print(f"[bench.generator] {message}", file=sys.stderr, flush=True)


def is_generated(conn: psycopg.Connection[Any], *, count: int) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", (MARKER_TABLE,))
        row = cur.fetchone()
        if row is None or row[0] is None:
            return False
        cur.execute(f"SELECT version, creators FROM {MARKER_TABLE}")  # noqa: S608 - a constant
        marker = cur.fetchone()
        cur.execute("SELECT count(*) FROM creators_creator")
        present = cur.fetchone()
    return marker == (GENERATOR_VERSION, count) and present == (count,)


def generate(conninfo: str, *, count: int = 1_000_000, seed: int = 20261126) -> GenerationResult:
    """Fill the creator tables of the database at `conninfo` with `count` creators, replacing what is there.

    Only for a benchmark database: the creator tables are truncated first, and foreign-key triggers are
    off while loading (ids are assigned here, consistently across the three tables)."""
    started = time.monotonic()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if is_generated(conn, count=count):
            _log(f"{count:,} creators already generated (version {GENERATOR_VERSION}); reusing them")
            return GenerationResult(creators=count, seconds=time.monotonic() - started, reused=True)
        with conn.cursor() as cur:
            cur.execute("SELECT slug FROM creators_niche ORDER BY sort_order, slug")
            niches = [row[0] for row in cur.fetchall()] or list(DEFAULT_NICHES)
            cur.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")
            cur.execute("TRUNCATE creators_creatorscore, creators_audienceprofile, creators_creator CASCADE")
            rebuild = _drop_creator_indexes(cur)
        _log(f"generating {count:,} creators over {len(niches)} niches and {len(COUNTRIES)} countries")
        chunks = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited DB connections
        with context.Pool(WORKERS) as pool:
            for _ in pool.imap_unordered(
                _load_chunks, [(conninfo, seed, niches, chunks[w::WORKERS]) for w in range(WORKERS)]
            ):
                pass
        _log(f"rows copied at {time.monotonic() - started:.1f}s; building {len(rebuild)} indexes")
        _run_parallel(conninfo, rebuild)
        with conn.cursor() as cur:
            for table in ("creators_creator", "creators_audienceprofile", "creators_creatorscore"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT coalesce(max(id), 1) FROM {table}))",  # noqa: S608 - constant table names
                    (table,),
                )
            _log(f"indexes built at {time.monotonic() - started:.1f}s; vacuuming")
            # VACUUM sets the visibility map, so ordered page scans can be index-only; ANALYZE feeds the planner.
            for table in ("creators_creator", "creators_audienceprofile", "creators_creatorscore"):
                cur.execute(f"VACUUM (ANALYZE) {table}")
            cur.execute(f"DROP TABLE {INDEX_TABLE}")
            cur.execute(f"CREATE TABLE {MARKER_TABLE} (version int NOT NULL, creators int NOT NULL)")
            cur.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s)", (GENERATOR_VERSION, count))  # noqa: S608
    seconds = time.monotonic() - started
    _log(f"{count:,} creators generated in {seconds:.1f}s")
    return GenerationResult(creators=count, seconds=seconds, reused=False)


def _drop_creator_indexes(cur: psycopg.Cursor[Any]) -> list[str]:
    """Drop the creator table's secondary indexes and its unique (platform, handle) constraint for the load;
    return the statements that re-create them exactly as the migrations defined them.

    The statements are kept in a table first, so a load that dies half-way still knows them next time."""
    cur.execute(f"CREATE TABLE IF NOT EXISTS {INDEX_TABLE} (position int PRIMARY KEY, statement text NOT NULL)")
    cur.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = 'creators_creator'::regclass AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """
    )
    indexes = cur.fetchall()
    cur.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'creators_creator'::regclass AND contype = 'u'
        """
    )
    uniques = cur.fetchall()
    statements = [definition for _, definition in indexes] + [
        f"ALTER TABLE creators_creator ADD CONSTRAINT {name} {definition}" for name, definition in uniques
    ]
    cur.execute(f"SELECT statement FROM {INDEX_TABLE} ORDER BY position")  # noqa: S608 - a constant
    saved = [row[0] for row in cur.fetchall()]
    missing = [statement for statement in saved if statement not in statements]
    cur.execute(f"TRUNCATE {INDEX_TABLE}")
    for position, statement in enumerate(statements + missing):
        cur.execute(f"INSERT INTO {INDEX_TABLE} VALUES (%s, %s)", (position, statement))  # noqa: S608
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    for name, _ in uniques:
        cur.execute(f"ALTER TABLE creators_creator DROP CONSTRAINT {name}")
    return statements + missing


def _run_parallel(conninfo: str, statements: list[str]) -> None:
    """Build the indexes on WORKERS connections at once, longest (GIN) first."""
    ordered = sorted(statements, key=lambda sql: ("gin" not in sql.lower(), sql))
    queue = list(ordered)
    lock = threading.Lock()

    def worker() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            while True:
                with lock:
                    if not queue:
                        return
                    statement = queue.pop(0)
                conn.execute(statement)  # type: ignore[arg-type]

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _load_chunks(job: tuple[str, int, list[str], list[tuple[int, int]]]) -> int:
    conninfo, seed, niches, chunks = job
    rows = 0
    names = _Names()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        # Benchmark database only: ids are consistent by construction, so skip per-row FK trigger checks.
        conn.execute("SET session_replication_role = replica")
        now = datetime.now(UTC).replace(microsecond=0)
        real = _real_creators()
        for start, end in chunks:
            creators, audiences, scores = _chunk_rows(
                start=start, end=end, seed=seed, niches=niches, now=now, real=real, names=names
            )
            with conn.transaction(), conn.cursor() as cur:
                with cur.copy(f"COPY creators_creator ({CREATOR_COLUMNS}) FROM STDIN") as copy:
                    copy.write(creators)
                with cur.copy(f"COPY creators_audienceprofile ({AUDIENCE_COLUMNS}) FROM STDIN") as copy:
                    copy.write(audiences)
                with cur.copy(f"COPY creators_creatorscore ({SCORE_COLUMNS}) FROM STDIN") as copy:
                    copy.write(scores)
            rows += end - start
    return rows


CREATOR_COLUMNS = (
    "id, created_at, updated_at, platform, handle, display_name, bio, avatar_url, country, region, city, languages, "
    "niches, hashtags, follower_count, following_count, likes_count, video_count, is_verified, "
    "first_seen_at, last_seen_at, sync_status, sync_error, score, engagement_rate, growth_30d, last_posted_at, "
    "authenticity_flags, search_document"
)
AUDIENCE_COLUMNS = "id, created_at, updated_at, creator_id, age_buckets, genders, countries, cities"
SCORE_COLUMNS = "id, created_at, updated_at, creator_id, score, components, computed_at"


class _Names:
    """Folded forms of the fixed vocabularies, computed once per worker (folding is the slow part)."""

    def __init__(self) -> None:
        self.fold: dict[str, str] = {}

    def folded(self, text: str) -> str:
        value = self.fold.get(text)
        if value is None:
            value = self.fold[text] = fold(text)
        return value

    def ascii(self, text: str) -> str:
        return (
            self.folded(text).replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("\u0131", "i")
        )  # dotless i


def _chunk_rows(
    *,
    start: int,
    end: int,
    seed: int,
    niches: list[str],
    now: datetime,
    real: list[tuple[str, int, str]],
    names: _Names,
) -> tuple[str, str, str]:
    """COPY text for creators start..end-1 (ids start+1..end), their audiences and their scores."""
    n = end - start
    rng = np.random.default_rng([seed, start])
    followers = np.exp(rng.uniform(math.log(1_000), math.log(50_000_000), n)).astype(np.int64)
    niche_weights = 1 / np.arange(1, len(niches) + 1) ** 0.8  # Zipf-like: the first niches are the busiest
    niche_weights /= niche_weights.sum()
    niche_count = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    niche_picks = rng.choice(len(niches), size=(n, 3), p=niche_weights)
    country_codes = list(COUNTRIES)
    country_weights = np.array([COUNTRIES[c][0] for c in country_codes], dtype=float)
    country_idx = rng.choice(len(country_codes), size=n, p=country_weights / country_weights.sum())
    city_pick = rng.integers(0, 5, size=n)
    # Engagement falls with size: about 9 % for 1k followers, 3 % at 1M, with a log-normal spread.
    log_followers = np.log10(followers)
    er = np.clip(np.exp(rng.normal(np.log(0.09) - 0.35 * (log_followers - 3), 0.45)), 0.001, 0.6)
    er_missing = rng.random(n) < 0.05
    spikes = (rng.random(n) < 0.03) * rng.uniform(0.1, 0.8, n)
    growth = np.clip(rng.normal(0.02, 0.05, n) + spikes, -0.5, 5)
    growth_missing = rng.random(n) < 0.08
    posted_minutes = (rng.exponential(12, n) * 1440).astype(np.int64)
    posted_missing = rng.random(n) < 0.04
    verified = rng.random(n) < np.where(followers >= 1_000_000, 0.35, 0.01)
    rng.random(n)  # the draw that once chose contact e-mails (now per workspace): kept, so the data stays the same
    flagged = rng.random(n) < 0.05
    flag_pick = rng.integers(0, len(FLAGS), size=n)
    score = np.clip(40 + 300 * er + 60 * growth + rng.normal(0, 8, n), 0, 100)
    score_missing = rng.random(n) < 0.1
    name_first = rng.integers(0, len(FIRST_NAMES), size=n)
    name_last = rng.integers(0, len(LAST_NAMES), size=n)
    style = rng.integers(0, len(HANDLE_STYLES), size=n)
    bio_pick = rng.integers(0, len(BIO_TEMPLATES), size=n)
    extra_tag = rng.integers(0, len(EXTRA_TAGS), size=n)
    video_count = rng.lognormal(4.5, 1.0, n).astype(np.int64) + 1
    first_seen_days = rng.integers(30, 900, size=n)
    # Audiences for every fifth creator.
    home_share = rng.uniform(25, 80, n)
    other_countries = rng.integers(0, len(country_codes), size=(n, 3))
    other_shares = rng.dirichlet(np.ones(4), n)
    female = rng.uniform(15, 85, n)
    ages = rng.dirichlet(np.array([1.0, 3.0, 2.5, 1.2, 0.8]), n) * 99

    stamp = now.isoformat()
    creators: list[str] = []
    audiences: list[str] = []
    scores: list[str] = []
    for j in range(n):
        i = start + j
        creator_id = i + 1
        first = FIRST_NAMES[name_first[j]]
        last = LAST_NAMES[name_last[j]]
        f = int(followers[j])
        if i < len(real):
            handle, f, display_name = real[i]
            folded_name = names.folded(display_name)
        else:
            base = HANDLE_STYLES[style[j]].format(f=names.ascii(first), l=names.ascii(last), n=i % 997)
            # The row number in base 36 keeps handles unique without a lookup.
            handle = f"{base}{_base36(i)}" if style[j] % 2 else f"{base}_{_base36(i)}"
            display_name = f"{first.title()} {last.title()}"
            folded_name = f"{names.folded(first)} {names.folded(last)}"
        code = country_codes[country_idx[j]]
        _, languages, cities = COUNTRIES[code]
        city = cities[city_pick[j] % len(cities)]
        picked: list[str] = []
        for k in range(niche_count[j]):
            slug = niches[niche_picks[j, k]]
            if slug not in picked:
                picked.append(slug)
        words = (picked[0].replace("-", " "), picked[-1].replace("-", " "))
        template = BIO_TEMPLATES[bio_pick[j]]
        bio = template.format(niche=words[0], niche2=words[1], city=city)
        hashtags = [slug.replace("-", "") for slug in picked]
        hashtags.append(EXTRA_TAGS[extra_tag[j]])
        # The same text creators.search_text.search_document() builds, from folded parts (folding is per
        # character, so folding the parts equals folding the whole; _self_check() proves it on samples).
        document = " ".join(
            (
                handle,
                handle.replace(".", " ").replace("_", " "),
                folded_name,
                names.folded(template).format(niche=words[0], niche2=words[1], city=names.folded(city)),
                " ".join(hashtags),
            )
        )
        creators.append(
            "\t".join(
                (
                    str(creator_id),
                    stamp,
                    stamp,
                    "tiktok",
                    handle,
                    display_name,
                    bio,
                    "",
                    code,
                    "",
                    city,
                    "{" + ",".join(languages) + "}",
                    "{" + ",".join(picked) + "}",
                    "{" + ",".join(hashtags) + "}",
                    str(f),
                    str(int(f**0.35) + 50),
                    str(int(f * 0.8 * float(er[j]) * int(video_count[j]))),
                    str(int(video_count[j])),
                    "t" if verified[j] else "f",
                    (now - timedelta(days=int(first_seen_days[j]))).isoformat(),
                    stamp,
                    "ok",
                    "",
                    "\\N" if score_missing[j] else f"{score[j]:.2f}",
                    "\\N" if er_missing[j] else f"{er[j]:.5f}",
                    "\\N" if growth_missing[j] else f"{growth[j]:.5f}",
                    "\\N" if posted_missing[j] else (now - timedelta(minutes=int(posted_minutes[j]))).isoformat(),
                    "{" + FLAGS[flag_pick[j]] + "}" if flagged[j] else "{}",
                    document,
                )
            )
        )
        if not score_missing[j]:
            components = (
                f'{{"engagement": {"null" if er_missing[j] else f"{er[j]:.5f}"}, '
                f'"growth_30d": {"null" if growth_missing[j] else f"{growth[j]:.5f}"}, '
                f'"consistency": {min(1.0, int(video_count[j]) / 200):.3f}}}'
            )
            scores.append(
                "\t".join((str(creator_id), stamp, stamp, str(creator_id), f"{score[j]:.2f}", components, stamp))
            )
        if creator_id % 5 == 0:
            countries = {code: round(float(home_share[j]), 1)}
            rest = 98 - home_share[j]
            for k in range(3):
                other = country_codes[other_countries[j, k]]
                if other not in countries:
                    countries[other] = round(float(other_shares[j, k] * rest), 1)
            genders = {"female": round(float(female[j]), 1), "male": round(97 - float(female[j]), 1), "other": 3.0}
            age_buckets = {label: round(float(v), 1) for label, v in zip(AGE_BUCKETS, ages[j], strict=True)}
            audiences.append(
                "\t".join(
                    (
                        str(creator_id // 5),
                        stamp,
                        stamp,
                        str(creator_id),
                        json.dumps(age_buckets),
                        json.dumps(genders),
                        json.dumps(countries, ensure_ascii=False),
                        "{}",
                    )
                )
            )
    if start == 0:
        _self_check(creators[:200])
    return (
        "\n".join(creators) + "\n",
        "\n".join(audiences) + ("\n" if audiences else ""),
        "\n".join(scores) + ("\n" if scores else ""),
    )


def _self_check(lines: list[str]) -> None:
    """The fast document must equal what the services write for the same creator."""
    for line in lines:
        cells = line.split("\t")
        handle, display_name, bio, hashtags, document = cells[4], cells[5], cells[6], cells[13], cells[-1]
        expected = search_document(
            handle=handle, display_name=display_name, bio=bio, hashtags=hashtags.strip("{}").split(",")
        )
        if document != expected:
            raise AssertionError(f"search document differs for {handle}: {document!r} != {expected!r}")


def _real_creators() -> list[tuple[str, int, str]]:
    """(handle, followers, display name) of the real 2020 top list, if the shared data is there."""
    if not REAL_CREATORS_CSV.exists():
        return []
    rows = []
    with REAL_CREATORS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            raw = row["Followers"].strip().lower()
            followers = int(float(raw[:-1]) * (1_000_000 if raw.endswith("m") else 1_000))
            name = row["Username"].lstrip("@").lower()
            rows.append((name, followers, name.replace("_", " ").replace(".", " ").title()))
    return rows


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if n == 0:
            return out
