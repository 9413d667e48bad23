"""Audience columns of creator exports: which columns carry audience shares, and one record's shares as a
profile stores them. Pure: no database.

Exporters write an audience in three shapes, all recognised from the column names alone (the words are
data: synonyms.toml's `[audience]` table):
- a key in the name, one column per label: `Audience Gender Female %`, `audience_geo_US`,
  `Audience age 18-24`, and JSON's nested objects flattened to `audience.countries.US`;
- ranked pairs, a label column and a share column: `Audience Country 1` / `Audience Country 1 %`
  (HypeAuditor), `Audience Top Country` / `Audience Top Country %` (Modash);
- a list in one cell: `audience.geoCountries` holding `[{"code": "US", "weight": 0.41}]` (Modash's API),
  or text such as `US: 41%; GB: 12%`.
Labels become ours (creators.audience.labels: ISO country codes, female/male/other, discovery's age
buckets); a share is a percentage or a fraction by the rule of `creators.audience.labels.as_percentages`.
A row whose shares are not numbers, or add up to more than 100 % in a dimension, is rejected with the
reason; labels we cannot place are left out with a warning. docs/import.md, "Audience", has the rules."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from creators.audience.labels import LABELLERS, age_bucket, as_percentages, gender_label, parse_share
from creators.audience.shares import MAX_SHARE_SUM
from creators.importing.synonyms import audience_words

_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKEN_RE = re.compile(r"\d{1,3}\s*[-_\u2013]\s*\d{1,3}|\d{1,3}\s*\+|\d{1,3}-(?![\d])|%|[^\W\d_]+|\d+")
_LIST_ITEM_SPLIT_RE = re.compile(r"\s*(?:[;|\n]|,(?=\s*[^\d\s]))\s*")
_LIST_ITEM_RE = re.compile(r"(?P<label>.*?)\s*[:=]?\s*(?P<share>\d+(?:[.,]\d+)?\s*%?)")
_LIST_LABEL_KEYS = ("code", "name", "label", "key", "range", "country", "gender", "age")
_LIST_SHARE_KEYS = ("weight", "percentage", "percent", "share", "value", "pct")
_MAX_RANK = 50  # `Audience Country 51` is not a rank a real export has
_PART_NAMES = {"countries": "countries", "genders": "genders", "age_buckets": "ages"}
_QUANTUM = Decimal("0.0001")


class Role:
    SHARE = "share"  # the column holds the share of the key in its name
    LABEL = "label"  # the label of a ranked pair
    RANKED_SHARE = "ranked share"  # the share of a ranked pair
    LIST = "list"  # a list of label/share pairs in one cell


@dataclass(frozen=True)
class AudienceColumn:
    column: str
    part: str  # countries, genders or age_buckets
    role: str
    key: str = ""  # Role.SHARE: our label (US, female, 18-24)
    rank: int = 0  # Role.LABEL and Role.RANKED_SHARE

    def describe(self) -> str:
        """`countries: US`, `countries #1 (label)`, `genders (list)`, for the mapping page and the dry run."""
        part = _PART_NAMES[self.part]
        if self.role == Role.SHARE:
            return f"{part}: {self.key}"
        if self.role == Role.LIST:
            return f"{part} (list)"
        return f"{part} #{self.rank} ({'label' if self.role == Role.LABEL else 'share'})"


def _tokens(name: str) -> list[str]:
    return [token.replace(" ", "").lower() for token in _TOKEN_RE.findall(_CAMEL_RE.sub(" ", name))]


def recognise(column: str) -> AudienceColumn | None:
    """What an audience column holds, from its name; None for any other column."""
    words = audience_words()
    tokens = _tokens(str(column))
    if not any(token in words.marker for token in tokens):
        return None
    part: str | None = None
    rank: int | None = None
    is_share = has_top = False
    rest: list[str] = []
    for token in tokens:
        named_part = next((name for name, part_words in words.parts.items() if token in part_words), None)
        if token in words.marker or token in words.filler or token in words.label:
            continue
        if named_part is not None and part in (None, named_part):  # `geoCountries`: one part, two words
            part = named_part
        elif token == "%" or token in words.share:  # noqa: S105 - a percent sign, not a password
            is_share = True
        elif token in words.top:
            has_top = True
        elif token.isdigit() and rank is None and not rest and 0 < int(token) <= _MAX_RANK:
            rank = int(token)
        else:
            rest.append(token)
    if rest:
        return _keyed(column, part, rest)
    if part is None:
        return None
    if rank is not None or has_top:
        role = Role.RANKED_SHARE if is_share else Role.LABEL
        return AudienceColumn(column=column, part=part, role=role, rank=rank or 1)
    return AudienceColumn(column=column, part=part, role=Role.LIST)


def _keyed(column: str, part: str | None, rest: list[str]) -> AudienceColumn | None:
    """A column whose name ends in a label: the part may go unnamed (`Audience Female %`, `audience_18-24`)."""
    text = " ".join(rest)
    if part is None:
        part = "genders" if gender_label(text) else "age_buckets" if age_bucket(text) else None
        if part is None:
            return None
    key = LABELLERS[part](text)
    if key is None:
        return None  # an age range across two buckets, a country we do not know: left to the column report
    return AudienceColumn(column=column, part=part, role=Role.SHARE, key=key)


@dataclass(frozen=True)
class AudienceColumns:
    """A file's audience columns, compiled once per import; `parse(record)` runs once per row."""

    columns: tuple[AudienceColumn, ...] = ()
    # Dotted JSON parents whose children are keys (`audience.countries.` -> countries): a record may hold
    # a country the first records did not, so each record's own keys under them are read.
    prefixes: tuple[tuple[str, str], ...] = ()
    _keyed: tuple[AudienceColumn, ...] = field(default=(), repr=False)
    _pairs: tuple[tuple[str, str | None, str | None], ...] = field(default=(), repr=False)
    _lists: tuple[AudienceColumn, ...] = field(default=(), repr=False)

    def __bool__(self) -> bool:
        return bool(self.columns or self.prefixes)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(column.column for column in self.columns)

    def parse(self, record: Mapping[str, Any], warnings: list[str]) -> dict[str, dict[str, float]] | str:
        """The row's audience (only the parts it gives), or the reason (a str) the row is rejected."""
        found: dict[str, list[tuple[str | None, tuple[Decimal, bool], str]]] = {}
        try:
            for column in self._keyed:
                _add(found, column.part, column.key, record.get(column.column), column.column)
            for prefix, part in self.prefixes:
                for name, raw in record.items():
                    if name.startswith(prefix):
                        label = LABELLERS[part](name[len(prefix) :])
                        _add(found, part, label, raw, name, warnings=warnings, raw_label=name[len(prefix) :])
            for part, label_column, share_column in self._pairs:
                raw_share = record.get(share_column) if share_column else None
                raw_label = record.get(label_column) if label_column else None
                if _is_blank(raw_share):
                    continue
                if _is_blank(raw_label):
                    warnings.append(f"{share_column}: a share without its label, left out")
                    continue
                label = LABELLERS[part](raw_label)
                _add(found, part, label, raw_share, str(share_column), warnings=warnings, raw_label=raw_label)
            for column in self._lists:
                for raw_label, raw_share in _list_items(record.get(column.column)):
                    label = LABELLERS[column.part](raw_label)
                    _add(found, column.part, label, raw_share, column.column, warnings=warnings, raw_label=raw_label)
        except _BadShare as exc:
            return str(exc)
        return _percentages(found)


