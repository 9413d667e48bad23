"""Reading audience columns and shares from exporters' files (creators.importing.audience,
creators.audience.labels): pure, on plain records."""

from decimal import Decimal

import pytest

from creators.audience import labels
from creators.discovery import filters
from creators.importing.audience import Role, audience_columns, recognise
from creators.importing.mapping import RecordParser, RejectedRow, suggest_mapping
from creators.importing.unmapped import unmapped_columns


@pytest.mark.parametrize(
    ("column", "part", "role", "key", "rank"),
    [
        # Modash
        ("Audience Top Country", "countries", Role.LABEL, "", 1),
        ("Audience Top Country %", "countries", Role.RANKED_SHARE, "", 1),
        ("audience_geo_US", "countries", Role.SHARE, "US", 0),
        ("Audience Gender Female %", "genders", Role.SHARE, "female", 0),
        ("Audience Age 18-24 %", "age_buckets", Role.SHARE, "18-24", 0),
        ("Audience Age 65- %", "age_buckets", Role.SHARE, "45+", 0),
        ("audience.geoCountries", "countries", Role.LIST, "", 0),
        # HypeAuditor
        ("Audience Country 1", "countries", Role.LABEL, "", 1),
        ("Audience Country 2 %", "countries", Role.RANKED_SHARE, "", 2),
        ("Audience Gender Female", "genders", Role.SHARE, "female", 0),
        ("Audience age 18-24", "age_buckets", Role.SHARE, "18-24", 0),
        ("Audience age 55-64", "age_buckets", Role.SHARE, "45+", 0),
        # nested JSON, flattened
        ("audience.countries.US", "countries", Role.SHARE, "US", 0),
        ("audience.genders.female", "genders", Role.SHARE, "female", 0),
        ("audience.ages.18-24", "age_buckets", Role.SHARE, "18-24", 0),
        ("audience_geo_United Kingdom", "countries", Role.SHARE, "GB", 0),
    ],
)
def test_audience_columns_are_recognised_by_their_names(column, part, role, key, rank):
    found = recognise(column)

    assert found is not None
    assert (found.part, found.role, found.key, found.rank) == (part, role, key, rank)


@pytest.mark.parametrize(
    "column",
    ["Country", "Followers", "Audience Credibility", "audience_interests", "Audience Age 18-29", "Top Country"],
)
def test_other_columns_are_not_audience_columns(column):
    assert recognise(column) is None


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("41.2%", "9.8%"), {"US": 41.2, "GB": 9.8}),
        (("41,2", "9,8"), {"US": 41.2, "GB": 9.8}),  # decimal commas
        (("0.412", "0.098"), {"US": 41.2, "GB": 9.8}),  # fractions: every bare share is at most 1
        (("41.2", "0.5"), {"US": 41.2, "GB": 0.5}),  # one share above 1: all are percentages
        (("0.5%", "0.25%"), {"US": 0.5, "GB": 0.25}),  # a % sign is always a percentage
        ((41.2, 9.8), {"US": 41.2, "GB": 9.8}),  # JSON numbers
    ],
)
def test_share_formats(cells, expected):
    columns = audience_columns(["audience_geo_US", "audience_geo_GB"])

    parsed = columns.parse({"audience_geo_US": cells[0], "audience_geo_GB": cells[1]}, [])

    assert parsed == {"countries": expected}


def test_shares_adding_up_to_more_than_100_reject_the_row_with_the_reason():
    columns = audience_columns(["Audience Gender Female %", "Audience Gender Male %", "audience_geo_US"])

    reason = columns.parse(
        {"Audience Gender Female %": "70%", "Audience Gender Male %": "40%", "audience_geo_US": 5}, []
    )

    assert (
        reason
        == "audience genders add up to 110.0 %, more than 100 % (Audience Gender Female %, Audience Gender Male %)"
    )


def test_exactly_100_and_rounding_pass():
    columns = audience_columns(["Audience Gender Female %", "Audience Gender Male %"])

    assert columns.parse({"Audience Gender Female %": "0.6", "Audience Gender Male %": "0.4"}, []) == {
        "genders": {"female": 60.0, "male": 40.0}
    }


