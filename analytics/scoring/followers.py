"""What scoring reads from a creator's follower history: the snapshots up to `as_of`, the follower growth
over 30 and 90 days, and the largest recent gain per day measured against the creator's own baseline
(the follower spike an authenticity flag is raised on). Thresholds and sources are in docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pandas as pd

from analytics.scoring.frames import FOLLOWER_COLUMNS, ratio, require_columns, utc_day

GROWTH_DAYS = (30, 90)
# A growth "over 30 days" needs snapshots near both ends: each may be at most 14 days older than its date.
GROWTH_SNAPSHOT_MAX_AGE_DAYS = 14

MAD_TO_SIGMA = 1.4826  # 1 / Φ⁻¹(0.75): MAD x 1.4826 estimates sigma of a normal distribution
# follower_spike: a day's growth rate with an Iglewicz-Hoaglin modified z-score above 3.5 in the creator's
# own history, at least 3x its typical daily gain and at least 1,000 followers/day.
FOLLOWER_SPIKE_Z = 3.5
FOLLOWER_SPIKE_MIN_MULTIPLE = 3.0
FOLLOWER_SPIKE_MIN_GAIN_PER_DAY = 1_000.0
FOLLOWER_SPIKE_MIN_INCREMENTS = 7  # a week of daily snapshots before a creator's "normal" is known
FOLLOWER_SPIKE_LOOKBACK_DAYS = 90  # only spikes this recent are reported
FOLLOWER_SPIKE_BASELINE_DAYS = 365  # a creator's "normal" growth is its last year


def follower_history(followers: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Snapshots on or before as_of's UTC day, sorted by creator and day, one per creator and day
    (the last row given wins). `captured_on` becomes datetime64[ns], `follower_count` float64.

    Frames already sorted (ORDER BY creator_id, captured_on) skip the sort."""
    require_columns(followers, FOLLOWER_COLUMNS, "followers")
    day = pd.to_datetime(followers["captured_on"])
    if getattr(day.dt, "tz", None) is not None:
        day = day.dt.tz_convert("UTC").dt.tz_localize(None)
    days = day.to_numpy(dtype="datetime64[ns]")
    creator = followers["creator_id"].to_numpy(dtype="int64")
    count = followers["follower_count"].to_numpy(dtype="float64")
    keep = (days <= utc_day(as_of)) & ~np.isnan(count)  # NaT compares False
    creator, days, count = creator[keep], days[keep], count[keep]
    same_creator = creator[1:] == creator[:-1]
    if not (np.all(creator[1:] >= creator[:-1]) and np.all(~same_creator | (days[1:] >= days[:-1]))):
        order = np.lexsort((days, creator))  # stable: among equal days the later input row stays last
        creator, days, count = creator[order], days[order], count[order]
    last_of_day = np.ones(len(creator), dtype=bool)
    last_of_day[:-1] = (creator[1:] != creator[:-1]) | (days[1:] != days[:-1])
    return pd.DataFrame(
        {"creator_id": creator[last_of_day], "captured_on": days[last_of_day], "follower_count": count[last_of_day]}
    )


def _last_per_creator(history: pd.DataFrame) -> pd.DataFrame:
    """The last row of each creator in a `follower_history` frame, indexed by creator_id."""
    creator = history["creator_id"].to_numpy()
    is_last = np.ones(len(creator), dtype=bool)
    is_last[:-1] = creator[1:] != creator[:-1]
    return history.loc[is_last].set_index("creator_id")


def growth_from_history(history: pd.DataFrame, as_of_day: np.datetime64, days: Iterable[int]) -> pd.DataFrame:
    max_age = np.timedelta64(GROWTH_SNAPSHOT_MAX_AGE_DAYS, "D")
    latest = _last_per_creator(history)
    latest = latest.loc[latest["captured_on"].to_numpy() >= as_of_day - max_age]  # a stale "now" is no now
    result = pd.DataFrame(index=latest.index)
    for period in days:
        target = as_of_day - np.timedelta64(int(period), "D")
        captured = history["captured_on"].to_numpy()
        base = _last_per_creator(history.loc[(captured <= target) & (captured >= target - max_age)])
        base = base.reindex(latest.index)
        growth = ratio(latest["follower_count"] - base["follower_count"], base["follower_count"])
        result[f"follower_growth_{int(period)}d"] = growth.where(latest["captured_on"] > base["captured_on"])
    return result


