"""What a collaboration owes once it is agreed: the deliverables the creator owes, the product shipped
for seeding, and the payouts the brand records, due or paid, never beyond the compensation agreed
(`agreed_ceiling`). CreatorDesk keeps the ledger; it does not move money. The services follow the rules
of every campaigns service (see `campaigns.services`).
"""

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from djmoney.money import Money

from accounts.models import NotificationKind, User
from accounts.services import record_audit_event
from campaigns import checks, pipeline
from campaigns.errors import CampaignError, CampaignErrorCode
from campaigns.models import Collaboration, Deliverable, Payout, Shipment
from campaigns.notices import tell_creator

# --- Deliverables, shipments, payouts -----------------------------------------------------------


@transaction.atomic
def add_deliverable(
    *,
    collaboration: Collaboration,
    by: User,
    format: str,
    count: int = 1,
    draft_due_on: datetime.date | None = None,
    live_due_on: datetime.date | None = None,
) -> Deliverable:
    """Add content a collaboration owes. Refused once the collaboration is closed (paid, declined,
    cancelled). Locks the collaboration so a concurrent cancel is seen."""
    collaboration = checks.locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    checks.require_manager(workspace_id=collaboration.workspace_id, user=by)
    checks.same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage in pipeline.TERMINAL_STAGES:
        raise CampaignError(
            f"A {collaboration.get_stage_display().lower()} collaboration takes no new deliverables.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if format not in Deliverable.Format.values:
        raise checks.invalid("format", f"One of: {', '.join(Deliverable.Format.values)}.")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
        raise checks.invalid("count", "A count from 1 to 100.")
    if draft_due_on is not None and live_due_on is not None and live_due_on < draft_due_on:
        raise checks.invalid("live_due_on", "The go-live date cannot come before the draft's.")
    deliverable = Deliverable.objects.create(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        format=format,
        count=count,
        draft_due_on=draft_due_on,
        live_due_on=live_due_on,
    )
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action="deliverable.added",
        target=str(collaboration),
        data={"deliverable_id": deliverable.pk, "format": format, "count": count},
    )
    return deliverable


@transaction.atomic
def create_shipment(*, collaboration: Collaboration, by: User, description: str = "") -> Shipment:
    """Start product seeding for a collaboration: the shipment waits for the creator's address, which
    the portal collects. Refused once the collaboration is closed."""
    collaboration = checks.locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    checks.require_manager(workspace_id=collaboration.workspace_id, user=by)
    checks.same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage in pipeline.TERMINAL_STAGES:
        raise CampaignError(
            f"A {collaboration.get_stage_display().lower()} collaboration gets no new shipments.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    description = description.strip()
    if len(description) > 200:  # Shipment.description's column
        raise checks.invalid("description", "At most 200 characters.")
    shipment = Shipment.objects.create(
        workspace_id=collaboration.workspace_id, collaboration=collaboration, description=description
    )
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action="shipment.created",
        target=str(collaboration),
        data={"shipment_id": shipment.pk},
    )
    tell_creator(collaboration=collaboration, kind=NotificationKind.ADDRESS_NEEDED, event_key=f"shipment:{shipment.pk}",
                 title=f"{collaboration.workspace.name} wants to send you a product: give your address",
                 body=description)  # fmt: skip
    return shipment


def agreed_ceiling(collaboration: Collaboration) -> Money | None:
    """The most a collaboration can pay out under its compensation: the fee, plus the bonus when one
    was agreed. None when there is no ceiling (commission, or nothing agreed yet)."""
    kind = collaboration.compensation_type
    if kind not in (Collaboration.Compensation.FIXED_FEE, Collaboration.Compensation.FEE_PLUS_BONUS):
        return None
    fee: Money = collaboration.fee  # type: ignore[assignment]  # the check constraints make it non-null here
    return fee + collaboration.bonus if collaboration.bonus is not None else fee


def _check_payout_follows_compensation(*, collaboration: Collaboration, money: Money) -> None:
    """A payout follows what the contract states: nothing for gifting, the agreed currency, and never
    more in total than the fee (and bonus) agreed. A commission has no ceiling: it follows revenue."""
    kind = collaboration.compensation_type
    if kind == Collaboration.Compensation.GIFTING_ONLY:
        raise checks.invalid("amount", "This collaboration is gifting only: no payment is owed.")
    agreed_currency = collaboration.fee.currency.code if collaboration.fee is not None else None
    if agreed_currency and money.currency.code != agreed_currency:
        raise checks.invalid(
            "currency", f"The fee was agreed in {agreed_currency}; record the payout in {agreed_currency}."
        )
    ceiling = agreed_ceiling(collaboration)
    if ceiling is None:
        return
    recorded = (
        Payout.objects.filter(collaboration=collaboration)
        .exclude(status=Payout.Status.CANCELLED)
        .aggregate(total=models.Sum("amount"))["total"]
    ) or Decimal(0)
    if recorded + money.amount > ceiling.amount:
        left = max(ceiling.amount - recorded, Decimal(0))
        raise checks.invalid(
            "amount",
            f"That would pay {recorded + money.amount:,.2f} {agreed_currency} against {ceiling.amount:,.2f} agreed; "
            f"at most {left:,.2f} is left to record.",
        )


