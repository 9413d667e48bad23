"""Map the columns of a creator export to our fields and parse one record. Pure: no database.

Exports differ in column names (`username`, `uniqueId`, `authorMeta.name`, …), in count formats
(`12.3K`, `1,234`) and in layout: one row per creator, or one row per video whose author columns
describe the creator. This module names the target fields, guesses the mapping from the column
names, and turns a (flattened) record into typed values, or a reason to reject the row. The names
columns go by are data (creators/importing/synonyms.toml); creators.importing.synonyms matches them and reads
a unit in a column's name (`Followers (K)`), which the count parsers here apply. docs/import.md explains both.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from creators.countries import country_code
from creators.importing.audience import AudienceColumns, recognise
from creators.importing.counts import parse_count
from creators.importing.files import ImportErrorCode, ImportFileError
from creators.importing.synonyms import has_video_id_column, match_columns, synonym_table, unit_factor


class Layout(StrEnum):
    CREATORS = "creators"  # one row per creator
    VIDEOS = "videos"  # one row per video; creators come from the author columns


class Kind(StrEnum):
    HANDLE = "handle"
    TEXT = "text"
    COUNT = "count"
    BOOL = "bool"
    EMAIL = "email"
    URL = "url"
    COUNTRY = "country"
    LANGUAGES = "languages"
    NICHES = "niches"
    HASHTAGS = "hashtags"
    DATETIME = "datetime"
    VIDEO_ID = "video_id"
    DURATION = "duration"


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str
    kind: Kind
    is_video: bool = False
    max_length: int | None = None
    max_value: int | None = None

    @property
    def aliases(self) -> tuple[str, ...]:
        """The column names exports use for this field (creators/importing/synonyms.toml), in the order they win."""
        return synonym_table().fields.get(self.name, ())


_BIGINT_MAX = 2**63 - 1
_INT_MAX = 2**31 - 1

# The fields a file can fill; the names their columns go by are data (creators/importing/synonyms.toml).
CREATOR_FIELDS: tuple[TargetField, ...] = (
    TargetField("handle", "Handle", Kind.HANDLE, max_length=64),
    TargetField("display_name", "Display name", Kind.TEXT, max_length=150),
    TargetField("follower_count", "Followers", Kind.COUNT, max_value=_BIGINT_MAX),
    TargetField("following_count", "Following", Kind.COUNT, max_value=_BIGINT_MAX),
    TargetField("likes_count", "Total likes", Kind.COUNT, max_value=_BIGINT_MAX),
    TargetField("video_count", "Videos", Kind.COUNT, max_value=_INT_MAX),
    TargetField("bio", "Bio", Kind.TEXT, max_length=5000),
    TargetField("country", "Country", Kind.COUNTRY),
    TargetField("region", "Region", Kind.TEXT, max_length=100),
    TargetField("city", "City", Kind.TEXT, max_length=100),
    TargetField("languages", "Languages", Kind.LANGUAGES),
    TargetField("niches", "Niches", Kind.NICHES),
    TargetField("hashtags", "Hashtags", Kind.HASHTAGS),
    TargetField("is_verified", "Verified", Kind.BOOL),
    TargetField("contact_email", "Contact e-mail", Kind.EMAIL, max_length=254),
    TargetField("avatar_url", "Avatar URL", Kind.URL, max_length=500),
)

VIDEO_FIELDS: tuple[TargetField, ...] = (
    TargetField("video_id", "Video ID", Kind.VIDEO_ID, is_video=True, max_length=64),
    TargetField("posted_at", "Posted at", Kind.DATETIME, is_video=True),
    # When the file's counts were read: the time of the stats snapshot (the import's time without it).
    TargetField("captured_at", "Stats captured at", Kind.DATETIME, is_video=True),
    TargetField("caption", "Caption", Kind.TEXT, is_video=True, max_length=10_000),
    TargetField("video_hashtags", "Video hashtags", Kind.HASHTAGS, is_video=True),
    TargetField("views", "Views", Kind.COUNT, is_video=True, max_value=_BIGINT_MAX),
    TargetField("likes", "Likes", Kind.COUNT, is_video=True, max_value=_BIGINT_MAX),
    TargetField("comments", "Comments", Kind.COUNT, is_video=True, max_value=_BIGINT_MAX),
    TargetField("shares", "Shares", Kind.COUNT, is_video=True, max_value=_BIGINT_MAX),
    TargetField("saves", "Saves", Kind.COUNT, is_video=True, max_value=_BIGINT_MAX),
    TargetField("duration_s", "Duration (s)", Kind.DURATION, is_video=True, max_value=_INT_MAX),
    TargetField("sound", "Sound", Kind.TEXT, is_video=True, max_length=200),
    TargetField("share_url", "Video URL", Kind.URL, is_video=True, max_length=500),
    TargetField("is_paid_partnership", "Paid partnership", Kind.BOOL, is_video=True),
)

TARGET_FIELDS: dict[str, TargetField] = {f.name: f for f in (*CREATOR_FIELDS, *VIDEO_FIELDS)}
CREATOR_FIELD_NAMES = tuple(f.name for f in CREATOR_FIELDS if f.name != "handle")
VIDEO_STATS_FIELDS = ("views", "likes", "comments", "shares", "saves")


def normalize_column(name: str) -> str:
    """`Follower Count`, `follower_count` and `followerCount` compare equal; dots separate nesting levels.
    (The matching itself goes further: creators.importing.synonyms.)"""
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def detect_layout(columns: Iterable[str]) -> Layout:
    """Per-video when a video id column is present (`videoId`, `itemId`, … or a plain `id` beside video
    columns such as `playCount`, `text` or `n_plays`)."""
    return Layout.VIDEOS if has_video_id_column(columns) else Layout.CREATORS


def layout_of(mapping: Mapping[str, str]) -> Layout:
    return Layout.VIDEOS if mapping.get("video_id") else Layout.CREATORS


def fields_in_matching_order(layout: Layout) -> tuple[TargetField, ...]:
    """The fields a file of this layout can fill, in the order they choose columns: in a per-video file
    the video's own fields first (so `likes` is the video's likes), and hashtags are the video's."""
    if layout is Layout.CREATORS:
        return CREATOR_FIELDS
    return (*VIDEO_FIELDS, *(f for f in CREATOR_FIELDS if f.name != "hashtags"))