def follower_growth(followers: pd.DataFrame, *, as_of: datetime, days: Iterable[int] = GROWTH_DAYS) -> pd.DataFrame:
    """Relative follower change over each period, columns follower_growth_<d>d, indexed by creator_id.

    growth = (now - then) / then, where "now" is the latest snapshot on or before as_of and "then" the
    latest on or before as_of - d days; each at most GROWTH_SNAPSHOT_MAX_AGE_DAYS older than its date.
    NaN when there is no such snapshot (history too short or gappy), when "then" shows 0 followers,
    or when both are the same snapshot."""
    return growth_from_history(follower_history(followers, as_of=as_of), utc_day(as_of), days)


def _follower_steps(history: pd.DataFrame, as_of_day: np.datetime64) -> pd.DataFrame:
    """Snapshot-over-snapshot gains per day within the baseline period, with group codes."""
    creator = history["creator_id"].to_numpy()
    days = history["captured_on"].to_numpy()
    count = history["follower_count"].to_numpy()
    same = creator[1:] == creator[:-1]
    same &= days[:-1] >= as_of_day - np.timedelta64(FOLLOWER_SPIKE_BASELINE_DAYS, "D")
    # One snapshot per creator and day, so a step within a creator spans at least one day.
    elapsed_days = ((days[1:] - days[:-1])[same]) / np.timedelta64(1, "D")
    step_creator = creator[1:][same]
    starts = np.ones(len(step_creator), dtype=bool)
    starts[1:] = step_creator[1:] != step_creator[:-1]
    return pd.DataFrame(
        {
            "code": np.cumsum(starts) - 1,  # 0, 1, 2 … per creator, in creator order
            "creator_id": step_creator,
            "captured_on": days[1:][same],
            "rate": (count[1:] - count[:-1])[same] / elapsed_days,  # followers gained per day
        }
    )


def spikes_from_history(history: pd.DataFrame, as_of_day: np.datetime64) -> pd.DataFrame:
    steps = _follower_steps(history, as_of_day)
    code = steps["code"].to_numpy()
    rate = steps["rate"].to_numpy()
    median = pd.Series(rate).groupby(code).median().to_numpy()  # codes are 0..n-1 in order
    mad = pd.Series(np.abs(rate - median[code])).groupby(code).median().to_numpy()
    increments = np.bincount(code, minlength=len(median))
    recent = steps["captured_on"].to_numpy() > as_of_day - np.timedelta64(FOLLOWER_SPIKE_LOOKBACK_DAYS, "D")
    peak_rate = pd.Series(rate[recent]).groupby(code[recent]).max()
    at_peak = recent & (rate == peak_rate.reindex(code).to_numpy())
    peak = steps.loc[at_peak].drop_duplicates("code", keep="last")  # the latest day of the peak
    peak_code = peak["code"].to_numpy()
    result = pd.DataFrame(
        {
            "value": peak["rate"].to_numpy(),
            "captured_on": peak["captured_on"].to_numpy(),
            "median": median[peak_code],
            "mad": mad[peak_code],
            "increments": increments[peak_code],
        },
        index=pd.Index(peak["creator_id"].to_numpy(), name="creator_id"),
    )
    result["threshold"] = np.maximum.reduce(
        [
            (result["median"] + FOLLOWER_SPIKE_Z * MAD_TO_SIGMA * result["mad"]).to_numpy(),
            (FOLLOWER_SPIKE_MIN_MULTIPLE * result["median"]).to_numpy(),
            np.full(len(result), FOLLOWER_SPIKE_MIN_GAIN_PER_DAY),
        ]
    )
    enough = result["increments"] >= FOLLOWER_SPIKE_MIN_INCREMENTS
    result["is_spike"] = enough & (result["value"] > result["threshold"])
    return result


def follower_spikes(followers: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Per creator with follower history, its largest recent gain per day against its own baseline.

    Index creator_id; columns value (followers/day of the largest gain in the last
    FOLLOWER_SPIKE_LOOKBACK_DAYS), captured_on (the snapshot that ends it), median and mad of the
    creator's gains per day over FOLLOWER_SPIKE_BASELINE_DAYS, increments (their number), threshold =
    max(median + FOLLOWER_SPIKE_Z x 1.4826 x MAD, FOLLOWER_SPIKE_MIN_MULTIPLE x median,
    FOLLOWER_SPIKE_MIN_GAIN_PER_DAY), is_spike (value > threshold with enough increments)."""
    return spikes_from_history(follower_history(followers, as_of=as_of), utc_day(as_of))
