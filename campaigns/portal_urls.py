"""Campaign pages of the creator portal, included under /portal/campaigns/."""

from django.urls import path

from campaigns import portal_views

app_name = "portal-campaigns"

urlpatterns = [
    path("card/", portal_views.collaborations_card, name="card"),
    path("<int:collaboration_pk>/respond/", portal_views.respond, name="respond"),
]