def suggest_mapping(columns: Sequence[str]) -> dict[str, str]:
    """target field -> source column, from the column names alone (creators.importing.synonyms). Each
    column maps to one field; audience columns (creators.importing.audience) map to none."""
    columns = [column for column in columns if recognise(column) is None]
    fields = fields_in_matching_order(detect_layout(columns))
    found = match_columns(columns, [(target.name, not target.is_video) for target in fields])
    return {target.name: found[target.name] for target in fields if target.name in found}


def validate_mapping(mapping: Mapping[str, str], columns: Sequence[str]) -> dict[str, list[str]]:
    """Errors by target field; empty when the mapping can be imported."""
    errors: dict[str, list[str]] = {}
    known = set(columns)
    for target, column in mapping.items():
        if target not in TARGET_FIELDS:
            errors.setdefault("__all__", []).append(f"Unknown field {target!r}.")
        elif column and column not in known:
            errors.setdefault(target, []).append(f"The file has no column {column!r}.")
    if not mapping.get("handle"):
        errors.setdefault("handle", []).append("Choose the column that holds the creator's handle.")
    video_targets = [t for t, c in mapping.items() if c and t in TARGET_FIELDS and TARGET_FIELDS[t].is_video]
    if video_targets and not mapping.get("video_id"):
        errors.setdefault("video_id", []).append("Video fields need the column that holds the video's id.")
    return errors


# --- Values -------------------------------------------------------------------------------------


