from django.urls import path

from campaigns.search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="page"),
    path("suggest/", views.search_suggestions, name="suggest"),
]
