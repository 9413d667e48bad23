"""/portal/: what a creator sees, from every app that has something to show them."""

from django.urls import include, path

from briefs.calendar import urls as calendar_urls
from briefs.portal import urls as brief_portal_urls

urlpatterns = [
    path("tiktok/", include("analytics.metrics.portal_urls")),
    path("tracking/", include("analytics.tracking.portal_urls")),  # the creator's link and code card
    path("campaigns/", include("campaigns.portal.urls")),
    path("", include("outreach.portal_urls")),  # messages and the public claim page
    path("contracts/", include((brief_portal_urls.contract_patterns, "portal-contracts"))),
    path("briefs/", include((brief_portal_urls.brief_patterns, "portal-briefs"))),
    path("calendar/", include((calendar_urls.portal_patterns, "portal-calendar"))),  # dates across brands, iCal
    path("notifications/", include("accounts.notifications.portal_urls")),
    path("", include("creators.portal.urls")),  # home and profile
]
