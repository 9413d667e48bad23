"""The private iCal feed: find the feed a URL's token opens, and write its events as RFC 5545.

The token is the only credential (calendar apps send no cookies), so it is checked like a password: a
malformed one is refused before any query, the row is found by the token's SHA-256 and the digests are
compared in constant time, and a feed whose owner left the workspace (or was deactivated) opens nothing.
Every refusal is the same 404, so a URL says nothing about why it stopped working."""

import datetime
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from icalendar import Calendar, Event

from accounts.models import Membership, User, Workspace
from accounts.tenancy import workspace_scope
from accounts.tokens import token_sha256
from briefs.calendar.events import CalendarEvent
from briefs.calendar.selectors import creator_calendar_events, workspace_calendar_events
from briefs.models import CalendarFeed

# accounts.tokens.new_token: 32 random bytes, URL-safe base64 without padding = 43 characters.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# How far back a feed reaches: a quarter of history is enough to look back on; the future is open.
PAST_DAYS = 90
PRODID = "-//CreatorDesk//Calendar//EN"


@dataclass(frozen=True)
class OpenedFeed:
    user: User
    workspace: Workspace | None  # None: a creator's portal feed


def open_feed(*, token: str) -> OpenedFeed | None:
    """The feed `token` opens, or None (unknown, revoked, malformed, or its owner may no longer see it)."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    digest = token_sha256(token)
    feed = CalendarFeed.objects.select_related("user", "workspace").filter(token_sha256=digest).first()
    if feed is None or not hmac.compare_digest(feed.token_sha256.encode(), digest.encode()):
        return None
    user = feed.user
    if not user.is_active:
        return None
    if feed.workspace is None:
        return OpenedFeed(user=user, workspace=None) if user.is_creator else None
    if user.is_creator:
        return None
    with workspace_scope(feed.workspace):
        if not Membership.objects.filter(workspace=feed.workspace, user=user).exists():
            return None
    return OpenedFeed(user=user, workspace=feed.workspace)


def feed_events(feed: OpenedFeed, *, today: datetime.date) -> list[CalendarEvent]:
    start = today - datetime.timedelta(days=PAST_DAYS)
    if feed.workspace is None:
        return creator_calendar_events(user=feed.user, start=start)
    with workspace_scope(feed.workspace):
        return workspace_calendar_events(workspace=feed.workspace, start=start)


def render_ical(
    events: list[CalendarEvent],
    *,
    name: str,
    domain: str,
    for_creator: bool,
    url_for: Callable[[CalendarEvent], str] | None = None,
) -> bytes:
    """One VCALENDAR of all-day VEVENTs. All-day events are DATE values (DTSTART;VALUE=DATE, DTEND the
    next day, RFC 5545 3.6.1), which carry no time zone, so every app shows them on the same day whatever
    its own zone. UIDs name the row and the kind (`CalendarEvent.uid`) at this install's domain, so they
    stay the same from one fetch to the next."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + datetime.timedelta(days=1))
        event.add("summary", item.summary(for_creator=for_creator))
        event.add("categories", [item.label])
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        if url_for is not None:
            event.add("url", url_for(item))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
