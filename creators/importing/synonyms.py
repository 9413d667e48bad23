"""How a file's column name is matched with the names exports use for our fields. Pure: no database.

The names themselves are data (synonyms.toml beside it, read once). A column name is compared in steps,
from the most literal to the loosest, and every field gets its chance at one step before any field
tries the next, so `n_likes` (the video's likes) is never taken by a looser match of `n_total_likes`:

1. case, spaces, `_`, `-` and camelCase ignored, `/` read as `.` (`Follower Count` = `followerCount`);
2. affixes dropped one at a time (`n_plays` -> `plays`, `no_of_followers` -> `followers`,
   `likes_cnt` -> `likes`); `total_` only for the creator's own totals;
3. a dotted CSV header read as words rather than a JSON path (`No. of followers`);
4. the same with every word made singular (`Follower` = `followers`).

A unit in brackets at the end (`Followers (K)`, `Duration (min)`) is not part of the name: it scales
the values (creators.importing.mapping applies it). docs/import.md shows the table and the rules.
"""

import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("synonyms.toml")

_UNIT_RE = re.compile(r"^(?P<name>.*?)\s*[\(\[]\s*(?P<unit>[^\)\]]{1,12}?)\s*[\)\]]\s*$")
_PATH_SPLIT_RE = re.compile(r"[./]")
_NON_WORD_RE = re.compile(r"[\W_]+")
# camelCase and PascalCase boundaries (ASCII; other scripts split on spaces and punctuation only).
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# The words of each path segment, e.g. `authorMeta/fans` -> (("author", "meta"), ("fans",)).
Words = tuple[str, ...]
KeyPath = tuple[Words, ...]


@dataclass(frozen=True)
class SynonymTable:
    fields: dict[str, tuple[str, ...]]  # field -> synonyms, in the order they win
    prefixes: tuple[Words, ...]
    creator_prefixes: tuple[Words, ...]
    suffixes: tuple[Words, ...]
    count_units: dict[str, Decimal]
    duration_units: dict[str, Decimal]
    video_ids: frozenset[str]  # keys (see `_key`)
    video_signals: frozenset[str]
    not_field_words: frozenset[str]
    identifier_words: frozenset[str]


@cache
def synonym_table() -> SynonymTable:
    """The table, parsed once per process."""
    with _TABLE.open("rb") as source:
        data = tomllib.load(source)
    affixes = data["affixes"]

    def words(phrases: Iterable[str]) -> tuple[Words, ...]:
        # Longest first, so `no of` is dropped whole rather than leaving `of`.
        return tuple(sorted((tuple(p.split()) for p in phrases), key=len, reverse=True))

    def keys(names: Iterable[str]) -> frozenset[str]:
        return frozenset(key for name in names for key in alias_keys(name))

    return SynonymTable(
        fields={name: tuple(synonyms) for name, synonyms in data["fields"].items()},
        prefixes=words(affixes["prefixes"]),
        creator_prefixes=words(affixes["creator_prefixes"]),
        suffixes=words(affixes["suffixes"]),
        count_units={unit.lower(): Decimal(str(factor)) for unit, factor in data["units"]["count"].items()},
        duration_units={unit.lower(): Decimal(str(factor)) for unit, factor in data["units"]["duration"].items()},
        video_ids=keys(data["layout"]["video_ids"]),
        video_signals=keys(data["layout"]["video_signals"]),
        not_field_words=frozenset(data["unmapped"]["not_fields"]),
        identifier_words=frozenset(data["unmapped"]["identifiers"]),
    )


# --- Keys ----------------------------------------------------------------------------------------


def split_unit(column: str) -> tuple[str, str | None]:
    """`Followers (K)` -> ("Followers", "k"); a name without a trailing bracket -> (name, None)."""
    match = _UNIT_RE.match(str(column))
    if match is None or not match.group("name").strip():
        return str(column), None
    return match.group("name"), match.group("unit").strip().lower()


def _words(text: str) -> Words:
    return tuple(word.lower() for chunk in _NON_WORD_RE.split(text) if chunk for word in _CAMEL_RE.split(chunk) if word)


def _path(name: str) -> KeyPath:
    segments = (_words(segment) for segment in _PATH_SPLIT_RE.split(name))
    return tuple(segment for segment in segments if segment)


def _singular(word: str) -> str:
    # Enough English for column names: videos, hashtags, categories; not status, address, gps.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _key(path: KeyPath, *, singular: bool = False) -> str:
    return ".".join("".join(_singular(w) if singular else w for w in segment) for segment in path)


@cache  # the table's synonyms only: a bounded set
def alias_keys(alias: str) -> tuple[str, str]:
    """A synonym's key as written, and with its words made singular."""
    path = _path(alias)
    return _key(path), _key(path, singular=True)


def _strip(words: Words, affixes: Sequence[Words], *, at_start: bool) -> Words | None:
    for affix in affixes:
        n = len(affix)
        if len(words) > n and (words[:n] if at_start else words[-n:]) == affix:
            return words[n:] if at_start else words[:-n]
    return None


def _affix_variants(path: KeyPath, *, creator: bool) -> list[KeyPath]:
    """The path, then with one more prefix dropped at a time from its last segment, then each of those
    without a suffix."""
    table = synonym_table()
    prefixes = (*table.prefixes, *table.creator_prefixes) if creator else table.prefixes
    *parents, last = path
    stripped = [last]
    while (shorter := _strip(stripped[-1], prefixes, at_start=True)) is not None:
        stripped.append(shorter)
    stripped += [s for s in (_strip(w, table.suffixes, at_start=False) for w in stripped) if s is not None]
    return [(*parents, words) for words in stripped]


