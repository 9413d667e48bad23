from django.urls import path

from briefs import views

app_name = "briefs"

urlpatterns = [path("<int:campaign_pk>/brief/", views.campaign_brief, name="campaign-brief")]
