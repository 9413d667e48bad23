"""The creator portal's contracts and briefs: read a contract version, sign it, download its PDF;
read the latest brief of a campaign with what changed since the version before.

A creator is in no workspace: every read goes through the creator's own collaborations
(`campaigns.portal.services.creator_collaborations`), and anything else is a 404 whatever the method,
checked before the method is."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.models import User
from briefs.brief_changes import brief_changes
from briefs.contracts.forms import SignForm
from briefs.contracts.signing import creator_contract_versions, sign_as_creator
from briefs.contracts.views import pdf_response, request_ip
from briefs.models import Brief, ContractVersion, SignatureEvent
from briefs.portal.selectors import portal_work_for
from campaigns.models import Collaboration
from campaigns.portal.services import creator_collaborations
from core.errors import ApplicationError, NotFoundError
from core.forms import add_form_errors
from creators.models import Creator
from creators.portal.guards import portal_view

LIST_LIMIT = 50


def _own_version(request: HttpRequest, contract_version_pk: int) -> ContractVersion:
    user = request.user
    version = (
        creator_contract_versions(user=user)
        .filter(pk=contract_version_pk)
        .select_related("contract__collaboration__campaign", "workspace")
        .first()
        if isinstance(user, User)
        else None
    )
    if version is None:
        raise Http404
    return version


@portal_view
def work_card(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    """The portal home's "Your work" card (htmx): collaborations, briefs to read, contracts to sign and
    signed, payments due and paid, each with links. Here, above campaigns, as it reads both apps."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    work = portal_work_for(user=user) if creator is not None and isinstance(user, User) else None
    return render(request, "portal/work_card.html", {"work": work})


@portal_view
def contract_list(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    versions: list[ContractVersion] = []
    if creator is not None and isinstance(request.user, User):
        versions = list(
            creator_contract_versions(user=request.user)
            .exclude(status=ContractVersion.Status.SUPERSEDED)
            .select_related("contract__collaboration__campaign", "workspace")
            .order_by("-sent_at", "-pk")[:LIST_LIMIT]
        )
    return render(request, "portal/contract_list.html", {"versions": versions})


@portal_view
def contract_version(request: HttpRequest, creator: Creator | None, contract_version_pk: int) -> HttpResponse:
    """Read a version (GET) or sign it (POST): typed full name and an explicit consent checkbox."""
    version = _own_version(request, contract_version_pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = SignForm()
    status = 200
    if request.method == "POST":
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                sign_as_creator(
                    version_id=version.pk,
                    user=request.user,  # type: ignore[arg-type]  # portal_view: a signed-in creator
                    typed_name=form.cleaned_data["typed_name"],
                    consent=form.cleaned_data["consent"],
                    ip=request_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
                messages.success(request, "Signed. The brand countersigns next; you will find the final PDF here.")
                return redirect("portal-contracts:version", contract_version_pk=version.pk)
            except NotFoundError as exc:
                raise Http404 from exc
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    context = {
        "version": version,
        "collaboration": version.contract.collaboration,
        # Unscoped like every portal read; bounded by the creator's own version.
        "signatures": list(
            SignatureEvent.objects.with_scopes_disabled().filter(version=version).order_by("signed_at", "pk")
        ),
        "form": form,
        "consent_text": SignForm.consent_text(number=version.number, sha256=version.sha256),
    }
    return render(request, "portal/contract_version.html", context, status=status)


@portal_view
def contract_version_pdf(request: HttpRequest, creator: Creator | None, contract_version_pk: int) -> HttpResponse:
    version = _own_version(request, contract_version_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return pdf_response(version, final=False)


@portal_view
def contract_version_signed_pdf(
    request: HttpRequest, creator: Creator | None, contract_version_pk: int
) -> HttpResponse:
    version = _own_version(request, contract_version_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return pdf_response(version, final=True)


@portal_view
def campaign_brief(request: HttpRequest, creator: Creator | None, campaign_pk: int) -> HttpResponse:
    """The latest published brief of a campaign the creator collaborates on, and what changed since
    the version before. A campaign they are not on (or only shortlisted for) is a 404."""
    user = request.user
    collaboration = (
        creator_collaborations(user=user)
        .filter(campaign_id=campaign_pk)
        .select_related("campaign", "workspace")
        .first()
        if isinstance(user, User)
        else None
    )
    if collaboration is None:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    # Unscoped like every portal read; bounded by the campaign the creator's own collaboration is on.
    versions = list(
        Brief.objects.with_scopes_disabled().filter(campaign_id=collaboration.campaign_id).order_by("-version")[:2]
    )
    latest = versions[0] if versions else None
    previous = versions[1] if len(versions) > 1 else None
    context = {
        "collaboration": collaboration,
        "campaign": collaboration.campaign,
        "brief": latest,
        "previous": previous,
        "changes": brief_changes(previous, latest) if latest else [],
    }
    return render(request, "portal/brief_detail.html", context)


def _own_collaboration(request: HttpRequest, collaboration_pk: int) -> Collaboration:
    user = request.user
    collaboration = (
        creator_collaborations(user=user).filter(pk=collaboration_pk).select_related("campaign", "workspace").first()
        if isinstance(user, User)
        else None
    )
    if collaboration is None:
        raise Http404
    return collaboration


@portal_view
def collaboration_brief_panel(request: HttpRequest, creator: Creator | None, collaboration_pk: int) -> HttpResponse:
    """The brief card of the portal's collaboration page (htmx): the latest version, what changed."""
    collaboration = _own_collaboration(request, collaboration_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    versions = list(
        Brief.objects.with_scopes_disabled().filter(campaign_id=collaboration.campaign_id).order_by("-version")[:2]
    )
    latest = versions[0] if versions else None
    previous = versions[1] if len(versions) > 1 else None
    context = {
        "collaboration": collaboration,
        "brief": latest,
        "changes": brief_changes(previous, latest) if latest and previous else [],
    }
    return render(request, "portal/_brief_panel.html", context)


@portal_view
def collaboration_contract_panel(request: HttpRequest, creator: Creator | None, collaboration_pk: int) -> HttpResponse:
    """The contract card of the portal's collaboration page (htmx): the version in force or waiting
    for the creator, and what to do next."""
    collaboration = _own_collaboration(request, collaboration_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    versions = list(
        creator_contract_versions(user=request.user)  # type: ignore[arg-type]  # portal_view: a creator
        .filter(contract__collaboration_id=collaboration.pk)
        .order_by("-number")
    )
    current = next((v for v in versions if v.status != ContractVersion.Status.SUPERSEDED), None)
    signed = next((v for v in versions if v.fully_signed_at is not None), None)
    context = {"collaboration": collaboration, "current": current, "signed": signed}
    return render(request, "portal/_contract_panel.html", context)
