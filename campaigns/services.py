"""Writes for campaigns and their collaborations.

Every service is one transaction with keyword-only arguments, runs inside the caller's workspace
scope (pages and the API already do; tasks and commands open `accounts.tenancy.workspace_scope`),
checks that `by` is a manager or owner of the workspace (analysts only read: `CampaignPermissionError`),
refuses bad input with a `CampaignError` before writing anything, and records an audit event.

Rows hang off their parents' workspace: a collaboration's workspace is its campaign's, a payout's
its collaboration's, and so on. The services set it from the parent and refuse to touch a row whose
workspace disagrees with its parent's (`CampaignErrorCode.WORKSPACE_MISMATCH`). A row that is not in
the current scope is not found (`CampaignNotFoundError`, 404), never another workspace's row.

Money is a `Decimal` (or an int) with an ISO 4217 currency code; a float is refused, because
`0.1 + 0.2 != 0.3` has no place in a fee. Amounts are kept to the cent.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import moneyed
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from djmoney.money import Money

from accounts.models import Membership, User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from campaigns import pipeline
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError, CampaignPermissionError
from campaigns.models import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    Campaign,
    Collaboration,
    CollaborationTransition,
    Deliverable,
    Payout,
    Shipment,
)
from campaigns.pipeline import CampaignStatus, Stage
from creators.models import Creator, Niche

CAMPAIGN_NAME_MAX_CHARS = 150  # Campaign.name's column
NOTE_MAX_CHARS = 2_000  # a transition note is a sentence or two, not a document
AUDIENCE_KEYS = ("age_buckets", "genders", "countries", "niches")
AUDIENCE_LABEL_MAX_CHARS = 40  # "18-24", "female", "US", a niche slug (40, Niche.slug's column)
AUDIENCE_MAX_VALUES = 250  # every ISO country fits; a pasted spreadsheet does not
KPI_METRICS = (
    "views",
    "reach",
    "engagement_rate",
    "clicks",
    "signups",
    "orders",
    "revenue",
    "cpe",
    "cpm",
    "cpa",
    "roas",
    "emv",
    "videos_live",
)
KPI_MAX_ENTRIES = len(KPI_METRICS)  # one target per metric
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
CENT = Decimal(10) ** -MONEY_DECIMAL_PLACES
MAX_AMOUNT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - CENT

_Owned = TypeVar("_Owned", bound=models.Model)


# --- Shared checks ------------------------------------------------------------------------------


def _require_manager(*, workspace_id: int, user: User) -> None:
    """Managers and owners write; analysts (and non-members) are refused before anything is written."""
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise CampaignPermissionError(
            "Only the workspace's managers and owners can change campaigns.", code=CampaignErrorCode.ROLE_REQUIRED
        )


def _require_member(*, workspace_id: int, user: User, field: str) -> None:
    if not Membership.objects.filter(workspace_id=workspace_id, user=user).exists():
        raise CampaignError(
            f"{user} is not a member of this workspace.",
            code=CampaignErrorCode.INVALID,
            fields={field: ["Must be a member of the workspace."]},
        )


def _locked(model: type[_Owned], pk: Any, *related: str) -> _Owned:
    """Lock one row of the current workspace (`of=self`: parents joined for reading stay unlocked)."""
    try:
        return model._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise CampaignNotFoundError(
            f"This {model._meta.verbose_name} does not exist.", code=CampaignErrorCode.NOT_FOUND
        ) from exc


def _same_workspace(child: Any, parent: Any) -> None:
    if child.workspace_id != parent.workspace_id:
        raise CampaignError(
            f"This {child._meta.verbose_name} and its {parent._meta.verbose_name} belong to different workspaces.",
            code=CampaignErrorCode.WORKSPACE_MISMATCH,
        )


def _invalid(field: str, message: str) -> CampaignError:
    return CampaignError(message, code=CampaignErrorCode.INVALID, fields={field: [message]})


def _money(amount: object, currency: object, *, field: str, allow_zero: bool = False) -> Money:
    """A Decimal (or int) amount to the cent with a known ISO 4217 code; floats are refused."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise _invalid(field, "Give the amount as a Decimal (e.g. Decimal('250.00')), never a float.")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise _invalid(field, "The amount must be a finite number.")
    if amount > MAX_AMOUNT:  # checked before quantize(), which raises on numbers this long
        raise _invalid(field, f"The amount cannot exceed {MAX_AMOUNT:,}.")
    if amount != amount.quantize(CENT):
        raise _invalid(field, f"The amount cannot have more than {MONEY_DECIMAL_PLACES} decimal places.")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise _invalid(field, "The amount must be positive." if not allow_zero else "The amount cannot be negative.")
    code = currency.strip().upper() if isinstance(currency, str) else ""
    try:
        known = bool(code) and moneyed.get_currency(code) is not None
    except moneyed.CurrencyDoesNotExist:
        known = False
    if not known or not re.fullmatch(r"[A-Z]{3}", code):
        raise _invalid(f"{field}_currency", f"{currency!r} is not an ISO 4217 currency code.")
    return Money(amount.quantize(CENT), code)


