"""Order pages: store connections (webhook URL, secret shown once, rotation), attribution settings, the
CSV upload, and the promo codes panel the tracking panel loads with htmx."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Workspace
from analytics.models import OrderSource, PromoCode, WebhookDelivery
from analytics.orders import services as order_services
from analytics.orders.csv_import import import_orders_csv
from analytics.orders.forms import (
    AttributionSettingsForm,
    CreateCodesForm,
    OrderImportForm,
    OrderSourceForm,
    RotateSecretForm,
)
from analytics.tracking import promo_codes
from analytics.tracking.services import LINKABLE_STAGES
from campaigns.models import Campaign, Collaboration
from core.errors import ApplicationError
from core.forms import add_form_errors


def webhook_url(workspace: Workspace) -> str:
    path = reverse("order-webhook", kwargs={"workspace_slug": workspace.slug})
    return settings.SITE_URL.rstrip("/") + path


def _sources_page(request: WorkspaceRequest, form: OrderSourceForm, *, status: int = 200,
                  revealed: order_services.SourceWithSecret | None = None) -> HttpResponse:  # fmt: skip
    sources = OrderSource.objects.filter(workspace=request.workspace).order_by("name", "pk")
    recent = (
        WebhookDelivery.objects.filter(workspace=request.workspace)
        .select_related("source").defer("body").order_by("-received_at")[:10]
    )  # fmt: skip
    context = {
        "sources": sources,
        "deliveries": recent,
        "form": form,
        "can_write": can_write(request),
        "webhook_url": webhook_url(request.workspace),
        "revealed": revealed,  # the secret in clear, on this response only
    }
    return render(request, "analytics/orders_sources.html", context, status=status)


@dashboard_view()
def order_source_list(request: WorkspaceRequest) -> HttpResponse:
    if request.method == "POST":
        form = OrderSourceForm(request.POST)
        if not form.is_valid():
            return _sources_page(request, form, status=400)
        try:
            revealed = order_services.create_order_source(
                workspace=request.workspace, by=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_form_errors(form, exc)
            return _sources_page(request, form, status=exc.http_status)
        return _sources_page(request, OrderSourceForm(), revealed=revealed)
    return _sources_page(request, OrderSourceForm())


@dashboard_view()
def order_source_rotate(request: WorkspaceRequest, order_source_pk: int) -> HttpResponse:
    source = OrderSource.objects.filter(workspace=request.workspace, pk=order_source_pk).first()
    if source is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RotateSecretForm(request.POST)
    secret = form.cleaned_data["secret"] if form.is_valid() else ""
    try:
        revealed = order_services.rotate_order_source_secret(source=source, by=request.user, secret=secret)
    except ApplicationError as exc:
        page = OrderSourceForm()
        page.add_error(None, exc.message)
        return _sources_page(request, page, status=exc.http_status)
    return _sources_page(request, OrderSourceForm(), revealed=revealed)


@dashboard_view()
def attribution_settings(request: WorkspaceRequest) -> HttpResponse:
    current = order_services.attribution_settings(workspace=request.workspace)
    form = AttributionSettingsForm(initial={"rule": current.rule, "window_days": current.window_days})
    status, saved = 200, False
    if request.method == "POST":
        form = AttributionSettingsForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                current = order_services.update_attribution_settings(
                    workspace=request.workspace, by=request.user, **form.cleaned_data
                )
                status, saved = 200, True
            except ApplicationError as exc:
                add_form_errors(form, exc)
                status = exc.http_status
    context = {"form": form, "current": current, "saved": saved, "can_write": can_write(request)}
    return render(request, "analytics/orders_attribution_settings.html", context, status=status)


@dashboard_view()
def order_import(request: WorkspaceRequest) -> HttpResponse:
    form = OrderImportForm()
    result, status = None, 200
    if request.method == "POST":
        form = OrderImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.ORDER_CSV_MAX_BYTES:
                form.add_error("file", f"The file is larger than {settings.ORDER_CSV_MAX_BYTES // 1_000_000} MB.")
            else:
                try:
                    result = import_orders_csv(workspace=request.workspace, data=upload.read(), by=request.user)
                    status = 200
                except ApplicationError as exc:
                    add_form_errors(form, exc)
                    status = exc.http_status
    context = {"form": form, "result": result, "can_write": can_write(request)}
    return render(request, "analytics/orders_import.html", context, status=status)


def _campaign(request: WorkspaceRequest, pk: int) -> Campaign:
    campaign = Campaign.objects.filter(workspace=request.workspace, pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@dashboard_view()
def campaign_promo_codes(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    """The codes panel inside the tracking panel: list, and create codes for contracted creators."""
    campaign = _campaign(request, campaign_pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form, status, notice = CreateCodesForm(), 200, ""
    if request.method == "POST":
        form = CreateCodesForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                made = promo_codes.create_codes_for_campaign(
                    campaign=campaign, by=request.user, discount=form.cleaned_data["discount"]
                )
                status, notice, form = (
                    200,
                    f"{len(made)} promo code{'s' if len(made) != 1 else ''} created.",
                    CreateCodesForm(),
                )
            except ApplicationError as exc:
                add_form_errors(form, exc)
                status = exc.http_status
    codes = (
        PromoCode.objects.filter(workspace=request.workspace, collaboration__campaign=campaign)
        .select_related("collaboration__creator").order_by("collaboration__creator__handle", "code")
    )  # fmt: skip
    needing = Collaboration.objects.filter(
        workspace=request.workspace, campaign=campaign, stage__in=LINKABLE_STAGES, promo_codes__isnull=True
    ).count()
    context = {"campaign": campaign, "codes": codes, "needing_codes": needing, "form": form, "notice": notice,
               "can_write": can_write(request)}  # fmt: skip
    return render(request, "analytics/promo_codes_panel.html", context, status=status)