class RowError(ValueError):
    """The row is rejected; the message says why (the column name is added by the caller)."""


_HANDLE_RE = re.compile(r"[a-z0-9._]{1,64}")
_HANDLE_IN_URL_RE = re.compile(r"tiktok\.com/@([^/?#\s]+)", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_VIDEO_ID_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_LIST_SPLIT_RE = re.compile(r"\s*[,;|/]\s*")
_HASHTAG_SPLIT_RE = re.compile(r"[\s,;|#]+")
_TIMESTAMP_RE = re.compile(r"\d{9,13}(\.\d+)?")
_DURATION_RE = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")
_LANGUAGE_NAMES = {
    "english": "en",
    "spanish": "es",
    "espanol": "es",
    "español": "es",
    "french": "fr",
    "francais": "fr",
    "français": "fr",
    "german": "de",
    "deutsch": "de",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "polish": "pl",
    "russian": "ru",
    "turkish": "tr",
    "arabic": "ar",
    "hindi": "hi",
    "bengali": "bn",
    "urdu": "ur",
    "indonesian": "id",
    "malay": "ms",
    "tagalog": "tl",
    "filipino": "tl",
    "vietnamese": "vi",
    "thai": "th",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
    "mandarin": "zh",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
    "finnish": "fi",
    "greek": "el",
    "romanian": "ro",
    "ukrainian": "uk",
    "hebrew": "he",
}
_COUNT_SUFFIXES = frozenset("kmb")
_NO_VALUE = frozenset({"", "-", "nan", "none", "n/a", "—"})
_TRUE = {"true", "yes", "y", "1", "t", "verified", "x", "✓"}
_FALSE = {"false", "no", "n", "0", "f", "", "none", "-"}
# TikTok launched internationally in 2017; anything posted earlier is a misread date.
_EARLIEST = datetime(2014, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)


def require_valid_mapping(mapping: Mapping[str, str], columns: Sequence[str]) -> None:
    """Raise ImportFileError (bad_mapping, with every field's errors) unless the mapping fits the file."""
    errors = validate_mapping(mapping, columns)
    if errors:
        raise ImportFileError(
            "The mapping does not fit the file: "
            + "; ".join(f"{target}: {' '.join(messages)}" for target, messages in errors.items()),
            code=ImportErrorCode.BAD_MAPPING,
            fields=errors,
        )


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, float):
        return raw != raw  # NaN
    if isinstance(raw, list | dict):
        return not raw
    return False


def _as_text(raw: Any) -> str:
    if isinstance(raw, list | dict):
        raise RowError("expected text, found a list or an object")
    return str(raw).strip()


def parse_handle(raw: Any) -> str:
    text = _as_text(raw)
    in_url = _HANDLE_IN_URL_RE.search(text)
    handle = (in_url.group(1) if in_url else text).lstrip("@").lower()
    if not _HANDLE_RE.fullmatch(handle):
        raise RowError(f"{text!r} is not a TikTok handle (letters, digits, '.' and '_', up to 64 characters)")
    return handle


def parse_count_value(raw: Any, *, max_value: int = _BIGINT_MAX) -> int | None:
    """A non-negative count; None for the placeholders exports write for "unknown" (`-`, `nan`)."""
    # Fast paths first: a million-row file is mostly plain digits.
    if type(raw) is int:
        value = raw
    elif type(raw) is str and raw.isascii() and raw.isdigit():
        value = int(raw)
    elif isinstance(raw, bool):
        raise RowError(f"{raw!r} is not a count")
    elif type(raw) is float and raw.is_integer():
        value = int(raw)
    else:
        try:
            parsed = parse_count(raw)
        except ValueError as exc:
            text = str(raw).strip()
            if text.startswith("-"):
                raise RowError(f"{text!r} is negative; counts start at 0") from exc
            raise RowError(f"{text!r} is not a count (write 1234, 1,234, 12.3K or 1.2M)") from exc
        if parsed is None:
            return None
        value = parsed
    if value < 0:
        raise RowError(f"{value} is negative; counts start at 0")
    if value > max_value:
        raise RowError(f"{value} is too large")
    return value


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(f"{raw!r} is not yes/no (write true/false, yes/no or 1/0)")


