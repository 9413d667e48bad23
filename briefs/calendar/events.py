"""What the calendar shows, as plain data: one `CalendarEvent` per date a row carries, and the month grid
the page lays them out on. No database here; `briefs.calendar.selectors` builds the events from rows."""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    DRAFT_DUE = "draft_due"
    LIVE_DUE = "live_due"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RIGHTS_END = "rights_end"
    EXCLUSIVITY_END = "exclusivity_end"
    SPARK_CODE_EXPIRES = "spark_code_expires"


LABELS = {
    EventKind.DRAFT_DUE: "Draft due",
    EventKind.LIVE_DUE: "Go-live due",
    EventKind.SHIPPED: "Shipped",
    EventKind.DELIVERED: "Delivered",
    EventKind.RIGHTS_END: "Usage rights end",
    EventKind.EXCLUSIVITY_END: "Exclusivity ends",
    EventKind.SPARK_CODE_EXPIRES: "Spark Ads code expires",
}


class Source(StrEnum):
    """What an event comes from, for the page's colour and the feed's CATEGORIES."""

    DELIVERABLE = "deliverable"
    SHIPMENT = "shipment"
    CONTRACT = "contract"


SOURCES = {
    EventKind.DRAFT_DUE: Source.DELIVERABLE,
    EventKind.LIVE_DUE: Source.DELIVERABLE,
    EventKind.SHIPPED: Source.SHIPMENT,
    EventKind.DELIVERED: Source.SHIPMENT,
    EventKind.RIGHTS_END: Source.CONTRACT,
    EventKind.EXCLUSIVITY_END: Source.CONTRACT,
    EventKind.SPARK_CODE_EXPIRES: Source.CONTRACT,
}


@dataclass(frozen=True)
class CalendarEvent:
    kind: EventKind
    row_id: int  # the deliverable, shipment or collaboration the date belongs to
    day: datetime.date  # a whole day: due dates are dates; shipment times are dated in the workspace's zone
    what: str  # "1 x In-feed video", "Glow serum kit", ...
    collaboration_id: int
    campaign_id: int
    campaign_name: str
    workspace_name: str
    creator_handle: str
    is_done: bool = False  # the draft is in, the video is live: shown struck through

    @property
    def uid(self) -> str:
        """Stable across fetches and edits of the date, so a calendar app moves the event instead of
        adding a second one: the kind and the row it belongs to."""
        return f"{self.kind}-{self.row_id}"

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def source(self) -> Source:
        return SOURCES[self.kind]

    def summary(self, *, for_creator: bool) -> str:
        """One line: a marketer reads whose it is, a creator which brand it is for."""
        who = self.workspace_name if for_creator else f"@{self.creator_handle}"
        return f"{self.label}: {self.what} · {who} · {self.campaign_name}"


def sort_events(events: Iterable[CalendarEvent]) -> list[CalendarEvent]:
    return sorted(events, key=lambda e: (e.day, list(EventKind).index(e.kind), e.campaign_name, e.row_id))


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str, *, today: datetime.date) -> "Month":
        """`YYYY-MM` from the query string; anything else (or a year out of range) is this month."""
        try:
            year, month = (int(part) for part in raw.split("-"))
            datetime.date(year, month, 1)
        except ValueError:
            return cls(today.year, today.month)
        if not 2000 <= year <= 2100:  # outside any campaign's life: a typo or a probe
            return cls(today.year, today.month)
        return cls(year, month)

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def grid(self) -> tuple[datetime.date, datetime.date]:
        """The first and last day the month view shows: whole weeks, Monday to Sunday."""
        start = self.first - datetime.timedelta(days=self.first.weekday())
        end = self.last + datetime.timedelta(days=6 - self.last.weekday())
        return start, end


@dataclass(frozen=True)
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list[CalendarEvent]


def month_weeks(month: Month, events: Iterable[CalendarEvent], *, today: datetime.date) -> list[list[Day]]:
    """The month view: rows of seven days (Monday first), each with its events in agenda order."""
    by_day: dict[datetime.date, list[CalendarEvent]] = defaultdict(list)
    for event in sort_events(events):
        by_day[event.day].append(event)
    start, end = month.grid()
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    cells = [Day(day, day.month == month.month, day == today, by_day.get(day, [])) for day in days]
    return [cells[n : n + 7] for n in range(0, len(cells), 7)]
