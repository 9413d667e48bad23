"""Routes of the calendar: the dashboard page under /calendar/, the portal page under /portal/calendar/
(config/areas/portal.py includes `portal_patterns` with its own namespace). The public feed,
/ical/<token>.ics, is a line of config/urls.py, like the other public URLs."""

from django.urls import path

from briefs.calendar import views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("feed/new/", views.calendar_feed_regenerate, name="feed-regenerate"),
    path("feed/revoke/", views.calendar_feed_revoke, name="feed-revoke"),
]

portal_patterns = [
    path("", views.portal_calendar_page, name="page"),
    path("feed/new/", views.portal_calendar_feed_regenerate, name="feed-regenerate"),
    path("feed/revoke/", views.portal_calendar_feed_revoke, name="feed-revoke"),
]
