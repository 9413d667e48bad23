"""The scoring computation (analytics.scoring) on small hand-built frames: every expected value is worked
out from the formula in docs/scoring.md, never copied from the code's output. No database."""

import json
import math
import zoneinfo
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics.scoring.brand_safety_terms import BRAND_SAFETY_COLUMNS, brand_safety_hits
from analytics.scoring.composite import (
    DEFAULT_OBJECTIVE_WEIGHTS,
    composite_score,
    objective_weights,
    tier_medians,
    tier_percentiles,
    validate_weights,
)
from analytics.scoring.engagement import engagement_components
from analytics.scoring.engine import score_creators
from analytics.scoring.flags import COMMENTS_TINY_MAX_RATIO, FLAG_PENALTIES, VIEWS_TINY_MAX_REACH, authenticity_flags
from analytics.scoring.followers import FOLLOWER_SPIKE_MIN_GAIN_PER_DAY, follower_growth, follower_spikes
from analytics.scoring.frames import UNKNOWN_TIER, VIDEO_COLUMNS
from analytics.scoring.recent_videos import is_sponsored, select_recent_videos
from creators.audience.fit import audience_fit
from creators.disclosure import DISCLOSURE_TAGS

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
AS_OF_DAY = pd.Timestamp("2025-06-01")


# --- Frame builders ------------------------------------------------------------------------------


def make_videos(*rows: dict) -> pd.DataFrame:
    """Videos with the contract's dtypes; each row needs creator_id, views, likes; days_ago defaults to 1."""
    records = []
    for number, row in enumerate(rows, start=1):
        row = dict(row)
        days_ago = row.pop("days_ago", 1)
        records.append(
            {
                "creator_id": row.pop("creator_id"),
                "video_id": row.pop("video_id", number),
                "posted_at": pd.NaT if days_ago is None else pd.Timestamp(AS_OF) - pd.Timedelta(days=days_ago),
                "views": row.pop("views"),
                "likes": row.pop("likes"),
                "comments": row.pop("comments", 0),
                "shares": row.pop("shares", 0),
                "saves": row.pop("saves", np.nan),
                "completion_rate": row.pop("completion_rate", np.nan),
                "is_paid_partnership": row.pop("paid", False),
                "caption": row.pop("caption", ""),
                "hashtags": row.pop("hashtags", ""),
            }
        )
        assert not row, f"unknown video fields {row}"
    frame = pd.DataFrame(records, columns=list(VIDEO_COLUMNS))
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True).astype("datetime64[ns, UTC]")
    return frame.astype(
        {
            "creator_id": "int64",
            "video_id": "int64",
            "views": "int64",
            "likes": "int64",
            "comments": "int64",
            "shares": "int64",
            "saves": "float64",
            "completion_rate": "float64",
            "is_paid_partnership": "bool",
            "caption": "object",
            "hashtags": "object",
        }
    )


def make_creators(*rows: tuple[int, int, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["creator_id", "follower_count", "tier"])
    return frame.astype({"creator_id": "int64", "follower_count": "int64", "tier": "object"})


def make_followers(*rows: tuple[int, int, int]) -> pd.DataFrame:
    """(creator_id, days before as_of's day, follower_count)."""
    frame = pd.DataFrame(
        [(cid, AS_OF_DAY - pd.Timedelta(days=days_ago), count) for cid, days_ago, count in rows],
        columns=["creator_id", "captured_on", "follower_count"],
    )
    return frame.astype({"creator_id": "int64", "captured_on": "datetime64[ns]", "follower_count": "int64"})


def score(videos: pd.DataFrame, creators: pd.DataFrame, followers: pd.DataFrame | None = None, **kwargs):
    options = {"window_days": 30, "max_videos": 30, **kwargs}
    return score_creators(
        videos=videos,
        creators=creators,
        followers=make_followers() if followers is None else followers,
        as_of=AS_OF,
        **options,
    )


def pct(below: int, equal: int, n: int) -> float:
    """Mid-rank percentile: 100 x (below + equal / 2) / n."""
    return 100.0 * (below + 0.5 * equal) / n


# --- Engagement components -----------------------------------------------------------------------


def test_engagement_rate_by_views_sums_interactions_over_summed_views():
    videos = make_videos(
        {"creator_id": 1, "views": 100, "likes": 10, "comments": 2, "shares": 1, "saves": 5.0},
        {"creator_id": 1, "views": 300, "likes": 20, "comments": 4, "shares": 3},  # saves unknown: counted as 0
    )
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert row["engagement_rate_views"] == pytest.approx(((10 + 2 + 1 + 5) + (20 + 4 + 3 + 0)) / (100 + 300))
    assert row["engagement_rate_followers"] == pytest.approx(((10 + 2 + 1 + 5) + (20 + 4 + 3)) / 2 / 1_000)


def test_per_view_rates_and_comment_depth():
    videos = make_videos(
        {"creator_id": 1, "views": 100, "likes": 10, "comments": 2, "shares": 1, "saves": 5.0},
        {"creator_id": 1, "views": 300, "likes": 20, "comments": 4, "shares": 3},
    )
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert row["comment_rate"] == pytest.approx((2 + 4) / (100 + 300))
    assert row["share_rate"] == pytest.approx((1 + 3) / (100 + 300))
    assert row["save_rate"] == pytest.approx(5 / 100)  # only the video whose saves are known
    assert row["comment_like_ratio"] == pytest.approx((2 + 4) / (10 + 20))


def test_completion_rate_is_the_mean_of_known_values():
    videos = make_videos(
        {"creator_id": 1, "views": 10, "likes": 1, "completion_rate": 0.5},
        {"creator_id": 1, "views": 10, "likes": 1},
        {"creator_id": 1, "views": 10, "likes": 1, "completion_rate": 0.7},
    )
    assert score(videos, make_creators((1, 100, "nano"))).loc[1, "completion_rate"] == pytest.approx((0.5 + 0.7) / 2)


def test_reach_rate_is_median_views_over_followers():
    videos = make_videos(
        {"creator_id": 1, "views": 100, "likes": 1},
        {"creator_id": 1, "views": 300, "likes": 1},
        {"creator_id": 1, "views": 200, "likes": 1},
    )
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert row["median_views"] == 200
    assert row["reach_rate"] == pytest.approx(200 / 1_000)


def test_consistency_is_the_sample_coefficient_of_variation_of_views():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 1}, {"creator_id": 1, "views": 300, "likes": 1})
    mean = (100 + 300) / 2
    sample_std = math.sqrt(((100 - mean) ** 2 + (300 - mean) ** 2) / (2 - 1))
    assert score(videos, make_creators((1, 1_000, "nano"))).loc[1, "views_cv"] == pytest.approx(sample_std / mean)


