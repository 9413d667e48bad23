from django.urls import include, path

from creators import views

app_name = "creators"

urlpatterns = [
    path("panels/overview/", views.overview_panel, name="overview-panel"),
    path("import/", include("creators.importing.urls")),
    path("", include("creators.workspace.urls")),
    path("", include("creators.discovery.urls")),
]