def _decimal(value: object, *, field: str) -> Decimal:
    """A figure that is not money (a KPI target, a threshold, a percent): Decimal, int or numeric text."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise _invalid(field, "Give the figure as a Decimal, an integer or a numeric string, never a float.")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation as exc:
        raise _invalid(field, f"{value!r} is not a number.") from exc
    if not number.is_finite() or number < 0:
        raise _invalid(field, "The figure must be a finite number, zero or more.")
    return number


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > CAMPAIGN_NAME_MAX_CHARS:
        raise _invalid("name", f"A campaign needs a name of 1 to {CAMPAIGN_NAME_MAX_CHARS} characters.")
    return name


def _clean_objective(objective: str) -> str:
    if objective not in Campaign.Objective.values:
        raise _invalid("objective", f"One of: {', '.join(Campaign.Objective.values)}.")
    return objective


def _clean_dates(start_date: datetime.date | None, end_date: datetime.date | None) -> None:
    if start_date is not None and end_date is not None and end_date < start_date:
        raise _invalid("end_date", "The campaign cannot end before it starts.")


def clean_target_audience(target_audience: object) -> dict[str, list[str]]:
    """`{"age_buckets": [...], "genders": [...], "countries": [...], "niches": [...]}`, every part optional.

    Countries are ISO 3166-1 alpha-2 codes (upper-cased here); niches are slugs of the curated `Niche`
    taxonomy, because audience fit matches them against creators' niches. Duplicates are dropped."""
    if not isinstance(target_audience, Mapping):
        raise _invalid("target_audience", "Expected an object with age_buckets, genders, countries and niches lists.")
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(target_audience) - set(AUDIENCE_KEYS))
    if unknown:
        errors["target_audience"] = [f"Unknown parts: {', '.join(map(str, unknown))}."]
    clean: dict[str, list[str]] = {}
    for key in AUDIENCE_KEYS:
        values = target_audience.get(key) or []
        if not isinstance(values, list | tuple) or len(values) > AUDIENCE_MAX_VALUES:
            errors[key] = [f"Expected a list of at most {AUDIENCE_MAX_VALUES} labels."]
            continue
        labels: list[str] = []
        for value in values:
            if not isinstance(value, str) or not value.strip() or len(value.strip()) > AUDIENCE_LABEL_MAX_CHARS:
                errors.setdefault(key, []).append(f"{value!r} is not a label of 1 to {AUDIENCE_LABEL_MAX_CHARS} chars.")
                continue
            label = value.strip().upper() if key == "countries" else value.strip().lower()
            if key == "countries" and not COUNTRY_CODE.fullmatch(label):
                errors.setdefault(key, []).append(f"{value!r} is not an ISO 3166-1 alpha-2 code.")
                continue
            if label not in labels:
                labels.append(label)
        if labels:
            clean[key] = labels
    if clean.get("niches"):
        known = set(Niche.objects.filter(slug__in=clean["niches"]).values_list("slug", flat=True))
        if unknown_niches := [slug for slug in clean["niches"] if slug not in known]:
            errors.setdefault("niches", []).append(f"Unknown niches: {', '.join(unknown_niches)}.")
    if errors:
        raise CampaignError("The target audience is not valid.", code=CampaignErrorCode.INVALID, fields=errors)
    return clean


