"""Dashboard contract pages: the contract panel of a collaboration (loaded with htmx by the campaigns
page, a lower layer), the brand's countersignature, PDF downloads and the workspace's templates.

Every object is looked up in the current workspace before the method is checked, so another
workspace's object is a 404 whatever the method."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Role, User
from briefs.contracts.documents import DEFAULT_TEMPLATE_BODY, DEFAULT_TEMPLATE_NAME, MERGE_FIELDS
from briefs.contracts.forms import ContractTemplateForm, ContractTermsForm, SignForm
from briefs.contracts.services import save_contract_template, send_contract
from briefs.contracts.signing import sign_as_brand
from briefs.models import Contract, ContractTemplate, ContractVersion
from campaigns.models import Collaboration
from core.client_ip import client_ip
from core.errors import ApplicationError, NotFoundError
from core.forms import add_form_errors


def request_ip(request: HttpRequest) -> str:
    """The signer's address for the evidence: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
    address the outermost one saw; never a forgeable left-hand X-Forwarded-For entry (docs/contracts.md)."""
    return client_ip(request)


def _terms_form(request: WorkspaceRequest, *args: object, **kwargs: object) -> ContractTermsForm:
    signers = User.objects.filter(
        memberships__workspace=request.workspace, memberships__role__in=[Role.MANAGER, Role.OWNER]
    ).order_by("email")
    templates = ContractTemplate.objects.filter(workspace=request.workspace)
    return ContractTermsForm(*args, templates=templates, signers=signers, **kwargs)  # type: ignore[arg-type]


def _panel(
    request: WorkspaceRequest,
    collaboration: Collaboration,
    *,
    form: ContractTermsForm | None = None,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    contract = Contract.objects.filter(collaboration=collaboration).select_related("brand_signer").first()
    versions = (
        list(contract.versions.prefetch_related("signatures").order_by("-number")) if contract is not None else []
    )
    current = versions[0] if versions and versions[0].status != ContractVersion.Status.SUPERSEDED else None
    context = {
        "collaboration": collaboration,
        "contract": contract,
        "versions": versions,
        "current": current,
        "form": form or _terms_form(request, initial=ContractTermsForm.initial_from(contract)),
        "sign_form": sign_form or SignForm(),
        "consent_text": SignForm.consent_text(number=current.number, sha256=current.sha256) if current else "",
        "can_write": can_write(request),
    }
    return render(request, "briefs/_contract_panel.html", context, status=status)


def _collaboration(request: WorkspaceRequest, collaboration_pk: int) -> Collaboration:
    collaboration = (
        Collaboration.objects.filter(workspace=request.workspace, pk=collaboration_pk)
        .select_related("campaign", "creator")
        .first()
    )
    if collaboration is None:
        raise Http404
    return collaboration


def _version(request: WorkspaceRequest, contract_version_pk: int) -> ContractVersion:
    version = (
        ContractVersion.objects.filter(workspace=request.workspace, pk=contract_version_pk)
        .select_related("contract__collaboration")
        .first()
    )
    if version is None:
        raise Http404
    return version


@dashboard_view()
def collaboration_contract(request: WorkspaceRequest, collaboration_pk: int) -> HttpResponse:
    """The panel (GET) and sending a new version with the terms (POST, managers)."""
    collaboration = _collaboration(request, collaboration_pk)
    if request.method == "GET":
        return _panel(request, collaboration)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = _terms_form(request, request.POST)
    if form.is_valid():
        try:
            version = send_contract(
                collaboration=collaboration,
                by=request.user,
                terms=form.terms(),
                brand_signer=form.cleaned_data["brand_signer"],
                template=form.cleaned_data["template"],
            )
            messages.success(request, f"Version {version.number} sent to the creator.")
            return _panel(request, collaboration)
        except NotFoundError as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            add_form_errors(form, exc)
    return _panel(request, collaboration, form=form, status=400)


@dashboard_view()
def contract_version_sign(request: WorkspaceRequest, contract_version_pk: int) -> HttpResponse:
    """The brand's countersignature (POST, managers), after the creator's."""
    version = _version(request, contract_version_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    collaboration = _collaboration(request, version.contract.collaboration_id)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            sign_as_brand(
                version=version,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                consent=form.cleaned_data["consent"],
                ip=request_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
            messages.success(request, f"Version {version.number} is signed by both parties.")
            return _panel(request, collaboration)
        except NotFoundError as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            add_form_errors(form, exc)
    return _panel(request, collaboration, sign_form=form, status=400)


def pdf_response(version: ContractVersion, *, final: bool) -> HttpResponse:
    """The version as sent, or the final signed PDF; 404 when that file does not exist (yet)."""
    field = version.signed_pdf if final else version.pdf
    if not field or not field.name or not default_storage.exists(field.name):
        raise Http404
    with default_storage.open(field.name, "rb") as stored:
        data = stored.read()  # a contract PDF is tens of kilobytes
    suffix = "-signed" if final else ""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="contract-v{version.number}{suffix}.pdf"'
    return response


@dashboard_view()
def contract_version_pdf(request: WorkspaceRequest, contract_version_pk: int) -> HttpResponse:
    version = _version(request, contract_version_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return pdf_response(version, final=False)


@dashboard_view()
def contract_version_signed_pdf(request: WorkspaceRequest, contract_version_pk: int) -> HttpResponse:
    version = _version(request, contract_version_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return pdf_response(version, final=True)


@dashboard_view()
def contract_template_list(request: WorkspaceRequest) -> HttpResponse:
    """The workspace's contract templates, and a new one (POST, managers); starts from the default text."""
    form = ContractTemplateForm(initial={"name": DEFAULT_TEMPLATE_NAME, "body": DEFAULT_TEMPLATE_BODY})
    status = 200
    if request.method == "POST":
        form = ContractTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = save_contract_template(workspace=request.workspace, by=request.user, **form.cleaned_data)
                messages.success(request, f"Template “{template.name}” saved.")
                return redirect("briefs:contract-template-list")
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {
        "templates": ContractTemplate.objects.filter(workspace=request.workspace),
        "form": form,
        "merge_fields": MERGE_FIELDS,
        "can_write": can_write(request),
    }
    return render(request, "briefs/contract_template_list.html", context, status=status)


@dashboard_view()
def contract_template_edit(request: WorkspaceRequest, contract_template_pk: int) -> HttpResponse:
    template = ContractTemplate.objects.filter(workspace=request.workspace, pk=contract_template_pk).first()
    if template is None:
        raise Http404
    form = ContractTemplateForm(
        initial={"name": template.name, "body": template.body, "is_default": template.is_default}
    )
    status = 200
    if request.method == "POST":
        form = ContractTemplateForm(request.POST)
        if form.is_valid():
            try:
                save_contract_template(
                    workspace=request.workspace, by=request.user, template=template, **form.cleaned_data
                )
                messages.success(request, f"Template “{form.cleaned_data['name']}” saved.")
                return redirect("briefs:contract-template-list")
            except NotFoundError as exc:
                raise Http404 from exc
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {"template": template, "form": form, "merge_fields": MERGE_FIELDS, "can_write": can_write(request)}
    return render(request, "briefs/contract_template_edit.html", context, status=status)
