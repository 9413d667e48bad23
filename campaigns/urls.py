from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("<int:campaign_pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:campaign_pk>/shortlist/", views.campaign_shortlist, name="campaign-shortlist"),
    path("collaborations/<int:collaboration_pk>/", views.collaboration_detail, name="collaboration-detail"),
    path("collaborations/<int:collaboration_pk>/move/", views.collaboration_move, name="collaboration-move"),
]
