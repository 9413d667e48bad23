"""The table of contents: one line per area of the product, each area's URLs in one module.

A prefix is mounted once. Where an area's pages come from several apps (the portal, creators,
campaigns, the API), its module is in config/areas/ and lists them; otherwise the app's own URL module
is the area's module.
"""

from django.contrib import admin
from django.urls import include, path

from analytics.orders.webhooks import order_webhook
from analytics.tracking.redirect import tracking_redirect
from briefs.calendar.views import calendar_feed
from campaigns.open_calls import urls as open_call_urls
from core.views import healthz, healthz_live

handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # load balancers: database and Redis answer
    path("healthz/live", healthz_live, name="healthz-live"),  # the process answers
    path("admin/", admin.site.urls),  # staff, behind a second factor
    path("api/", include("config.areas.api")),  # REST API v1, its schema and docs
    path("portal/", include("config.areas.portal")),  # the creator portal
    path("creators/", include("config.areas.creators")),  # index, discovery, imports, lists, notes, tags
    path("campaigns/", include("config.areas.campaigns")),  # campaigns, pipeline, briefs, outreach
    path("apply/", include((open_call_urls.public_urlpatterns, "apply"))),  # public: open calls
    path("contracts/", include("briefs.contracts.verify_urls")),  # public: verify a signed contract PDF
    path("library/", include("briefs.library.urls")),  # approved content and its usage rights
    path("calendar/", include("briefs.calendar.urls")),  # due dates, shipments, contract deadlines; feed URLs
    path("search/", include("campaigns.search.urls")),  # the top bar's search: creators, campaigns, people
    path("ical/<str:token>.ics", calendar_feed, name="calendar-feed"),  # public: the token is the credential
    path("reports/", include("reports.urls")),  # campaign reports, the program view, report settings
    path("tracking/", include("analytics.tracking.urls")),  # tracking links and verified domains
    path("orders/", include("analytics.orders.urls")),  # store connections, attribution, order imports
    path("r/<str:token>", tracking_redirect, name="tracking-redirect"),  # public: the click redirect
    path("hooks/orders/<slug:workspace_slug>/", order_webhook, name="order-webhook"),  # public: HMAC-signed
    path("notifications/", include("accounts.notifications.urls")),  # the bell, the list, e-mail preferences
    path("", include("accounts.urls")),  # sign-in, the dashboard, settings, members, invitations
]