def parse_email(raw: Any) -> str:
    text = _as_text(raw).removeprefix("mailto:")
    if len(text) > 254 or not _EMAIL_RE.fullmatch(text):
        raise RowError(f"{text!r} is not an e-mail address")
    return text


def parse_datetime(raw: Any, *, now: datetime) -> datetime:
    value: datetime
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime(raw.year, raw.month, raw.day)  # noqa: DTZ001 - made UTC below
    elif (isinstance(raw, int | float) and not isinstance(raw, bool)) or (
        isinstance(raw, str) and _TIMESTAMP_RE.fullmatch(raw.strip())
    ):
        seconds = float(raw)
        if seconds > 1e11:  # milliseconds, as JavaScript writes them
            seconds /= 1000
        try:
            value = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise RowError(f"{raw!r} is not a timestamp") from exc
    else:
        text = _as_text(raw)
        try:
            value = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
        except ValueError as exc:
            raise RowError(f"{text!r} is not a date (write 2024-05-01T12:00:00Z or a Unix timestamp)") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # exports without an offset are taken as UTC
    value = value.astimezone(UTC)
    if value > now + _FUTURE_SLACK:
        raise RowError(f"{value:%Y-%m-%d %H:%M} is in the future")
    if value < _EARLIEST:
        raise RowError(f"{value:%Y-%m-%d} is before TikTok existed")
    return value


def parse_scaled_count(raw: Any, *, factor: Decimal, max_value: int = _BIGINT_MAX) -> int | None:
    """A count in a column whose name gives its unit (`Followers (K)`: 12.5 is 12,500). A cell that
    carries its own suffix (`1.2M`) is read as written."""
    text = str(raw).strip().lower() if not isinstance(raw, bool) else ""
    if isinstance(raw, bool) or (text and text[-1] in _COUNT_SUFFIXES):
        return parse_count_value(raw, max_value=max_value)
    if text in _NO_VALUE:
        return None
    try:
        number = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation as exc:
        raise RowError(f"{raw!r} is not a number") from exc
    if not number.is_finite():
        raise RowError(f"{raw!r} is not a number")
    if number < 0:
        raise RowError(f"{text!r} is negative; counts start at 0")
    value = int((number * factor).to_integral_value(ROUND_HALF_UP))
    if value > max_value:
        raise RowError(f"{value} is too large")
    return value


def parse_duration(raw: Any, *, seconds_per_unit: Decimal | None = None) -> int | None:
    if isinstance(raw, str) and ":" in raw:
        match = _DURATION_RE.fullmatch(raw.strip())
        if not match:
            raise RowError(f"{raw!r} is not a duration (write seconds or m:ss)")
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    if seconds_per_unit is not None and seconds_per_unit != 1:
        return parse_scaled_count(raw, factor=seconds_per_unit, max_value=_INT_MAX)
    return parse_count_value(raw, max_value=_INT_MAX)


def parse_video_id(raw: Any) -> str:
    if type(raw) is float and raw.is_integer():
        raw = int(raw)
    text = _as_text(raw)
    if not _VIDEO_ID_RE.fullmatch(text):
        raise RowError(f"{text!r} is not a video id")
    return text


def _items(raw: Any, *, split: re.Pattern[str]) -> list[str]:
    """A list cell: a JSON list (of strings, or of objects with a name) or a delimited string."""
    if isinstance(raw, list):
        items = []
        for item in raw:
            if isinstance(item, dict):
                item = item.get("name") or item.get("title") or item.get("hashtagName") or ""
            items.append(str(item))
        return [i.strip() for i in items if str(i).strip()]
    if isinstance(raw, dict):
        raise RowError("expected a list, found an object")
    return [part for part in split.split(str(raw).strip()) if part]