def test_one_video_leaves_consistency_undefined():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 1})
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert row["video_count"] == 1
    assert math.isnan(row["views_cv"])
    assert row["engagement_rate_views"] == pytest.approx(1 / 100)


def test_window_excludes_old_future_and_undated_videos():
    videos = make_videos(
        {"creator_id": 1, "views": 100, "likes": 10, "days_ago": 29},
        {"creator_id": 1, "views": 100, "likes": 50, "days_ago": 31},  # before the 30-day window
        {"creator_id": 1, "views": 100, "likes": 50, "days_ago": -1},  # after as_of
        {"creator_id": 1, "views": 100, "likes": 50, "days_ago": None},  # NaT
    )
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert row["video_count"] == 1
    assert row["engagement_rate_views"] == pytest.approx(10 / 100)


def test_max_videos_keeps_the_most_recent_but_cadence_counts_the_whole_window():
    videos = make_videos(
        {"creator_id": 1, "video_id": 11, "views": 100, "likes": 1, "days_ago": 1},
        {"creator_id": 1, "video_id": 12, "views": 100, "likes": 2, "days_ago": 2},
        {"creator_id": 1, "video_id": 13, "views": 100, "likes": 90, "days_ago": 10},
    )
    recent = select_recent_videos(videos, as_of=AS_OF, window_days=14, max_videos=2)
    assert sorted(recent["video_id"]) == [11, 12]
    row = score(videos, make_creators((1, 1_000, "nano")), window_days=14, max_videos=2).loc[1]
    assert row["video_count"] == 2
    assert row["posts_in_window"] == 3
    assert row["engagement_rate_views"] == pytest.approx((1 + 2) / (100 + 100))
    assert row["cadence_per_week"] == pytest.approx(3 / (14 / 7))


def test_zero_views_give_nan_rates_not_inf():
    videos = make_videos({"creator_id": 1, "views": 0, "likes": 0}, {"creator_id": 1, "views": 0, "likes": 0})
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    for column in ("engagement_rate_views", "comment_rate", "share_rate", "views_cv", "comment_like_ratio"):
        assert math.isnan(row[column]), column
    assert row["reach_rate"] == 0.0  # median views 0 of 1,000 followers is a real, terrible reach


def test_zero_followers_give_nan_follower_rates():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10})
    row = score(videos, make_creators((1, 0, "nano"))).loc[1]
    assert math.isnan(row["engagement_rate_followers"])
    assert math.isnan(row["reach_rate"])
    assert row["engagement_rate_views"] == pytest.approx(10 / 100)


def test_missing_saves_leave_save_rate_nan_and_count_as_zero_interactions():
    videos = make_videos({"creator_id": 1, "views": 200, "likes": 10, "comments": 4, "shares": 2})
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert math.isnan(row["save_rate"])
    assert row["engagement_rate_views"] == pytest.approx((10 + 4 + 2) / 200)


def test_creator_without_videos_gets_a_row_with_nan_metrics_and_no_score():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10})
    result = score(videos, make_creators((1, 1_000, "nano"), (2, 5_000, "nano")))
    assert list(result.index) == [1, 2]
    row = result.loc[2]
    assert row["video_count"] == 0
    assert row["cadence_per_week"] == 0.0
    assert math.isnan(row["engagement_rate_views"])
    assert math.isnan(row["score"])
    assert all(math.isnan(row[f"score_{name}"]) for name in DEFAULT_OBJECTIVE_WEIGHTS)
    assert row["flags"] == []


