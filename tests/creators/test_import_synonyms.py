"""The synonym table (creators/importing/synonyms.toml): the column names real exporters write map to our
fields without a hand-made mapping. No database.

Each exporter's header list below is a sample written for this test from what could be found about
that exporter (docs/import.md, "Where the names come from"): Apify's TikTok scraper datasets (JSON keys,
and the `/`-separated headers of its CSV and XLSX downloads), HypeAuditor's report API field names and
Upfluence's creator CSV template are documented; Modash, GRIN and TikTok One publish no export header
list, so their samples use the labels their screens show. For each list the suggested mapping must be
complete: every column that holds a field we import is mapped to that field, and nothing else is."""

from datetime import UTC, datetime

import pytest

from creators.importing.mapping import Layout, RecordParser, RejectedRow, detect_layout, suggest_mapping
from creators.importing.synonyms import split_unit, synonym_table
from creators.importing.unmapped import describe_unmapped, unmapped_columns

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

# exporter -> (sample header, expected layout, field -> column for every column that holds a known field)
EXPORTERS = {
    "a real per-video file (the issue's example)": (
        ["id", "create_time", "user_name", "hashtags", "song", "video_length", "n_likes", "n_shares",
         "n_comments", "n_plays", "n_followers", "n_total_likes", "n_total_vids"],
        Layout.VIDEOS,
        {
            "video_id": "id", "posted_at": "create_time", "handle": "user_name", "video_hashtags": "hashtags",
            "sound": "song", "duration_s": "video_length", "likes": "n_likes", "shares": "n_shares",
            "comments": "n_comments", "views": "n_plays", "follower_count": "n_followers",
            "likes_count": "n_total_likes", "video_count": "n_total_vids",
        },
    ),
    "Apify TikTok scraper, JSON (flattened keys)": (
        ["id", "text", "textLanguage", "createTime", "createTimeISO", "isAd", "authorMeta.id", "authorMeta.name",
         "authorMeta.nickName", "authorMeta.verified", "authorMeta.signature", "authorMeta.avatar",
         "authorMeta.following", "authorMeta.fans", "authorMeta.heart", "authorMeta.video", "authorMeta.digg",
         "musicMeta.musicName", "musicMeta.musicAuthor", "videoMeta.height", "videoMeta.width",
         "videoMeta.duration", "webVideoUrl", "diggCount", "shareCount", "playCount", "collectCount",
         "commentCount", "hashtags"],
        Layout.VIDEOS,
        {
            "video_id": "id", "caption": "text", "posted_at": "createTime", "is_paid_partnership": "isAd",
            "handle": "authorMeta.name", "display_name": "authorMeta.nickName", "is_verified": "authorMeta.verified",
            "bio": "authorMeta.signature", "avatar_url": "authorMeta.avatar",
            "following_count": "authorMeta.following", "follower_count": "authorMeta.fans",
            "likes_count": "authorMeta.heart", "video_count": "authorMeta.video", "sound": "musicMeta.musicName",
            "duration_s": "videoMeta.duration", "share_url": "webVideoUrl", "likes": "diggCount",
            "shares": "shareCount", "views": "playCount", "saves": "collectCount", "comments": "commentCount",
            "video_hashtags": "hashtags",
        },
    ),
    "Apify TikTok scraper, CSV download": (
        ["authorMeta/avatar", "authorMeta/digg", "authorMeta/fans", "authorMeta/following", "authorMeta/heart",
         "authorMeta/id", "authorMeta/name", "authorMeta/nickName", "authorMeta/profileUrl",
         "authorMeta/signature", "authorMeta/verified", "authorMeta/video", "collectCount", "commentCount",
         "createTimeISO", "diggCount", "hashtags/0/name", "id", "isAd", "musicMeta/musicName", "playCount",
         "shareCount", "text", "videoMeta/duration", "webVideoUrl"],
        Layout.VIDEOS,
        {
            "avatar_url": "authorMeta/avatar", "follower_count": "authorMeta/fans",
            "following_count": "authorMeta/following", "likes_count": "authorMeta/heart",
            "handle": "authorMeta/name", "display_name": "authorMeta/nickName", "bio": "authorMeta/signature",
            "is_verified": "authorMeta/verified", "video_count": "authorMeta/video", "saves": "collectCount",
            "comments": "commentCount", "posted_at": "createTimeISO", "likes": "diggCount", "video_id": "id",
            "is_paid_partnership": "isAd", "sound": "musicMeta/musicName", "views": "playCount",
            "shares": "shareCount", "caption": "text", "duration_s": "videoMeta/duration",
            "share_url": "webVideoUrl",
        },
    ),
    "HypeAuditor (report API field names)": (
        ["username", "full_name", "about", "photo_url", "location", "posts_count", "followers_count",
         "followings_count", "avg_likes", "avg_comments", "aqs", "er"],
        Layout.CREATORS,
        {
            "handle": "username", "display_name": "full_name", "bio": "about", "avatar_url": "photo_url",
            "video_count": "posts_count", "follower_count": "followers_count", "following_count": "followings_count",
        },
    ),
    "Modash (screen labels)": (
        ["Username", "Full name", "Followers", "Engagement rate", "Avg. views", "Avg. likes", "Country",
         "Email", "Profile URL"],
        Layout.CREATORS,
        {
            "handle": "Username", "display_name": "Full name", "follower_count": "Followers", "country": "Country",
            "contact_email": "Email",
        },
    ),
    "Upfluence (creator CSV template)": (
        ["influencer_id", "media_url", "profile_name", "first_name", "last_name", "phone_number", "email",
         "shipping_address.line1", "shipping_address.zipcode", "shipping_address.city", "shipping_address.state",
         "shipping_address.country_code"],
        Layout.CREATORS,
        {
            "handle": "profile_name", "contact_email": "email", "city": "shipping_address.city",
            "region": "shipping_address.state", "country": "shipping_address.country_code",
        },
    ),
    "GRIN (screen labels)": (
        ["First Name", "Last Name", "Email", "TikTok Handle", "TikTok Followers", "Country", "Tags"],
        Layout.CREATORS,
        {
            "contact_email": "Email", "handle": "TikTok Handle", "follower_count": "TikTok Followers",
            "country": "Country", "hashtags": "Tags",
        },
    ),
    "TikTok One / Creator Marketplace, creators (screen labels)": (
        ["Creator", "Nickname", "Country/Region", "Followers", "Median views", "Engagement rate", "Total likes"],
        Layout.CREATORS,
        {
            "handle": "Creator", "display_name": "Nickname", "country": "Country/Region",
            "follower_count": "Followers", "likes_count": "Total likes",
        },
    ),
    "TikTok One / Creator Marketplace, videos (screen labels)": (
        ["Video ID", "Creator", "Date", "Video Views", "Likes", "Comments", "Shares", "Engagement"],
        Layout.VIDEOS,
        {
            "video_id": "Video ID", "handle": "Creator", "posted_at": "Date", "views": "Video Views",
            "likes": "Likes", "comments": "Comments", "shares": "Shares",
        },
    ),
}  # fmt: skip


