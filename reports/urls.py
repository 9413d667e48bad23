from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.program, name="program"),
    path("export/", views.program_export, name="program-export"),
    path("program.pdf", views.program_pdf, name="program-pdf"),
    path("settings/", views.report_settings, name="report-settings"),
    path("campaigns/<int:campaign_pk>/", views.campaign_report, name="campaign-report"),
    path("campaigns/<int:campaign_pk>/export/", views.campaign_report_export, name="campaign-export"),
    path("campaigns/<int:campaign_pk>/report.pdf", views.campaign_report_pdf, name="campaign-pdf"),
    path("campaigns/<int:campaign_pk>/kpis/", views.campaign_kpis, name="campaign-kpis"),
]
