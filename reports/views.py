"""Report pages: a campaign's report (with its exports, PDF and KPI panel), the program view across
campaigns (with its exports and PDF), and the workspace's report settings. Views parse the request
(the range with reports.ranges), call one selector or service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

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
from reports.kpis import kpi_lines
from reports.pdf import render_campaign_report_pdf, render_program_pdf
from reports.ranges import PRESETS, ReportRange, parse_range, reporting_today
from reports.settings import EDITABLE_FIELDS, report_settings_for, update_report_settings
from reports.tables import CAMPAIGN_TABLES, PROGRAM_TABLES, creator_table, program_tables, totals_cells


def _campaign(request: WorkspaceRequest, campaign_pk: int) -> Campaign:
    campaign = Campaign.objects.filter(workspace=request.workspace, pk=campaign_pk).select_related("workspace").first()
    if campaign is None:
        raise Http404
    return campaign


def _range(request: WorkspaceRequest, *, campaign: Campaign | None = None) -> ReportRange:
    """The range the query string asks for, in the workspace's days; raises ApplicationError when bad."""
    today = reporting_today(request.workspace.time_zone)
    start = None
    if campaign is not None:
        start = campaign.start_date or selectors.campaign_window(campaign, workspace=request.workspace, today=today)[0]
    return parse_range(request.GET, today=today, campaign_start=start)


def _range_or_400(request: WorkspaceRequest, *, campaign: Campaign | None = None) -> ReportRange | HttpResponse:
    try:
        return _range(request, campaign=campaign)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


def _range_context(request: WorkspaceRequest, report_range: ReportRange, *, with_campaign: bool) -> dict[str, Any]:
    """What the range form and the export links need: the presets, the chosen values, and the query
    string (range and rule) every link repeats so an export covers what the page shows."""
    keep = {**report_range.query(), **({"rule": request.GET["rule"]} if request.GET.get("rule") else {})}
    return {
        "range": report_range,
        "range_presets": [(key, label) for key, label in PRESETS if with_campaign or key != "ctd"],
        "range_from": request.GET.get("from", "") or (report_range.start.isoformat() if report_range.start else ""),
        "range_to": request.GET.get("to", "") or (report_range.end.isoformat() if report_range.end else ""),
        "range_query": urlencode(keep),
    }


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
    status, range_error = 200, ""
    try:
        report_range = _range(request, campaign=campaign)
    except ApplicationError as exc:  # the page still shows, over all time, with the reason
        report_range, status, range_error = selectors.ALL_TIME, 400, exc.message
    report = selectors.campaign_report(campaign=campaign, rule=request.GET.get("rule"), report_range=report_range)
    table = creator_table(report)
    context: dict[str, Any] = {
        **_range_context(request, report_range, with_campaign=True),
        "range_error": range_error,
        "campaign": campaign,
        "report": report,
        "table": table,
        "totals": totals_cells(table, report.totals),
        "charts": charts.campaign_charts(report),
        "can_write": can_write(request),
        "time_zone": request.workspace.time_zone,
    }
    return render(request, "reports/campaign_report.html", context, status=status)


@require_GET
@dashboard_view()
def campaign_kpis(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    """The campaign page's KPI panel (loaded with htmx): each target against the campaign to date."""
    campaign = _campaign(request, campaign_pk)
    report = selectors.campaign_report(campaign=campaign)
    today = reporting_today(request.workspace.time_zone)
    start, _end = selectors.campaign_window(campaign, workspace=request.workspace, today=today)
    lines = kpi_lines(
        kpis=list(campaign.kpis or []), totals=report.totals, start=start, end=campaign.end_date, today=today
    )
    context = {"campaign": campaign, "report": report, "lines": lines, "start": start, "today": today}
    return render(request, "reports/_campaign_kpis.html", context)


@require_GET
@dashboard_view()
def campaign_report_export(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    parsed = _export_args(request, list(CAMPAIGN_TABLES))
    if isinstance(parsed, HttpResponse):
        return parsed
    table_name, export_format = parsed
    report_range = _range_or_400(request, campaign=campaign)
    if isinstance(report_range, HttpResponse):
        return report_range
    report = selectors.campaign_report(campaign=campaign, rule=request.GET.get("rule"), report_range=report_range)
    table = CAMPAIGN_TABLES[table_name](report)
    filename = f"{slugify(campaign.name) or 'campaign'}-{table_name}"
    return exports.table_response(table, export_format=export_format, filename=filename)


@require_GET
@dashboard_view()
def campaign_report_pdf(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    report_range = _range_or_400(request, campaign=campaign)
    if isinstance(report_range, HttpResponse):
        return report_range
    report = selectors.campaign_report(campaign=campaign, rule=request.GET.get("rule"), report_range=report_range)
    body = render_campaign_report_pdf(report, generated_at=timezone.now(), time_zone=request.workspace.time_zone)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(campaign.name) or "campaign"}-report.pdf"'
    return response


@require_GET
@dashboard_view()
def program(request: WorkspaceRequest) -> HttpResponse:
    status, range_error = 200, ""
    try:
        report_range = _range(request)
    except ApplicationError as exc:  # the page still shows, over all time, with the reason
        report_range, status, range_error = selectors.ALL_TIME, 400, exc.message
    view = selectors.program_view(
        workspace=request.workspace,
        currency=request.GET.get("currency"),
        rule=request.GET.get("rule"),
        report_range=report_range,
    )
    tables = program_tables(view)
    context = {
        **_range_context(request, report_range, with_campaign=False),
        "range_error": range_error,
        "view": view,
        "tables": tables,
        "charts": charts.program_charts(view),
        "can_write": can_write(request),
    }
    return render(request, "reports/program.html", context, status=status)


@require_GET
@dashboard_view()
def program_export(request: WorkspaceRequest) -> HttpResponse:
    parsed = _export_args(request, PROGRAM_TABLES)
    if isinstance(parsed, HttpResponse):
        return parsed
    table_name, export_format = parsed
    report_range = _range_or_400(request)
    if isinstance(report_range, HttpResponse):
        return report_range
    view = selectors.program_view(
        workspace=request.workspace,
        currency=request.GET.get("currency"),
        rule=request.GET.get("rule"),
        report_range=report_range,
    )
    table = program_tables(view)[table_name]
    return exports.table_response(table, export_format=export_format, filename=f"program-{table_name}")


@require_GET
@dashboard_view()
def program_pdf(request: WorkspaceRequest) -> HttpResponse:
    report_range = _range_or_400(request)
    if isinstance(report_range, HttpResponse):
        return report_range
    view = selectors.program_view(
        workspace=request.workspace,
        currency=request.GET.get("currency"),
        rule=request.GET.get("rule"),
        report_range=report_range,
    )
    body = render_program_pdf(view, generated_at=timezone.now(), time_zone=request.workspace.time_zone)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="program-report.pdf"'
    return response


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