def test_all_nan_optional_columns_leave_their_components_nan():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10}, {"creator_id": 1, "views": 50, "likes": 5})
    row = score(videos, make_creators((1, 1_000, "nano"))).loc[1]
    assert math.isnan(row["completion_rate"])
    assert math.isnan(row["save_rate"])
    assert math.isnan(row["follower_growth_30d"])


def test_empty_frames_give_one_nan_row_per_creator():
    result = score(make_videos(), make_creators((1, 1_000, "nano"), (2, 20_000, "micro")))
    assert list(result.index) == [1, 2]
    assert result["video_count"].tolist() == [0, 0]
    assert result["score"].isna().all()
    assert result["flags"].tolist() == [[], []]


def test_no_creators_give_an_empty_frame_with_every_column():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10})
    result = score(videos, make_creators())
    assert result.empty
    assert {"score", "flags", "pct_engagement_rate_views", "score_awareness"} <= set(result.columns)


def test_videos_of_creators_not_asked_for_are_ignored():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10}, {"creator_id": 9, "views": 100, "likes": 90})
    result = score(videos, make_creators((1, 1_000, "nano")))
    assert list(result.index) == [1]


def test_engagement_components_work_without_score_creators():
    videos = make_videos({"creator_id": 3, "views": 400, "likes": 30, "comments": 6, "shares": 4})
    components = engagement_components(videos, make_creators((3, 2_000, "nano")))
    assert components.loc[3, "engagement_rate_views"] == pytest.approx((30 + 6 + 4) / 400)
    assert components.loc[3, "engagement_rate_followers"] == pytest.approx((30 + 6 + 4) / 1 / 2_000)


# --- Sponsored vs organic ------------------------------------------------------------------------


@pytest.mark.parametrize("tag", DISCLOSURE_TAGS)
def test_each_disclosure_tag_marks_a_video_sponsored_in_caption_or_hashtags(tag):
    videos = make_videos(
        {"creator_id": 1, "views": 1, "likes": 0, "caption": f"Loving this #{tag.upper()}!"},
        {"creator_id": 1, "views": 1, "likes": 0, "hashtags": f"fyp {tag} skincare"},
    )
    assert is_sponsored(videos).tolist() == [True, True]


def test_paid_partnership_flag_marks_a_video_sponsored():
    videos = make_videos({"creator_id": 1, "views": 1, "likes": 0, "paid": True, "caption": "just a vlog"})
    assert is_sponsored(videos).tolist() == [True]


def test_words_that_only_contain_a_disclosure_tag_are_organic():
    videos = make_videos(
        {"creator_id": 1, "views": 1, "likes": 0, "caption": "#adventure time with my partner"},
        {"creator_id": 1, "views": 1, "likes": 0, "hashtags": "adidas giftedkid"},
        {"creator_id": 1, "views": 1, "likes": 0, "caption": "ad without a hash"},
    )
    assert is_sponsored(videos).tolist() == [False, False, False]


def test_sponsored_and_organic_medians_rates_and_ratios():
    videos = make_videos(
        {"creator_id": 1, "views": 100, "likes": 5, "paid": True},
        {"creator_id": 1, "views": 300, "likes": 7, "hashtags": "ad"},
        {"creator_id": 1, "views": 400, "likes": 40},
        {"creator_id": 1, "views": 600, "likes": 30},
        {"creator_id": 1, "views": 800, "likes": 50},
    )
    row = score(videos, make_creators((1, 10_000, "micro"))).loc[1]
    assert row["sponsored_video_count"] == 2
    assert row["organic_video_count"] == 3
    assert row["sponsored_median_views"] == (100 + 300) / 2
    assert row["organic_median_views"] == 600
    assert row["sponsored_views_ratio"] == pytest.approx(200 / 600)
    sponsored_rate = (5 + 7) / (100 + 300)
    organic_rate = (40 + 30 + 50) / (400 + 600 + 800)
    assert row["sponsored_engagement_rate"] == pytest.approx(sponsored_rate)
    assert row["organic_engagement_rate"] == pytest.approx(organic_rate)
    assert row["sponsored_engagement_ratio"] == pytest.approx(sponsored_rate / organic_rate)


def test_sponsored_ratios_are_nan_when_one_side_is_empty():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 5}, {"creator_id": 1, "views": 300, "likes": 7})
    row = score(videos, make_creators((1, 10_000, "micro"))).loc[1]
    assert row["sponsored_video_count"] == 0
    assert math.isnan(row["sponsored_views_ratio"])
    assert math.isnan(row["sponsored_engagement_ratio"])


# --- Follower growth -----------------------------------------------------------------------------


def test_follower_growth_compares_the_latest_snapshot_with_the_one_on_or_before_each_period():
    followers = make_followers((1, 0, 1_200), (1, 30, 1_000), (1, 31, 900), (1, 95, 800))
    growth = follower_growth(followers, as_of=AS_OF).loc[1]
    assert growth["follower_growth_30d"] == pytest.approx((1_200 - 1_000) / 1_000)
    assert growth["follower_growth_90d"] == pytest.approx((1_200 - 800) / 800)  # 5 days before the 90-day mark