@pytest.mark.parametrize("exporter", EXPORTERS)
def test_each_exporters_header_maps_every_column_that_holds_a_known_field(exporter):
    columns, layout, expected = EXPORTERS[exporter]

    mapping = suggest_mapping(columns)

    assert detect_layout(columns) is layout
    assert mapping == expected


@pytest.mark.parametrize(
    ("column", "field"),
    [
        # prefixes and suffixes
        ("n_followers", "follower_count"),
        ("num_followers", "follower_count"),
        ("no_of_followers", "follower_count"),
        ("No. of followers", "follower_count"),
        ("count_of_followers", "follower_count"),
        ("total_followers", "follower_count"),
        ("followers_count", "follower_count"),
        ("followers_cnt", "follower_count"),
        # camelCase, PascalCase, spaces, dots, upper case, singular
        ("followerCount", "follower_count"),
        ("FollowerCount", "follower_count"),
        ("Follower Count", "follower_count"),
        ("FOLLOWERS", "follower_count"),
        ("Follower", "follower_count"),
        ("user.followerCount", "follower_count"),
        # units in brackets are not part of the name
        ("Followers (K)", "follower_count"),
        ("Followers [M]", "follower_count"),
        # the creator's own totals
        ("heart", "likes_count"),
        ("heartCount", "likes_count"),
        ("Total Likes", "likes_count"),
        ("videoCount", "video_count"),
        ("n_total_vids", "video_count"),
        ("Number of videos", "video_count"),
    ],
)
def test_the_common_ways_of_naming_a_creator_column(column, field):
    assert suggest_mapping(["username", column]) == {"handle": "username", field: column}


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("n_plays", "views"),
        ("playCount", "views"),
        ("Views", "views"),
        ("Views (M)", "views"),
        ("num_views", "views"),
        ("video_length", "duration_s"),
        ("duration", "duration_s"),
        ("duration_sec", "duration_s"),
        ("Duration (min)", "duration_s"),
        ("song", "sound"),
        ("music", "sound"),
        ("Sound", "sound"),
        ("n_likes", "likes"),
        ("likes_cnt", "likes"),
        ("scraped_at", "captured_at"),
        ("collectedAt", "captured_at"),
        ("captured_at", "captured_at"),
    ],
)
def test_the_common_ways_of_naming_a_video_column(column, field):
    assert suggest_mapping(["video_id", "username", column]) == {
        "video_id": "video_id",
        "handle": "username",
        field: column,
    }


