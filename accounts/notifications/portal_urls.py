from django.urls import path

from accounts.notifications import views

app_name = "portal-notifications"
urlpatterns = [
    path("", views.portal_notification_list, name="list"),
    path("bell/", views.portal_notification_bell, name="bell"),
    path("read-all/", views.portal_notification_read_all, name="read-all"),
    path("settings/", views.portal_notification_settings, name="settings"),
    path("<int:notification_pk>/read/", views.portal_notification_read, name="read"),
]
