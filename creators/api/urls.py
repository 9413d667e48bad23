from django.urls import include, path

urlpatterns = [
    path("", include("creators.api.discovery_urls")),
    path("", include("creators.api.workspace_urls")),
]
