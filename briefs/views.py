"""The brief panel of a campaign page (loaded with htmx: briefs is a higher layer than campaigns): the
latest version, what changed from the one before, and the form that publishes the next version."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from briefs.models import Brief
from briefs.services import FIELD_MAX_CHARS, changed_fields, publish_brief
from campaigns.models import Campaign
from core.errors import ApplicationError
from core.forms import add_form_errors


class BriefForm(forms.ModelForm):
    class Meta:
        model = Brief
        fields = list(Brief.CONTENT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2, "maxlength": FIELD_MAX_CHARS}) for name in Brief.CONTENT_FIELDS
        }


@dashboard_view()
def campaign_brief(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = Campaign.objects.filter(workspace=request.workspace, pk=campaign_pk).first()
    if campaign is None:
        raise Http404
    versions = list(Brief.objects.filter(workspace=request.workspace, campaign=campaign).order_by("-version")[:2])
    latest = versions[0] if versions else None
    form = BriefForm(instance=latest) if latest else BriefForm()
    status = 200
    if request.method == "POST":
        form = BriefForm(request.POST)
        if form.is_valid():
            try:
                latest = publish_brief(campaign=campaign, by=request.user, content=form.cleaned_data)
                versions = [latest, *versions[:1]]
                form = BriefForm(instance=latest)
            except ApplicationError as exc:
                add_form_errors(form, exc)
                status = 400
        else:
            status = 400
    context = {
        "campaign": campaign,
        "brief": latest,
        "changed": [
            str(BriefForm.base_fields[name].label)
            for name in (changed_fields(versions[1] if len(versions) > 1 else None, latest) if latest else [])
        ],
        "form": form,
        "can_write": can_write(request),
    }
    return render(request, "briefs/_brief_panel.html", context, status=status)
