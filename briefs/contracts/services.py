"""Contract templates and sending: a workspace's templates, the contract terms and their checks, and
sending the next version to the creator. Merge values are in `briefs.contracts.merge`, signing in
`briefs.contracts.signing`, verifying a PDF in `briefs.contracts.verification`.

Every writer is one transaction with keyword-only arguments. Locks are taken in one order —
collaboration, then contract, then version — so sending and signing the same contract serialize
instead of deadlocking. A version is frozen once written (a PostgreSQL trigger guards the text, the
PDF and the hashes; see migration 0002); a change of terms is a new version that supersedes the
previous one and must be signed again. Brand-side services run inside the workspace's scope (pages
and the API already do)."""

from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, NotificationKind, Role, User, Workspace
from accounts.services import record_audit_event
from briefs.contracts import documents
from briefs.contracts.checks import invalid, require_manager
from briefs.contracts.merge import agreed_terms, compensation_text, merge_values, version_title
from briefs.errors import ContractError, ContractErrorCode, ContractNotFoundError
from briefs.models import Contract, ContractTemplate, ContractVersion
from campaigns.models import Collaboration
from campaigns.notices import tell_creator
from campaigns.pipeline import Stage

# Sending needs an open negotiation; after the contract is signed, a change is an amendment (new version).
SENDABLE_STAGES = frozenset({Stage.NEGOTIATING, Stage.CONTRACTED})
TEXT_MAX_CHARS = 5_000  # a clause, not a document
SHORT_MAX_CHARS = 200  # Contract.usage_platforms / usage_formats columns
CATEGORY_MAX_CHARS = 120  # Contract.exclusivity_category column
USAGE_MAX_MONTHS = 120  # ten years; the model's check constraint says the same
EXCLUSIVITY_MAX_DAYS = 3_650
TEMPLATE_NAME_MAX_CHARS = 120
TEMPLATE_MAX_CHARS = 50_000

BOOLEAN_TERMS = ("allows_paid_ads", "allows_whitelisting", "allows_spark_ads", "allows_brand_repost")
TEXT_TERMS = {
    "usage_platforms": SHORT_MAX_CHARS,
    "usage_formats": SHORT_MAX_CHARS,
    "exclusivity_category": CATEGORY_MAX_CHARS,
    "payment_terms": TEXT_MAX_CHARS,
    "cancellation_terms": TEXT_MAX_CHARS,
}
INTEGER_TERMS = {"usage_duration_months": (1, USAGE_MAX_MONTHS), "exclusivity_days": (0, EXCLUSIVITY_MAX_DAYS)}
TERM_FIELDS = (*TEXT_TERMS, *INTEGER_TERMS, *BOOLEAN_TERMS)
REQUIRED_TEXT_TERMS = ("usage_platforms", "payment_terms", "cancellation_terms")


# --- Checks ---------------------------------------------------------------------------------------


def clean_terms(terms: Mapping[str, object]) -> dict[str, Any]:
    """The contract terms, typed and bounded; unknown keys and floats are refused."""
    unknown = sorted(set(terms) - set(TERM_FIELDS))
    if unknown:
        raise ContractError(f"Unknown contract term(s): {', '.join(unknown)}.", code=ContractErrorCode.INVALID)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, max_chars in TEXT_TERMS.items():
        value = terms.get(name, "")
        if not isinstance(value, str) or len(value.strip()) > max_chars:
            errors[name] = [f"Text of at most {max_chars:,} characters."]
            continue
        clean[name] = value.strip()
        if name in REQUIRED_TEXT_TERMS and not clean[name]:
            errors[name] = ["This term is required."]
    for name, (low, high) in INTEGER_TERMS.items():
        value = terms.get(name, low)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = [f"A whole number from {low} to {high}."]
            continue
        clean[name] = value
    for name in BOOLEAN_TERMS:
        value = terms.get(name, False)
        if not isinstance(value, bool):
            errors[name] = ["Yes or no."]
            continue
        clean[name] = value
    if clean.get("exclusivity_days") and not clean.get("exclusivity_category"):
        errors["exclusivity_category"] = ["Name the category the exclusivity covers."]
    if errors:
        raise ContractError("The contract terms are not valid.", code=ContractErrorCode.INVALID, fields=errors)
    return clean


