"""Writes for collaborations, a creator's place on a campaign's pipeline: shortlisting creators,
moving a collaboration between stages (`move_collaboration`, the brand's move, checked against the
pipeline; `record_move`, the one writer of the stage, where the brand's moves, the creator's answer in
the portal, signed contracts and the deliverable journey all end) and setting the compensation agreed.
The services follow the rules of every campaigns service (see `campaigns.services`).
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.services import record_audit_event
from campaigns import checks, pipeline
from campaigns.errors import CampaignError, CampaignErrorCode
from campaigns.models import Campaign, Collaboration, CollaborationTransition
from campaigns.pipeline import CampaignStatus, Stage
from campaigns.services import KPI_METRICS
from creators.models import Creator

NOTE_MAX_CHARS = 2_000  # a transition note is a sentence or two, not a document


def _transition(*, collaboration: Collaboration, from_stage: str, by: User | None, note: str = "") -> None:
    CollaborationTransition.objects.create(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        from_stage=from_stage,
        to_stage=collaboration.stage,
        by=by,
        note=note,
    )


# --- Collaborations -----------------------------------------------------------------------------


@transaction.atomic
def shortlist_creators(
    *, campaign: Campaign, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> list[Collaboration]:
    """Put creators on a campaign's pipeline as `shortlisted`; ones already in it (whatever their stage)
    are left alone, so running it twice adds nobody. Returns the collaborations created.

    Locks the campaign, so two managers shortlisting at once cannot race past the existence check;
    the (campaign, creator) unique constraint is the last word either way."""
    campaign = checks.locked(Campaign, campaign.pk, "workspace")
    checks.require_manager(workspace_id=campaign.workspace_id, user=by)
    if campaign.status == CampaignStatus.COMPLETED:
        raise CampaignError("A completed campaign takes no new creators.", code=CampaignErrorCode.STAGE_LOCKED)
    creator_ids = (
        list(creators.values_list("pk", flat=True))
        if isinstance(creators, QuerySet)
        else [creator.pk for creator in creators]
    )
    existing = set(
        Collaboration.objects.filter(campaign=campaign, creator_id__in=creator_ids).values_list("creator_id", flat=True)
    )
    new_ids = list(dict.fromkeys(pk for pk in creator_ids if pk not in existing))
    now = timezone.now()
    created = Collaboration.objects.bulk_create(
        [
            Collaboration(
                workspace_id=campaign.workspace_id,
                campaign=campaign,
                creator_id=pk,
                stage=Stage.SHORTLISTED,
                stage_changed_at=now,
                shortlisted_by=by,
            )
            for pk in new_ids
        ]
    )
    CollaborationTransition.objects.bulk_create(
        [
            CollaborationTransition(
                workspace_id=campaign.workspace_id,
                collaboration=collaboration,
                from_stage="",
                to_stage=Stage.SHORTLISTED,
                by=by,
            )
            for collaboration in created
        ]
    )
    if created:
        record_audit_event(
            workspace=campaign.workspace,
            actor=by,
            action="campaign.creators_shortlisted",
            target=campaign.name,
            data={"campaign_id": campaign.pk, "count": len(created), "already_in": len(existing)},
        )
    return created


@transaction.atomic
def move_collaboration(*, collaboration: Collaboration, to_stage: str, by: User, note: str = "") -> Collaboration:
    """Move a collaboration to another pipeline stage: the only writer of `Collaboration.stage`.

    Managers and owners only. Locks the collaboration row (so two moves from the same stage cannot both
    pass the check), validates against `pipeline.ALLOWED_TRANSITIONS`, then writes the stage, one
    append-only `CollaborationTransition` (who, when, from, to, note) and an audit event."""
    collaboration = checks.locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    checks.require_manager(workspace_id=collaboration.workspace_id, user=by)
    checks.same_workspace(collaboration, collaboration.campaign)
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise checks.invalid("note", f"A note has at most {NOTE_MAX_CHARS:,} characters.")
    from_stage = collaboration.stage
    if not pipeline.is_allowed_transition(from_stage, to_stage):
        allowed = sorted(pipeline.allowed_next_stages(from_stage))
        raise CampaignError(
            f"A collaboration cannot move from {from_stage} to {to_stage}.",
            code=CampaignErrorCode.TRANSITION_NOT_ALLOWED,
            fields={"to_stage": [f"Allowed from {from_stage}: {', '.join(allowed) or 'nothing (final stage)'}."]},
            extra={"from_stage": from_stage, "to_stage": to_stage, "allowed": allowed},
        )
    return record_move(collaboration=collaboration, to_stage=to_stage, by=by, note=note)


def record_move(
    *, collaboration: Collaboration, to_stage: str, by: User, note: str = "", action: str = "collaboration.moved"
) -> Collaboration:
    """Write a move the caller has already allowed, on a row it has locked: the stage, one append-only
    transition and an audit event. `move_collaboration` (the brand) and the portal's answer to an
    invitation (the creator) both end here."""
    from_stage = collaboration.stage
    collaboration.stage, collaboration.stage_changed_at = to_stage, timezone.now()
    collaboration.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    _transition(collaboration=collaboration, from_stage=from_stage, by=by, note=note)
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action=action,
        target=str(collaboration),
        data={"collaboration_id": collaboration.pk, "from": from_stage, "to": to_stage},
    )
    return collaboration


@transaction.atomic
def set_compensation(
    *,
    collaboration: Collaboration,
    by: User,
    compensation_type: str,
    fee: Decimal | None = None,
    currency: str | None = None,
    commission_percent: Decimal | None = None,
    bonus: Decimal | None = None,
    bonus_metric: str = "",
    bonus_threshold: Decimal | None = None,
) -> Collaboration:
    """Record what was agreed with the creator, until the contract fixes it (shortlisted, invited,
    negotiating). Each type takes exactly its figures:

    - fixed_fee: fee + currency
    - gifting_only: nothing (product only)
    - commission: commission_percent (0 < p <= 100), optionally a fee + currency on top
    - fee_plus_bonus: fee + currency, bonus (same currency), bonus_metric (a KPI) and bonus_threshold
    """
    collaboration = checks.locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    checks.require_manager(workspace_id=collaboration.workspace_id, user=by)
    checks.same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage not in pipeline.COMPENSATION_EDITABLE_STAGES:
        raise CampaignError(
            f"Compensation is fixed once a collaboration is {collaboration.get_stage_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if compensation_type not in Collaboration.Compensation.values:
        raise checks.invalid("compensation_type", f"One of: {', '.join(Collaboration.Compensation.values)}.")
    kind = Collaboration.Compensation(compensation_type)
    needs_fee = kind in (Collaboration.Compensation.FIXED_FEE, Collaboration.Compensation.FEE_PLUS_BONUS)
    takes_fee = needs_fee or kind == Collaboration.Compensation.COMMISSION
    takes_bonus = kind == Collaboration.Compensation.FEE_PLUS_BONUS
    if needs_fee and fee is None:
        raise checks.invalid("fee", "This compensation needs a fee.")
    if fee is not None and not takes_fee:
        raise checks.invalid("fee", "Gifting only takes no fee.")
    if (commission_percent is not None) != (kind == Collaboration.Compensation.COMMISSION):
        raise checks.invalid(
            "commission_percent", "A commission percent goes with the commission type, and only there."
        )
    if not takes_bonus and (bonus is not None or bonus_metric or bonus_threshold is not None):
        raise checks.invalid("bonus", "Only fee + bonus takes a bonus.")
    values: dict[str, Any] = {
        "compensation_type": kind.value,
        "fee": checks.money(fee, currency, field="fee") if fee is not None else None,
        "commission_percent": None,
        "bonus": None,
        "bonus_metric": "",
        "bonus_threshold": None,
    }
    if commission_percent is not None:
        percent = checks.decimal(commission_percent, field="commission_percent")
        if not 0 < percent <= 100 or percent != percent.quantize(Decimal("0.01")):
            raise checks.invalid("commission_percent", "A percent above 0, at most 100, to two decimal places.")
        values["commission_percent"] = percent
    if takes_bonus:
        if bonus is None or not bonus_metric or bonus_threshold is None:
            raise checks.invalid("bonus", "Fee + bonus needs a bonus, the metric it depends on and its threshold.")
        if bonus_metric not in KPI_METRICS:
            raise checks.invalid("bonus_metric", f"One of: {', '.join(KPI_METRICS)}.")
        values["bonus"] = checks.money(bonus, currency, field="bonus")
        values["bonus_metric"] = bonus_metric
        values["bonus_threshold"] = checks.decimal(bonus_threshold, field="bonus_threshold")
    # Clearing a MoneyField leaves its currency column behind; clear both, so no orphan code remains.
    values["fee_currency"] = values["fee"].currency.code if values["fee"] is not None else None
    values["bonus_currency"] = values["bonus"].currency.code if values["bonus"] is not None else None
    for field, value in values.items():
        setattr(collaboration, field, value)
    collaboration.save(update_fields=[*values, "updated_at"])
    record_audit_event(
        workspace=collaboration.workspace,
        actor=by,
        action="collaboration.compensation_set",
        target=str(collaboration),
        data={
            "collaboration_id": collaboration.pk,
            "compensation_type": kind.value,
            "fee": str(fee) if fee is not None else None,
            "currency": values["fee"].currency.code if values["fee"] is not None else None,
        },
    )
    return collaboration
