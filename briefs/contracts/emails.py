"""The e-mail that tells the creator their contract is signed by both sides, with what they post next:
their tracking link and promo code. Both belong to analytics, a higher layer, so they are read through
`outreach.merge.registered_values` (analytics registers the sources at start-up); before the brand
generates them the e-mail says where they will appear instead.

Sent by `briefs.tasks.send_contract_signed_email_task`, which `sign_as_brand` queues after commit,
once per fully signed version (the version moves to fully signed once, under its lock). The task is
not acknowledged late and retries only connection errors, raised before a message leaves: an e-mail
may be lost to a crashed worker, never sent twice."""

from django.urls import reverse

from briefs.models import ContractVersion, SignatureEvent
from outreach import merge
from outreach.emails import absolute_url, build_email

HOW_TO_USE_LINK = "Put it in your TikTok bio (or the link sticker), so viewers can tap through."
HOW_TO_USE_CODE = "Say it in your voice-over or write it in your caption: viewers type it at checkout."


def contract_signed_text(*, version: ContractVersion, values: dict[str, str], page_url: str) -> tuple[str, str]:
    """(subject, text) of the e-mail; `values` holds `tracking_link` and `promo_code` ("" when none yet)."""
    collaboration = version.contract.collaboration
    campaign, brand = collaboration.campaign.name, collaboration.workspace.name
    subject = f"Your contract for {campaign} is signed"
    lines = [
        f"Your contract for {campaign} with {brand} (version {version.number}) is now signed by you and {brand}.",
        "",
        f"The signed PDF is on your collaboration page: {page_url}",
    ]
    link, code = values.get("tracking_link", ""), values.get("promo_code", "")
    if link:
        lines += ["", f"Your tracking link: {link}", HOW_TO_USE_LINK]
    if code:
        lines += ["", f"Your promo code: {code}", HOW_TO_USE_CODE]
    if not (link and code):
        missing = " and ".join(n for n, v in (("tracking link", link), ("promo code", code)) if not v)
        lines += ["", f"Your {missing} will appear on the same page once {brand} creates them; we will tell you."]
    return subject, "\n".join(lines)


def send_contract_signed_email(*, version_id: int) -> int:
    """E-mail the portal account that signed for the creator that `version_id` is fully signed.
    Returns the number of e-mails sent: 0 when the version is gone, not fully signed, or its signer's
    account is inactive. Runs in a task, without a workspace scope (the version's id is the scope)."""
    version = (
        ContractVersion.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .select_related("contract__collaboration__campaign", "contract__collaboration__workspace")
        .filter(pk=version_id, status=ContractVersion.Status.FULLY_SIGNED)
        .first()
    )
    if version is None:
        return 0
    signature = (
        SignatureEvent.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .select_related("signer")
        .filter(version=version, role=SignatureEvent.Role.CREATOR)
        .order_by("signed_at", "pk")
        .first()
    )
    if signature is None or not signature.signer.is_active:
        return 0
    collaboration = version.contract.collaboration
    page_url = absolute_url(reverse("portal-campaigns:collaboration", kwargs={"collaboration_pk": collaboration.pk}))
    values = merge.registered_values(collaboration=collaboration)
    subject, text = contract_signed_text(version=version, values=values, page_url=page_url)
    build_email(
        workspace=collaboration.workspace,
        to=signature.signer.email,
        subject=subject,
        text=text,
        action_url=page_url,
        action_label="Open the collaboration",
    ).send()
    return 1
