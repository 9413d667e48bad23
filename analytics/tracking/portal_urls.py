"""The creator portal's tracking pages, included under /portal/tracking/."""

from django.urls import path

from analytics.tracking import portal_views

app_name = "portal-tracking"

urlpatterns = [
    # The "Your link and code" card the portal's collaboration page loads with htmx.
    path("for/<int:collaboration_pk>/", portal_views.collaboration_kit_card, name="collaboration-card"),
]
