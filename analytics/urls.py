from django.urls import path

from analytics import brand_safety_views
from analytics.metrics import views as metrics_views
from analytics.scoring import views as scoring_views

app_name = "analytics-creators"

urlpatterns = [
    path("scoring/", scoring_views.scoring_settings, name="scoring-settings"),
    path("brand-safety/", brand_safety_views.brand_safety, name="brand-safety"),
    path("brand-safety/export.csv", brand_safety_views.brand_safety_export, name="brand-safety-export"),
    path(
        "brand-safety/<int:brand_safety_term_pk>/delete/",
        brand_safety_views.brand_safety_term_delete,
        name="brand-safety-term-delete",
    ),
    path("<int:creator_pk>/sync/", metrics_views.creator_sync_status, name="creator-sync"),
    path("<int:creator_pk>/refresh/", metrics_views.creator_refresh, name="creator-refresh"),
    path("<int:creator_pk>/score/", scoring_views.creator_score, name="creator-score"),
]
