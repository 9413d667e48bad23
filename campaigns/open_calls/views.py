"""Open-call pages: the panel on the campaign page where the brand publishes or closes its call,
and the public, brand-styled application page creators fill in without an account."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.branding import brand_for
from campaigns.models import Campaign, OpenCall, OpenCallApplication
from campaigns.open_calls import services
from core.errors import ApplicationError, NotFoundError
from core.forms import add_form_errors
from core.throttle import allow, client_key

RECENT_APPLICATIONS = 10


class OpenCallForm(forms.Form):
    headline = forms.CharField(max_length=services.HEADLINE_MAX_CHARS)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    requirements = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    closes_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ApplicationForm(forms.Form):
    handle = forms.CharField(max_length=120, label="Your TikTok handle")
    email = forms.CharField(max_length=254, label="E-mail")
    pitch = forms.CharField(max_length=services.PITCH_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5}))
    website = forms.CharField(required=False)  # honeypot: hidden from people, filled in by bots


def _panel(
    request: WorkspaceRequest, campaign: Campaign, form: OpenCallForm | None = None, status: int = 200
) -> HttpResponse:
    open_call = OpenCall.objects.filter(campaign=campaign).first()
    applications = (
        OpenCallApplication.objects.filter(open_call=open_call)
        .select_related("collaboration__creator")
        .order_by("-created_at")
        if open_call
        else OpenCallApplication.objects.none()
    )
    if form is None:
        initial = (
            {
                "headline": open_call.headline,
                "description": open_call.description,
                "requirements": open_call.requirements,
                "closes_on": open_call.closes_on,
            }
            if open_call
            else {"headline": f"Create with us: {campaign.name}"}
        )
        form = OpenCallForm(initial=initial)
    context = {
        "campaign": campaign,
        "open_call": open_call,
        "accepting": open_call is not None and services.is_accepting(open_call),
        "public_url": request.build_absolute_uri(reverse("apply:apply", kwargs={"slug": open_call.slug}))
        if open_call
        else "",
        "application_count": applications.count(),
        "applications": applications[:RECENT_APPLICATIONS],
        "form": form,
        "can_write": can_write(request),
    }
    return render(request, "campaigns/_open_call_panel.html", context, status=status)


@dashboard_view()
def open_call_panel(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.filter(workspace=request.workspace), pk=campaign_pk)
    if request.method != "POST":
        return _panel(request, campaign)
    form = OpenCallForm(request.POST)
    if form.is_valid():
        try:
            services.publish_open_call(campaign=campaign, by=request.user, **form.cleaned_data)
            messages.success(request, "The open call is live. Share its link with creators.")
            return _panel(request, campaign)
        except ApplicationError as exc:
            add_form_errors(form, exc)
    return _panel(request, campaign, form=form, status=400)


@require_POST
@dashboard_view()
def open_call_close(request: WorkspaceRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.filter(workspace=request.workspace), pk=campaign_pk)
    open_call = get_object_or_404(OpenCall.objects.filter(campaign=campaign))
    try:
        services.close_open_call(open_call=open_call, by=request.user)
        messages.success(request, "The open call is closed; its page now says so.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _panel(request, campaign)


def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Public. GET shows the call in the brand's colours; POST applies. A bot that fills the hidden
    field gets the same thank-you page and nothing is written."""
    open_call = services.open_call_by_slug(slug=slug)
    if open_call is None:
        raise Http404
    form = ApplicationForm()
    status, applied = 200, False
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if not allow(
            scope="open-call", key=client_key(request, slug), limit=settings.OPEN_CALL_TRIES_PER_HOUR, window_s=3600
        ):
            form.add_error(None, "Too many tries from your connection; try again in an hour.")
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:
                applied = True
            else:
                try:
                    services.apply_to_open_call(
                        slug=slug,
                        handle=form.cleaned_data["handle"],
                        email=form.cleaned_data["email"],
                        pitch=form.cleaned_data["pitch"],
                    )
                    applied = True
                except NotFoundError as exc:
                    raise Http404 from exc
                except ApplicationError as exc:
                    add_form_errors(form, exc)
        status = 200 if applied else (status if status == 429 else 400)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    context = {
        "open_call": open_call,
        "campaign": open_call.campaign,
        "brand": brand_for(open_call.workspace),
        "accepting": services.is_accepting(open_call),
        "form": form,
        "applied": applied,
    }
    return render(request, "campaigns/open_call_public.html", context, status=status)
