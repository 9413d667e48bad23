from django.urls import URLPattern, URLResolver, path

from creators import views

# The discovery work replaces these with its own page.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.creator_list, name="creator-list"),
]