def test_follower_growth_is_nan_when_history_is_too_short_or_too_gappy():
    followers = make_followers(
        (1, 0, 1_200), (1, 10, 1_100),  # nothing 30 days old
        (2, 0, 1_200), (2, 60, 1_000),  # 60 days old: too far from the 30-day mark to stand for it
        (3, 0, 1_200), (3, 30, 0),  # growth from zero followers is undefined
    )  # fmt: skip
    growth = follower_growth(followers, as_of=AS_OF)
    assert growth["follower_growth_30d"].isna().all()


def test_follower_growth_needs_a_newer_snapshot_than_its_base():
    # Over 7 days, the latest snapshot (10 days old) is also the base: no change can be measured.
    followers = make_followers((1, 10, 1_100), (1, 40, 1_000))
    assert math.isnan(follower_growth(followers, as_of=AS_OF, days=(7,)).loc[1, "follower_growth_7d"])


def test_follower_snapshots_after_as_of_are_ignored():
    followers = make_followers((1, -5, 9_999), (1, 0, 1_100), (1, 30, 1_000))
    assert follower_growth(followers, as_of=AS_OF).loc[1, "follower_growth_30d"] == pytest.approx(100 / 1_000)


# --- Authenticity flags --------------------------------------------------------------------------


def daily_history(creator_id: int, *, days: int = 60, spike_days_ago: int | None = None, spike: int = 0):
    """Gains alternate 90 and 110 followers a day (median 100); one day may gain `spike` instead."""
    rows, count = [], 10_000
    for days_ago in range(days, -1, -1):
        if days_ago < days:
            count += spike if days_ago == spike_days_ago else (90 if days_ago % 2 else 110)
        rows.append((creator_id, days_ago, count))
    return rows


def test_follower_spike_fires_on_a_planted_jump_and_not_on_steady_growth():
    followers = make_followers(*daily_history(1, spike_days_ago=10, spike=5_000), *daily_history(2))
    spikes = follower_spikes(followers, as_of=AS_OF)
    # A typical gain of ~100/day with a MAD of ~10 puts median + 3.5 x 1.4826 x MAD near 150 and 3 x median
    # near 300, so the absolute floor of 1,000/day is the threshold.
    assert spikes.loc[1, "value"] == 5_000
    assert spikes.loc[1, "threshold"] == FOLLOWER_SPIKE_MIN_GAIN_PER_DAY
    assert spikes.loc[1, "captured_on"] == AS_OF_DAY - pd.Timedelta(days=10)
    assert bool(spikes.loc[1, "is_spike"]) is True
    assert bool(spikes.loc[2, "is_spike"]) is False


def test_follower_spike_needs_enough_history():
    followers = make_followers(*daily_history(1, days=5, spike_days_ago=2, spike=50_000))
    assert bool(follower_spikes(followers, as_of=AS_OF).loc[1, "is_spike"]) is False


def test_follower_spike_needs_a_minimum_absolute_gain():
    # 900 a day is 9x the usual 100 but below the 1,000/day floor.
    followers = make_followers(*daily_history(1, spike_days_ago=10, spike=900))
    assert bool(follower_spikes(followers, as_of=AS_OF).loc[1, "is_spike"]) is False


def test_follower_spike_appears_in_score_flags_with_evidence():
    followers = make_followers(*daily_history(1, spike_days_ago=10, spike=5_000), *daily_history(2))
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10}, {"creator_id": 2, "views": 100, "likes": 10})
    result = score(videos, make_creators((1, 15_000, "micro"), (2, 15_000, "micro")), followers)
    (flag,) = result.loc[1, "flags"]
    assert set(flag) == {"code", "label", "evidence", "value", "threshold"}
    assert flag["code"] == "follower_spike"
    assert "+5,000 followers/day" in flag["evidence"]
    assert flag["threshold"] == FOLLOWER_SPIKE_MIN_GAIN_PER_DAY
    assert json.loads(json.dumps(result.loc[1, "flags"])) == result.loc[1, "flags"]  # storable as JSON
    assert result.loc[2, "flags"] == []


