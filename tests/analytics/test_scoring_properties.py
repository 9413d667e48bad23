"""Properties of the scoring computation (analytics.scoring) that hold for any input, checked with
hypothesis. No database."""

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.scoring.brand_safety_terms import brand_safety_hits
from analytics.scoring.composite import COMPONENTS, composite_score, tier_percentiles
from analytics.scoring.engine import score_creators
from analytics.scoring.frames import TIERS, VIDEO_COLUMNS
from creators.audience.fit import audience_fit

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
AS_OF_DAY = pd.Timestamp("2025-06-01")
SETTINGS = settings(max_examples=60, deadline=None)

# Rates that depend only on the creator's own counts, never on followers or on other creators.
SCALE_FREE_RATES = (
    "engagement_rate_views",
    "comment_rate",
    "share_rate",
    "save_rate",
    "comment_like_ratio",
    "completion_rate",
    "views_cv",
    "sponsored_engagement_rate",
    "organic_engagement_rate",
    "sponsored_engagement_ratio",
    "sponsored_views_ratio",
)

counts = st.integers(min_value=0, max_value=10**7)
videos_of_one_creator = st.lists(
    st.fixed_dictionaries(
        {
            "views": counts,
            "likes": counts,
            "comments": counts,
            "shares": counts,
            "saves": st.none() | counts,
            "completion_rate": st.none() | st.floats(min_value=0, max_value=1),
            "paid": st.booleans(),
            "caption": st.sampled_from(["", "new drop #ad", "morning routine", "#Gifted thanks!"]),
            "hashtags": st.sampled_from(["", "fyp", "ad fyp", "skincare sponsored"]),
            "days_ago": st.one_of(st.none(), st.floats(min_value=-2, max_value=40)),
        }
    ),
    max_size=8,
)
creator_rows = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**8), st.sampled_from(TIERS)), min_size=1, max_size=6
)
follower_rows = st.lists(
    st.tuples(st.integers(min_value=0, max_value=130), st.integers(min_value=0, max_value=10**8)), max_size=12
)


def build_videos(per_creator: list[list[dict]], scale: dict[int, int] | None = None) -> pd.DataFrame:
    rows = []
    for creator_id, videos in enumerate(per_creator, start=1):
        factor = (scale or {}).get(creator_id, 1)
        for video in videos:
            days_ago = video["days_ago"]
            rows.append(
                {
                    "creator_id": creator_id,
                    "video_id": len(rows) + 1,
                    "posted_at": pd.NaT if days_ago is None else pd.Timestamp(AS_OF) - pd.Timedelta(days=days_ago),
                    "views": video["views"] * factor,
                    "likes": video["likes"] * factor,
                    "comments": video["comments"] * factor,
                    "shares": video["shares"] * factor,
                    "saves": np.nan if video["saves"] is None else float(video["saves"] * factor),
                    "completion_rate": np.nan if video["completion_rate"] is None else video["completion_rate"],
                    "is_paid_partnership": video["paid"],
                    "caption": video["caption"],
                    "hashtags": video["hashtags"],
                }
            )
    frame = pd.DataFrame(rows, columns=list(VIDEO_COLUMNS))
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
        }
    )


