from django.urls import URLPattern, URLResolver

# Filled by the import_urls work.
urlpatterns: list[URLPattern | URLResolver] = []
