from django.urls import path

from analytics.orders import commission_views

app_name = "commission"

urlpatterns = [
    path("collaborations/<int:collaboration_pk>/commission/", commission_views.commission_panel, name="panel"),
]
