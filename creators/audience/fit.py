"""Audience fit: how much of a creator's audience is the audience a brand wants, 0-100.

Plain Python over the shares of an AudienceProfile, so campaigns can rank recommendations by it and
analytics can show it; the formula is documented in docs/scoring.md ("Audience fit")."""

import math
import numbers
from collections.abc import Mapping
from typing import Any

AUDIENCE_FIT_DIMENSIONS = ("age_buckets", "genders", "countries", "cities")


def _shares(raw: Mapping[str, Any] | None) -> dict[str, float]:
    shares: dict[str, float] = {}
    for key, value in (raw or {}).items():
        number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
        if math.isfinite(number):
            shares[str(key).strip().casefold()] = min(max(number, 0.0), 100.0)
    return shares


def _dimension_fit(shares: Mapping[str, float], wanted: Any, dimension: str) -> float | None:
    if isinstance(wanted, Mapping):
        desired: dict[str, float] = {}
        for key, value in wanted.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= float(value) <= 100:
                raise ValueError(f"Target {dimension}: the share of {key!r} must be 0 to 100, got {value!r}.")
            if float(value) > 0:
                desired[str(key).strip().casefold()] = float(value)
        total = sum(desired.values())
        if total <= 0:
            return None
        overlap = sum(min(shares.get(key, 0.0), share) for key, share in desired.items())
        return 100.0 * overlap / total
    keys = {wanted} if isinstance(wanted, str) else set(wanted)
    if not keys:
        return None
    return min(100.0, sum(shares.get(str(key).strip().casefold(), 0.0) for key in keys))


def audience_fit(audience: Mapping[str, Any] | None, target: Mapping[str, Any]) -> float | None:
    """How well an audience matches a target, 0-100, or None when nothing can be compared.

    For each dimension of AUDIENCE_FIT_DIMENSIONS the target specifies (and the audience knows):
    - target shares {key: %}: 100 x Σ min(audience %, target %) / Σ target % — the part of the wanted
      distribution the audience covers (a target summing to less than 100 reads "at least");
    - target keys (a set or list): the audience % in those keys, at most 100.
    The fit is the mean over those dimensions. Keys compare case-insensitively."""
    unknown = sorted(set(target) - set(AUDIENCE_FIT_DIMENSIONS))
    if unknown:
        raise ValueError(f"Unknown audience dimension(s): {', '.join(map(str, unknown))}.")
    fits: list[float] = []
    for dimension in AUDIENCE_FIT_DIMENSIONS:
        wanted = target.get(dimension)
        shares = _shares((audience or {}).get(dimension))
        if not wanted or not shares:
            continue  # not asked for, or unknown for this creator: neither a match nor a miss
        fit = _dimension_fit(shares, wanted, dimension)
        if fit is not None:
            fits.append(fit)
    return sum(fits) / len(fits) if fits else None