# --- Templates ------------------------------------------------------------------------------------


@transaction.atomic
def save_contract_template(
    *,
    workspace: Workspace,
    by: User,
    name: str,
    body: str,
    is_default: bool = False,
    template: ContractTemplate | None = None,
) -> ContractTemplate:
    """Create or edit a workspace's contract template (managers only). Unknown merge fields and
    template-engine syntax are refused before anything is written. Versions already sent keep their
    own frozen text, so editing a template never changes a sent contract."""
    require_manager(workspace_id=workspace.pk, user=by)
    name, errors = name.strip(), documents.template_errors(body)
    if not name or len(name) > TEMPLATE_NAME_MAX_CHARS:
        raise invalid("name", f"A name of 1 to {TEMPLATE_NAME_MAX_CHARS} characters.")
    if not body.strip() or len(body) > TEMPLATE_MAX_CHARS:
        raise invalid("body", f"The template needs text, at most {TEMPLATE_MAX_CHARS:,} characters.")
    if errors:
        raise ContractError(errors[0], code=ContractErrorCode.UNKNOWN_MERGE_FIELD, fields={"body": errors})
    if template is not None:
        template = ContractTemplate.objects.select_for_update(of=("self",)).filter(pk=template.pk).first()
        if template is None or template.workspace_id != workspace.pk:
            raise ContractNotFoundError("No such template.", code=ContractErrorCode.NOT_FOUND)
    if is_default:  # one default per workspace (a partial unique constraint backs this)
        others = ContractTemplate.objects.filter(workspace=workspace, is_default=True)
        if template is not None:
            others = others.exclude(pk=template.pk)
        others.update(is_default=False)
    if template is None:
        template = ContractTemplate.objects.create(workspace=workspace, name=name, body=body, is_default=is_default)
    else:
        template.name, template.body, template.is_default = name, body, is_default
        template.save(update_fields=["name", "body", "is_default", "updated_at"])
    record_audit_event(
        workspace=workspace, actor=by, action="contract_template.saved", target=name, data={"template_id": template.pk}
    )
    return template


def template_body_for(*, contract: Contract) -> str:
    """The contract's own template, else the workspace's default, else the built-in default text."""
    if contract.template is not None:
        return contract.template.body
    default = ContractTemplate.objects.filter(workspace_id=contract.workspace_id, is_default=True).first()
    return default.body if default is not None else documents.DEFAULT_TEMPLATE_BODY


# --- Sending --------------------------------------------------------------------------------------


