"""Parse the count formats creator exports use: `78.9m`, `856.3k`, `12.3K`, `1,234`, `16.60%`."""

from decimal import Decimal, InvalidOperation

_SUFFIXES = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(raw: object) -> int | None:
    """Return the count as an int, None for an empty cell; raise ValueError for anything else."""
    if raw is None:
        return None
    text = str(raw).strip().replace(",", "").replace("_", "").lower()
    if text in ("", "nan", "none", "-"):
        return None
    multiplier = _SUFFIXES.get(text[-1], 1)
    number = text[:-1] if text[-1] in _SUFFIXES else text
    try:
        value = Decimal(number) * multiplier
    except InvalidOperation as exc:
        raise ValueError(f"not a count: {raw!r}") from exc
    if value < 0:
        raise ValueError(f"a count cannot be negative: {raw!r}")
    return int(value)


def parse_percent(raw: object) -> Decimal | None:
    """`16.60%` -> Decimal('0.166'); an empty cell -> None."""
    if raw is None:
        return None
    text = str(raw).strip().rstrip("%").strip()
    if text in ("", "nan"):
        return None
    try:
        return Decimal(text) / 100
    except InvalidOperation as exc:
        raise ValueError(f"not a percentage: {raw!r}") from exc