def test_total_never_makes_a_column_the_videos_own_count():
    # A per-video file with only the creator's total: it is not the video's likes.
    assert suggest_mapping(["video_id", "username", "n_total_likes"]) == {
        "video_id": "video_id",
        "handle": "username",
        "likes_count": "n_total_likes",
    }


def test_a_literal_name_beats_a_looser_match_of_another_column():
    # `likes` (literal) is the video's likes even though `n_likes` would also fit after dropping `n`.
    mapping = suggest_mapping(["video_id", "username", "n_likes", "likes"])

    assert mapping["likes"] == "likes"


def test_every_field_of_the_table_is_a_field_we_import():
    from creators.importing.mapping import TARGET_FIELDS

    assert set(synonym_table().fields) == set(TARGET_FIELDS)


@pytest.mark.parametrize(
    ("column", "expected"),
    [("Followers (K)", ("Followers", "k")), ("Views [M]", ("Views", "m")), ("Followers", ("Followers", None))],
)
def test_the_unit_in_brackets_is_split_from_the_name(column, expected):
    assert split_unit(column) == expected


@pytest.mark.parametrize(
    ("column", "raw", "stored"),
    [
        ("Followers (K)", "12.5", 12_500),
        ("Followers (K)", 12.5, 12_500),
        ("Followers (K)", "1,200", 1_200_000),
        ("Followers (M)", "1.25", 1_250_000),
        ("Followers (K)", "1.2M", 1_200_000),  # the cell's own suffix wins
        ("Followers (thousands)", "3", 3_000),
        ("Followers", "12.5K", 12_500),
    ],
)
def test_a_unit_in_the_column_name_multiplies_its_counts(column, raw, stored):
    parser = RecordParser({"handle": "u", "follower_count": column}, known_niches=(), now=NOW)

    row = parser.parse({"u": "maya", column: raw}, 1)

    assert row.creator == {"follower_count": stored}


def test_a_duration_in_minutes_is_stored_in_seconds():
    parser = RecordParser({"handle": "u", "video_id": "id", "duration_s": "Duration (min)"}, known_niches=(), now=NOW)

    row = parser.parse({"u": "maya", "id": "1", "Duration (min)": "1.5"}, 1)

    assert row.video == {"video_id": "1", "duration_s": 90}


def test_a_negative_scaled_count_rejects_the_row():
    parser = RecordParser({"handle": "u", "follower_count": "Followers (K)"}, known_niches=(), now=NOW)

    row = parser.parse({"u": "maya", "Followers (K)": "-2"}, 3)

    assert isinstance(row, RejectedRow) and "negative" in row.reason


# --- Columns left out --------------------------------------------------------------------------------


def test_unmapped_numeric_and_date_columns_are_named_with_the_likeliest_field():
    columns = ["video_id", "username", "vid_views", "scrape_time", "Avg. views", "authorMeta.id", "notes"]
    samples = [
        {"video_id": "1", "username": "maya", "vid_views": "1.2K", "scrape_time": "2025-05-01T10:00:00Z",
         "Avg. views": "300", "authorMeta.id": "6785823001336415238", "notes": "great"},
        {"video_id": "2", "username": "jo", "vid_views": "900", "scrape_time": "2025-05-01T10:05:00Z",
         "Avg. views": "", "authorMeta.id": "6785823001336415239", "notes": "call back"},
    ]  # fmt: skip
    mapping = {"video_id": "video_id", "handle": "username"}

    unmapped = unmapped_columns(columns=columns, samples=samples, mapping=mapping)

    # Text columns and identifiers are not reported; a statistic gets no suggestion.
    assert [(c.column, c.kind, c.suggestion) for c in unmapped] == [
        ("vid_views", "numbers", "views"),
        ("scrape_time", "dates", "captured_at"),
        ("Avg. views", "numbers", ""),
    ]
    assert describe_unmapped(unmapped) == (
        "3 columns were not mapped: vid_views (numbers; likeliest field: Views), "
        "scrape_time (dates; likeliest field: Stats captured at), Avg. views (numbers)"
    )


def test_a_per_creator_file_is_never_told_to_map_a_video_field():
    unmapped = unmapped_columns(
        columns=["username", "Views"], samples=[{"username": "maya", "Views": "1000"}], mapping={"handle": "username"}
    )

    assert [(c.column, c.suggestion) for c in unmapped] == [("Views", "")]
