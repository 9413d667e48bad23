"""The labels an audience profile stores, and how exports' labels and shares are read into them. Pure: no
database.

Profiles store countries as ISO alpha-2 codes, genders as `female` / `male` / `other` and ages in the
buckets discovery filters on (`AGE_BUCKETS`, the same list as creators.discovery.filters; a test holds
the two together). Exports write `United States` or `us`, `Women` or `F`, `45-54` or `65-`; these
functions turn such a label into ours, or None when it has no place in our buckets (an age range that
straddles two of them, a gender we do not track). docs/import.md, "Audience", states the rules."""

import re
from decimal import Decimal, InvalidOperation

from creators.countries import country_code

AGE_BUCKETS = ("13-17", "18-24", "25-34", "35-44", "45+")
GENDERS = ("female", "male", "other")
# The part of a profile each dimension fills (AudienceProfile's JSON fields).
PARTS = ("countries", "genders", "age_buckets")

_GENDER_WORDS = {
    "female": "female", "females": "female", "f": "female", "woman": "female", "women": "female",
    "feminine": "female", "girls": "female",
    "male": "male", "males": "male", "m": "male", "man": "male", "men": "male", "masculine": "male",
    "boys": "male",
    "other": "other", "others": "other", "nonbinary": "other", "non-binary": "other", "non binary": "other",
    "diverse": "other",
}  # fmt: skip
# Bounded ranges: 18-24, 18_24, 18\u201324 (an en dash), 18 to 24; open ranges: 45+, 65-, 65 plus, 65 and over.
_RANGE_RE = re.compile(r"(\d{1,3})\s*(?:-|_|\u2013|to)\s*(\d{1,3})")
_OPEN_RE = re.compile(r"(\d{1,3})\s*(?:\+|-|\u2013|plus|and over|and older|or older)")
_CLOSED_BUCKETS = ((13, 17, "13-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"))
_OPEN_BUCKET_FROM = 45  # "45+" holds every range from 45 up: 45-54, 55-64, 65+ all add to it
_NO_SHARE = frozenset({"", "-", "—", "nan", "none", "n/a", "null"})


def gender_label(raw: object) -> str | None:
    return _GENDER_WORDS.get(str(raw).strip().lower().replace("_", " "))


def country_label(raw: object) -> str | None:
    return country_code(raw) or None


def age_bucket(raw: object) -> str | None:
    """`18-24` -> "18-24", `45-54` / `55-64` / `65+` / `65-` -> "45+"; `18-29` (two buckets) -> None."""
    text = str(raw).strip().lower().removeprefix("age").strip()
    bounded = _RANGE_RE.fullmatch(text)
    if bounded:
        low, high = int(bounded.group(1)), int(bounded.group(2))
    else:
        open_ended = _OPEN_RE.fullmatch(text)
        if not open_ended:
            return None
        low, high = int(open_ended.group(1)), 200
    if low >= _OPEN_BUCKET_FROM:
        return "45+"
    for first, last, bucket in _CLOSED_BUCKETS:
        if first <= low and high <= last:
            return bucket
    return None


LABELLERS = {"countries": country_label, "genders": gender_label, "age_buckets": age_bucket}


def parse_share(raw: object) -> tuple[Decimal, bool] | None:
    """A share as written, and whether it carried a `%` sign: `41.2%` -> (41.2, True), `41,2` -> (41.2,
    False), `0.412` -> (0.412, False); None for an empty cell. Raises ValueError for anything else.

    Whether a bare number is a percentage or a fraction is decided per dimension of a row
    (`as_percentages`), since one cell cannot tell: 0.5 may be half or half a percent."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a share")
    if isinstance(raw, int | float | Decimal):
        if raw != raw:  # NaN
            return None
        return Decimal(str(raw)), False
    text = str(raw).strip().lower()
    if text in _NO_SHARE:
        return None
    has_percent = text.endswith("%")
    text = text.rstrip("%").strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma: 41,2 (a share has no thousands)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{raw!r} is not a share (write 41.2, 41.2%, 41,2 or 0.412)") from exc
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a share")
    return value, has_percent


def as_percentages(shares: list[tuple[Decimal, bool]]) -> list[Decimal]:
    """Percentages from one dimension's shares of one row: a share with `%` is a percentage; bare numbers
    are fractions (x 100) when every bare number of the dimension is between 0 and 1, percentages otherwise."""
    bare = [value for value, has_percent in shares if not has_percent]
    are_fractions = bool(bare) and all(0 <= value <= 1 for value in bare)
    return [value * 100 if (are_fractions and not has_percent) else value for value, has_percent in shares]