@transaction.atomic
def send_contract(
    *,
    collaboration: Collaboration,
    by: User,
    terms: Mapping[str, object],
    brand_signer: User | None = None,
    template: ContractTemplate | None = None,
) -> ContractVersion:
    """Send the next contract version to the creator (managers and owners only).

    Locks the collaboration, then the contract. Needs a negotiating collaboration (or a contracted one:
    an amendment) with agreed compensation. Renders the template with the terms, freezes the text and a
    snapshot of every merge value, stores the PDF and its SHA-256, and supersedes every earlier version
    (signed or not): a change always needs new signatures. Refused, writing nothing, when nothing
    changed since the latest version."""
    locked = (
        Collaboration.objects.select_for_update(of=("self",))
        .select_related("workspace", "campaign", "creator__user")
        .filter(pk=collaboration.pk)
        .first()
    )
    if locked is None:
        raise ContractNotFoundError("No such collaboration.", code=ContractErrorCode.NOT_FOUND)
    collaboration = locked
    require_manager(workspace_id=collaboration.workspace_id, user=by)
    if collaboration.stage not in SENDABLE_STAGES:
        raise ContractError(
            f"A contract is sent while negotiating (or amended once contracted); this collaboration is "
            f"{collaboration.get_stage_display().lower()}.",
            code=ContractErrorCode.STAGE_NOT_ALLOWED,
        )
    clean = clean_terms(terms)
    if (
        brand_signer is not None
        and not Membership.objects.filter(
            workspace_id=collaboration.workspace_id, user=brand_signer, role__in=[Role.MANAGER, Role.OWNER]
        ).exists()
    ):
        raise invalid("brand_signer", "The brand signer must be a manager or owner of this workspace.")
    if template is not None and template.workspace_id != collaboration.workspace_id:
        raise ContractNotFoundError("No such template.", code=ContractErrorCode.NOT_FOUND)
    compensation_text(collaboration)  # refuses before anything is written when nothing is agreed

    contract = Contract.objects.select_for_update(of=("self",)).filter(collaboration=collaboration).first()
    latest = contract.versions.order_by("-number").first() if contract else None
    sent_at = timezone.now()
    number = (latest.number + 1) if latest else 1
    if contract is not None and template is None:
        template = contract.template
    body = template.body if template is not None else None
    if body is None:
        default = ContractTemplate.objects.filter(workspace_id=collaboration.workspace_id, is_default=True).first()
        body = default.body if default else documents.DEFAULT_TEMPLATE_BODY
    if errors := documents.template_errors(body):  # a template saved before a merge field was retired
        raise ContractError(errors[0], code=ContractErrorCode.UNKNOWN_MERGE_FIELD, fields={"template": errors})

    values = merge_values(
        collaboration=collaboration, terms=clean, brand_signer=brand_signer, number=number, sent_at=sent_at
    )
    agreed = agreed_terms(collaboration=collaboration, terms=clean, brand_signer=brand_signer)
    if latest is not None and latest.status != ContractVersion.Status.SUPERSEDED:
        same = values | {
            "version_number": latest.terms.get("version_number"),
            "sent_date": latest.terms.get("sent_date"),
        }
        if documents.render_text(body, same) == latest.body and (same, agreed) == (latest.terms, latest.agreed_terms):
            raise ContractError(f"Nothing changed since version {latest.number}.", code=ContractErrorCode.UNCHANGED)

    fields = {"template": template, "brand_signer": brand_signer, **clean}
    if contract is None:
        contract = Contract.objects.create(workspace=collaboration.workspace, collaboration=collaboration, **fields)
    else:
        for name, value in fields.items():
            setattr(contract, name, value)
        contract.save(update_fields=[*fields, "updated_at"])
    superseded = contract.versions.exclude(status=ContractVersion.Status.SUPERSEDED).update(
        status=ContractVersion.Status.SUPERSEDED, updated_at=sent_at
    )

    text = documents.render_text(body, values)
    pdf = documents.render_contract_pdf(title=version_title(values), text=text, created_at=sent_at)
    version = ContractVersion.objects.create(
        workspace=collaboration.workspace,
        contract=contract,
        number=number,
        body=text,
        terms=values,
        agreed_terms=agreed,
        pdf=ContentFile(pdf, name=f"contract-{contract.pk}-v{number}.pdf"),
        sha256=documents.sha256_hex(pdf),
        sent_at=sent_at,
        sent_by=by,
    )
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action="contract.sent",
        target=str(collaboration),
        data={
            "collaboration_id": collaboration.pk,
            "version": number,
            "sha256": version.sha256,
            "superseded": superseded,
        },
    )
    tell_creator(collaboration=collaboration, kind=NotificationKind.CONTRACT_TO_SIGN,
                 event_key=f"contract-version:{version.pk}", title=f"Contract v{number} to sign",
                 body=f"{collaboration.campaign.name}: read it and sign it in the portal.",
                 url=reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk}))  # fmt: skip
    return version
