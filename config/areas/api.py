"""/api/: the REST API's version 1, its OpenAPI schema and the Swagger UI that reads it."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

v1 = [
    path("", include("accounts.api.urls")),
    path("", include("creators.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from /api/docs/?script, not inline, so the page
    # runs under the Content-Security-Policy's script-src 'self' without a nonce or an exemption.
    # Members only, like the schema; a person opening the docs signed out is sent to sign in, not shown a 403.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]
