from django.urls import URLPattern, URLResolver

# Filled by the api_workspace_urls work.
urlpatterns: list[URLPattern | URLResolver] = []
