from django.urls import path

from creators.portal import views as portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.portal_home, name="home"),
    path("profile/", portal_views.portal_profile, name="profile"),
]
