from django.urls import include, path

from creators import profile_views, views

app_name = "creators"

urlpatterns = [
    path("panels/overview/", views.overview_panel, name="overview-panel"),
    path("import/", include("creators.importing.urls")),
    path("<int:creator_pk>/", profile_views.creator_detail, name="creator-detail"),  # the index's page
    path("", include("creators.workspace.urls")),
    path("", include("creators.discovery.urls")),
]