def tier_population(count: int = 30) -> list[dict]:
    """`count` micro creators with engagement rates evenly spread over 4 %-6 % of 10,000 views."""
    rows = []
    for number in range(count):
        likes = 400 + round(200 * number / (count - 1))
        rows.append({"creator_id": 100 + number, "views": 10_000, "likes": likes, "comments": likes // 10})
    return rows


def test_engagement_flags_fire_on_outliers_of_the_tier_only():
    population = tier_population()
    planted = [
        {"creator_id": 1, "views": 10_000, "likes": 10, "comments": 1},  # 0.11 %
        {"creator_id": 2, "views": 10_000, "likes": 6_000, "comments": 600},  # 66 %
    ]
    videos = make_videos(*population, *planted)
    creators = make_creators(*((row["creator_id"], 50_000, "micro") for row in population + planted))
    flags = authenticity_flags(engagement_components(videos, creators), make_followers(), as_of=AS_OF)
    assert set(flags.loc[flags["creator_id"] == 1, "code"]) == {"engagement_low"}
    assert set(flags.loc[flags["creator_id"] == 2, "code"]) == {"engagement_high"}
    assert not flags["creator_id"].isin([row["creator_id"] for row in population]).any()
    low = flags.loc[flags["creator_id"] == 1].iloc[0]
    assert low["value"] == pytest.approx((10 + 1) / 10_000)
    assert low["value"] < low["threshold"] < (400 + 40) / 10_000  # under the lowest normal creator's rate


def test_engagement_flags_need_a_large_enough_tier():
    population = tier_population(count=10)
    planted = {"creator_id": 1, "views": 10_000, "likes": 10, "comments": 1}
    videos = make_videos(*population, planted)
    creators = make_creators(*((row["creator_id"], 50_000, "micro") for row in [*population, planted]))
    flags = authenticity_flags(engagement_components(videos, creators), make_followers(), as_of=AS_OF)
    assert flags.empty


def test_views_tiny_fires_when_median_views_are_under_one_percent_of_followers():
    videos = make_videos(
        *({"creator_id": 1, "views": views, "likes": 40, "comments": 4} for views in (400, 500, 600)),
        *({"creator_id": 2, "views": views, "likes": 400, "comments": 40} for views in (4_000, 5_000, 6_000)),
        *({"creator_id": 3, "views": views, "likes": 4, "comments": 1} for views in (10, 20, 30)),
    )
    creators = make_creators((1, 100_000, "macro"), (2, 100_000, "macro"), (3, 4_000, "nano"))
    flags = authenticity_flags(engagement_components(videos, creators), make_followers(), as_of=AS_OF)
    assert flags["creator_id"].tolist() == [1]  # 2 reaches 5 %; 3 has too few followers to judge
    assert flags.loc[0, "code"] == "views_tiny"
    assert flags.loc[0, "value"] == pytest.approx(500 / 100_000)
    assert flags.loc[0, "threshold"] == VIEWS_TINY_MAX_REACH


def test_comments_tiny_fires_when_comments_are_under_two_per_thousand_likes():
    videos = make_videos(
        {"creator_id": 1, "views": 100_000, "likes": 10_000, "comments": 10},
        {"creator_id": 2, "views": 100_000, "likes": 10_000, "comments": 50},
        {"creator_id": 3, "views": 10_000, "likes": 900, "comments": 0},  # too few likes to judge
    )
    creators = make_creators((1, 20_000, "micro"), (2, 20_000, "micro"), (3, 20_000, "micro"))
    flags = authenticity_flags(engagement_components(videos, creators), make_followers(), as_of=AS_OF)
    assert flags["creator_id"].tolist() == [1]
    assert flags.loc[0, "code"] == "comments_tiny"
    assert flags.loc[0, "value"] == pytest.approx(10 / 10_000)
    assert flags.loc[0, "threshold"] == COMMENTS_TINY_MAX_RATIO
    assert "10 comments for 10,000 likes" in flags.loc[0, "evidence"]


# --- Percentiles, tier medians, composite scores -------------------------------------------------


def test_tier_percentiles_are_mid_ranks_within_each_tier():
    components = pd.DataFrame(
        {
            "tier": ["micro", "micro", "micro", "micro", "nano", "nano"],
            "engagement_rate_views": [0.01, 0.02, 0.02, 0.03, 0.5, np.nan],
            "views_cv": [0.1, 0.5, np.nan, np.nan, 0.3, 0.3],
        },
        index=pd.Index([1, 2, 3, 4, 5, 6], name="creator_id"),
    )
    percentiles = tier_percentiles(components)
    assert percentiles["engagement_rate_views"].tolist()[:5] == pytest.approx(
        [pct(0, 1, 4), pct(1, 2, 4), pct(1, 2, 4), pct(3, 1, 4), pct(0, 1, 1)]
    )
    assert math.isnan(percentiles.loc[6, "engagement_rate_views"])
    # Lower is better for the coefficient of variation: the percentile is inverted.
    assert percentiles.loc[1, "views_cv"] == pytest.approx(100 - pct(0, 1, 2))
    assert percentiles.loc[2, "views_cv"] == pytest.approx(100 - pct(1, 1, 2))
    assert percentiles.loc[5, "views_cv"] == pytest.approx(pct(0, 2, 2))


def test_categorical_and_missing_tiers_are_ranked_like_plain_strings():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 1}, {"creator_id": 2, "views": 100, "likes": 3})
    creators = make_creators((1, 1_000, "nano"), (2, 1_000, "nano"), (3, 1_000, "nano"))
    creators["tier"] = pd.Series(["nano", "nano", None], dtype="category")
    result = score(videos, creators)
    assert result["tier"].tolist() == ["nano", "nano", UNKNOWN_TIER]
    assert result["pct_engagement_rate_views"].tolist()[:2] == pytest.approx([pct(0, 1, 2), pct(1, 1, 2)])