def build_creators(rows: list[tuple[int, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(number, followers, tier) for number, (followers, tier) in enumerate(rows, start=1)],
        columns=["creator_id", "follower_count", "tier"],
    )
    return frame.astype({"creator_id": "int64", "follower_count": "int64"})


def build_followers(per_creator: list[list[tuple[int, int]]]) -> pd.DataFrame:
    rows = [
        (creator_id, AS_OF_DAY - pd.Timedelta(days=days_ago), count)
        for creator_id, snapshots in enumerate(per_creator, start=1)
        for days_ago, count in snapshots
    ]
    frame = pd.DataFrame(rows, columns=["creator_id", "captured_on", "follower_count"])
    return frame.astype({"creator_id": "int64", "captured_on": "datetime64[ns]", "follower_count": "int64"})


def run(videos: pd.DataFrame, creators: pd.DataFrame, followers: pd.DataFrame) -> pd.DataFrame:
    return score_creators(
        videos=videos, creators=creators, followers=followers, as_of=AS_OF, window_days=30, max_videos=5
    )


@st.composite
def populations(draw):
    creators = draw(creator_rows)
    videos = [draw(videos_of_one_creator) for _ in creators]
    followers = [draw(follower_rows) for _ in creators]
    return videos, creators, followers


@SETTINGS
@given(populations())
def test_scores_and_percentiles_stay_within_0_and_100_or_are_nan(population):
    videos, creators, followers = population
    result = run(build_videos(videos), build_creators(creators), build_followers(followers))
    assert len(result) == len(creators)
    bounded = [column for column in result.columns if column.startswith(("score", "pct_"))]
    for column in bounded:
        values = result[column].to_numpy(dtype="float64")
        known = values[~np.isnan(values)]
        assert ((known >= 0) & (known <= 100)).all(), column
    numeric = result.drop(columns=["tier", "flags"]).to_numpy(dtype="float64")
    assert not np.isinf(numeric).any()


@SETTINGS
@given(populations(), st.integers(min_value=2, max_value=1_000), st.data())
def test_scaling_one_creators_counts_changes_none_of_its_rates(population, factor, data):
    videos, creators, followers = population
    creator_id = data.draw(st.integers(min_value=1, max_value=len(creators)))
    creators_frame, followers_frame = build_creators(creators), build_followers(followers)
    before = run(build_videos(videos), creators_frame, followers_frame).loc[creator_id]
    after = run(build_videos(videos, scale={creator_id: factor}), creators_frame, followers_frame).loc[creator_id]
    for rate in SCALE_FREE_RATES:
        if math.isnan(before[rate]):
            assert math.isnan(after[rate]), rate
        else:
            assert math.isclose(after[rate], before[rate], rel_tol=1e-9, abs_tol=1e-12), rate


component_values = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@SETTINGS
@given(
    st.lists(
        st.tuples(st.sampled_from(TIERS), component_values, component_values, component_values),
        min_size=1,
        max_size=30,
    )
)
def test_tier_percentiles_stay_within_0_and_100(rows):
    frame = pd.DataFrame(rows, columns=["tier", "engagement_rate_views", "views_cv", "reach_rate"])
    columns = ["engagement_rate_views", "views_cv", "reach_rate"]
    percentiles = tier_percentiles(frame)[columns].to_numpy(dtype="float64")
    known = percentiles[~np.isnan(percentiles)]
    assert ((known > 0) & (known < 100)).all()
    # Every known value has a percentile, every missing one has none.
    assert (np.isnan(percentiles) == np.isnan(frame[columns].to_numpy(dtype="float64"))).all()


percentile_values = st.one_of(st.none(), st.floats(min_value=0, max_value=100))
weight_values = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e3))


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(COMPONENTS)), st.tuples(percentile_values, weight_values), min_size=1))
def test_composite_score_lies_between_the_weighted_percentiles(parts):
    weights = {name: weight for name, (_, weight) in parts.items()}
    if not any(weight > 0 for weight in weights.values()):
        return  # refused by validate_weights; covered by the example tests
    percentiles = pd.DataFrame({name: [value] for name, (value, _) in parts.items()}, dtype="float64")
    result = composite_score(percentiles, weights).iloc[0]
    used = [value for value, weight in parts.values() if value is not None and weight > 0]
    if used:
        assert min(used) - 1e-9 <= result <= max(used) + 1e-9
    else:
        assert math.isnan(result)


shares = st.dictionaries(st.sampled_from(["US", "GB", "DE", "FR", "BR"]), st.floats(min_value=0, max_value=100))


@SETTINGS
@given(
    st.fixed_dictionaries({"countries": shares, "genders": shares}),
    st.fixed_dictionaries(
        {},
        optional={
            "countries": shares | st.frozensets(st.sampled_from(["US", "gb", "JP"])),
            "genders": shares,
        },
    ),
)
def test_audience_fit_is_between_0_and_100_or_none(audience, target):
    fit = audience_fit(audience, target)
    assert fit is None or 0 <= fit <= 100 + 1e-9


words = st.text(alphabet="abcdefgnuçéè", min_size=1, max_size=8)


@SETTINGS
@given(st.lists(words, max_size=6), st.lists(words, max_size=6), words)
def test_a_term_written_as_its_own_word_is_always_found_whatever_the_case(before, after, term):
    caption = " ".join([*before, term, *after])
    videos = pd.DataFrame(
        {"creator_id": [1, 1], "video_id": [1, 2], "caption": [caption, caption.upper()], "hashtags": ["", ""]}
    )
    hits = brand_safety_hits(videos, [term])
    assert hits["video_id"].tolist() == [1, 2]
    assert set(hits["term"]) == {term}
