"""The column mapping and row parsing, on plain data (no database)."""

from datetime import UTC, datetime

import pytest

from creators.importing.mapping import (
    Layout,
    ParsedRow,
    RecordParser,
    RejectedRow,
    detect_layout,
    normalize_column,
    parse_count_value,
    suggest_mapping,
    validate_mapping,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
NICHES = {"beauty", "skincare", "food", "mental-health"}


def _parser(mapping):
    return RecordParser(mapping, known_niches=NICHES, now=NOW)


# --- Mapping detection ---------------------------------------------------------------------------


def test_a_plain_creator_export_maps_by_column_name():
    columns = ["Rank", "Username", "Country", "Followers", "Views", "Likes", "Engagement"]

    mapping = suggest_mapping(columns)

    assert mapping == {
        "handle": "Username",
        "country": "Country",
        "follower_count": "Followers",
        "likes_count": "Likes",
    }


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ["uniqueId", "nickname", "followerCount", "followingCount", "heartCount", "videoCount"],
            {
                "handle": "uniqueId",
                "display_name": "nickname",
                "follower_count": "followerCount",
                "following_count": "followingCount",
                "likes_count": "heartCount",
                "video_count": "videoCount",
            },
        ),
        (
            [
                "handle",
                "display_name",
                "fans",
                "following",
                "hearts",
                "video_count",
                "signature",
                "verified",
                "email",
                "region",
                "niches",
                "languages",
                "avatar",
            ],
            {
                "handle": "handle",
                "display_name": "display_name",
                "follower_count": "fans",
                "following_count": "following",
                "likes_count": "hearts",
                "video_count": "video_count",
                "bio": "signature",
                "is_verified": "verified",
                "contact_email": "email",
                "region": "region",
                "niches": "niches",
                "languages": "languages",
                "avatar_url": "avatar",
            },
        ),
        (
            [
                "user.uniqueId",
                "user.nickname",
                "user.signature",
                "user.verified",
                "stats.followerCount",
                "stats.heartCount",
                "stats.videoCount",
            ],
            {
                "handle": "user.uniqueId",
                "display_name": "user.nickname",
                "bio": "user.signature",
                "is_verified": "user.verified",
                "follower_count": "stats.followerCount",
                "likes_count": "stats.heartCount",
                "video_count": "stats.videoCount",
            },
        ),
        (["Follower Count", "User Name"], {"follower_count": "Follower Count", "handle": "User Name"}),
    ],
)
def test_common_creator_exports_map_automatically(columns, expected):
    assert suggest_mapping(columns) == expected


def test_scraper_video_json_maps_author_and_video_fields():
    # The flattened columns of a per-video scraper export (authorMeta.*, stats in top-level counts).
    columns = [
        "id",
        "text",
        "createTime",
        "authorMeta.name",
        "authorMeta.nickName",
        "authorMeta.fans",
        "authorMeta.following",
        "authorMeta.heart",
        "authorMeta.video",
        "authorMeta.verified",
        "authorMeta.signature",
        "diggCount",
        "shareCount",
        "playCount",
        "commentCount",
        "collectCount",
        "hashtags",
        "videoMeta.duration",
        "musicMeta.musicName",
        "webVideoUrl",
    ]

    mapping = suggest_mapping(columns)

    assert detect_layout(columns) is Layout.VIDEOS
    assert mapping == {
        "video_id": "id",
        "posted_at": "createTime",
        "caption": "text",
        "video_hashtags": "hashtags",
        "views": "playCount",
        "likes": "diggCount",
        "comments": "commentCount",
        "shares": "shareCount",
        "saves": "collectCount",
        "duration_s": "videoMeta.duration",
        "sound": "musicMeta.musicName",
        "share_url": "webVideoUrl",
        "handle": "authorMeta.name",
        "display_name": "authorMeta.nickName",
        "follower_count": "authorMeta.fans",
        "following_count": "authorMeta.following",
        "likes_count": "authorMeta.heart",
        "video_count": "authorMeta.video",
        "bio": "authorMeta.signature",
        "is_verified": "authorMeta.verified",
    }


