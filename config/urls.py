from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from analytics.redirect import tracking_redirect
from analytics.webhooks import order_webhook
from briefs import portal_urls as brief_portal_urls
from campaigns import open_call_urls
from core.views import healthz, healthz_live

handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("creators.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/live", healthz_live, name="healthz-live"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from /api/docs/?script, not inline, so the page
    # runs under the Content-Security-Policy's script-src 'self' without a nonce or an exemption.
    # Members only, like the schema; a person opening the docs signed out is sent to sign in, not shown a 403.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("portal/tiktok/", include("analytics.portal_urls")),
    path("portal/campaigns/", include("campaigns.portal_urls")),
    path("portal/", include("outreach.portal_urls")),  # messages and the public claim page
    path("portal/contracts/", include((brief_portal_urls.contract_patterns, "portal-contracts"))),
    path("portal/briefs/", include((brief_portal_urls.brief_patterns, "portal-briefs"))),
    path("portal/", include("creators.portal_urls")),
    path("creators/", include("analytics.creator_urls")),  # panels the creator page loads with htmx
    path("creators/", include("creators.urls")),
    path("campaigns/", include("briefs.urls")),  # the brief panel the campaign page loads with htmx
    path("campaigns/", include("outreach.urls")),  # thread and table panels, outreach templates
    path("campaigns/", include("campaigns.urls")),
    path("campaigns/", include("campaigns.open_call_urls")),
    path("campaigns/", include("analytics.commission_urls")),  # the commission card of a collaboration
    path("apply/", include((open_call_urls.public_urlpatterns, "apply"))),
    path("contracts/", include("briefs.verify_urls")),  # public: verify a signed contract PDF
    path("library/", include("briefs.library_urls")),
    path("reports/", include("reports.urls")),  # campaign reports, the program view, report settings
    path("reports/", include("analytics.urls")),  # the former report list: /reports/ now answers with the program
    path("tracking/", include("analytics.tracking_urls")),
    path("orders/", include("analytics.order_urls")),
    path("r/<str:token>", tracking_redirect, name="tracking-redirect"),  # public: the click redirect
    path("hooks/orders/<slug:workspace_slug>/", order_webhook, name="order-webhook"),  # public: HMAC-signed
    path("", include("accounts.urls")),
]
