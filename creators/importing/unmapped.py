"""Columns a file holds but the mapping leaves out, when they look like numbers or dates. Pure: no database.

An export that "imports fine" while its follower counts go nowhere is the costly failure (every creator
then reads as unknown), so the mapping page, the job page and the command name such columns, with the
field they most likely hold. Audience columns are imported by their names (creators.importing.audience), so
they are not reported either. Text columns are not reported: exports carry many (URLs, ids, notes) and
leaving them out loses no number. Which field is likeliest: the closest synonym by spelling
(creators.importing.synonyms.closest_field), among the fields of the right kind still free.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from creators.importing.audience import audience_columns
from creators.importing.counts import parse_count, parse_percent
from creators.importing.mapping import TARGET_FIELDS, Kind, fields_in_matching_order, layout_of
from creators.importing.synonyms import closest_field, is_identifier, is_statistic, name_words

NUMBERS = "numbers"
DATES = "dates"
# A column is reported when at least this share of its non-empty sampled cells look alike: one stray
# "n/a" in a count column must not hide it.
_MAJORITY = 0.6
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2}| UTC)?")
_SLASHED_DATE_RE = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}")
_TIMESTAMP_RE = re.compile(r"\d{9,13}")
_TIME_WORDS = frozenset({"time", "date", "at", "on", "timestamp", "day", "iso"})
_KINDS_FOR = {NUMBERS: (Kind.COUNT, Kind.DURATION), DATES: (Kind.DATETIME,)}


@dataclass(frozen=True)
class UnmappedColumn:
    column: str
    kind: str  # NUMBERS or DATES
    suggestion: str = ""  # the likeliest target field's name, or "" when none is close

    def as_json(self) -> dict[str, str]:
        return {"column": self.column, "kind": self.kind, "suggestion": self.suggestion}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "UnmappedColumn":
        return cls(column=str(data["column"]), kind=str(data["kind"]), suggestion=str(data.get("suggestion") or ""))

    @property
    def suggestion_label(self) -> str:
        target = TARGET_FIELDS.get(self.suggestion)
        return target.label if target is not None else ""

    def describe(self) -> str:
        text = f"{self.column} ({self.kind}"
        if self.suggestion_label:
            text += f"; likeliest field: {self.suggestion_label}"
        return text + ")"


def _cell_kind(value: Any, *, time_named: bool) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return None
    if isinstance(value, datetime | date):
        return DATES
    text = str(value).strip()
    if not text:
        return None
    if _ISO_DATE_RE.fullmatch(text) or _SLASHED_DATE_RE.fullmatch(text):
        return DATES
    if time_named and _TIMESTAMP_RE.fullmatch(text.split(".")[0]):
        return DATES  # Unix seconds or milliseconds in a column named like a time
    try:
        if parse_count(text) is not None:
            return NUMBERS
    except ValueError:
        pass
    if text.endswith("%"):
        try:
            return NUMBERS if parse_percent(text) is not None else None
        except ValueError:
            return None
    return None


def _column_kind(column: str, samples: Sequence[Mapping[str, Any]]) -> str | None:
    time_named = bool(name_words(column) & _TIME_WORDS)
    cells = [record.get(column) for record in samples]
    filled = [_cell_kind(cell, time_named=time_named) for cell in cells if cell not in (None, "")]
    if not filled:
        return None
    for kind in (DATES, NUMBERS):
        if filled.count(kind) >= _MAJORITY * len(filled):
            return kind
    return None


def unmapped_columns(
    *, columns: Sequence[str], samples: Sequence[Mapping[str, Any]], mapping: Mapping[str, str]
) -> list[UnmappedColumn]:
    """The columns outside `mapping` whose sampled cells look like numbers or dates, in file order, each
    with the likeliest free field of that kind (for the file's layout) when one is close."""
    mapped_columns = {column for column in mapping.values() if column} | audience_columns(columns, mapping).names
    free = [t for t in fields_in_matching_order(layout_of(mapping)) if not mapping.get(t.name) and t.name != "handle"]
    found: list[UnmappedColumn] = []
    for column in columns:
        if column in mapped_columns or is_identifier(column):
            continue
        kind = _column_kind(column, samples)
        if kind is None:
            continue
        suggestion = None
        if not is_statistic(column):
            candidates = [(t.name, not t.is_video) for t in free if t.kind in _KINDS_FOR[kind]]
            suggestion = closest_field(column, candidates)
        found.append(UnmappedColumn(column=column, kind=kind, suggestion=suggestion or ""))
    return found


def unmapped_heading(count: int) -> str:
    return f"{count} {'column was' if count == 1 else 'columns were'} not mapped"


def describe_unmapped(unmapped: Sequence[UnmappedColumn]) -> str:
    """`3 columns were not mapped: Avg. views (numbers), vid_views (numbers; likeliest field: Views), …`;
    "" when there are none."""
    if not unmapped:
        return ""
    return f"{unmapped_heading(len(unmapped))}: " + ", ".join(column.describe() for column in unmapped)


def unmapped_context(stored: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Template context for creators/import_unmapped.html from `ImportJob.unmapped_columns`."""
    unmapped = [UnmappedColumn.from_json(entry) for entry in stored]
    return {"unmapped": unmapped, "unmapped_heading": unmapped_heading(len(unmapped))}