def test_tiktok_api_item_list_maps_author_and_stats():
    columns = [
        "id",
        "desc",
        "createTime",
        "author.uniqueId",
        "author.nickname",
        "authorStats.followerCount",
        "authorStats.heartCount",
        "stats.playCount",
        "stats.diggCount",
        "stats.commentCount",
        "stats.shareCount",
    ]

    mapping = suggest_mapping(columns)

    assert mapping["handle"] == "author.uniqueId"
    assert mapping["follower_count"] == "authorStats.followerCount"
    assert mapping["likes_count"] == "authorStats.heartCount"
    assert mapping["views"] == "stats.playCount"
    assert mapping["likes"] == "stats.diggCount"
    assert mapping["video_id"] == "id"


def test_a_plain_id_without_video_columns_is_not_a_video_id():
    # A profile export's user id: the file stays one row per creator.
    columns = ["id", "uniqueId", "followerCount"]

    assert detect_layout(columns) is Layout.CREATORS
    assert "video_id" not in suggest_mapping(columns)


def test_an_explicit_video_id_column_makes_a_per_video_file():
    assert detect_layout(["video_id", "username", "views"]) is Layout.VIDEOS


def test_in_a_per_video_file_likes_are_the_videos_likes():
    mapping = suggest_mapping(["video_id", "username", "likes", "hearts"])

    assert mapping["likes"] == "likes"
    assert mapping["likes_count"] == "hearts"


def test_column_names_compare_without_case_spaces_or_underscores():
    assert normalize_column("Follower_Count") == normalize_column("followerCount") == "followercount"
    assert normalize_column("authorMeta.fans") == "authormeta.fans"


def test_a_mapping_without_a_handle_is_refused():
    errors = validate_mapping({"follower_count": "Followers"}, ["Followers"])

    assert "handle" in errors


def test_a_mapping_naming_a_missing_column_is_refused():
    errors = validate_mapping({"handle": "user"}, ["username"])

    assert errors == {"handle": ["The file has no column 'user'."]}


def test_video_fields_without_a_video_id_are_refused():
    errors = validate_mapping({"handle": "u", "views": "v"}, ["u", "v"])

    assert "video_id" in errors


# --- Values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.3K", 12_300),
        ("1.2M", 1_200_000),
        ("1,234,567", 1_234_567),
        ("78.9m", 78_900_000),
        (42, 42),
        (3.0, 3),
        ("0", 0),
        ("-", None),
    ],
)
def test_counts_as_exports_write_them(raw, expected):
    assert parse_count_value(raw) == expected


def test_a_creator_row_is_typed():
    parser = _parser(
        {
            "handle": "username",
            "display_name": "name",
            "follower_count": "followers",
            "is_verified": "verified",
            "country": "country",
            "languages": "languages",
            "niches": "niches",
            "hashtags": "hashtags",
            "contact_email": "email",
        }
    )
    record = {
        "username": "@Glow.By_Maya",
        "name": "Maya Núñez",
        "followers": "12.3K",
        "verified": "yes",
        "country": "U.K.",
        "languages": "English, es-MX",
        "niches": "Skincare; Mental Health",
        "hashtags": "#SkinCare #glow, routine",
        "email": "maya@example.com",
    }

    result = parser.parse(record, 7)

    assert result == ParsedRow(
        row=7,
        handle="glow.by_maya",
        creator={
            "display_name": "Maya Núñez",
            "follower_count": 12_300,
            "is_verified": True,
            "country": "GB",
            "languages": ["en", "es"],
            "niches": ["skincare", "mental-health"],
            "hashtags": ["skincare", "glow", "routine"],
            "contact_email": "maya@example.com",
        },
        warnings=[],
    )


def test_a_handle_can_come_as_a_profile_url():
    result = _parser({"handle": "url"}).parse({"url": "https://www.tiktok.com/@Some.One?lang=en"}, 1)

    assert isinstance(result, ParsedRow) and result.handle == "some.one"


def test_empty_cells_are_no_value_not_zero():
    result = _parser({"handle": "u", "follower_count": "f", "bio": "b"}).parse({"u": "a", "f": "", "b": "  "}, 1)

    assert isinstance(result, ParsedRow) and result.creator == {}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"u": "", "f": "1"}, "u: the handle is missing"),
        ({"u": "two words", "f": "1"}, "u: 'two words' is not a TikTok handle"),
        ({"u": "ok", "f": "-5"}, "f: '-5' is negative; counts start at 0"),
        ({"u": "ok", "f": "lots"}, "f: 'lots' is not a count"),
        ({"u": "ok", "f": "1", "v": "maybe"}, "v: 'maybe' is not yes/no"),
        ({"u": "ok", "f": "1", "e": "not-an-email"}, "e: 'not-an-email' is not an e-mail address"),
    ],
)
def test_bad_rows_are_rejected_with_their_number_and_reason(record, reason):
    parser = _parser({"handle": "u", "follower_count": "f", "is_verified": "v", "contact_email": "e"})

    result = parser.parse(record, 12)

    assert isinstance(result, RejectedRow)
    assert result.row == 12
    assert result.reason.startswith(reason)