def test_tier_medians_give_each_components_median_per_tier():
    components = pd.DataFrame(
        {"tier": ["micro", "micro", "micro", "nano"], "engagement_rate_views": [0.01, 0.05, 0.03, 0.2]}
    )
    medians = tier_medians(components)
    assert medians.loc["micro", "engagement_rate_views"] == pytest.approx(0.03)
    assert medians.loc["nano", "engagement_rate_views"] == pytest.approx(0.2)


def test_composite_score_is_a_weighted_mean_of_percentiles():
    percentiles = pd.DataFrame({"engagement_rate_views": [80.0], "save_rate": [20.0]})
    result = composite_score(percentiles, {"engagement_rate_views": 3, "save_rate": 1})
    assert result.iloc[0] == pytest.approx((3 * 80 + 1 * 20) / (3 + 1))


def test_composite_score_skips_missing_components_and_renormalises():
    percentiles = pd.DataFrame({"engagement_rate_views": [80.0, np.nan], "save_rate": [np.nan, np.nan]})
    result = composite_score(percentiles, {"engagement_rate_views": 1, "save_rate": 3})
    assert result.iloc[0] == pytest.approx(80.0)
    assert math.isnan(result.iloc[1])


def test_composite_score_ignores_components_weighted_zero():
    percentiles = pd.DataFrame({"engagement_rate_views": [np.nan], "save_rate": [50.0]})
    assert math.isnan(composite_score(percentiles, {"engagement_rate_views": 1, "save_rate": 0}).iloc[0])


def three_micro_creators() -> pd.DataFrame:
    """Engagement rates 2 %, 5 %, 10 %; view CVs 0, 0.71, 1.27 (every creator has 2,000 views over two videos)."""
    return make_videos(
        {"creator_id": 1, "views": 1_000, "likes": 20},
        {"creator_id": 1, "views": 1_000, "likes": 20},
        {"creator_id": 2, "views": 500, "likes": 25},
        {"creator_id": 2, "views": 1_500, "likes": 75},
        {"creator_id": 3, "views": 100, "likes": 10},
        {"creator_id": 3, "views": 1_900, "likes": 190},
    )


def test_score_is_the_weighted_mean_of_tier_percentiles_for_the_objective():
    creators = make_creators((1, 10_000, "micro"), (2, 10_000, "micro"), (3, 10_000, "micro"))
    weights = {"consideration": {"engagement_rate_views": 3.0, "views_cv": 1.0}}
    result = score(three_micro_creators(), creators, weights=weights)
    engagement = [pct(0, 1, 3), pct(1, 1, 3), pct(2, 1, 3)]
    steadiness = [100 - pct(0, 1, 3), 100 - pct(1, 1, 3), 100 - pct(2, 1, 3)]  # creator 1 is the steadiest
    assert result["pct_engagement_rate_views"].tolist() == pytest.approx(engagement)
    assert result["pct_views_cv"].tolist() == pytest.approx(steadiness)
    expected = [(3 * e + 1 * s) / 4 for e, s in zip(engagement, steadiness, strict=True)]
    assert result["score"].tolist() == pytest.approx(expected)
    assert result["score_consideration"].tolist() == pytest.approx(expected)


def test_flag_penalty_is_subtracted_from_the_score():
    # Creator 3 at ten times the volume: same rates and CV, but 2,000 likes without a comment.
    videos = three_micro_creators()
    scaled = videos["creator_id"] == 3
    videos.loc[scaled, ["views", "likes"]] *= 10
    creators = make_creators((1, 10_000, "micro"), (2, 10_000, "micro"), (3, 10_000, "micro"))
    weights = {"consideration": {"engagement_rate_views": 3.0, "views_cv": 1.0}}
    row = score(videos, creators, weights=weights).loc[3]
    assert [flag["code"] for flag in row["flags"]] == ["comments_tiny"]
    assert row["flag_penalty"] == FLAG_PENALTIES["comments_tiny"]
    unpenalised = (3 * pct(2, 1, 3) + 1 * (100 - pct(2, 1, 3))) / 4
    assert row["score"] == pytest.approx(unpenalised - FLAG_PENALTIES["comments_tiny"])


def test_score_never_goes_below_zero_after_penalties():
    # Creator 1 ranks last on comment depth (percentile 100 x 0.5 / 3) and carries two flags
    # (10 + 10 points): the score is clipped at 0 instead of going negative.
    videos = make_videos(
        *({"creator_id": 1, "views": 10_000, "likes": 1_000, "comments": 1} for _ in range(3)),
        {"creator_id": 2, "views": 10_000, "likes": 100, "comments": 10},
        {"creator_id": 3, "views": 10_000, "likes": 100, "comments": 20},
    )
    creators = make_creators((1, 2_000_000, "micro"), (2, 20_000, "micro"), (3, 20_000, "micro"))
    row = score(videos, creators, weights={"consideration": {"comment_like_ratio": 1.0}}).loc[1]
    assert sorted(flag["code"] for flag in row["flags"]) == ["comments_tiny", "views_tiny"]
    assert row["pct_comment_like_ratio"] == pytest.approx(pct(0, 1, 3))
    assert pct(0, 1, 3) - FLAG_PENALTIES["comments_tiny"] - FLAG_PENALTIES["views_tiny"] < 0
    assert row["score"] == 0.0


