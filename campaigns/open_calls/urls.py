"""Open calls: the campaign page's panel (under /campaigns/) and the public page (under /apply/)."""

from django.urls import path

from campaigns.open_calls import views as open_call_views

app_name = "open-calls"

urlpatterns = [
    path("<int:campaign_pk>/open-call/", open_call_views.open_call_panel, name="panel"),
    path("<int:campaign_pk>/open-call/close/", open_call_views.open_call_close, name="close"),
]

public_urlpatterns = [
    path("<slug:slug>/", open_call_views.apply, name="apply"),
]
