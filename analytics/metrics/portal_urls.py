"""The TikTok connection in the creator portal, included under /portal/tiktok/."""

from django.urls import path

from analytics.metrics import portal_views

app_name = "tiktok"

urlpatterns = [
    path("", portal_views.tiktok_connection, name="connection"),
    path("card/", portal_views.tiktok_card, name="card"),
    path("connect/", portal_views.tiktok_connect, name="connect"),
    path("callback/", portal_views.tiktok_callback, name="callback"),
    path("disconnect/", portal_views.tiktok_disconnect, name="disconnect"),
]