def test_score_columns_cover_every_objective_and_the_chosen_default():
    videos = three_micro_creators()
    creators = make_creators((1, 10_000, "micro"), (2, 10_000, "micro"), (3, 10_000, "micro"))
    result = score(videos, creators, objective="awareness")
    assert result["score"].tolist() == result["score_awareness"].tolist()
    for objective in DEFAULT_OBJECTIVE_WEIGHTS:
        assert f"score_{objective}" in result.columns


# --- Weights -------------------------------------------------------------------------------------


def test_default_objective_weights_are_valid():
    for weights in DEFAULT_OBJECTIVE_WEIGHTS.values():
        assert validate_weights(weights) == weights


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"engagement_rate_views": 1, "follower_vibes": 2}, "Unknown scoring component(s): follower_vibes"),
        ({"engagement_rate_views": -1}, "must be 0 or more"),
        ({"engagement_rate_views": 0, "save_rate": 0}, "At least one weight must be greater than 0"),
        ({}, "At least one weight must be greater than 0"),
        ({"engagement_rate_views": "high"}, "must be a finite number"),
        ({"engagement_rate_views": float("nan")}, "must be a finite number"),
        ({"engagement_rate_views": True}, "must be a finite number"),
    ],
)
def test_invalid_weights_are_refused_with_a_clear_message(weights, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_weights(weights)


def test_objective_overrides_replace_one_objective_and_keep_the_others():
    merged = objective_weights({"awareness": {"reach_rate": 1}})
    assert merged["awareness"] == {"reach_rate": 1.0}
    assert merged["consideration"] == DEFAULT_OBJECTIVE_WEIGHTS["consideration"]


def test_objective_overrides_are_validated_and_named_in_the_error():
    with pytest.raises(ValueError, match="Objective 'awareness'"):
        objective_weights({"awareness": {"reach_rate": -2}})
    with pytest.raises(ValueError, match="lower-case letters"):
        objective_weights({"Brand Lift!": {"reach_rate": 1}})


def test_score_creators_refuses_an_unknown_objective_and_bad_weights():
    videos, creators = make_videos(), make_creators((1, 100, "nano"))
    with pytest.raises(ValueError, match="Unknown objective"):
        score(videos, creators, objective="virality")
    with pytest.raises(ValueError, match="Unknown scoring component"):
        score(videos, creators, weights={"consideration": {"likes": 1}})


# --- Input validation ----------------------------------------------------------------------------


def test_naive_as_of_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        score_creators(
            videos=make_videos(),
            creators=make_creators((1, 100, "nano")),
            followers=make_followers(),
            as_of=datetime(2025, 6, 1),  # noqa: DTZ001 - the point of the test
            window_days=30,
            max_videos=30,
        )


@pytest.mark.parametrize(("window_days", "max_videos"), [(0, 30), (30, 0), (-5, 30)])
def test_window_and_cap_must_be_positive(window_days, max_videos):
    with pytest.raises(ValueError, match="must be a positive integer"):
        score(make_videos(), make_creators((1, 100, "nano")), window_days=window_days, max_videos=max_videos)


def test_missing_columns_and_duplicate_creators_are_refused():
    with pytest.raises(ValueError, match="lacks the column"):
        score(make_videos().drop(columns=["saves"]), make_creators((1, 100, "nano")))
    with pytest.raises(ValueError, match="duplicate creator_id"):
        score(make_videos(), make_creators((1, 100, "nano"), (1, 200, "nano")))


def test_as_of_in_another_time_zone_is_the_same_instant():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10, "days_ago": 0.5})
    creators = make_creators((1, 1_000, "nano"))
    tokyo = AS_OF.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    recent = select_recent_videos(videos, as_of=tokyo, window_days=1, max_videos=5)
    assert len(recent) == 1
    assert (
        score_creators(
            videos=videos, creators=creators, followers=make_followers(), as_of=tokyo, window_days=1, max_videos=5
        ).loc[1, "video_count"]
        == 1
    )


# --- Audience fit --------------------------------------------------------------------------------


AUDIENCE = {
    "age_buckets": {"18-24": 50, "25-34": 30, "35-44": 20},
    "genders": {"female": 70, "male": 30},
    "countries": {"US": 60, "GB": 30, "DE": 10},
}


def test_audience_fit_with_target_shares_is_the_covered_part_of_the_target():
    fit = audience_fit(AUDIENCE, {"countries": {"US": 50, "GB": 50}})
    assert fit == pytest.approx(100 * (min(60, 50) + min(30, 50)) / (50 + 50))


def test_audience_fit_with_wanted_keys_is_the_audience_share_in_them():
    assert audience_fit(AUDIENCE, {"genders": {"female"}}) == pytest.approx(70)
    assert audience_fit(AUDIENCE, {"age_buckets": ["18-24", "25-34"]}) == pytest.approx(50 + 30)


