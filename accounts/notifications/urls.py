from django.urls import path

from accounts.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.notification_bell, name="bell"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("settings/", views.notification_settings, name="settings"),
    path("<int:notification_pk>/read/", views.notification_read, name="read"),
]