def parse_hashtags(raw: Any) -> list[str]:
    tags: list[str] = []
    for item in _items(raw, split=_HASHTAG_SPLIT_RE):
        for tag in _HASHTAG_SPLIT_RE.split(item):
            tag = tag.lower()[:100]
            if tag and tag not in tags:
                tags.append(tag)
    return tags[:100]


def parse_languages(raw: Any, warnings: list[str], column: str) -> list[str]:
    codes: list[str] = []
    unknown: list[str] = []
    for item in _items(raw, split=_LIST_SPLIT_RE):
        text = item.strip().lower()
        code = _LANGUAGE_NAMES.get(text)
        if code is None:
            base = re.split(r"[-_]", text)[0]
            code = base if re.fullmatch(r"[a-z]{2,3}", base) else None
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        warnings.append(f"{column}: unknown language {', '.join(map(repr, unknown))} left out")
    return codes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def parse_niches(raw: Any, warnings: list[str], column: str, *, known: frozenset[str]) -> list[str]:
    niches: list[str] = []
    unknown: list[str] = []
    for item in _items(raw, split=_LIST_SPLIT_RE):
        slug = _slug(item)
        if slug in known:
            if slug not in niches:
                niches.append(slug)
        elif slug:
            unknown.append(item)
    if unknown:
        warnings.append(f"{column}: {', '.join(map(repr, unknown))} not in the niche list, left out")
    return niches


@dataclass(slots=True)
class ParsedRow:
    row: int
    handle: str
    creator: dict[str, Any]  # target field -> value, only the cells that hold one
    video: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    audience: dict[str, dict[str, float]] | None = None  # profile part -> label -> percent, the parts given


@dataclass(frozen=True, slots=True)
class RejectedRow:
    row: int
    reason: str


_Parser = Callable[[Any, list[str], str], Any]
_FieldParsers = tuple[tuple[str, str, _Parser], ...]


