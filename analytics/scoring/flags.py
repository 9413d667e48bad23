"""The authenticity flags of scoring: engagement unusually low or high for the tier, views tiny compared
with followers, very few comments for the likes, and sudden follower spikes, each with the evidence a
brand reads and the points it takes off the score. The thresholds are editorial judgements, explained in
docs/scoring.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from analytics.scoring.followers import MAD_TO_SIGMA, follower_spikes

# engagement_low / engagement_high: log(engagement rate by views) outside the tier's log-space
# median ± 2.054 robust sigma, i.e. below its ~2nd or above its ~98th percentile if log-normal.
ENGAGEMENT_OUTLIER_Z = 2.054  # Φ⁻¹(0.98)
ENGAGEMENT_FLAG_MIN_VIEWS = 1_000  # below that, one viewer more or less moves the rate too much
ENGAGEMENT_TIER_MIN_CREATORS = 20  # fewer creators in a tier: no distribution to compare with
# views_tiny: median views under 1 % of followers (bought or inactive followers).
VIEWS_TINY_MAX_REACH = 0.01
VIEWS_TINY_MIN_FOLLOWERS = 5_000
VIEWS_TINY_MIN_VIDEOS = 3
# comments_tiny: fewer than 2 comments per 1,000 likes (bought likes).
COMMENTS_TINY_MAX_RATIO = 0.002
COMMENTS_TINY_MIN_LIKES = 1_000

FLAG_LABELS: dict[str, str] = {
    "follower_spike": "Sudden follower spike",
    "engagement_low": "Engagement unusually low for the tier",
    "engagement_high": "Engagement unusually high for the tier",
    "views_tiny": "Views tiny compared with followers",
    "comments_tiny": "Very few comments for the likes",
}
# Points subtracted from the 0-100 score per flag (then clipped to 0-100).
FLAG_PENALTIES: dict[str, float] = {
    "follower_spike": 15.0,
    "engagement_low": 10.0,
    "engagement_high": 15.0,
    "views_tiny": 10.0,
    "comments_tiny": 10.0,
}
FLAG_TABLE_COLUMNS = ("creator_id", "code", "label", "evidence", "value", "threshold")


def _flag_rows(code: str, mask: pd.Series, value: pd.Series, threshold: Any, evidence: pd.Series) -> pd.DataFrame:
    mask = mask.fillna(False).astype(bool)
    threshold_values = pd.Series(threshold, index=mask.index, dtype="float64")
    return pd.DataFrame(
        {
            "creator_id": mask.index[mask.to_numpy()],
            "code": code,
            "label": FLAG_LABELS[code],
            "evidence": evidence[mask].to_numpy(dtype=object),
            "value": value[mask].to_numpy(dtype="float64"),
            "threshold": threshold_values[mask].to_numpy(),
        }
    )


def _format_each(template: str, frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """template.format(**row) for the rows in mask only (flagged creators are few)."""
    rows = frame.loc[mask.fillna(False).astype(bool).to_numpy()]
    texts = [template.format(**row) for row in rows.to_dict("records")]
    return pd.Series(texts, index=rows.index, dtype=object).reindex(frame.index)


def tier_engagement_bounds(components: pd.DataFrame) -> pd.DataFrame:
    """Per tier: log-space median and MAD of engagement_rate_views and the low/high flag thresholds.

    Only creators with ≥ ENGAGEMENT_FLAG_MIN_VIEWS views and a positive rate count; a tier with fewer
    than ENGAGEMENT_TIER_MIN_CREATORS of them, or a MAD of 0, gets NaN thresholds (no flag)."""
    rate = components["engagement_rate_views"]
    eligible = (components["views_sum"] >= ENGAGEMENT_FLAG_MIN_VIEWS) & (rate > 0)
    log_rate = np.log(rate[eligible])
    tier = components.loc[eligible, "tier"]
    median = log_rate.groupby(tier).median()
    mad = (log_rate - median.reindex(tier).to_numpy()).abs().groupby(tier).median()
    size = log_rate.groupby(tier).size()
    usable = (size >= ENGAGEMENT_TIER_MIN_CREATORS) & (mad > 0)
    spread = ENGAGEMENT_OUTLIER_Z * MAD_TO_SIGMA * mad
    return pd.DataFrame(
        {
            "creators": size,
            "median": np.exp(median),
            "low": np.exp(median - spread).where(usable),
            "high": np.exp(median + spread).where(usable),
        }
    )


def _engagement_flags(components: pd.DataFrame) -> list[pd.DataFrame]:
    bounds = tier_engagement_bounds(components).reindex(components["tier"].to_numpy())
    bounds.index = components.index
    rate = components["engagement_rate_views"]
    enough = components["views_sum"] >= ENGAGEMENT_FLAG_MIN_VIEWS
    detail = pd.DataFrame(
        {
            "rate": rate,
            "tier": components["tier"],
            "low": bounds["low"],
            "high": bounds["high"],
            "median": bounds["median"],
        }
    )
    low = enough & (rate < bounds["low"])  # a zero rate with views is the lowest of all
    high = enough & (rate > bounds["high"])
    text = (
        "engagement rate {rate:.2%} by views is {side} the {tier} tier's usual range "
        "(tier median {median:.2%}, flag {op} {bound:.2%})"
    )
    low_text = _format_each(text, detail.assign(side="below", op="under", bound=detail["low"]), low)
    high_text = _format_each(text, detail.assign(side="above", op="over", bound=detail["high"]), high)
    return [
        _flag_rows("engagement_low", low, rate, bounds["low"], low_text),
        _flag_rows("engagement_high", high, rate, bounds["high"], high_text),
    ]


def _views_tiny_flags(components: pd.DataFrame) -> pd.DataFrame:
    mask = (
        (components["follower_count"] >= VIEWS_TINY_MIN_FOLLOWERS)
        & (components["video_count"] >= VIEWS_TINY_MIN_VIDEOS)
        & (components["reach_rate"] < VIEWS_TINY_MAX_REACH)
    )
    text = (
        "median views {median_views:,.0f} are {reach_rate:.2%} of {follower_count:,.0f} followers "
        f"(flag under {VIEWS_TINY_MAX_REACH:.0%})"
    )
    evidence = _format_each(text, components, mask)
    return _flag_rows("views_tiny", mask, components["reach_rate"], VIEWS_TINY_MAX_REACH, evidence)


def _comments_tiny_flags(components: pd.DataFrame) -> pd.DataFrame:
    mask = (components["likes_sum"] >= COMMENTS_TINY_MIN_LIKES) & (
        components["comment_like_ratio"] < COMMENTS_TINY_MAX_RATIO
    )
    text = (
        "{comments_sum:,.0f} comments for {likes_sum:,.0f} likes ({comment_like_ratio:.3%}; "
        f"flag under {COMMENTS_TINY_MAX_RATIO:.1%})"
    )
    evidence = _format_each(text, components, mask)
    return _flag_rows("comments_tiny", mask, components["comment_like_ratio"], COMMENTS_TINY_MAX_RATIO, evidence)


def _follower_spike_flags(spikes: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    spikes = spikes.loc[spikes.index.isin(index)]
    mask = spikes["is_spike"]
    detail = spikes.assign(day=spikes["captured_on"].dt.strftime("%Y-%m-%d"))
    text = (
        "+{value:,.0f} followers/day up to {day} against a typical {median:+,.0f}/day "
        "(MAD {mad:,.0f}, {increments:.0f} increments; flag over {threshold:,.0f}/day)"
    )
    evidence = _format_each(text, detail, mask)
    return _flag_rows("follower_spike", mask, spikes["value"], spikes["threshold"], evidence)


def authenticity_flags(components: pd.DataFrame, followers: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Every flag raised, one row per creator and flag: `FLAG_TABLE_COLUMNS`.

    `components` is `engagement_components`' frame (the tier distribution comes from it)."""
    return authenticity_flags_from_spikes(components, follower_spikes(followers, as_of=as_of))