def clean_kpis(kpis: object) -> list[dict[str, str]]:
    """`[{"metric": "views", "target": Decimal("250000")}, ...]` -> targets stored as decimal strings
    (JSON has no decimal type, and a float would round), one target per metric."""
    if not isinstance(kpis, list | tuple) or len(kpis) > KPI_MAX_ENTRIES:
        raise _invalid("kpis", f"Expected a list of at most {KPI_MAX_ENTRIES} {{metric, target}} objects.")
    clean: list[dict[str, str]] = []
    for index, kpi in enumerate(kpis):
        if not isinstance(kpi, Mapping) or set(kpi) != {"metric", "target"}:
            raise _invalid("kpis", f"KPI {index + 1}: expected exactly a metric and a target.")
        metric = kpi["metric"]
        if metric not in KPI_METRICS:
            raise _invalid("kpis", f"KPI {index + 1}: {metric!r} is not one of {', '.join(KPI_METRICS)}.")
        if any(entry["metric"] == metric for entry in clean):
            raise _invalid("kpis", f"KPI {index + 1}: {metric} has a target already.")
        target = _decimal(kpi["target"], field="kpis")
        clean.append({"metric": metric, "target": str(target)})
    return clean


def _transition(*, collaboration: Collaboration, from_stage: str, by: User | None, note: str = "") -> None:
    CollaborationTransition.objects.create(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        from_stage=from_stage,
        to_stage=collaboration.stage,
        by=by,
        note=note,
    )


# --- Campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    workspace: Workspace,
    by: User,
    name: str,
    objective: str,
    budget: Decimal,
    currency: str,
    owner: User | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    target_audience: Mapping[str, Any] | None = None,
    kpis: Iterable[Mapping[str, Any]] | None = None,
) -> Campaign:
    """Create a draft campaign. `owner` (default: `by`) must be a member of the workspace."""
    _require_manager(workspace_id=workspace.pk, user=by)
    owner = owner or by
    _require_member(workspace_id=workspace.pk, user=owner, field="owner")
    _clean_dates(start_date, end_date)
    campaign = Campaign.objects.create(
        workspace=workspace,
        name=_clean_name(name),
        objective=_clean_objective(objective),
        budget=_money(budget, currency, field="budget", allow_zero=True),
        start_date=start_date,
        end_date=end_date,
        target_audience=clean_target_audience(target_audience or {}),
        kpis=clean_kpis(list(kpis or [])),
        owner=owner,
    )
    record_audit_event(
        workspace=workspace,
        actor=by,
        action="campaign.created",
        target=campaign.name,
        data={
            "campaign_id": campaign.pk,
            "budget": str(campaign.budget.amount),
            "currency": campaign.budget.currency.code,
        },
    )
    return campaign


_UNSET: Any = object()  # "leave as it is", where None is a meaningful new value (clearing a date)


@transaction.atomic
def update_campaign(
    *,
    campaign: Campaign,
    by: User,
    name: str | None = None,
    objective: str | None = None,
    budget: Decimal | None = None,
    currency: str | None = None,
    owner: User | None = None,
    status: str | None = None,
    start_date: datetime.date | None = _UNSET,
    end_date: datetime.date | None = _UNSET,
    target_audience: Mapping[str, Any] | None = None,
    kpis: Iterable[Mapping[str, Any]] | None = None,
) -> Campaign:
    """Change a campaign; arguments left out stay as they are (dates may be cleared with None).

    Locks the campaign. A status change follows `pipeline.CAMPAIGN_STATUS_TRANSITIONS`; a budget change
    needs both amount and currency, so a currency is never reinterpreted under an old amount."""
    campaign = _locked(Campaign, campaign.pk, "workspace")
    _require_manager(workspace_id=campaign.workspace_id, user=by)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if objective is not None:
        changes["objective"] = _clean_objective(objective)
    if (budget is None) != (currency is None):
        raise _invalid("budget", "Give the budget's amount and currency together.")
    if budget is not None:
        changes["budget"] = _money(budget, currency, field="budget", allow_zero=True)
    if owner is not None:
        _require_member(workspace_id=campaign.workspace_id, user=owner, field="owner")
        changes["owner"] = owner
    if status is not None and status != campaign.status:
        if not pipeline.is_allowed_status_change(campaign.status, status):
            allowed = pipeline.CAMPAIGN_STATUS_TRANSITIONS[CampaignStatus(campaign.status)]
            raise CampaignError(
                f"A {campaign.get_status_display().lower()} campaign cannot become {status!r}.",
                code=CampaignErrorCode.TRANSITION_NOT_ALLOWED,
                fields={"status": [f"Allowed: {', '.join(sorted(allowed)) or 'nothing (completed)'}."]},
            )
        changes["status"] = status
    new_start = campaign.start_date if start_date is _UNSET else start_date
    new_end = campaign.end_date if end_date is _UNSET else end_date
    _clean_dates(new_start, new_end)
    if start_date is not _UNSET:
        changes["start_date"] = start_date
    if end_date is not _UNSET:
        changes["end_date"] = end_date
    if target_audience is not None:
        changes["target_audience"] = clean_target_audience(target_audience)
    if kpis is not None:
        changes["kpis"] = clean_kpis(list(kpis))
    changes = {field: value for field, value in changes.items() if getattr(campaign, field) != value}
    if not changes:
        return campaign
    for field, value in changes.items():
        setattr(campaign, field, value)
    update_fields = [*changes, "updated_at"]
    if "budget" in changes:
        update_fields.append("budget_currency")
    campaign.save(update_fields=update_fields)
    record_audit_event(
        workspace=campaign.workspace,
        actor=by,
        action="campaign.updated",
        target=campaign.name,
        data={"campaign_id": campaign.pk, "changed": sorted(changes), "status": campaign.status},
    )
    return campaign