class RecordParser:
    """A mapping compiled once per import; `parse(record, row)` runs once per row."""

    def __init__(
        self,
        mapping: Mapping[str, str],
        *,
        known_niches: Iterable[str],
        now: datetime,
        audience: AudienceColumns | None = None,
    ) -> None:
        handle_column = mapping.get("handle")
        if not handle_column:
            raise ValueError("the mapping has no handle column")
        self.mapping = dict(mapping)
        self.layout = layout_of(mapping)
        self.known_niches = frozenset(known_niches)
        self.now = now
        self.handle_column = handle_column
        creator: list[tuple[str, str, _Parser]] = []
        video: list[tuple[str, str, _Parser]] = []
        for name, column in mapping.items():
            if not column or name == "handle" or name not in TARGET_FIELDS:
                continue
            target = TARGET_FIELDS[name]
            (video if target.is_video else creator).append((name, column, self._parser_for(target, column)))
        self.creator_parsers: _FieldParsers = tuple(creator)
        self.video_parsers: _FieldParsers | None = tuple(video) if self.layout is Layout.VIDEOS else None
        self.video_id_column = mapping.get("video_id", "")
        self.audience = audience or None  # a file without audience columns pays nothing per row

    def _parser_for(self, target: TargetField, column: str) -> _Parser:
        max_length = target.max_length
        max_value = target.max_value or _BIGINT_MAX
        now = self.now
        known = self.known_niches
        kind = target.kind
        if kind is Kind.COUNT:
            factor = unit_factor(column)  # `Followers (K)`
            if factor is not None:
                return lambda raw, warnings, column: parse_scaled_count(raw, factor=factor, max_value=max_value)
            return lambda raw, warnings, column: parse_count_value(raw, max_value=max_value)
        if kind is Kind.TEXT:

            def text(raw: Any, warnings: list[str], column: str) -> str:
                value = _as_text(raw)
                if max_length is not None and len(value) > max_length:
                    warnings.append(f"{column}: cut to {max_length} characters")
                    value = value[:max_length]
                return value

            return text
        if kind is Kind.BOOL:
            return lambda raw, warnings, column: parse_bool(raw)
        if kind is Kind.EMAIL:
            return lambda raw, warnings, column: parse_email(raw)
        if kind is Kind.URL:

            def url(raw: Any, warnings: list[str], column: str) -> str | None:
                value = _as_text(raw)
                if not value.startswith(("https://", "http://")) or " " in value or len(value) > (max_length or 500):
                    warnings.append(f"{column}: not a usable URL, left out")
                    return None
                return value

            return url
        if kind is Kind.COUNTRY:

            def country(raw: Any, warnings: list[str], column: str) -> str | None:
                code = country_code(_as_text(raw))
                if not code:
                    warnings.append(f"{column}: unknown country {raw!r} left out")
                    return None
                return code

            return country
        if kind is Kind.LANGUAGES:
            return lambda raw, warnings, column: parse_languages(raw, warnings, column) or None
        if kind is Kind.NICHES:
            return lambda raw, warnings, column: parse_niches(raw, warnings, column, known=known) or None
        if kind is Kind.HASHTAGS:
            return lambda raw, warnings, column: parse_hashtags(raw) or None
        if kind is Kind.DATETIME:
            return lambda raw, warnings, column: parse_datetime(raw, now=now)
        if kind is Kind.VIDEO_ID:
            return lambda raw, warnings, column: parse_video_id(raw)
        if kind is Kind.DURATION:
            seconds_per_unit = unit_factor(column, duration=True)  # `Duration (min)`
            return lambda raw, warnings, column: parse_duration(raw, seconds_per_unit=seconds_per_unit)
        raise ValueError(f"no parser for {kind}")  # pragma: no cover - every Kind is handled above

    def parse(self, record: Mapping[str, Any], row: int) -> ParsedRow | RejectedRow:
        """Typed values of one record, or why it is rejected. A missing cell is no value (never zero)."""
        raw_handle = record.get(self.handle_column)
        if _is_blank(raw_handle):
            return RejectedRow(row, f"{self.handle_column}: the handle is missing")
        try:
            handle = parse_handle(raw_handle)
        except RowError as exc:
            return RejectedRow(row, f"{self.handle_column}: {exc}")
        warnings: list[str] = []
        creator = _parse_fields(self.creator_parsers, record, warnings)
        if isinstance(creator, str):
            return RejectedRow(row, creator)
        audience = self.audience.parse(record, warnings) if self.audience is not None else None
        if isinstance(audience, str):
            return RejectedRow(row, audience)
        video: dict[str, Any] | None = None
        if self.video_parsers is not None:
            parsed_video = _parse_fields(self.video_parsers, record, warnings)
            if isinstance(parsed_video, str):
                return RejectedRow(row, parsed_video)
            video = parsed_video
            if "video_id" not in video:
                return RejectedRow(row, f"{self.video_id_column}: the video id is missing")
            views, likes = video.get("views"), video.get("likes")
            if views is not None and likes is not None and likes > views:
                warnings.append(f"likes ({likes:,}) exceed views ({views:,})")
        return ParsedRow(row, handle, creator, video, warnings, audience or None)


def _parse_fields(parsers: _FieldParsers, record: Mapping[str, Any], warnings: list[str]) -> dict[str, Any] | str:
    """The parsed values, or the reason (a str) the first bad cell rejects the row."""
    values: dict[str, Any] = {}
    for name, column, parse in parsers:
        raw = record.get(column)
        if raw is None or raw == "" or _is_blank(raw):
            continue
        try:
            value = parse(raw, warnings, column)
        except RowError as exc:
            return f"{column}: {exc}"
        if value is not None:
            values[name] = value
    return values
