from django.urls import path

from creators import views

app_name = "creators"

urlpatterns = [
    path("", views.creator_list, name="creator-list"),
    path("<int:creator_pk>/", views.creator_detail, name="creator-detail"),
    path("panels/overview/", views.overview_panel, name="overview-panel"),
]
