"""Dashboard pages of outreach: a collaboration's message thread (an htmx panel the collaboration page
loads), a campaign's table view with bulk actions (a panel the campaign page loads), and the
outreach templates with a live preview of their merge fields. Outreach is a higher layer than
campaigns, so the campaign pages embed these panels by `hx-get`, never by import."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Role
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from core.errors import ApplicationError
from core.forms import add_form_errors
from outreach import merge, selectors, sending, services
from outreach.defaults import DEFAULT_TEXTS
from outreach.forms import BulkForm, MessageForm, PreviewForm, TemplateForm
from outreach.models import OutreachTemplate, Side

THREAD_LIMIT = 200  # the newest entries shown; a collaboration rarely has more


def _collaboration(request: WorkspaceRequest, collaboration_pk: int) -> Collaboration:
    collaboration = selectors.collaboration_for_workspace(workspace=request.workspace, pk=collaboration_pk)
    if collaboration is None:
        raise Http404
    return collaboration


def _thread_context(request: WorkspaceRequest, collaboration: Collaboration, form: MessageForm) -> dict[str, object]:
    entries = selectors.timeline(collaboration=collaboration, limit=THREAD_LIMIT)
    return {
        "collaboration": collaboration,
        "entries": entries,
        "form": form,
        "can_write": can_write(request),
        "viewer_side": Side.BRAND,
    }


@dashboard_view()
def collaboration_messages(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    """The thread panel: every message and event, oldest first; opening it marks the brand side read."""
    collaboration = _collaboration(request, collaboration_pk)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.post_message(collaboration=collaboration, by=request.user, body=form.cleaned_data["body"])
                form = MessageForm()
            except ApplicationError as exc:
                add_form_errors(form, exc)
                status = 400
        else:
            status = 400
    else:
        services.mark_read(collaboration=collaboration, by=request.user)
    return render(request, "outreach/_thread_panel.html", _thread_context(request, collaboration, form), status=status)


# --- The campaign table -------------------------------------------------------------------------


def _campaign(request: WorkspaceRequest, campaign_pk: int) -> Campaign:
    campaign = Campaign.objects.filter(workspace=request.workspace, pk=campaign_pk).first()
    if campaign is None:
        raise Http404
    return campaign


def _table_context(request: WorkspaceRequest, campaign: Campaign, stage: str) -> dict[str, object]:
    stage = stage if stage in Stage.values else ""
    return {
        "campaign": campaign,
        "rows": list(selectors.collaborations_for_table(campaign=campaign, stage=stage)),
        "stage": stage,
        "stages": Stage.choices,
        "templates": {
            kind: list(selectors.templates_for(workspace=request.workspace, kind=kind))
            for kind in OutreachTemplate.Kind.values
        },
        "can_write": can_write(request),
    }


@dashboard_view()
def campaign_table(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    context = _table_context(request, campaign, request.GET.get("stage", ""))
    return render(request, "outreach/_campaign_table.html", context)


@require_POST
@dashboard_view()
def campaign_bulk(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    """Invite, remind or move the ticked rows; answers with the table and a per-row report."""
    campaign = _campaign(request, campaign_pk)
    ids = list(
        Collaboration.objects.filter(campaign=campaign, workspace=request.workspace).values_list("pk", flat=True)
    )
    form = BulkForm(request.POST, collaboration_ids=ids)
    result, error, status = None, "", 200
    if form.is_valid():
        data = form.cleaned_data
        chosen = Collaboration.objects.filter(campaign=campaign, pk__in=data["collaboration"])
        try:
            template = None
            if data["template"]:
                template = selectors.get_template(workspace=request.workspace, pk=data["template"])
                if template is None:
                    raise Http404
            if data["action"] == "invite":
                result = sending.invite(collaborations=chosen, by=request.user, template=template)
            elif data["action"] == "remind":
                result = sending.send_reminder(collaborations=chosen, by=request.user, template=template)
            else:
                result = sending.bulk_move(collaborations=chosen, to_stage=data["to_stage"], by=request.user)
        except ApplicationError as exc:
            error, status = exc.message, 400
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        status = 400
    if not getattr(request, "htmx", False):
        if result is not None:
            messages.success(request, f"{len(result.done)} done, {len(result.failed)} not done.")
            for row in result.failed:
                messages.error(request, f"@{row.handle}: {row.message}")
        elif error:
            messages.error(request, error)
        return redirect("campaigns:campaign-detail", campaign_pk=campaign.pk)
    context = {**_table_context(request, campaign, request.POST.get("stage", "")), "result": result, "error": error}
    response = render(request, "outreach/_campaign_table.html", context, status=status)
    if result is not None and result.done:
        # The board above the table shows the same collaborations: it refreshes itself on this event.
        response["HX-Trigger"] = "pipeline-changed"
    return response


# --- Outreach templates -------------------------------------------------------------------------


def _template_page(
    request: WorkspaceRequest, form: TemplateForm, template: OutreachTemplate | None, status: int = 200
) -> HttpResponse:
    context = {
        "templates": selectors.templates_for(workspace=request.workspace),
        "form": form,
        "template": template,
        "merge_fields": merge.MERGE_FIELDS,
        "defaults": DEFAULT_TEXTS,
        "preview": _preview(form["subject"].value() or "", form["body"].value() or ""),
    }
    return render(request, "outreach/template_list.html", context, status=status)


def _save(request: WorkspaceRequest, template: OutreachTemplate | None) -> HttpResponse:
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            saved = services.save_template(workspace=request.workspace, by=request.user, template=template,
                                           **form.cleaned_data)  # fmt: skip
            messages.success(request, f"Template “{saved.name}” saved.")
            return redirect("outreach:template-edit", outreach_template_pk=saved.pk)
        except ApplicationError as exc:
            add_form_errors(form, exc)
    return _template_page(request, form, template, status=400)


@dashboard_view(at_least=Role.MANAGER)
def template_list(request: WorkspaceRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    kind = request.GET.get("kind", OutreachTemplate.Kind.INVITATION)
    default = DEFAULT_TEXTS.get(kind, DEFAULT_TEXTS[OutreachTemplate.Kind.INVITATION])
    form = TemplateForm(initial={"kind": kind, "name": "", "subject": default.subject, "body": default.body})
    return _template_page(request, form, None)


@dashboard_view(at_least=Role.MANAGER)
def template_edit(request: WorkspaceRequest, outreach_template_pk: int) -> HttpResponse:
    template = selectors.get_template(workspace=request.workspace, pk=outreach_template_pk)
    if template is None:
        raise Http404
    if request.method == "POST" and request.POST.get("delete"):
        try:
            services.delete_template(template=template, by=request.user)
            messages.success(request, f"Template “{template.name}” deleted.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("outreach:template-list")
    if request.method == "POST":
        return _save(request, template)
    form = TemplateForm(
        initial={"kind": template.kind, "name": template.name, "subject": template.subject, "body": template.body,
                 "is_default": template.is_default}
    )  # fmt: skip
    return _template_page(request, form, template)


def _preview(subject: str, body: str) -> dict[str, object]:
    """The template with sample values, or what is wrong with its merge fields."""
    errors = [*merge.template_errors(subject), *merge.template_errors(body)]
    return {
        "errors": errors,
        "subject": merge.render(subject, merge.SAMPLE_VALUES),
        "body": merge.render(body, merge.SAMPLE_VALUES),
    }


@require_POST
@dashboard_view(at_least=Role.MANAGER)
def template_preview(request: WorkspaceRequest) -> HttpResponse:
    """The live preview beside the editor (htmx, as the manager types). Writes nothing."""
    form = PreviewForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    context = {"preview": _preview(data.get("subject", ""), data.get("body", ""))}
    return render(request, "outreach/_template_preview.html", context)
