from django.urls import path

from campaigns import terms_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:campaign_pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:campaign_pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<int:campaign_pk>/status/", views.campaign_status, name="campaign-status"),
    path("<int:campaign_pk>/duplicate/", views.campaign_duplicate, name="campaign-duplicate"),
    path("<int:campaign_pk>/shortlist/", views.campaign_shortlist, name="campaign-shortlist"),
    path("collaborations/<int:collaboration_pk>/", views.collaboration_detail, name="collaboration-detail"),
    path("collaborations/<int:collaboration_pk>/move/", views.collaboration_move, name="collaboration-move"),
    path("collaborations/<int:collaboration_pk>/terms/", terms_views.collaboration_terms, name="collaboration-terms"),
    path(
        "collaborations/<int:collaboration_pk>/deliverables/add/",
        terms_views.collaboration_deliverable_add,
        name="collaboration-deliverable-add",
    ),
    path(
        "collaborations/<int:collaboration_pk>/shipments/add/",
        terms_views.collaboration_shipment_add,
        name="collaboration-shipment-add",
    ),
    path(
        "collaborations/<int:collaboration_pk>/payouts/add/",
        terms_views.collaboration_payout_add,
        name="collaboration-payout-add",
    ),
    path("payouts/<int:payout_pk>/paid/", terms_views.payout_paid, name="payout-paid"),
    path("payouts/<int:payout_pk>/cancel/", terms_views.payout_cancel, name="payout-cancel"),
    path("submissions/<int:submission_pk>/file/", views.submission_file, name="submission-file"),
    path("submissions/<int:submission_pk>/review/", views.submission_review, name="submission-review"),
    path("deliverables/<int:deliverable_pk>/spark-ads/", views.deliverable_spark_ads, name="deliverable-spark-ads"),
    path("shipments/<int:shipment_pk>/ship/", views.shipment_ship, name="shipment-ship"),
]
