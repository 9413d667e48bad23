"""Campaign pages of the creator portal, included under /portal/campaigns/."""

from django.urls import path

from campaigns.portal import views as portal_views

app_name = "portal-campaigns"

urlpatterns = [
    path("card/", portal_views.collaborations_card, name="card"),
    path("<int:collaboration_pk>/respond/", portal_views.respond, name="respond"),
    path("<int:collaboration_pk>/", portal_views.collaboration_page, name="collaboration"),
    path("deliverables/<int:deliverable_pk>/draft/", portal_views.deliverable_draft, name="deliverable-draft"),
    path("deliverables/<int:deliverable_pk>/live/", portal_views.deliverable_live, name="deliverable-live"),
    path("shipments/<int:shipment_pk>/address/", portal_views.shipment_address, name="shipment-address"),
    path("submissions/<int:submission_pk>/file/", portal_views.submission_file, name="submission-file"),
]