class _BadShare(ValueError):
    pass


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, float) and raw != raw)


def _add(
    found: dict[str, list[tuple[str | None, tuple[Decimal, bool], str]]],
    part: str,
    label: str | None,
    raw: Any,
    column: str,
    *,
    warnings: list[str] | None = None,
    raw_label: Any = None,
) -> None:
    if _is_blank(raw):
        return
    try:
        share = parse_share(raw)
    except ValueError as exc:
        raise _BadShare(f"{column}: {exc}") from exc
    if share is None:
        return
    if label is None and warnings is not None:
        warnings.append(f"{column}: {_PART_NAMES[part]} {str(raw_label)!r} has no place in our audience, left out")
    found.setdefault(part, []).append((label, share, column))


def _list_items(raw: Any) -> Iterable[tuple[Any, Any]]:
    """(label, share) pairs of a list cell: a list of objects, an object, or `US: 41%; GB: 12%`."""
    if isinstance(raw, dict):
        return list(raw.items())
    if isinstance(raw, list):
        pairs = []
        for item in raw:
            if isinstance(item, dict):
                label = next((item[key] for key in _LIST_LABEL_KEYS if item.get(key) not in (None, "")), None)
                share = next((item[key] for key in _LIST_SHARE_KEYS if item.get(key) is not None), None)
                if label is not None and share is not None:
                    pairs.append((label, share))
        return pairs
    if isinstance(raw, str) and raw.strip():
        matches = (_LIST_ITEM_RE.fullmatch(item) for item in _LIST_ITEM_SPLIT_RE.split(raw.strip()) if item)
        return [(m.group("label"), m.group("share")) for m in matches if m and m.group("label")]
    return []


