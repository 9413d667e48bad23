"""Writes for campaigns: creating, editing and duplicating one, moving it through its life cycle
(`pipeline.CAMPAIGN_STATUS_TRANSITIONS`), with the checks of its target audience and KPIs.
A campaign's collaborations are written in `campaigns.collaborations`, what they owe (deliverables,
shipments, payouts) in `campaigns.payouts`, and the checks these modules share are in `campaigns.checks`.

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
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import Membership, User, Workspace
from accounts.services import record_audit_event
from campaigns import checks, pipeline
from campaigns.errors import CampaignError, CampaignErrorCode
from campaigns.models import Campaign, CampaignStatusChange
from campaigns.pipeline import CampaignStatus
from creators.discovery.filters import AGE_BUCKETS, GENDERS
from creators.models import Niche
from creators.selectors import tier_bounds

CAMPAIGN_NAME_MAX_CHARS = 150  # Campaign.name's column
AUDIENCE_KEYS = ("niches", "countries", "languages", "tiers", "age_buckets", "genders")
AUDIENCE_LABEL_MAX_CHARS = 40  # "18-24", "female", "US", "en", "micro", a niche slug (40, Niche.slug's column)
AUDIENCE_MAX_VALUES = 250  # every ISO country fits; a pasted spreadsheet does not
KPI_METRICS = (
    "views",
    "reach",
    "engagement_rate",
    "clicks",
    "cpc",
    "ctr",
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
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")  # ISO 639-1, as Creator.languages holds them
COPY_PREFIX = "Copy of "


# --- Checks of a campaign's input -----------------------------------------------------------------


def _require_member(*, workspace_id: int, user: User, field: str) -> None:
    if not Membership.objects.filter(workspace_id=workspace_id, user=user).exists():
        raise CampaignError(
            f"{user} is not a member of this workspace.",
            code=CampaignErrorCode.INVALID,
            fields={field: ["Must be a member of the workspace."]},
        )


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > CAMPAIGN_NAME_MAX_CHARS:
        raise checks.invalid("name", f"A campaign needs a name of 1 to {CAMPAIGN_NAME_MAX_CHARS} characters.")
    return name


def _clean_objective(objective: str) -> str:
    if objective not in Campaign.Objective.values:
        raise checks.invalid("objective", f"One of: {', '.join(Campaign.Objective.values)}.")
    return objective


def _clean_dates(start_date: datetime.date | None, end_date: datetime.date | None) -> None:
    if start_date is not None and end_date is not None and end_date < start_date:
        raise checks.invalid("end_date", "The campaign cannot end before it starts.")


def _audience_label_problem(key: str, label: str, raw: object) -> str | None:
    """Why `label` cannot stand in the target audience's `key` list, or None when it can."""
    if key == "countries" and not COUNTRY_CODE.fullmatch(label):
        return f"{raw!r} is not an ISO 3166-1 alpha-2 code."
    if key == "languages" and not LANGUAGE_CODE.fullmatch(label):
        return f"{raw!r} is not an ISO 639-1 language code (two letters, e.g. en)."
    if key == "tiers" and label not in tier_bounds():
        return f"{raw!r} is not a tier: one of {', '.join(tier_bounds())}."
    if key == "age_buckets" and label not in AGE_BUCKETS:
        return f"{raw!r} is not an age bucket: one of {', '.join(AGE_BUCKETS)}."
    if key == "genders" and label not in {value for value, _ in GENDERS}:
        return f"{raw!r} is not a gender: one of {', '.join(value for value, _ in GENDERS)}."
    return None


def clean_target_audience(target_audience: object) -> dict[str, list[str]]:
    """`{"niches": [...], "countries": [...], "languages": [...], "tiers": [...], "age_buckets": [...],
    "genders": [...]}`, every part optional.

    Countries are ISO 3166-1 alpha-2 codes (upper-cased here), languages ISO 639-1 codes (lower-cased),
    tiers the follower tiers of discovery (nano, micro, macro, mega), age buckets and genders the labels
    of audience profiles; niches are slugs of the curated `Niche` taxonomy, because audience fit matches
    them against creators' niches. Duplicates are dropped."""
    if not isinstance(target_audience, Mapping):
        raise checks.invalid("target_audience", f"Expected an object with {', '.join(AUDIENCE_KEYS)} lists.")
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
            if problem := _audience_label_problem(key, label, value):
                errors.setdefault(key, []).append(problem)
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


def _kpi_deadline(value: object, *, index: int) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date | str):
        raise checks.invalid("kpis", f"KPI {index}: the deadline must be a date (YYYY-MM-DD).")
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise checks.invalid("kpis", f"KPI {index}: {value!r} is not a date (YYYY-MM-DD).") from exc
    return value.isoformat()


