"""Signing a sent contract version: the versions a creator may see, the creator's signature, the
brand's countersignature with the final PDF and its certificate page, and the checks on what a
signer types (full name, consent, IP). Each signature is one transaction that locks the version;
the brand's locks the collaboration first, the order sending uses, so the two serialize instead of
deadlocking; signature events are append-only, in the database too (migration 0002). The brand's
side runs inside the workspace's scope; the creator's reads their rows through
`campaigns.portal.services.creator_collaborations`, the portal's one scope. When both parties have
signed, a negotiating collaboration moves to contracted through
`campaigns.collaborations.record_move` (an explicit call down the layers, never a signal)."""

import datetime
import ipaddress
import re
import unicodedata

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import NotificationKind, User
from accounts.services import record_audit_event
from briefs.contracts import documents
from briefs.contracts.checks import invalid, require_manager
from briefs.contracts.merge import version_title
from briefs.errors import ContractError, ContractErrorCode, ContractNotFoundError, ContractPermissionError
from briefs.models import ContractVersion, SignatureEvent
from campaigns.collaborations import record_move
from campaigns.models import Collaboration
from campaigns.notices import tell_brand
from campaigns.pipeline import Stage
from campaigns.portal.services import creator_collaborations
from core.queue import enqueue_on_commit

USER_AGENT_MAX_CHARS = 500  # SignatureEvent.user_agent column

CONSENT_TEXT = (
    "I have read contract version {number} (SHA-256 {sha256}) and I agree to sign it electronically. "
    "My typed name is my signature and binds me as a handwritten signature would."
)


def _normalized_name(name: str) -> str:
    """Letters and digits only, accents and case folded, single spaces: 'Zoë  O-Neil' ~ 'zoe oneil'."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", "", letters).split())


def _check_signature_input(*, typed_name: str, consent: bool, expected_names: list[str]) -> str:
    typed = " ".join(str(typed_name or "").split())
    if consent is not True:
        raise invalid("consent", "Tick the box to agree to sign electronically.", ContractErrorCode.CONSENT_REQUIRED)
    if len(_normalized_name(typed)) < 2 or len(typed) > 150:
        raise invalid("typed_name", "Type your full name to sign.")
    known = [_normalized_name(name) for name in expected_names if _normalized_name(name)]
    if known and _normalized_name(typed) not in known:
        raise invalid(
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
    tell_brand(collaboration=version.contract.collaboration, kind=NotificationKind.CONTRACT_SIGNED,
               event_key=f"contract-version:{version.pk}", body="Countersign it to start the work.",
               title=f"@{creator.handle} signed contract v{version.number}")  # fmt: skip
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
    require_manager(workspace_id=version.workspace_id, user=by)
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
    # The creator hears it is signed, with their tracking link and promo code (briefs.contracts.emails).
    enqueue_on_commit("briefs.tasks.send_contract_signed_email_task", version.pk)
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
