"""The creators app's API routes: discovery and detail on the shared index, and the workspace's layers on it
(shortlists, notes, tags, relationship status)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from creators.api import index, workspace

# Basenames are the object kinds tests/security/test_isolation.py maps `pk` to.
index_router = DefaultRouter(trailing_slash=True)
index_router.include_root_view = False
index_router.register("creators", index.CreatorViewSet, basename="creator")

workspace_router = DefaultRouter(trailing_slash=True)
workspace_router.include_root_view = False
workspace_router.register("lists", workspace.CreatorListViewSet, basename="creator_list")
workspace_router.register("notes", workspace.CreatorNoteViewSet, basename="creator_note")
workspace_router.register("tags", workspace.TagViewSet, basename="tag")

urlpatterns: list[URLPattern | URLResolver] = [
    *index_router.urls,
    path(
        "creators/<int:creator_pk>/relationship/",
        workspace.CreatorRelationshipView.as_view(),
        name="creator-relationship",
    ),
    *workspace_router.urls,
]
