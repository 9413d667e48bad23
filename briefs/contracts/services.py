"""Contracts: send a version, sign it (the creator, then the brand), verify a PDF.

Every writer is one transaction with keyword-only arguments. Locks are taken in one order —
collaboration, then contract, then version — so sending and signing the same contract serialize
instead of deadlocking. A version is frozen once written (a PostgreSQL trigger guards the text, the
PDF and the hashes; see migration 0002); a change of terms is a new version that supersedes the
previous one and must be signed again. Signature events are append-only, in the database too.

Brand-side services run inside the workspace's scope (pages and the API already do); the creator's
read their rows through `campaigns.portal.services.creator_collaborations`, the portal's one scope.
When both parties have signed, the collaboration moves negotiating -> contracted through
`campaigns.services.record_move` (an explicit call down the layers, never a signal)."""

import datetime
import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from accounts.tenancy import all_workspaces_unscoped
from briefs.contracts import documents
from briefs.errors import ContractError, ContractErrorCode, ContractNotFoundError, ContractPermissionError
from briefs.models import Brief, Contract, ContractTemplate, ContractVersion, SignatureEvent
from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from campaigns.portal.services import creator_collaborations
from campaigns.services import record_move
from creators.portal.access import accounts_reaching

# Sending needs an open negotiation; after the contract is signed, a change is an amendment (new version).
SENDABLE_STAGES = frozenset({Stage.NEGOTIATING, Stage.CONTRACTED})
TEXT_MAX_CHARS = 5_000  # a clause, not a document
SHORT_MAX_CHARS = 200  # Contract.usage_platforms / usage_formats columns
CATEGORY_MAX_CHARS = 120  # Contract.exclusivity_category column
USAGE_MAX_MONTHS = 120  # ten years; the model's check constraint says the same
EXCLUSIVITY_MAX_DAYS = 3_650
TEMPLATE_NAME_MAX_CHARS = 120
TEMPLATE_MAX_CHARS = 50_000
USER_AGENT_MAX_CHARS = 500  # SignatureEvent.user_agent column
VERIFY_MAX_BYTES = 20 * 1024 * 1024  # a contract PDF is tens of kB; 20 MB refuses abuse, not documents
DEFAULT_DISCLOSURE = "Use #ad and TikTok's paid-partnership label on every sponsored post."

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

CONSENT_TEXT = (
    "I have read contract version {number} (SHA-256 {sha256}) and I agree to sign it electronically. "
    "My typed name is my signature and binds me as a handwritten signature would."
)


# --- Checks ---------------------------------------------------------------------------------------


def _invalid(field: str, message: str, code: ContractErrorCode = ContractErrorCode.INVALID) -> ContractError:
    return ContractError(message, code=code, fields={field: [message]})


def _require_manager(*, workspace_id: int, user: User) -> None:
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise ContractPermissionError(
            "Only the workspace's managers and owners send and sign contracts.", code=ContractErrorCode.ROLE_REQUIRED
        )


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


