"""The period a report covers: a preset (last 7, 30 or 90 days, campaign to date) or a custom from/to,
in days of the workspace's reporting time zone (analytics.reporting_zone), and the previous period of the
same length it is compared with (docs/metrics.md, "Ranges"). Pure: no database."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

from core.errors import ApplicationError

PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}
PRESETS = (("all", "All time"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"),
           ("ctd", "Campaign to date"), ("custom", "Custom"))  # fmt: skip
MAX_RANGE_DAYS = 732  # two years and a leap day: longer is a typo, and the rollups would be scanned for nothing


@dataclass(frozen=True)
class ReportRange:
    """`start`..`end` (both included) and the `previous_start`..`previous_end` of the same length just
    before it. The "all" preset has no dates: the report covers everything, with no comparison."""

    preset: str
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def is_all_time(self) -> bool:
        return self.start is None or self.end is None

    @property
    def days(self) -> int:
        return 0 if self.start is None or self.end is None else (self.end - self.start).days + 1

    @property
    def previous_end(self) -> datetime.date | None:
        return None if self.start is None else self.start - datetime.timedelta(days=1)

    @property
    def previous_start(self) -> datetime.date | None:
        return None if self.start is None else self.start - datetime.timedelta(days=self.days)

    @property
    def label(self) -> str:
        if self.start is None or self.end is None:
            return "All time"
        name = dict(PRESETS).get(self.preset, "Custom")
        return f"{name}: {self.start:%d %b %Y} to {self.end:%d %b %Y}"

    @property
    def previous_label(self) -> str:
        if self.previous_start is None or self.previous_end is None:
            return ""
        return f"{self.previous_start:%d %b %Y} to {self.previous_end:%d %b %Y}"

    def query(self) -> dict[str, str]:
        """The query string parameters that ask for this range again (for export and PDF links)."""
        if self.start is None or self.end is None:
            return {}
        if self.preset == "custom":
            return {"range": "custom", "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"range": self.preset}


def reporting_today(time_zone: str) -> datetime.date:
    """Today in the workspace's reporting zone (UTC when the zone is unknown)."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def _date(raw: str, *, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise ApplicationError(
            f"“{raw[:40]}” is not a date: use YYYY-MM-DD.", code="invalid_range", fields={field: ["Not a date."]}
        ) from None


def parse_range(
    params: Mapping[str, str], *, today: datetime.date, campaign_start: datetime.date | None = None
) -> ReportRange:
    """The range `params` ask for (`range`, and `from`/`to` for a custom one). No `range` is all time.
    Raises ApplicationError (code invalid_range) for an unknown preset, a date that does not parse, a
    `to` before `from`, or a range longer than MAX_RANGE_DAYS: a report never guesses a period."""
    preset = (params.get("range") or "all").strip()
    if preset == "all":
        return ReportRange("all")
    if preset in PRESET_DAYS:
        return ReportRange(preset, today - datetime.timedelta(days=PRESET_DAYS[preset] - 1), today)
    if preset == "ctd":
        if campaign_start is None:
            raise ApplicationError("“Campaign to date” needs a campaign.", code="invalid_range")
        start = min(campaign_start, today)
        return _checked(ReportRange("ctd", start, today))
    if preset == "custom":
        start = _date(params.get("from") or "", field="from")
        end = _date(params.get("to") or "", field="to")
        return _checked(ReportRange("custom", start, end))
    raise ApplicationError(
        f"Unknown range “{preset[:20]}”: choose {', '.join(key for key, _label in PRESETS)}.", code="invalid_range"
    )


def _checked(report_range: ReportRange) -> ReportRange:
    assert report_range.start is not None and report_range.end is not None  # noqa: S101 - built with both
    if report_range.end < report_range.start:
        raise ApplicationError(
            f"The range ends ({report_range.end}) before it starts ({report_range.start}).",
            code="invalid_range",
            fields={"to": ["Choose a day on or after the start."]},
        )
    if report_range.days > MAX_RANGE_DAYS:
        raise ApplicationError(
            f"A range of {report_range.days} days is too long: at most {MAX_RANGE_DAYS}.",
            code="invalid_range",
            fields={"from": [f"At most {MAX_RANGE_DAYS} days."]},
        )
    return report_range
