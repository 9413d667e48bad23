from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from creators.api import workspace as api_workspace

# Basenames are the object kinds tests/security/test_isolation.py maps `pk` to.
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("lists", api_workspace.CreatorListViewSet, basename="creator_list")
router.register("notes", api_workspace.CreatorNoteViewSet, basename="creator_note")
router.register("tags", api_workspace.TagViewSet, basename="tag")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "creators/<int:creator_pk>/relationship/",
        api_workspace.CreatorRelationshipView.as_view(),
        name="creator-relationship",
    ),
    *router.urls,
]
