from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [path("", views.report_list, name="report-list")]