def _normalized_name(name: str) -> str:
    """Letters and digits only, accents and case folded, single spaces: 'Zoë  O-Neil' ~ 'zoe oneil'."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", "", letters).split())


def _check_signature_input(*, typed_name: str, consent: bool, expected_names: list[str]) -> str:
    typed = " ".join(str(typed_name or "").split())
    if consent is not True:
        raise _invalid("consent", "Tick the box to agree to sign electronically.", ContractErrorCode.CONSENT_REQUIRED)
    if len(_normalized_name(typed)) < 2 or len(typed) > 150:
        raise _invalid("typed_name", "Type your full name to sign.")
    known = [_normalized_name(name) for name in expected_names if _normalized_name(name)]
    if known and _normalized_name(typed) not in known:
        raise _invalid(
            "typed_name",
            "The typed name does not match the name on the account; type your full name as it appears there.",
            ContractErrorCode.NAME_MISMATCH,
        )
    return typed


def _clean_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


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
    _require_manager(workspace_id=workspace.pk, user=by)
    name, errors = name.strip(), documents.template_errors(body)
    if not name or len(name) > TEMPLATE_NAME_MAX_CHARS:
        raise _invalid("name", f"A name of 1 to {TEMPLATE_NAME_MAX_CHARS} characters.")
    if not body.strip() or len(body) > TEMPLATE_MAX_CHARS:
        raise _invalid("body", f"The template needs text, at most {TEMPLATE_MAX_CHARS:,} characters.")
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


# --- Merge values ---------------------------------------------------------------------------------


def _money_text(money: Any) -> str:
    return f"{money.amount:,.2f} {money.currency.code}"


def agreed_terms(
    *, collaboration: Collaboration, terms: Mapping[str, Any], brand_signer: User | None
) -> dict[str, Any]:
    """The typed snapshot a version freezes as `agreed_terms`: the cleaned term fields as they are
    (ints, booleans, text) and the compensation, money as decimal strings with their currency (JSON
    has no decimal type, and a float would round)."""

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    fee, bonus = collaboration.fee, collaboration.bonus
    return dict(terms) | {
        "brand_signer_id": brand_signer.pk if brand_signer else None,
        "compensation_type": collaboration.compensation_type,
        "fee": text(fee.amount) if fee is not None else None,
        "fee_currency": fee.currency.code if fee is not None else None,
        "commission_percent": text(collaboration.commission_percent),
        "bonus": text(bonus.amount) if bonus is not None else None,
        "bonus_currency": bonus.currency.code if bonus is not None else None,
        "bonus_metric": collaboration.bonus_metric,
        "bonus_threshold": text(collaboration.bonus_threshold),
    }


def compensation_text(collaboration: Collaboration) -> str:
    """The agreed compensation as the contract states it (every type the collaboration can carry)."""
    kind = collaboration.compensation_type
    fee = collaboration.fee
    if kind == Collaboration.Compensation.FIXED_FEE and fee is not None:
        return f"A fixed fee of {_money_text(fee)}."
    if kind == Collaboration.Compensation.GIFTING_ONLY:
        return "Gifting only: the product sent is the compensation; no fee is paid."
    if kind == Collaboration.Compensation.COMMISSION:
        text = f"A commission of {collaboration.commission_percent} % of the revenue attributed to the Creator"
        return text + (f", plus a fixed fee of {_money_text(fee)}." if fee is not None else ".")
    bonus, threshold = collaboration.bonus, collaboration.bonus_threshold
    if kind == Collaboration.Compensation.FEE_PLUS_BONUS and fee is not None and bonus and threshold is not None:
        metric = collaboration.bonus_metric.replace("_", " ")
        return (
            f"A fixed fee of {_money_text(fee)}, plus a bonus of {_money_text(bonus)} "
            f"if {metric} reaches {threshold.normalize():f}."
        )
    raise ContractError(
        "Agree the compensation before sending a contract: it must be stated in it.",
        code=ContractErrorCode.NO_COMPENSATION,
    )


def _deliverables_text(collaboration: Collaboration) -> str:
    lines = []
    for d in collaboration.deliverables.order_by("live_due_on", "pk"):
        dates = [
            f"draft by {d.draft_due_on:%Y-%m-%d}" if d.draft_due_on else "",
            f"live by {d.live_due_on:%Y-%m-%d}" if d.live_due_on else "",
        ]
        when = ", ".join(part for part in dates if part)
        lines.append(f"- {d.count} x {d.get_format_display()}" + (f" ({when})" if when else ""))
    return "\n".join(lines) or "- As set out in the campaign brief."


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def merge_values(
    *,
    collaboration: Collaboration,
    terms: Mapping[str, Any],
    brand_signer: User | None,
    number: int,
    sent_at: datetime.datetime,
) -> dict[str, str]:
    """Every merge field's value, as text: the snapshot a version stores as its `terms`."""
    campaign, creator = collaboration.campaign, collaboration.creator
    creator_user = accounts_reaching(creator=creator, workspace=collaboration.workspace).first()
    creator_name = (creator_user.full_name if creator_user else "") or creator.display_name or f"@{creator.handle}"
    latest_brief = Brief.objects.filter(campaign=campaign).order_by("-version").first()
    dates = (
        f"{campaign.start_date:%Y-%m-%d} to {campaign.end_date:%Y-%m-%d}"
        if campaign.start_date and campaign.end_date
        else "dates as set out in the campaign brief"
    )
    formats = terms["usage_formats"] or "organic posts"
    exclusivity = (
        f"For {terms['exclusivity_days']} days from the first post, the Creator will not promote competing "
        f"brands in this category: {terms['exclusivity_category']}."
        if terms["exclusivity_days"]
        else "None: the Creator may work with other brands."
    )
    return {
        "workspace_name": collaboration.workspace.name,
        "brand_signer_name": brand_signer.display_name if brand_signer else "an authorised representative",
        "creator_name": creator_name,
        "creator_handle": f"@{creator.handle}",
        "campaign_name": campaign.name,
        "campaign_dates": dates,
        "compensation": compensation_text(collaboration),
        "payment_terms": terms["payment_terms"],
        "deliverables": _deliverables_text(collaboration),
        "usage_rights": (
            f"The Brand may use the content on {terms['usage_platforms']} for {terms['usage_duration_months']} "
            f"months from publication, in these formats: {formats}."
        ),
        "usage_platforms": terms["usage_platforms"],
        "usage_duration_months": str(terms["usage_duration_months"]),
        "usage_formats": formats,
        "paid_ads": _yes_no(terms["allows_paid_ads"]),
        "whitelisting": _yes_no(terms["allows_whitelisting"]),
        "spark_ads": _yes_no(terms["allows_spark_ads"]),
        "brand_repost": _yes_no(terms["allows_brand_repost"]),
        "exclusivity": exclusivity,
        "disclosure": (latest_brief.disclosure if latest_brief and latest_brief.disclosure else DEFAULT_DISCLOSURE),
        "cancellation": terms["cancellation_terms"],
        "version_number": str(number),
        "sent_date": f"{sent_at.astimezone(datetime.UTC):%Y-%m-%d}",
    }


