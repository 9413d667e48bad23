"""What a piece of approved content may be used for, and until when: plain rules, no database.

Rights come from the fully signed contract version's agreed terms (platforms, duration in months,
formats, paid ads / whitelisting / Spark Ads / brand repost). The usage period starts when the post
went live (the contract's "from the first post"), or, for content not live yet, when the contract
was fully signed, so approved-but-unposted content still shows a window. A Spark Ads code has its
own expiry, chosen by the creator when they generated it."""

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

EXPIRY_WARNING_DAYS = 30  # "expiring soon" in the library, and when the workspace is warned


class RightsStatus(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = "none"  # no fully signed contract: nothing may be reused


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class UsageRights:
    platforms: str
    formats: str
    starts_on: datetime.date
    ends_on: datetime.date
    allows_paid_ads: bool
    allows_whitelisting: bool
    allows_spark_ads: bool
    allows_brand_repost: bool

    def status(self, *, today: datetime.date) -> RightsStatus:
        return expiry_status(self.ends_on, today=today)


def expiry_status(ends_on: datetime.date | None, *, today: datetime.date) -> RightsStatus:
    if ends_on is None:
        return RightsStatus.NONE
    if ends_on < today:
        return RightsStatus.EXPIRED
    if (ends_on - today).days <= EXPIRY_WARNING_DAYS:
        return RightsStatus.EXPIRING
    return RightsStatus.ACTIVE


def rights_from_terms(terms: dict[str, Any], *, starts_on: datetime.date) -> UsageRights:
    """The rights a version's agreed terms grant, from `starts_on` for the agreed number of months."""
    months = int(terms.get("usage_duration_months") or 0)
    return UsageRights(
        platforms=str(terms.get("usage_platforms") or ""),
        formats=str(terms.get("usage_formats") or ""),
        starts_on=starts_on,
        ends_on=add_months(starts_on, months),
        allows_paid_ads=bool(terms.get("allows_paid_ads")),
        allows_whitelisting=bool(terms.get("allows_whitelisting")),
        allows_spark_ads=bool(terms.get("allows_spark_ads")),
        allows_brand_repost=bool(terms.get("allows_brand_repost")),
    )
