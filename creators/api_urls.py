from django.urls import include, path

urlpatterns = [
    path("", include("creators.api_discovery_urls")),
    path("", include("creators.api_workspace_urls")),
]