# Bounded: column names come from uploaded files, and a web process lives for many uploads.
@lru_cache(maxsize=4096)
def column_keys(column: str, *, creator: bool) -> tuple[tuple[bool, str], ...]:
    """The keys a column is matched with, most literal first, as (singular?, key) pairs. `creator`:
    keys for the creator's own fields (which may also drop `total`)."""
    name, _unit = split_unit(column)
    path = _path(name)
    if not path:
        return ()
    variants = _affix_variants(path, creator=creator)
    if len(path) > 1:  # `No. of followers` is words, not a JSON path
        variants += _affix_variants((tuple(w for segment in path for w in segment),), creator=creator)
    keys: list[tuple[bool, str]] = []
    for singular in (False, True):
        for variant in variants:
            key = (singular, _key(variant, singular=singular))
            if key not in keys:
                keys.append(key)
    return tuple(keys)


# --- Matching ------------------------------------------------------------------------------------


def match_columns(columns: Sequence[str], fields: Sequence[tuple[str, bool]]) -> dict[str, str]:
    """field -> column. `fields` are (field name, is a creator field) in the order they choose; each
    column goes to one field. At each step (see the module doc) every field, in order, takes the first
    column that matches its earliest synonym."""
    table = synonym_table()
    keyed = {column: {scope: column_keys(column, creator=scope) for scope in (False, True)} for column in columns}
    depth = max((len(keys) for by_scope in keyed.values() for keys in by_scope.values()), default=0)
    position = {column: n for n, column in enumerate(columns)}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for step in range(depth):
        # key -> columns at this step, per scope, in file order
        at_step: dict[bool, dict[tuple[bool, str], list[str]]] = {False: {}, True: {}}
        for column, by_scope in keyed.items():
            for scope, keys in by_scope.items():
                if step < len(keys):
                    at_step[scope].setdefault(keys[step], []).append(column)
        for name, creator in fields:
            if name in mapping:
                continue
            for synonym in table.fields.get(name, ()):
                literal, singular = alias_keys(synonym)
                candidates = at_step[creator].get((False, literal), []) + at_step[creator].get((True, singular), [])
                free = [c for c in candidates if c not in used]
                found = min(free, key=position.__getitem__) if free else None
                if found is not None:
                    mapping[name] = found
                    used.add(found)
                    break
    return mapping


def has_video_id_column(columns: Iterable[str]) -> bool:
    """A column that can only be a video's id (`videoId`, `item_id`, ...), or a plain `id` beside a
    column only per-video files have (`playCount`, `text`, `n_plays`, ...)."""
    table = synonym_table()
    keys = {key for column in columns for _singular_, key in column_keys(column, creator=False)}
    if keys & table.video_ids:
        return True
    return "id" in keys and bool(keys & table.video_signals)


def unit_factor(column: str, *, duration: bool = False) -> Decimal | None:
    """What the unit in brackets multiplies a value by (`Followers (K)` -> 1000; `Duration (min)` -> 60
    seconds), or None when the column names no unit we know."""
    _name, unit = split_unit(column)
    if unit is None:
        return None
    table = synonym_table()
    return (table.duration_units if duration else table.count_units).get(unit)


def is_statistic(column: str) -> bool:
    """Whether the name says it holds a statistic or a rank we do not store (`Avg. views`, `ER`)."""
    name, _unit = split_unit(column)
    return any(word in synonym_table().not_field_words for segment in _path(name) for word in segment)


def is_identifier(column: str) -> bool:
    """Whether the name says it holds an identifier (`authorMeta.id`, `user_uid`): numbers, not counts."""
    name, _unit = split_unit(column)
    path = _path(name)
    return bool(path) and path[-1][-1] in synonym_table().identifier_words


def name_words(column: str) -> frozenset[str]:
    """The lower-case words of a column name (`createTimeISO` -> create, time, iso)."""
    name, _unit = split_unit(column)
    return frozenset(word for segment in _path(name) for word in segment)


def closest_field(column: str, candidates: Sequence[tuple[str, bool]], *, cutoff: float = 0.75) -> str | None:
    """The candidate field one of whose synonyms is nearest to the column's name (difflib's ratio over
    the keys, at least `cutoff`), or None."""
    best: tuple[float, str] | None = None
    for name, creator in candidates:
        keys = [key for _s, key in column_keys(column, creator=creator)]
        for synonym in synonym_table().fields.get(name, ()):
            target = alias_keys(synonym)[1]
            for key in keys:
                ratio = difflib.SequenceMatcher(None, key, target).ratio()
                if ratio >= cutoff and (best is None or ratio > best[0]):
                    best = (ratio, name)
    return best[1] if best else None


@dataclass(frozen=True)
class AudienceWords:
    """The words of synonyms.toml's `[audience]` table (creators.importing.audience reads names with them)."""

    marker: frozenset[str]
    parts: dict[str, frozenset[str]]  # profile part (countries, genders, age_buckets) -> its words
    top: frozenset[str]
    share: frozenset[str]
    label: frozenset[str]
    filler: frozenset[str]


@cache
def audience_words() -> AudienceWords:
    with _TABLE.open("rb") as source:
        table = tomllib.load(source)["audience"]
    return AudienceWords(
        marker=frozenset(table["marker"]),
        parts={part: frozenset(table[part]) for part in ("countries", "genders", "age_buckets")},
        top=frozenset(table["top"]),
        share=frozenset(table["share"]),
        label=frozenset(table["label"]),
        filler=frozenset(table["filler"]),
    )
