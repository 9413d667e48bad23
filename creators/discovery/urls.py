from django.urls import URLPattern, URLResolver, path

from creators.discovery import views as discovery_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", discovery_views.creator_list, name="creator-list"),
    path("export.csv", discovery_views.creator_export, name="creator-export"),
    path("bulk/", discovery_views.creator_bulk, name="creator-bulk"),
    path("saved-searches/", discovery_views.saved_search_create, name="saved-search-create"),
    path(
        "saved-searches/<int:saved_search_pk>/delete/",
        discovery_views.saved_search_delete,
        name="saved-search-delete",
    ),
]
