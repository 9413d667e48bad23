"""Outreach pages of the dashboard, included under /campaigns/ (the campaign pages load the thread and
table panels with htmx)."""

from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path(
        "collaborations/<int:collaboration_pk>/messages/", views.collaboration_messages, name="collaboration-messages"
    ),
    path("<int:campaign_pk>/table/", views.campaign_table, name="campaign-table"),
    path("<int:campaign_pk>/table/bulk/", views.campaign_bulk, name="campaign-bulk"),
    path("outreach-templates/", views.template_list, name="template-list"),
    path("outreach-templates/preview/", views.template_preview, name="template-preview"),
    path("outreach-templates/<int:outreach_template_pk>/", views.template_edit, name="template-edit"),
]
