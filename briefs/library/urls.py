from django.urls import path

from briefs.library import views as library_views

app_name = "library"

urlpatterns = [
    path("", library_views.content_library_page, name="content"),
]