def clean_kpis(kpis: object) -> list[dict[str, str]]:
    """`[{"metric": "views", "target": Decimal("250000"), "deadline": date(2026, 6, 30)}, ...]` -> targets
    stored as decimal strings (JSON has no decimal type, and a float would round) and deadlines as ISO
    dates; the deadline is optional (left out when empty). One target per metric."""
    if not isinstance(kpis, list | tuple) or len(kpis) > KPI_MAX_ENTRIES:
        raise checks.invalid(
            "kpis", f"Expected a list of at most {KPI_MAX_ENTRIES} {{metric, target, deadline}} objects."
        )
    clean: list[dict[str, str]] = []
    for index, kpi in enumerate(kpis, start=1):
        if not isinstance(kpi, Mapping) or not {"metric", "target"} <= set(kpi) <= {"metric", "target", "deadline"}:
            raise checks.invalid("kpis", f"KPI {index}: expected a metric, a target and an optional deadline.")
        metric = kpi["metric"]
        if metric not in KPI_METRICS:
            raise checks.invalid("kpis", f"KPI {index}: {metric!r} is not one of {', '.join(KPI_METRICS)}.")
        if any(entry["metric"] == metric for entry in clean):
            raise checks.invalid("kpis", f"KPI {index}: {metric} has a target already.")
        entry = {"metric": metric, "target": str(checks.decimal(kpi["target"], field="kpis"))}
        if (deadline := _kpi_deadline(kpi.get("deadline"), index=index)) is not None:
            entry["deadline"] = deadline
        clean.append(entry)
    return clean


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
    checks.require_manager(workspace_id=workspace.pk, user=by)
    owner = owner or by
    _require_member(workspace_id=workspace.pk, user=owner, field="owner")
    _clean_dates(start_date, end_date)
    campaign = Campaign.objects.create(
        workspace=workspace,
        name=_clean_name(name),
        objective=_clean_objective(objective),
        budget=checks.money(budget, currency, field="budget", allow_zero=True),
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
    start_date: datetime.date | None = _UNSET,
    end_date: datetime.date | None = _UNSET,
    target_audience: Mapping[str, Any] | None = None,
    kpis: Iterable[Mapping[str, Any]] | None = None,
) -> Campaign:
    """Change a campaign's settings; arguments left out stay as they are (dates may be cleared with None).

    Locks the campaign. An archived campaign is read only (`CampaignErrorCode.ARCHIVED`). A budget change
    needs both amount and currency, so a currency is never reinterpreted under an old amount. The status
    is not a setting: it moves only through `change_campaign_status`."""
    campaign = checks.locked(Campaign, campaign.pk, "workspace")
    checks.require_manager(workspace_id=campaign.workspace_id, user=by)
    if campaign.status not in pipeline.CAMPAIGN_EDITABLE_STATUSES:
        raise CampaignError(
            "An archived campaign cannot be edited. Duplicate it to run it again.", code=CampaignErrorCode.ARCHIVED
        )
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if objective is not None:
        changes["objective"] = _clean_objective(objective)
    if (budget is None) != (currency is None):
        raise checks.invalid("budget", "Give the budget's amount and currency together.")
    if budget is not None:
        changes["budget"] = checks.money(budget, currency, field="budget", allow_zero=True)
    if owner is not None:
        _require_member(workspace_id=campaign.workspace_id, user=owner, field="owner")
        changes["owner"] = owner
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


@transaction.atomic
def change_campaign_status(*, campaign: Campaign, by: User, to_status: str) -> CampaignStatusChange:
    """Move a campaign along its life cycle: draft -> active -> paused <-> active; active or paused ->
    completed -> archived (`pipeline.CAMPAIGN_STATUS_TRANSITIONS`, the one place the moves are decided).

    Locks the campaign, so two managers pressing buttons at once move it once from what it really is;
    a refused move (staying put, going back, skipping a step, an unknown status) raises
    `TRANSITION_NOT_ALLOWED` and writes nothing. Writes the history row and the audit event."""
    campaign = checks.locked(Campaign, campaign.pk, "workspace")
    checks.require_manager(workspace_id=campaign.workspace_id, user=by)
    from_status = campaign.status
    if not pipeline.is_allowed_status_change(from_status, to_status):
        allowed = pipeline.allowed_next_statuses(from_status)
        target = CampaignStatus(to_status).label.lower() if to_status in CampaignStatus.values else repr(to_status)
        raise CampaignError(
            f"A {campaign.get_status_display().lower()} campaign cannot become {target}.",
            code=CampaignErrorCode.TRANSITION_NOT_ALLOWED,
            fields={"to_status": [f"Allowed: {', '.join(allowed) or 'nothing (archived)'}."]},
        )
    campaign.status = to_status
    campaign.save(update_fields=["status", "updated_at"])
    change = CampaignStatusChange.objects.create(
        workspace=campaign.workspace, campaign=campaign, from_status=from_status, to_status=to_status, by=by
    )
    record_audit_event(
        workspace=campaign.workspace,
        actor=by,
        action="campaign.status_changed",
        target=campaign.name,
        data={"campaign_id": campaign.pk, "from": from_status, "to": to_status},
    )
    return change


@transaction.atomic
def duplicate_campaign(*, campaign: Campaign, by: User) -> Campaign:
    """A new draft "Copy of <name>" with the campaign's settings that do not depend on its brief or its
    creators: objective, budget, KPI targets and target audience. Not copied: collaborations (and all
    that hangs off them), the brief, open call, links and codes, the status history.

    Dates are cleared, and so are the KPIs' deadlines: a copy is a plan for another run, and the old
    dates would put it in the past. Any status may be copied, archived included (that is how an
    archived campaign runs again). `by` becomes the copy's owner."""
    source = checks.locked(Campaign, campaign.pk, "workspace")
    checks.require_manager(workspace_id=source.workspace_id, user=by)
    name = f"{COPY_PREFIX}{source.name}"[:CAMPAIGN_NAME_MAX_CHARS]
    kpis = [{key: value for key, value in kpi.items() if key != "deadline"} for kpi in source.kpis]
    copy = create_campaign(
        workspace=source.workspace,
        by=by,
        name=name,
        objective=source.objective,
        budget=source.budget.amount,
        currency=source.budget.currency.code,
        target_audience=source.target_audience,
        kpis=kpis,
    )
    record_audit_event(
        workspace=source.workspace,
        actor=by,
        action="campaign.duplicated",
        target=copy.name,
        data={"campaign_id": copy.pk, "source_campaign_id": source.pk},
    )
    return copy
