"""Audience shares: label -> percent, each mapping summing to at most 100 (the rest is unknown)."""

from collections.abc import Mapping

from creators.errors import CreatorError, CreatorErrorCode

AUDIENCE_FIELDS = ("age_buckets", "genders", "countries", "cities")
# The most a part's shares may add up to: 100 %, with room for the float rounding of shares that make 100.
MAX_SHARE_SUM = 100.0001


def validate_audience(audience: Mapping[str, Mapping[str, object]]) -> dict[str, dict[str, float]]:
    """Return the audience with float shares, or raise CreatorError naming every bad field."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, dict[str, float]] = {}
    for name in AUDIENCE_FIELDS:
        shares = audience.get(name) or {}
        values: dict[str, float] = {}
        for label, raw in shares.items():
            try:
                if isinstance(raw, bool):  # float(True) == 1.0: a JSON true is not a share
                    raise TypeError
                value = float(raw)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                errors.setdefault(name, []).append(f"{label}: {raw!r} is not a number.")
                continue
            if not 0 <= value <= 100:
                errors.setdefault(name, []).append(f"{label}: {value} is outside 0 to 100 %.")
            values[str(label)] = value
        if sum(values.values()) > MAX_SHARE_SUM:
            errors.setdefault(name, []).append(f"shares add up to {sum(values.values()):.1f} %, more than 100 %.")
        clean[name] = values
    unknown = set(audience) - set(AUDIENCE_FIELDS)
    if unknown:
        errors["audience"] = [f"unknown parts: {', '.join(sorted(unknown))}"]
    if errors:
        raise CreatorError("The audience profile is not valid.", code=CreatorErrorCode.INVALID, fields=errors)
    return clean
