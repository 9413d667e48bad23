from django.urls import path

from creators.importing import views as import_views

urlpatterns = [
    path("", import_views.import_list, name="import-list"),
    path("new/", import_views.import_create, name="import-create"),
    path("<int:import_job_pk>/", import_views.import_detail, name="import-detail"),
    path("<int:import_job_pk>/mapping/", import_views.import_mapping, name="import-mapping"),
    path("<int:import_job_pk>/progress/", import_views.import_progress, name="import-progress"),
    path("<int:import_job_pk>/rejects.csv", import_views.import_rejects, name="import-rejects"),
]