def test_a_negative_share_rejects_the_row():
    columns = audience_columns(["audience_geo_US"])

    assert columns.parse({"audience_geo_US": "-3"}, []) == "audience_geo_US: -3 is negative; a share is 0 to 100 %"


def test_ranked_pairs_take_country_names_and_leave_out_unknown_ones_with_a_warning():
    columns = audience_columns(
        ["Audience Country 1", "Audience Country 1 %", "Audience Country 2", "Audience Country 2 %"]
    )
    warnings: list[str] = []

    parsed = columns.parse(
        {"Audience Country 1": "United States", "Audience Country 1 %": "40%", "Audience Country 2": "Narnia",
         "Audience Country 2 %": "10%"},
        warnings,
    )  # fmt: skip

    assert parsed == {"countries": {"US": 40.0}}
    assert warnings == ["Audience Country 2 %: countries 'Narnia' has no place in our audience, left out"]


def test_list_cells_of_objects_and_of_text():
    columns = audience_columns(["audience.geoCountries", "audience.genders", "audience.ages"])

    parsed = columns.parse(
        {
            "audience.geoCountries": [{"code": "US", "weight": 0.41}, {"code": "GB", "weight": 0.1}],
            "audience.genders": "female: 60%; male: 38%",
            "audience.ages": [
                {"code": "18-24", "weight": 0.3},
                {"code": "45-64", "weight": 0.1},
                {"code": "65-", "weight": 0.05},
            ],
        },
        [],
    )

    assert parsed == {
        "countries": {"US": 41.0, "GB": 10.0},
        "genders": {"female": 60.0, "male": 38.0},
        "age_buckets": {"18-24": 30.0, "45+": 15.0},
    }


@pytest.mark.parametrize(
    ("raw", "bucket"),
    [("13-17", "13-17"), ("18_24", "18-24"), ("25-34", "25-34"), ("35\u201344", "35-44"), ("45-54", "45+"),
     ("65+", "45+"), ("65-", "45+"), ("18-29", None), ("adults", None)],
)  # fmt: skip
def test_age_ranges_become_discoverys_buckets(raw, bucket):
    assert labels.age_bucket(raw) == bucket


@pytest.mark.parametrize(("raw", "gender"), [("Female", "female"), ("women", "female"), ("M", "male"),
                                             ("non-binary", "other"), ("unknown", None)])  # fmt: skip
def test_genders(raw, gender):
    assert labels.gender_label(raw) == gender


def test_the_labels_are_the_ones_discovery_filters_on():
    assert list(labels.AGE_BUCKETS) == filters.AGE_BUCKETS
    assert list(labels.GENDERS) == [value for value, _label in filters.GENDERS]


def test_parse_share_refuses_text():
    with pytest.raises(ValueError, match="is not a share"):
        labels.parse_share("lots")
    assert labels.parse_share("41,2%") == (Decimal("41.2"), True)


def test_audience_columns_are_neither_mapped_to_fields_nor_reported_as_left_out():
    columns = ["Username", "Audience Top Country", "Audience Top Country %", "Audience Gender Female %"]
    samples = [{"Username": "a", "Audience Top Country": "US", "Audience Top Country %": "41%",
                "Audience Gender Female %": "60%"}]  # fmt: skip

    mapping = suggest_mapping(columns)

    assert mapping == {"handle": "Username"}
    assert unmapped_columns(columns=columns, samples=samples, mapping=mapping) == []


def test_the_record_parser_rejects_a_row_with_a_bad_audience_and_keeps_a_good_one():
    columns = ["u", "audience_geo_US"]
    parser = RecordParser({"handle": "u"}, known_niches=(), now=None, audience=audience_columns(columns))  # type: ignore[arg-type]

    good = parser.parse({"u": "ok", "audience_geo_US": "41%"}, 1)
    bad = parser.parse({"u": "bad", "audience_geo_US": "141%"}, 2)

    assert not isinstance(good, RejectedRow) and good.audience == {"countries": {"US": 41.0}}
    assert bad == RejectedRow(2, "audience_geo_US: 141 % is more than 100 %")