def version_title(version_values: Mapping[str, str]) -> str:
    return (
        f"{version_values['workspace_name']} x {version_values['creator_handle']} - "
        f"{version_values['campaign_name']} - contract v{version_values['version_number']}"
    )


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
    _require_manager(workspace_id=collaboration.workspace_id, user=by)
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
        raise _invalid("brand_signer", "The brand signer must be a manager or owner of this workspace.")
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
    return version


# --- Signing --------------------------------------------------------------------------------------


def creator_contract_versions(*, user: User) -> QuerySet[ContractVersion]:
    """The contract versions a creator may see: those of their own collaborations. Unscoped on purpose
    (a creator is in no workspace); the filter on their own collaborations is the scope."""
    return ContractVersion.objects.with_scopes_disabled().filter(
        contract__collaboration__in=creator_collaborations(user=user)
    )


def _refuse_unless_signable(version: ContractVersion, *, role: str) -> None:
    if version.status == ContractVersion.Status.SUPERSEDED:
        raise ContractError(
            f"Version {version.number} was replaced by a newer version; sign the newest one.",
            code=ContractErrorCode.SUPERSEDED,
        )
    already = {
        SignatureEvent.Role.CREATOR: (ContractVersion.Status.CREATOR_SIGNED, ContractVersion.Status.FULLY_SIGNED),
        SignatureEvent.Role.BRAND: (ContractVersion.Status.FULLY_SIGNED,),
    }[SignatureEvent.Role(role)]
    if version.status in already:
        raise ContractError(
            f"Version {version.number} is already signed by the {role}.", code=ContractErrorCode.ALREADY_SIGNED
        )


