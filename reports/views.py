"""Report pages: a campaign's report (with its exports and PDF), the program view across campaigns, and
the workspace's report settings. Views parse the request, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from campaigns.models import Campaign
from core.errors import ApplicationError
from reports import charts, exports, selectors
from reports.pdf import render_campaign_report_pdf
from reports.settings import EDITABLE_FIELDS, report_settings_for, update_report_settings
from reports.tables import CAMPAIGN_TABLES, PROGRAM_TABLES, creator_table, program_tables, totals_cells


def _campaign(request: WorkspaceRequest, campaign_pk: int) -> Campaign:
    campaign = Campaign.objects.filter(workspace=request.workspace, pk=campaign_pk).select_related("workspace").first()
    if campaign is None:
        raise Http404
    return campaign


def _export_args(request: WorkspaceRequest, tables: tuple[str, ...] | list[str]) -> tuple[str, str] | HttpResponse:
    table = request.GET.get("table", "")
    export_format = request.GET.get("format", "csv")
    if table not in tables or export_format not in exports.FORMATS:
        return HttpResponse(
            f"Unknown export: choose table among {', '.join(tables)} and format csv or xlsx.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return table, export_format


@require_GET
@dashboard_view()
def campaign_report(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    report = selectors.campaign_report(campaign=campaign, rule=request.GET.get("rule"))
    table = creator_table(report)
    context: dict[str, Any] = {
        "campaign": campaign,
        "report": report,
        "table": table,
        "totals": totals_cells(table, report.totals),
        "charts": charts.campaign_charts(report),
        "can_write": can_write(request),
        "time_zone": request.workspace.time_zone,
    }
    return render(request, "reports/campaign_report.html", context)


@require_GET
@dashboard_view()
def campaign_report_export(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    parsed = _export_args(request, list(CAMPAIGN_TABLES))
    if isinstance(parsed, HttpResponse):
        return parsed
    table_name, export_format = parsed
    report = selectors.campaign_report(campaign=campaign, rule=request.GET.get("rule"))
    table = CAMPAIGN_TABLES[table_name](report)
    filename = f"{slugify(campaign.name) or 'campaign'}-{table_name}"
    return exports.table_response(table, export_format=export_format, filename=filename)


@require_GET
@dashboard_view()
def campaign_report_pdf(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    report = selectors.campaign_report(campaign=campaign, rule=request.GET.get("rule"))
    body = render_campaign_report_pdf(report, generated_at=timezone.now(), time_zone=request.workspace.time_zone)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(campaign.name) or "campaign"}-report.pdf"'
    return response


@require_GET
@dashboard_view()
def program(request: WorkspaceRequest) -> HttpResponse:
    view = selectors.program_view(
        workspace=request.workspace, currency=request.GET.get("currency"), rule=request.GET.get("rule")
    )
    tables = program_tables(view)
    context = {
        "view": view,
        "tables": tables,
        "charts": charts.program_charts(view),
        "can_write": can_write(request),
    }
    return render(request, "reports/program.html", context)


@require_GET
@dashboard_view()
def program_export(request: WorkspaceRequest) -> HttpResponse:
    parsed = _export_args(request, PROGRAM_TABLES)
    if isinstance(parsed, HttpResponse):
        return parsed
    table_name, export_format = parsed
    view = selectors.program_view(
        workspace=request.workspace, currency=request.GET.get("currency"), rule=request.GET.get("rule")
    )
    table = program_tables(view)[table_name]
    return exports.table_response(table, export_format=export_format, filename=f"program-{table_name}")


@require_http_methods(["GET", "POST"])
@dashboard_view()
def report_settings(request: WorkspaceRequest) -> HttpResponse:
    current = report_settings_for(workspace=request.workspace)
    errors: dict[str, list[str]] = {}
    message = ""
    values: dict[str, Any] = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    status = 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in EDITABLE_FIELDS}
        try:
            update_report_settings(workspace=request.workspace, by=request.user, values=values)
        except ApplicationError as exc:
            errors, message, status = exc.fields, exc.message, exc.http_status
        else:
            messages.success(request, "Report settings saved. Every report uses them right away.")
            return redirect("reports:report-settings")
    fields = {
        name: {"name": name, "value": "" if values[name] is None else values[name], "errors": errors.get(name, [])}
        for name in EDITABLE_FIELDS
    }
    context = {
        "current": current,
        "fields": fields,
        "errors": errors,
        "message": message,
        "can_write": can_write(request),
    }
    return render(request, "reports/report_settings.html", context, status=status)
