"""Tracking pages: the links panel a campaign page loads with htmx (links, short URLs, clicks from the
rollups, "create links for contracted creators"), and the verified-domains page of the settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from analytics.models import TrackingLink, VerifiedDomain
from analytics.tracking import domains
from analytics.tracking import selectors as tracking_selectors
from analytics.tracking import services as tracking_services
from analytics.tracking.creator_kit import short_url
from analytics.tracking.forms import CreateLinksForm, VerifiedDomainForm
from campaigns.models import Campaign
from core.errors import ApplicationError
from core.forms import add_form_errors


def _campaign(request: WorkspaceRequest, pk: int) -> Campaign:
    campaign = Campaign.objects.filter(workspace=request.workspace, pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def _panel(
    request: WorkspaceRequest, campaign: Campaign, form: CreateLinksForm, *, status: int = 200, notice: str = ""
) -> HttpResponse:
    links = list(tracking_selectors.links_for_campaign(campaign=campaign))
    for link in links:
        link.short_url = short_url(link.token)  # type: ignore[attr-defined]
    context = {
        "campaign": campaign,
        "links": links,
        "needing_links": tracking_selectors.collaborations_needing_links(campaign=campaign).count(),
        "verified_domains": [
            d for d in tracking_selectors.domains_of_workspace(workspace=request.workspace) if d.is_verified
        ],
        "form": form,
        "can_write": can_write(request),
        "notice": notice,  # the panel is swapped in by htmx: say what happened in it, not on the next page
    }
    return render(request, "analytics/tracking_links_panel.html", context, status=status)


@dashboard_view()
def campaign_tracking_links(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = CreateLinksForm()
    if request.method == "POST":
        form = CreateLinksForm(request.POST)
        if not form.is_valid():
            return _panel(request, campaign, form, status=400)
        try:
            created = tracking_services.create_links_for_campaign(
                campaign=campaign, by=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_form_errors(form, exc)
            return _panel(request, campaign, form, status=exc.http_status)
        notice = f"{len(created)} tracking link{'s' if len(created) != 1 else ''} created."
        return _panel(request, campaign, CreateLinksForm(), notice=notice)
    return _panel(request, campaign, form)


@dashboard_view()
def tracking_link_deactivate(request: WorkspaceRequest, tracking_link_pk: int) -> HttpResponse:
    link = (
        TrackingLink.objects.filter(workspace=request.workspace, pk=tracking_link_pk)
        .select_related("collaboration__campaign")
        .first()
    )
    if link is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    tracking_services.deactivate_tracking_link(link=link, by=request.user)
    return _panel(request, link.collaboration.campaign, CreateLinksForm(), notice=f"/r/{link.token} deactivated.")


@dashboard_view()
def verified_domain_list(request: WorkspaceRequest) -> HttpResponse:
    form = VerifiedDomainForm()
    status = 200
    if request.method == "POST":
        form = VerifiedDomainForm(request.POST)
        if form.is_valid():
            try:
                row = domains.add_verified_domain(
                    workspace=request.workspace, by=request.user, domain=form.cleaned_data["domain"]
                )
                messages.success(request, f"{row.domain} added. Publish its token, then verify it.")
                return redirect("tracking:verified-domain-list")
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    rows = list(tracking_selectors.domains_of_workspace(workspace=request.workspace))
    context = {
        "domains": rows,
        "is_any_checking": any(row.is_checking for row in rows),
        "form": form,
        "can_write": can_write(request),
        "proof_path": "/.well-known/creatordesk-verify.txt",
    }
    if request.method == "GET" and request.htmx:  # type: ignore[attr-defined]
        # The table polls itself while a check runs in the worker.
        return render(request, "analytics/tracking_domains.html#domains-card", context)
    return render(request, "analytics/tracking_domains.html", context, status=status)


def _domain(request: WorkspaceRequest, pk: int) -> VerifiedDomain:
    row = VerifiedDomain.objects.filter(workspace=request.workspace, pk=pk).first()
    if row is None:
        raise Http404
    return row


@dashboard_view()
def verified_domain_verify(request: WorkspaceRequest, verified_domain_pk: int) -> HttpResponse:
    row = _domain(request, verified_domain_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        row = domains.request_domain_verification(domain=row, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if row.is_checking:
            messages.info(request, f"Checking {row.domain}… the result appears below in a few seconds.")
    return redirect("tracking:verified-domain-list")


@dashboard_view()
def verified_domain_delete(request: WorkspaceRequest, verified_domain_pk: int) -> HttpResponse:
    row = _domain(request, verified_domain_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        domains.remove_verified_domain(domain=row, by=request.user)
        messages.success(request, f"{row.domain} removed. Existing links keep working.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("tracking:verified-domain-list")
