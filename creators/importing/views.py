"""Dashboard pages to import creators: upload, check the column mapping, follow the progress."""

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Role
from core.errors import ApplicationError
from core.forms import add_form_errors
from creators.importing import selectors as import_selectors
from creators.importing import services as importing
from creators.importing.audience import audience_columns
from creators.importing.files import ImportFileError
from creators.importing.forms import ACCEPT, ImportMappingForm, ImportUploadForm
from creators.importing.mapping import CREATOR_FIELDS, VIDEO_FIELDS, Layout, layout_of
from creators.importing.rejects import write_rejects_csv
from creators.importing.unmapped import unmapped_context
from creators.models import ImportJob

# How many rejected rows the job page lists; the CSV download has them all (up to 10,000).
REJECTS_ON_PAGE = 100


def _upload_context(request: WorkspaceRequest, form: ImportUploadForm) -> dict[str, object]:
    return {"form": form, "accept": ACCEPT, "max_upload_mb": importing.max_upload_bytes() // (1024 * 1024)}


@require_GET
@dashboard_view()
def import_list(request: WorkspaceRequest) -> HttpResponse:
    jobs = import_selectors.list_import_jobs(workspace=request.workspace)[:50]
    context = {
        "jobs": jobs,
        "can_import": can_write(request),
        **_upload_context(request, ImportUploadForm()),
    }
    return render(request, "creators/import_list.html", context)


@require_http_methods(["GET", "POST"])
@dashboard_view(at_least=Role.MANAGER)
def import_create(request: WorkspaceRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                job = importing.create_import_job(
                    workspace=request.workspace, by=request.user, upload=form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                add_form_errors(form, exc)
            else:
                return redirect("creators:import-mapping", import_job_pk=job.pk)
        return render(request, "creators/import_create.html", _upload_context(request, form), status=400)
    return render(request, "creators/import_create.html", _upload_context(request, form))


@require_http_methods(["GET", "POST"])
@dashboard_view(at_least=Role.MANAGER)
def import_mapping(request: WorkspaceRequest, import_job_pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.filter(workspace=request.workspace), pk=import_job_pk)
    if job.status != ImportJob.Status.MAPPING:
        return redirect("creators:import-detail", import_job_pk=job.pk)
    try:
        preview = importing.preview_import_file(import_job=job)
    except (ImportFileError, OSError):
        messages.error(request, "The uploaded file can no longer be read. Upload it again.")
        return redirect("creators:import-list")
    form = ImportMappingForm(request.POST or None, columns=preview.columns, initial_mapping=job.mapping)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                importing.confirm_import_mapping(import_job=job, mapping=form.mapping(), by=request.user)
            except ApplicationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, f"Importing {job.original_name}. You can leave this page; it keeps going.")
                return redirect("creators:import-detail", import_job_pk=job.pk)
        status = 400
    video_id_column = form.data.get("video_id", "") if form.is_bound else job.mapping.get("video_id", "")
    context = {
        "job": job,
        "form": form,
        "preview": preview,
        "examples": {column: preview.examples(column) for column in preview.columns},
        "is_per_video": layout_of({"video_id": video_id_column}) is Layout.VIDEOS,
        "show_video_fields": layout_of({"video_id": video_id_column}) is Layout.VIDEOS
        or any(target.name in form.errors for target in VIDEO_FIELDS),
        **unmapped_context(job.unmapped_columns),
        "audience_columns": [
            (column, preview.examples(column.column))
            for column in audience_columns(preview.columns, job.mapping if not form.is_bound else {}).columns
        ],
    }
    return render(request, "creators/import_mapping.html", context, status=status)


def _job_with_preview(request: WorkspaceRequest, import_job_pk: int) -> ImportJob:
    jobs = import_selectors.import_jobs_with_rejects_preview(workspace=request.workspace, rejects=REJECTS_ON_PAGE)
    return get_object_or_404(jobs, pk=import_job_pk)


@require_GET
@dashboard_view()
def import_detail(request: WorkspaceRequest, import_job_pk: int) -> HttpResponse:
    job = _job_with_preview(request, import_job_pk)
    mapping = [(t.label, job.mapping[t.name]) for t in (*CREATOR_FIELDS, *VIDEO_FIELDS) if job.mapping.get(t.name)]
    context = {
        "job": job,
        "rejects_on_page": REJECTS_ON_PAGE,
        "mapping": mapping,
        **unmapped_context(job.unmapped_columns),
    }
    return render(request, "creators/import_detail.html", context)


@require_GET
@dashboard_view()
def import_progress(request: WorkspaceRequest, import_job_pk: int) -> HttpResponse:
    """The job panel alone, polled by htmx every second while the job is queued or running."""
    job = _job_with_preview(request, import_job_pk)
    return render(request, "creators/import_detail.html#job-panel", {"job": job, "rejects_on_page": REJECTS_ON_PAGE})


@require_GET
@dashboard_view()
def import_rejects(request: WorkspaceRequest, import_job_pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.filter(workspace=request.workspace), pk=import_job_pk)
    out = io.StringIO()
    write_rejects_csv(job.rejects, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stem = job.original_name.rsplit(".", 1)[0] or "import"
    safe_stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)[:80]
    response["Content-Disposition"] = f'attachment; filename="{safe_stem}-rejected-rows.csv"'
    return response