def _percentages(
    found: Mapping[str, list[tuple[str | None, tuple[Decimal, bool], str]]],
) -> dict[str, dict[str, float]] | str:
    audience: dict[str, dict[str, float]] = {}
    for part, entries in found.items():
        values = as_percentages([share for _label, share, _column in entries])
        shares: dict[str, Decimal] = {}
        for (label, _share, column), value in zip(entries, values, strict=True):
            if value < 0:
                return f"{column}: {value.normalize():f} is negative; a share is 0 to 100 %"
            if value > 100:
                return f"{column}: {value.normalize():f} % is more than 100 %"
            if label is not None:
                shares[label] = shares.get(label, Decimal(0)) + value.quantize(_QUANTUM)
        # Every share counts, placed or not: a file whose countries add up to 104 % is wrong as a whole.
        total = sum(values, Decimal(0))
        if total > Decimal(str(MAX_SHARE_SUM)):
            columns = sorted({column for _label, _share, column in entries})
            named = ", ".join(columns[:4]) + (", …" if len(columns) > 4 else "")
            return f"audience {_PART_NAMES[part]} add up to {total:.1f} %, more than 100 % ({named})"
        if shares:
            audience[part] = {label: float(value) for label, value in shares.items()}
    return audience


def audience_columns(columns: Sequence[str], mapping: Mapping[str, str] | None = None) -> AudienceColumns:
    """The file's audience columns (columns the mapping gives to a field are not audience columns)."""
    mapped = {column for column in (mapping or {}).values() if column}
    recognised = [found for column in columns if column not in mapped and (found := recognise(column)) is not None]
    lists = {column.column: column for column in recognised if column.role == Role.LIST}
    prefixes: dict[str, str] = {}
    for column in recognised:
        parent = column.column.rpartition(".")[0]
        if column.role == Role.SHARE and parent:
            parent_column = recognise(parent)
            if parent_column is not None and parent_column.role == Role.LIST and parent_column.part == column.part:
                prefixes[parent + "."] = column.part
    keyed = tuple(c for c in recognised if c.role == Role.SHARE and not any(c.column.startswith(p) for p in prefixes))
    ranked: dict[tuple[str, int], dict[str, str]] = {}
    for column in recognised:
        if column.role in (Role.LABEL, Role.RANKED_SHARE):
            ranked.setdefault((column.part, column.rank), {}).setdefault(column.role, column.column)
    pairs = tuple(
        (part, roles.get(Role.LABEL), roles.get(Role.RANKED_SHARE))
        for (part, _rank), roles in sorted(ranked.items())
        if Role.RANKED_SHARE in roles
    )
    return AudienceColumns(
        columns=tuple(recognised),
        prefixes=tuple(sorted(prefixes.items())),
        _keyed=keyed,
        _pairs=pairs,
        _lists=tuple(lists.values()),
    )
