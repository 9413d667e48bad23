"""The usage window of approved content: months added on the calendar, and its status on a day."""

import datetime

import pytest

from briefs.library.usage_rights import EXPIRY_WARNING_DAYS, RightsStatus, add_months, expiry_status, rights_from_terms

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 1, 15), 12, D(2027, 1, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 3, 10), 0, D(2026, 3, 10)),
        (D(2026, 12, 1), 120, D(2036, 12, 1)),
    ],
)
def test_months_are_added_on_the_calendar_and_clamped_to_the_month_end(start, months, end):
    assert add_months(start, months) == end


def test_the_status_turns_expiring_inside_the_warning_window_and_expired_after_the_last_day():
    ends = D(2026, 6, 30)
    assert expiry_status(ends, today=ends - datetime.timedelta(days=EXPIRY_WARNING_DAYS + 1)) == RightsStatus.ACTIVE
    assert expiry_status(ends, today=ends - datetime.timedelta(days=EXPIRY_WARNING_DAYS)) == RightsStatus.EXPIRING
    assert expiry_status(ends, today=ends) == RightsStatus.EXPIRING  # the last day still counts
    assert expiry_status(ends, today=ends + datetime.timedelta(days=1)) == RightsStatus.EXPIRED
    assert expiry_status(None, today=ends) == RightsStatus.NONE


def test_rights_read_the_agreed_terms():
    terms = {
        "usage_platforms": "TikTok, Instagram",
        "usage_duration_months": 6,
        "usage_formats": "ads",
        "allows_paid_ads": True,
        "allows_whitelisting": False,
        "allows_spark_ads": True,
        "allows_brand_repost": False,
    }
    rights = rights_from_terms(terms, starts_on=D(2026, 5, 31))
    assert rights.ends_on == D(2026, 11, 30)
    assert (rights.allows_paid_ads, rights.allows_whitelisting, rights.allows_spark_ads) == (True, False, True)
    assert rights.platforms == "TikTok, Instagram"