def test_audience_fit_averages_the_dimensions_the_target_specifies():
    fit = audience_fit(AUDIENCE, {"countries": {"US": 50, "GB": 50}, "genders": {"female"}})
    assert fit == pytest.approx((80 + 70) / 2)


def test_audience_fit_target_under_100_percent_reads_at_least():
    assert audience_fit(AUDIENCE, {"countries": {"US": 30}}) == pytest.approx(100 * min(60, 30) / 30)


def test_audience_fit_keys_compare_case_insensitively():
    assert audience_fit(AUDIENCE, {"countries": {"us": 100}}) == pytest.approx(60)


def test_audience_fit_skips_dimensions_the_audience_does_not_know():
    audience = {"genders": {"female": 70, "male": 30}}
    assert audience_fit(audience, {"genders": {"female"}, "countries": {"US": 100}}) == pytest.approx(70)
    assert audience_fit(audience, {"countries": {"US": 100}}) is None
    assert audience_fit(None, {"countries": {"US": 100}}) is None
    assert audience_fit(AUDIENCE, {}) is None


def test_audience_fit_refuses_bad_targets():
    with pytest.raises(ValueError, match="0 to 100"):
        audience_fit(AUDIENCE, {"countries": {"US": 150}})
    with pytest.raises(ValueError, match="Unknown audience dimension"):
        audience_fit(AUDIENCE, {"income": {"high": 50}})


# --- Brand safety --------------------------------------------------------------------------------


def safety_videos(*captions_and_tags: tuple[str, str]) -> pd.DataFrame:
    return make_videos(
        *(
            {"creator_id": 7, "video_id": number, "views": 1, "likes": 0, "caption": caption, "hashtags": tags}
            for number, (caption, tags) in enumerate(captions_and_tags, start=1)
        )
    )


def test_brand_safety_matches_whole_words_only():
    hits = brand_safety_hits(
        safety_videos(("It has begun", ""), ("new guns and gunshot", "guns begun"), ("my GUN!", "")), ["gun"]
    )
    assert hits[["video_id", "term", "field"]].values.tolist() == [[3, "gun", "caption"]]


def test_brand_safety_ignores_case_and_accents_both_ways():
    videos = safety_videos(("Best CAFÉ in town", ""), ("cafe\u0301 au lait", ""), ("Cafe time", ""))
    assert brand_safety_hits(videos, ["café"])["video_id"].tolist() == [1, 2, 3]
    assert brand_safety_hits(videos, ["CAFE"])["video_id"].tolist() == [1, 2, 3]


def test_brand_safety_matches_whole_hashtags():
    hits = brand_safety_hits(safety_videos(("", "fyp gun"), ("", "guns shotgun"), ("#gun range", "")), ["gun"])
    assert hits[["video_id", "field"]].values.tolist() == [[1, "hashtags"], [3, "caption"]]


def test_brand_safety_multi_word_terms_match_across_spacing_and_as_one_hashtag():
    videos = safety_videos(("no Hate  Speech here", ""), ("hate-speech", "hatespeech"), ("hate the speech", ""))
    hits = brand_safety_hits(videos, ["hate speech"])
    assert hits[["video_id", "field"]].values.tolist() == [[1, "caption"], [2, "caption"], [2, "hashtags"]]
    assert set(hits["term"]) == {"hate speech"}


def test_brand_safety_reports_each_term_once_per_field_with_an_excerpt():
    caption = "x" * 60 + " gun and another gun " + "y" * 60
    hits = brand_safety_hits(safety_videos((caption, "")), ["gun", "knife"])
    assert len(hits) == 1
    row = hits.iloc[0]
    assert (row["creator_id"], row["video_id"], row["term"], row["field"]) == (7, 1, "gun", "caption")
    assert row["excerpt"].startswith("…") and row["excerpt"].endswith("…")
    assert "gun and another" in row["excerpt"]


def test_brand_safety_without_terms_or_hits_is_an_empty_frame():
    videos = safety_videos(("all good", "fyp"))
    for terms in ([], ["  ", "#"], ["knife"]):
        hits = brand_safety_hits(videos, terms)
        assert hits.empty
        assert list(hits.columns) == list(BRAND_SAFETY_COLUMNS)


def test_brand_safety_tolerates_missing_text():
    videos = safety_videos(("gun", ""))
    videos.loc[0, "hashtags"] = None
    assert brand_safety_hits(videos, ["gun"])["field"].tolist() == ["caption"]


# --- Timing contract -----------------------------------------------------------------------------


def test_scores_are_computed_as_of_the_given_moment_not_now():
    videos = make_videos({"creator_id": 1, "views": 100, "likes": 10, "days_ago": 3})
    later = AS_OF + timedelta(days=60)
    result = score_creators(
        videos=videos,
        creators=make_creators((1, 1_000, "nano")),
        followers=make_followers(),
        as_of=later,
        window_days=30,
        max_videos=30,
    )
    assert result.loc[1, "video_count"] == 0
