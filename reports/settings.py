"""A workspace's report settings: reads and the one write (docs/metrics.md, "Reports")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from accounts.models import User, Workspace
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from core.errors import ApplicationError, PermissionDeniedError
from reports import metrics
from reports.models import ReportSettings

EMV_FIELDS = ("emv_per_view", "emv_per_like", "emv_per_comment", "emv_per_share", "emv_per_save")
AMOUNT_FIELDS = ("product_value_per_shipment", "min_spend", "scale_roas_at_least", "stop_roas_below")
# (scale line, stop line) of each cost-judged objective: scale at or under the first, stop above the second.
COST_LINE_FIELDS = (
    ("awareness_scale_cpm_at_most", "awareness_stop_cpm_above"),
    ("engagement_scale_cpe_at_most", "engagement_stop_cpe_above"),
    ("traffic_scale_cpc_at_most", "traffic_stop_cpc_above"),
)
COST_FIELDS = tuple(name for pair in COST_LINE_FIELDS for name in pair)
EDITABLE_FIELDS = (*EMV_FIELDS, *AMOUNT_FIELDS, "stop_cpa_above", "min_days_live", *COST_FIELDS)


def report_settings_for(*, workspace: Workspace) -> ReportSettings:
    """The workspace's settings, or the defaults (unsaved, in its default currency) when it has none."""
    found = ReportSettings.objects.filter(workspace=workspace).first()
    return found or ReportSettings(workspace=workspace, currency=workspace.default_currency)


def emv_values(report_settings: ReportSettings) -> metrics.EmvValues:
    return metrics.EmvValues(
        view=report_settings.emv_per_view,
        like=report_settings.emv_per_like,
        comment=report_settings.emv_per_comment,
        share=report_settings.emv_per_share,
        save=report_settings.emv_per_save,
    )


def verdict_thresholds(report_settings: ReportSettings) -> metrics.VerdictThresholds:
    return metrics.VerdictThresholds(
        scale_roas_at_least=report_settings.scale_roas_at_least,
        stop_roas_below=report_settings.stop_roas_below,
        stop_cpa_above=report_settings.stop_cpa_above,
        min_spend=report_settings.min_spend,
        min_days_live=report_settings.min_days_live,
        cpm=metrics.CostLine(report_settings.awareness_scale_cpm_at_most, report_settings.awareness_stop_cpm_above),
        cpe=metrics.CostLine(report_settings.engagement_scale_cpe_at_most, report_settings.engagement_stop_cpe_above),
        cpc=metrics.CostLine(report_settings.traffic_scale_cpc_at_most, report_settings.traffic_stop_cpc_above),
        currency=report_settings.currency,
    )


def _decimal(raw: Any, *, name: str, errors: dict[str, list[str]], places: int) -> Decimal | None:
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[name] = [f"“{text}” is not a number."]
        return None
    if not value.is_finite() or value < 0:
        errors[name] = ["Use a number of 0 or more."]
        return None
    if value != value.quantize(Decimal(1).scaleb(-places)) or value >= Decimal(10) ** 10:
        errors[name] = [f"At most {places} decimal places and below 10,000,000,000."]
        return None
    return value


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in EMV_FIELDS:
        cleaned[name] = _decimal(values.get(name), name=name, errors=errors, places=4)
    for name in AMOUNT_FIELDS:
        cleaned[name] = _decimal(values.get(name), name=name, errors=errors, places=2)
    for name, value in cleaned.items():
        if value is None and name not in errors:
            errors[name] = ["Enter a value."]
    cleaned["stop_cpa_above"] = _decimal(values.get("stop_cpa_above"), name="stop_cpa_above", errors=errors, places=2)
    if cleaned["stop_cpa_above"] == 0:
        errors["stop_cpa_above"] = ["Leave it empty for no ceiling, or enter an amount above 0."]
    raw_days = str(values.get("min_days_live", "")).strip()
    if not raw_days.isdigit() or int(raw_days) > 365:
        errors["min_days_live"] = ["A whole number of days from 0 to 365."]
    else:
        cleaned["min_days_live"] = int(raw_days)
    for scale_name, stop_name in COST_LINE_FIELDS:
        for name in (scale_name, stop_name):
            cleaned[name] = _decimal(values.get(name), name=name, errors=errors, places=2)
            if cleaned[name] is None and name not in errors:
                errors[name] = ["Enter a value."]
            elif cleaned[name] == 0:
                errors[name] = ["Enter an amount above 0."]
        line_scale, line_stop = cleaned[scale_name], cleaned[stop_name]
        if line_scale and line_stop and line_stop < line_scale and stop_name not in errors:
            errors[stop_name] = ["The stop line must be at or above the scale line."]
    scale, stop = cleaned.get("scale_roas_at_least"), cleaned.get("stop_roas_below")
    if scale is not None and stop is not None and scale < stop and "scale_roas_at_least" not in errors:
        errors["scale_roas_at_least"] = ["The scale line must be at or above the stop line."]
    if errors:
        raise ApplicationError("The report settings are not valid.", code="invalid", fields=errors)
    return cleaned


@transaction.atomic
def update_report_settings(*, workspace: Workspace, by: User, values: dict[str, Any]) -> ReportSettings:
    """Save the workspace's report settings (managers and owners). Any bad value is refused with its
    field and nothing is written. The currency is the workspace's default currency at the time."""
    if not has_workspace_role(workspace_id=workspace.pk, user=by):
        raise PermissionDeniedError("Changing report settings needs the manager role.", code="role_required")
    cleaned = _clean(values)
    report_settings, _ = ReportSettings.objects.select_for_update().get_or_create(
        workspace=workspace, defaults={"currency": workspace.default_currency}
    )
    for name in EDITABLE_FIELDS:
        setattr(report_settings, name, cleaned[name])
    report_settings.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    record_audit_event(
        workspace=workspace,
        actor=by,
        action="reports.settings_changed",
        data={name: str(cleaned[name]) if cleaned[name] is not None else None for name in EDITABLE_FIELDS},
    )
    return report_settings
