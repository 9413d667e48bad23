"""/creators/: the creator index, discovery, imports and the workspace's layers on it, with the panels
analytics renders on a creator's page (sync status, score, scoring and brand-safety settings)."""

from django.urls import include, path

urlpatterns = [
    path("", include("analytics.urls")),  # panels the creator page loads with htmx
    path("", include("creators.urls")),
]