def authenticity_flags_from_spikes(components: pd.DataFrame, spikes: pd.DataFrame) -> pd.DataFrame:
    parts = [
        _follower_spike_flags(spikes, components.index),
        *_engagement_flags(components),
        _views_tiny_flags(components),
        _comments_tiny_flags(components),
    ]
    table = pd.concat([part for part in parts if not part.empty] or [parts[0]], ignore_index=True)
    return table.reindex(columns=list(FLAG_TABLE_COLUMNS)).sort_values(["creator_id", "code"], ignore_index=True)


def flags_by_creator(table: pd.DataFrame, index: pd.Index) -> pd.Series:
    """One list of flag dicts {code, label, evidence, value, threshold} per creator of `index`."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in table.to_dict("records"):
        creator_id = row.pop("creator_id")
        grouped.setdefault(int(creator_id), []).append(row)
    return pd.Series([grouped.get(int(cid)) or [] for cid in index], index=index, name="flags", dtype=object)


def flag_penalty(table: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Points to subtract from each creator's score: the sum of FLAG_PENALTIES of its flags."""
    points = table["code"].map(FLAG_PENALTIES).fillna(0.0).astype("float64")
    total = points.groupby(table["creator_id"].to_numpy()).sum()
    return total.reindex(index, fill_value=0.0).rename("flag_penalty")