@transaction.atomic
def record_payout(
    *,
    collaboration: Collaboration,
    by: User,
    amount: Decimal,
    currency: str,
    due_on: datetime.date | None = None,
    reference: str = "",
    paid_at: datetime.datetime | None = None,
    kind: str = Payout.Kind.PAYMENT,
) -> Payout:
    """Record a payment owed to a creator (`due`), or already made (`paid` when `paid_at` is given).
    CreatorDesk does not move money; this is the ledger. Needs an agreement: contracted or later, or a
    cancelled collaboration that still owes a kill fee."""
    collaboration = checks.locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    checks.require_manager(workspace_id=collaboration.workspace_id, user=by)
    checks.same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage not in pipeline.PAYABLE_STAGES:
        raise CampaignError(
            f"Nothing is owed yet: the collaboration is {collaboration.get_stage_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    money = checks.money(amount, currency, field="amount")
    if kind not in Payout.Kind.values:
        raise checks.invalid("kind", f"One of: {', '.join(Payout.Kind.values)}.")
    if kind == Payout.Kind.COMMISSION and collaboration.compensation_type != Collaboration.Compensation.COMMISSION:
        raise checks.invalid("kind", "Only a commission deal is paid a commission.")
    _check_payout_follows_compensation(collaboration=collaboration, money=money)
    reference = reference.strip()
    if len(reference) > 100:  # Payout.reference's column
        raise checks.invalid("reference", "At most 100 characters.")
    if paid_at is not None and timezone.is_naive(paid_at):
        raise checks.invalid("paid_at", "A payment time needs a time zone.")
    payout = Payout.objects.create(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        amount=money,
        due_on=due_on,
        reference=reference,
        paid_at=paid_at,
        status=Payout.Status.PAID if paid_at is not None else Payout.Status.DUE,
        kind=kind,
        recorded_by=by,
    )
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action="payout.recorded",
        target=str(collaboration),
        data={
            "payout_id": payout.pk,
            "amount": str(money.amount),
            "currency": money.currency.code,
            "status": payout.status,
        },
    )
    state = "paid" if payout.status == Payout.Status.PAID else "recorded as due"
    tell_creator(collaboration=collaboration, kind=NotificationKind.PAYOUT_RECORDED, event_key=f"payout:{payout.pk}",
                 title=f"{payout.get_kind_display()} of {money.amount} {money.currency.code} {state}",
                 body=f"{collaboration.campaign.name}{f' · {reference}' if reference else ''}")  # fmt: skip
    return payout


@transaction.atomic
def mark_payout_paid(
    *, payout: Payout, by: User, paid_at: datetime.datetime | None = None, reference: str | None = None
) -> Payout:
    """Record that a due payout was paid (now, unless `paid_at` says when)."""
    payout = checks.locked(Payout, payout.pk, "workspace", "collaboration")
    checks.require_manager(workspace_id=payout.workspace_id, user=by)
    checks.same_workspace(payout, payout.collaboration)
    if payout.status != Payout.Status.DUE:
        raise CampaignError(f"This payout is {payout.status}, not due.", code=CampaignErrorCode.STAGE_LOCKED)
    if paid_at is not None and timezone.is_naive(paid_at):
        raise checks.invalid("paid_at", "A payment time needs a time zone.")
    payout.status, payout.paid_at = Payout.Status.PAID, paid_at or timezone.now()
    update_fields = ["status", "paid_at", "updated_at"]
    if reference is not None:
        if len(reference.strip()) > 100:
            raise checks.invalid("reference", "At most 100 characters.")
        payout.reference = reference.strip()
        update_fields.append("reference")
    payout.save(update_fields=update_fields)
    record_audit_event(
        workspace=payout.workspace,
        actor=by,
        action="payout.paid",
        target=str(payout.collaboration_id),
        data={"payout_id": payout.pk},
    )
    return payout


@transaction.atomic
def cancel_payout(*, payout: Payout, by: User) -> Payout:
    """Cancel a due payout; it stays in the ledger and no longer counts as spend. A paid one stays paid."""
    payout = checks.locked(Payout, payout.pk, "workspace", "collaboration")
    checks.require_manager(workspace_id=payout.workspace_id, user=by)
    checks.same_workspace(payout, payout.collaboration)
    if payout.status != Payout.Status.DUE:
        raise CampaignError(
            f"Only a due payout can be cancelled; this one is {payout.status}.", code=CampaignErrorCode.STAGE_LOCKED
        )
    payout.status = Payout.Status.CANCELLED
    payout.save(update_fields=["status", "updated_at"])
    record_audit_event(
        workspace=payout.workspace,
        actor=by,
        action="payout.cancelled",
        target=str(payout.collaboration_id),
        data={"payout_id": payout.pk},
    )
    return payout
