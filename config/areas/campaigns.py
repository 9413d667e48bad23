"""/campaigns/: campaigns and their pipeline, with the panels the higher apps render on a campaign's or
a collaboration's page: the brief, the message thread and outreach, the open call and the commission."""

from django.urls import include, path

urlpatterns = [
    path("", include("briefs.urls")),  # the brief panel the campaign page loads with htmx
    path("", include("outreach.urls")),  # thread and table panels, outreach templates
    path("", include("campaigns.urls")),
    path("", include("campaigns.open_calls.urls")),
    path("", include("analytics.orders.commission_urls")),  # the commission card of a collaboration
]
