from django.urls import URLPattern, URLResolver, path

from creators import views

# The workspace-layers work replaces the profile with its own page and adds lists, notes and tags.
urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:creator_pk>/", views.creator_detail, name="creator-detail"),
]