# --- Collaborations -----------------------------------------------------------------------------


@transaction.atomic
def shortlist_creators(
    *, campaign: Campaign, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> list[Collaboration]:
    """Put creators on a campaign's pipeline as `shortlisted`; ones already in it (whatever their stage)
    are left alone, so running it twice adds nobody. Returns the collaborations created.

    Locks the campaign, so two managers shortlisting at once cannot race past the existence check;
    the (campaign, creator) unique constraint is the last word either way."""
    campaign = _locked(Campaign, campaign.pk, "workspace")
    _require_manager(workspace_id=campaign.workspace_id, user=by)
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
    collaboration = _locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    _require_manager(workspace_id=collaboration.workspace_id, user=by)
    _same_workspace(collaboration, collaboration.campaign)
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise _invalid("note", f"A note has at most {NOTE_MAX_CHARS:,} characters.")
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
    collaboration = _locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    _require_manager(workspace_id=collaboration.workspace_id, user=by)
    _same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage not in pipeline.COMPENSATION_EDITABLE_STAGES:
        raise CampaignError(
            f"Compensation is fixed once a collaboration is {collaboration.get_stage_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if compensation_type not in Collaboration.Compensation.values:
        raise _invalid("compensation_type", f"One of: {', '.join(Collaboration.Compensation.values)}.")
    kind = Collaboration.Compensation(compensation_type)
    needs_fee = kind in (Collaboration.Compensation.FIXED_FEE, Collaboration.Compensation.FEE_PLUS_BONUS)
    takes_fee = needs_fee or kind == Collaboration.Compensation.COMMISSION
    takes_bonus = kind == Collaboration.Compensation.FEE_PLUS_BONUS
    if needs_fee and fee is None:
        raise _invalid("fee", "This compensation needs a fee.")
    if fee is not None and not takes_fee:
        raise _invalid("fee", "Gifting only takes no fee.")
    if (commission_percent is not None) != (kind == Collaboration.Compensation.COMMISSION):
        raise _invalid("commission_percent", "A commission percent goes with the commission type, and only there.")
    if not takes_bonus and (bonus is not None or bonus_metric or bonus_threshold is not None):
        raise _invalid("bonus", "Only fee + bonus takes a bonus.")
    values: dict[str, Any] = {
        "compensation_type": kind.value,
        "fee": _money(fee, currency, field="fee") if fee is not None else None,
        "commission_percent": None,
        "bonus": None,
        "bonus_metric": "",
        "bonus_threshold": None,
    }
    if commission_percent is not None:
        percent = _decimal(commission_percent, field="commission_percent")
        if not 0 < percent <= 100 or percent != percent.quantize(Decimal("0.01")):
            raise _invalid("commission_percent", "A percent above 0, at most 100, to two decimal places.")
        values["commission_percent"] = percent
    if takes_bonus:
        if bonus is None or not bonus_metric or bonus_threshold is None:
            raise _invalid("bonus", "Fee + bonus needs a bonus, the metric it depends on and its threshold.")
        if bonus_metric not in KPI_METRICS:
            raise _invalid("bonus_metric", f"One of: {', '.join(KPI_METRICS)}.")
        values["bonus"] = _money(bonus, currency, field="bonus")
        values["bonus_metric"] = bonus_metric
        values["bonus_threshold"] = _decimal(bonus_threshold, field="bonus_threshold")
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
    collaboration = _locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    _require_manager(workspace_id=collaboration.workspace_id, user=by)
    _same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage in pipeline.TERMINAL_STAGES:
        raise CampaignError(
            f"A {collaboration.get_stage_display().lower()} collaboration takes no new deliverables.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    if format not in Deliverable.Format.values:
        raise _invalid("format", f"One of: {', '.join(Deliverable.Format.values)}.")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
        raise _invalid("count", "A count from 1 to 100.")
    if draft_due_on is not None and live_due_on is not None and live_due_on < draft_due_on:
        raise _invalid("live_due_on", "The go-live date cannot come before the draft's.")
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
    collaboration = _locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    _require_manager(workspace_id=collaboration.workspace_id, user=by)
    _same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage in pipeline.TERMINAL_STAGES:
        raise CampaignError(
            f"A {collaboration.get_stage_display().lower()} collaboration gets no new shipments.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    description = description.strip()
    if len(description) > 200:  # Shipment.description's column
        raise _invalid("description", "At most 200 characters.")
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
        raise _invalid("amount", "This collaboration is gifting only: no payment is owed.")
    agreed_currency = collaboration.fee.currency.code if collaboration.fee is not None else None
    if agreed_currency and money.currency.code != agreed_currency:
        raise _invalid("currency", f"The fee was agreed in {agreed_currency}; record the payout in {agreed_currency}.")
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
        raise _invalid(
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
    collaboration = _locked(Collaboration, collaboration.pk, "workspace", "campaign", "creator")
    _require_manager(workspace_id=collaboration.workspace_id, user=by)
    _same_workspace(collaboration, collaboration.campaign)
    if collaboration.stage not in pipeline.PAYABLE_STAGES:
        raise CampaignError(
            f"Nothing is owed yet: the collaboration is {collaboration.get_stage_display().lower()}.",
            code=CampaignErrorCode.STAGE_LOCKED,
        )
    money = _money(amount, currency, field="amount")
    if kind not in Payout.Kind.values:
        raise _invalid("kind", f"One of: {', '.join(Payout.Kind.values)}.")
    if kind == Payout.Kind.COMMISSION and collaboration.compensation_type != Collaboration.Compensation.COMMISSION:
        raise _invalid("kind", "Only a commission deal is paid a commission.")
    _check_payout_follows_compensation(collaboration=collaboration, money=money)
    reference = reference.strip()
    if len(reference) > 100:  # Payout.reference's column
        raise _invalid("reference", "At most 100 characters.")
    if paid_at is not None and timezone.is_naive(paid_at):
        raise _invalid("paid_at", "A payment time needs a time zone.")
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
    return payout


@transaction.atomic
def mark_payout_paid(
    *, payout: Payout, by: User, paid_at: datetime.datetime | None = None, reference: str | None = None
) -> Payout:
    """Record that a due payout was paid (now, unless `paid_at` says when)."""
    payout = _locked(Payout, payout.pk, "workspace", "collaboration")
    _require_manager(workspace_id=payout.workspace_id, user=by)
    _same_workspace(payout, payout.collaboration)
    if payout.status != Payout.Status.DUE:
        raise CampaignError(f"This payout is {payout.status}, not due.", code=CampaignErrorCode.STAGE_LOCKED)
    if paid_at is not None and timezone.is_naive(paid_at):
        raise _invalid("paid_at", "A payment time needs a time zone.")
    payout.status, payout.paid_at = Payout.Status.PAID, paid_at or timezone.now()
    update_fields = ["status", "paid_at", "updated_at"]
    if reference is not None:
        if len(reference.strip()) > 100:
            raise _invalid("reference", "At most 100 characters.")
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
    payout = _locked(Payout, payout.pk, "workspace", "collaboration")
    _require_manager(workspace_id=payout.workspace_id, user=by)
    _same_workspace(payout, payout.collaboration)
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