def test_a_video_row_is_typed_and_dated_in_utc():
    parser = _parser(
        {
            "handle": "author",
            "video_id": "id",
            "posted_at": "t",
            "views": "plays",
            "likes": "diggs",
            "video_hashtags": "tags",
            "duration_s": "d",
        }
    )

    result = parser.parse(
        {
            "author": "maya",
            "id": 7301234567890123456,
            "t": 1_717_000_000,
            "plays": "1.5M",
            "diggs": 1200,
            "tags": [{"name": "GRWM"}, {"name": "skincare"}],
            "d": "1:05",
        },
        3,
    )

    assert isinstance(result, ParsedRow)
    assert result.video == {
        "video_id": "7301234567890123456",
        "posted_at": datetime(2024, 5, 29, 16, 26, 40, tzinfo=UTC),
        "views": 1_500_000,
        "likes": 1200,
        "video_hashtags": ["grwm", "skincare"],
        "duration_s": 65,
    }
    assert result.warnings == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01 14:00:00+02:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        (1_714_564_800_000, datetime(2024, 5, 1, 12, tzinfo=UTC)),  # milliseconds
        ("1714564800", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        (datetime(2024, 5, 1, 12), datetime(2024, 5, 1, 12, tzinfo=UTC)),  # noqa: DTZ001 - a naive XLSX cell
    ],
)
def test_dates_in_the_formats_exports_use(raw, expected):
    result = _parser({"handle": "u", "video_id": "id", "posted_at": "t"}).parse({"u": "a", "id": "1", "t": raw}, 1)

    assert isinstance(result, ParsedRow) and result.video["posted_at"] == expected


@pytest.mark.parametrize(("raw", "reason"), [("yesterday", "is not a date"), ("2030-01-01", "is in the future")])
def test_bad_dates_reject_the_row(raw, reason):
    result = _parser({"handle": "u", "video_id": "id", "posted_at": "t"}).parse({"u": "a", "id": "1", "t": raw}, 4)

    assert isinstance(result, RejectedRow) and reason in result.reason


def test_a_video_row_needs_its_video_id():
    result = _parser({"handle": "u", "video_id": "id"}).parse({"u": "a", "id": ""}, 2)

    assert result == RejectedRow(2, "id: the video id is missing")


def test_more_likes_than_views_is_only_a_warning():
    result = _parser({"handle": "u", "video_id": "id", "views": "v", "likes": "l"}).parse(
        {"u": "a", "id": "1", "v": "100", "l": "250"}, 1
    )

    assert isinstance(result, ParsedRow)
    assert result.video["likes"] == 250
    assert result.warnings == ["likes (250) exceed views (100)"]


def test_unknown_country_niche_and_language_are_left_out_with_a_warning():
    parser = _parser({"handle": "u", "country": "c", "niches": "n", "languages": "l"})

    result = parser.parse({"u": "a", "c": "Atlantis", "n": "beauty, underwater basket weaving", "l": "Klingon"}, 1)

    assert isinstance(result, ParsedRow)
    assert result.creator == {"niches": ["beauty"]}
    assert len(result.warnings) == 3


def test_too_long_text_is_cut_with_a_warning():
    result = _parser({"handle": "u", "display_name": "n"}).parse({"u": "a", "n": "x" * 200}, 1)

    assert isinstance(result, ParsedRow)
    assert result.creator["display_name"] == "x" * 150
    assert result.warnings == ["n: cut to 150 characters"]


def test_every_creator_field_has_a_staging_column_in_the_importer():
    from creators.importing.mapping import CREATOR_FIELD_NAMES
    from creators.importing.writes import _CREATOR_COLUMNS

    # The contact e-mail is not a shared value: it goes to the importing workspace's own contact rows.
    assert set(_CREATOR_COLUMNS) | {"contact_email"} == set(CREATOR_FIELD_NAMES)
    assert "contact_email" not in _CREATOR_COLUMNS