@transaction.atomic
def sign_as_creator(
    *, version_id: int, user: User, typed_name: str, consent: bool, ip: str | None, user_agent: str
) -> SignatureEvent:
    """The creator signs a sent version of their own contract: typed full name (matching the account's
    name, accents and case aside) and explicit consent. Another creator's version is not found. Locks
    the version; signing twice, or a superseded version, is refused and writes nothing."""
    version = (
        creator_contract_versions(user=user)
        .select_for_update(of=("self",))
        .select_related("contract__collaboration__creator__user", "workspace")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise ContractNotFoundError("No such contract.", code=ContractErrorCode.NOT_FOUND)
    _refuse_unless_signable(version, role=SignatureEvent.Role.CREATOR)
    creator = version.contract.collaboration.creator
    typed = _check_signature_input(
        typed_name=typed_name, consent=consent, expected_names=[user.full_name, creator.display_name]
    )
    event = SignatureEvent.objects.create(
        workspace_id=version.workspace_id,
        version=version,
        role=SignatureEvent.Role.CREATOR,
        signer=user,
        typed_name=typed,
        consent_text=CONSENT_TEXT.format(number=version.number, sha256=version.sha256),
        signed_at=timezone.now(),
        ip=_clean_ip(ip),
        user_agent=(user_agent or "")[:USER_AGENT_MAX_CHARS],
        document_sha256=version.sha256,
    )
    version.status = ContractVersion.Status.CREATOR_SIGNED
    version.save(update_fields=["status", "updated_at"])
    record_audit_event(
        workspace=version.workspace,
        actor=user,
        action="contract.signed_by_creator",
        target=str(version),
        data={"version_id": version.pk, "sha256": version.sha256},
    )
    return event


@transaction.atomic
def sign_as_brand(
    *, version: ContractVersion, by: User, typed_name: str, consent: bool, ip: str | None, user_agent: str
) -> SignatureEvent:
    """The brand countersigns, after the creator (managers and owners; the named brand signer only, if
    the contract names one). Locks the collaboration, then the version. Writes the signature, the final
    PDF with its signature certificate page and that PDF's SHA-256, and moves a negotiating
    collaboration to contracted (an amendment of a contracted one stays contracted)."""
    found = ContractVersion.objects.filter(pk=version.pk).values_list("contract__collaboration_id", flat=True).first()
    if found is None:
        raise ContractNotFoundError("No such contract.", code=ContractErrorCode.NOT_FOUND)
    collaboration = (
        Collaboration.objects.select_for_update(of=("self",)).select_related("workspace").filter(pk=found).first()
    )
    locked = (
        ContractVersion.objects.select_for_update(of=("self",))
        .select_related("contract", "workspace")
        .filter(pk=version.pk)
        .first()
    )
    if collaboration is None or locked is None:
        raise ContractNotFoundError("No such contract.", code=ContractErrorCode.NOT_FOUND)
    version = locked
    _require_manager(workspace_id=version.workspace_id, user=by)
    signer = version.contract.brand_signer
    if signer is not None and signer != by:
        raise ContractPermissionError(
            f"This contract names {signer.display_name} as the brand signer.", code=ContractErrorCode.ROLE_REQUIRED
        )
    _refuse_unless_signable(version, role=SignatureEvent.Role.BRAND)
    if version.status != ContractVersion.Status.CREATOR_SIGNED:
        raise ContractError("The creator signs first; the brand countersigns.", code=ContractErrorCode.CREATOR_FIRST)
    typed = _check_signature_input(typed_name=typed_name, consent=consent, expected_names=[by.full_name])
    now = timezone.now()
    event = SignatureEvent.objects.create(
        workspace_id=version.workspace_id,
        version=version,
        role=SignatureEvent.Role.BRAND,
        signer=by,
        typed_name=typed,
        consent_text=CONSENT_TEXT.format(number=version.number, sha256=version.sha256),
        signed_at=now,
        ip=_clean_ip(ip),
        user_agent=(user_agent or "")[:USER_AGENT_MAX_CHARS],
        document_sha256=version.sha256,
    )
    signed = render_final_pdf(version=version, signed_at=now)
    version.signed_pdf = ContentFile(signed, name=f"contract-{version.contract_id}-v{version.number}-signed.pdf")
    version.signed_sha256 = documents.sha256_hex(signed)
    version.fully_signed_at = now
    version.status = ContractVersion.Status.FULLY_SIGNED
    version.save(update_fields=["signed_pdf", "signed_sha256", "fully_signed_at", "status", "updated_at"])
    if collaboration.stage == Stage.NEGOTIATING:
        record_move(
            collaboration=collaboration,
            to_stage=Stage.CONTRACTED,
            by=by,
            note=f"Contract v{version.number} signed by the creator and the brand",
            action="collaboration.contracted",
        )
    record_audit_event(
        workspace=version.workspace,
        actor=by,
        action="contract.fully_signed",
        target=str(version),
        data={"version_id": version.pk, "sha256": version.sha256, "signed_sha256": version.signed_sha256},
    )
    return event


def render_final_pdf(*, version: ContractVersion, signed_at: datetime.datetime) -> bytes:
    """The final PDF of a version: its frozen text and a certificate page with every signature event,
    dated by the last signature, so rendering it again gives the same bytes."""
    events = SignatureEvent.objects.filter(version=version).select_related("signer").order_by("signed_at", "pk")
    entries = [
        documents.CertificateEntry(
            role=event.get_role_display(),
            typed_name=event.typed_name,
            signer_email=event.signer.email,
            signed_at=event.signed_at,
            ip=event.ip or "",
            user_agent=event.user_agent,
            document_sha256=event.document_sha256,
            consent_text=event.consent_text,
        )
        for event in events
    ]
    return documents.render_signed_pdf(
        title=version_title(version.terms),
        text=version.body,
        created_at=signed_at,
        document_sha256=version.sha256,
        signatures=entries,
    )


# --- Verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    sha256: str
    version: ContractVersion | None
    is_final: bool  # the signed PDF with its certificate page, rather than the version as sent
    signatures: list[SignatureEvent]

    @property
    def matches(self) -> bool:
        return self.version is not None


def verify_document(*, file: IO[bytes]) -> Verification:
    """Recompute the SHA-256 of an uploaded PDF and find the signed version it is, across every
    workspace: whoever holds the file already holds what it says, and 256 bits cannot be guessed.
    Matches only versions with at least one signature (a merely sent draft proves nothing)."""
    hasher, size = hashlib.sha256(), 0
    while chunk := file.read(64 * 1024):
        size += len(chunk)
        if size > VERIFY_MAX_BYTES:
            raise _invalid("file", "That file is too large to be a contract PDF.", ContractErrorCode.FILE_TOO_LARGE)
        hasher.update(chunk)
    digest = hasher.hexdigest()
    with all_workspaces_unscoped():
        version = (
            ContractVersion.objects.filter(sha256=digest, signatures__isnull=False)
            .select_related("contract__collaboration__campaign", "workspace")
            .first()
        ) or (
            ContractVersion.objects.filter(signed_sha256=digest)
            .select_related("contract__collaboration__campaign", "workspace")
            .first()
        )
        signatures = list(version.signatures.order_by("signed_at", "pk")) if version else []
    return Verification(
        sha256=digest,
        version=version,
        is_final=bool(version and version.signed_sha256 == digest),
        signatures=signatures,
    )
