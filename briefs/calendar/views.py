"""The calendar pages (the dashboard's, for the current workspace; the portal's, for the creator's own
collaborations), the buttons that make or revoke a feed URL, and the public feed itself."""

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import WorkspaceRequest, dashboard_view
from accounts.models import User, Workspace
from briefs.calendar import services
from briefs.calendar.events import CalendarEvent, Month, Source, month_weeks
from briefs.calendar.feeds import feed_events, open_feed, render_ical
from briefs.calendar.selectors import creator_calendar_campaigns, creator_calendar_events, workspace_calendar_events
from briefs.models import CalendarFeed
from campaigns.models import Campaign
from core.throttle import allow, client_key
from creators.models import Creator
from creators.portal.guards import portal_view


def _campaign_id(request: HttpRequest, allowed: set[int]) -> int | None:
    raw = request.GET.get("campaign", "")
    # Only a campaign the viewer can see filters; any other id is no filter, never a hint that it exists.
    return int(raw) if raw.isdigit() and int(raw) in allowed else None


def _context(request: HttpRequest, *, events_for: Any, campaigns: list[tuple[int, str]], today: Any) -> dict[str, Any]:
    month = Month.parse(request.GET.get("month", ""), today=today)
    campaign_id = _campaign_id(request, {pk for pk, _ in campaigns})
    start, end = month.grid()
    events: list[CalendarEvent] = events_for(campaign_id=campaign_id, start=start, end=end)
    agenda = [e for e in events if month.first <= e.day <= month.last]
    days: dict[Any, list[CalendarEvent]] = {}
    for event in agenda:
        days.setdefault(event.day, []).append(event)
    suffix = f"&campaign={campaign_id}" if campaign_id is not None else ""
    return {
        "month": month,
        "weeks": month_weeks(month, events, today=today),
        "agenda": list(days.items()),
        "campaigns": campaigns,
        "campaign_id": campaign_id,
        "previous_query": f"?month={month.previous}{suffix}",
        "next_query": f"?month={month.next}{suffix}",
        "today_query": f"?month={Month(today.year, today.month)}{suffix}",
        "sources": list(Source),
    }


def _feed_context(request: HttpRequest, *, user: User, workspace: Workspace | None, raw_token: str = "") -> dict:  # type: ignore[type-arg]
    feed = CalendarFeed.objects.filter(user=user, workspace=workspace).first()
    url = request.build_absolute_uri(reverse("calendar-feed", args=[raw_token])) if raw_token else ""
    return {"feed": feed, "feed_url": url}


def _workspace_today(workspace: Workspace) -> Any:
    try:
        return timezone.localtime(timezone.now(), ZoneInfo(workspace.time_zone)).date()
    except (ValueError, KeyError):
        return timezone.now().date()


@dashboard_view()
def calendar_page(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    campaigns = list(Campaign.objects.filter(workspace=workspace).order_by("name").values_list("pk", "name"))

    def events_for(**kwargs: Any) -> list[CalendarEvent]:
        return workspace_calendar_events(workspace=workspace, **kwargs)

    context = _context(request, events_for=events_for, campaigns=campaigns, today=_workspace_today(workspace))
    context |= _feed_context(request, user=request.user, workspace=workspace)
    return render(request, "briefs/calendar_month.html", context)


# Any member may have their own feed: it shows only what the dashboard already shows them.
@dashboard_view(write_role=None)
def calendar_feed_regenerate(request: WorkspaceRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw = services.regenerate_calendar_feed(user=request.user, workspace=request.workspace)
    context = _feed_context(request, user=request.user, workspace=request.workspace, raw_token=raw)
    return render(request, "briefs/_calendar_feed_card.html", context | {"portal": False})


@dashboard_view(write_role=None)
def calendar_feed_revoke(request: WorkspaceRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.revoke_calendar_feed(user=request.user, workspace=request.workspace)
    if getattr(request, "htmx", False):
        context = _feed_context(request, user=request.user, workspace=request.workspace)
        return render(request, "briefs/_calendar_feed_card.html", context | {"portal": False})
    return redirect("calendar:page")


@portal_view
def portal_calendar_page(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    user = cast(User, request.user)  # portal_view let only a signed-in creator through
    campaigns = creator_calendar_campaigns(user=user) if creator is not None else []

    def events_for(**kwargs: Any) -> list[CalendarEvent]:
        return creator_calendar_events(user=user, **kwargs) if creator is not None else []

    context = _context(request, events_for=events_for, campaigns=campaigns, today=timezone.now().date())
    context |= _feed_context(request, user=user, workspace=None)
    return render(request, "portal/calendar.html", context)


@portal_view
def portal_calendar_feed_regenerate(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = cast(User, request.user)
    raw = services.regenerate_calendar_feed(user=user, workspace=None)
    context = _feed_context(request, user=user, workspace=None, raw_token=raw)
    return render(request, "briefs/_calendar_feed_card.html", context | {"portal": True})


@portal_view
def portal_calendar_feed_revoke(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = cast(User, request.user)
    services.revoke_calendar_feed(user=user, workspace=None)
    if getattr(request, "htmx", False):
        context = _feed_context(request, user=user, workspace=None)
        return render(request, "briefs/_calendar_feed_card.html", context | {"portal": True})
    return redirect("portal-calendar:page")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the token in the URL is the credential. Counted per client like the other public pages,
    before the token is looked at, so guessing costs tries whether a guess is right or wrong."""
    if not allow(scope="calendar-feed", key=client_key(request), limit=settings.CALENDAR_FEED_TRIES_PER_HOUR,
                 window_s=3600):  # fmt: skip
        return HttpResponse("Too many requests; try again in an hour.", status=429, content_type="text/plain")
    feed = open_feed(token=token)
    if feed is None:
        raise Http404
    for_creator = feed.workspace is None
    events = feed_events(feed, today=timezone.now().date())
    name = "CreatorDesk" if for_creator else f"CreatorDesk · {feed.workspace.name}"  # type: ignore[union-attr]
    base = request.build_absolute_uri("/").rstrip("/")
    url_name = "portal-campaigns:collaboration" if for_creator else "campaigns:collaboration-detail"
    body = render_ical(
        events,
        name=name,
        domain=request.get_host().split(":")[0] or "creatordesk",
        for_creator=for_creator,
        url_for=lambda event: base + reverse(url_name, args=[event.collaboration_id]),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="creatordesk.ics"'
    response["Cache-Control"] = "private, no-store"  # a feed is personal: no shared cache may keep it
    response["X-Robots-Tag"] = "noindex"
    return response
