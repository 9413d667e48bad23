from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creators.countries import country_code
from creators.importing.counts import parse_count, parse_percent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("78.9m", 78_900_000),
        ("856.3k", 856_300),
        ("12.3K", 12_300),
        ("1.2M", 1_200_000),
        ("1,234", 1234),
        ("0", 0),
        ("", None),
        (None, None),
        ("2b", 2_000_000_000),
    ],
)
def test_counts_as_exports_write_them(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["-5", "abc", "1.2.3k", "k"])
def test_bad_counts_are_refused(raw):
    with pytest.raises(ValueError):
        parse_count(raw)


@given(st.integers(min_value=0, max_value=10**12))
def test_any_plain_or_grouped_integer_round_trips(value):
    assert parse_count(str(value)) == value
    assert parse_count(f"{value:,}") == value


def test_percentages_become_fractions():
    assert parse_percent("16.60%") == Decimal("0.166")
    assert parse_percent("16%") == Decimal("0.16")
    assert parse_percent("") is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("U.S.A", "US"),
        ("U.K.", "GB"),
        ("India", "IN"),
        ("U.A.E.", "AE"),
        ("de", "DE"),
        ("UK", "GB"),
        ("Atlantis", ""),
        ("", ""),
    ],
)
def test_country_names_map_to_iso_codes(raw, code):
    assert country_code(raw) == code


def test_search_text_folds_accents_and_case_and_splits_handles():
    from creators.search_text import fold, search_document

    assert fold("Éva Łódź CAFÉ") == "eva łodz cafe"
    doc = search_document(handle="glow.by_maya", display_name="Maya Núñez", hashtags=["#SkinCare"])
    assert "maya nunez" in doc and "glow by maya" in doc and "skincare" in doc
