"""Outreach pages of the creator portal, included under /portal/."""

from django.urls import path

from outreach import portal_views

app_name = "portal-outreach"

urlpatterns = [
    path("messages/", portal_views.inbox, name="inbox"),
    path("messages/<int:collaboration_pk>/", portal_views.thread, name="thread"),
    path("claim/<str:token>/", portal_views.claim_accept, name="claim-accept"),
]
