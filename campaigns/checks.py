"""The checks every campaigns service shares (`campaigns.services`, `campaigns.collaborations`,
`campaigns.payouts` and the campaigns packages): that `by` is a manager or owner of the workspace,
locking one row of the current workspace (another workspace's row is not found), that a row's workspace
agrees with its parent's, and turning input into money or a figure, each refusal a `CampaignError`
raised before anything is written. Money is a `Decimal` (or an int) to the cent with an ISO 4217 code;
a float is refused.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import moneyed
from django.db import models
from djmoney.money import Money

from accounts.models import User
from accounts.selectors import has_workspace_role
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError, CampaignPermissionError
from campaigns.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

CENT = Decimal(10) ** -MONEY_DECIMAL_PLACES
MAX_AMOUNT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - CENT

_Owned = TypeVar("_Owned", bound=models.Model)


def require_manager(*, workspace_id: int, user: User) -> None:
    """Managers and owners write; analysts (and non-members) are refused before anything is written."""
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise CampaignPermissionError(
            "Only the workspace's managers and owners can change campaigns.", code=CampaignErrorCode.ROLE_REQUIRED
        )


def locked(model: type[_Owned], pk: Any, *related: str) -> _Owned:
    """Lock one row of the current workspace (`of=self`: parents joined for reading stay unlocked)."""
    try:
        return model._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise CampaignNotFoundError(
            f"This {model._meta.verbose_name} does not exist.", code=CampaignErrorCode.NOT_FOUND
        ) from exc


def same_workspace(child: Any, parent: Any) -> None:
    if child.workspace_id != parent.workspace_id:
        raise CampaignError(
            f"This {child._meta.verbose_name} and its {parent._meta.verbose_name} belong to different workspaces.",
            code=CampaignErrorCode.WORKSPACE_MISMATCH,
        )


def invalid(field: str, message: str) -> CampaignError:
    return CampaignError(message, code=CampaignErrorCode.INVALID, fields={field: [message]})


def money(amount: object, currency: object, *, field: str, allow_zero: bool = False) -> Money:
    """A Decimal (or int) amount to the cent with a known ISO 4217 code; floats are refused."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise invalid(field, "Give the amount as a Decimal (e.g. Decimal('250.00')), never a float.")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise invalid(field, "The amount must be a finite number.")
    if amount > MAX_AMOUNT:  # checked before quantize(), which raises on numbers this long
        raise invalid(field, f"The amount cannot exceed {MAX_AMOUNT:,}.")
    if amount != amount.quantize(CENT):
        raise invalid(field, f"The amount cannot have more than {MONEY_DECIMAL_PLACES} decimal places.")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise invalid(field, "The amount must be positive." if not allow_zero else "The amount cannot be negative.")
    code = currency.strip().upper() if isinstance(currency, str) else ""
    try:
        known = bool(code) and moneyed.get_currency(code) is not None
    except moneyed.CurrencyDoesNotExist:
        known = False
    if not known or not re.fullmatch(r"[A-Z]{3}", code):
        raise invalid(f"{field}_currency", f"{currency!r} is not an ISO 4217 currency code.")
    return Money(amount.quantize(CENT), code)


def decimal(value: object, *, field: str) -> Decimal:
    """A figure that is not money (a KPI target, a threshold, a percent): Decimal, int or numeric text."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise invalid(field, "Give the figure as a Decimal, an integer or a numeric string, never a float.")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation as exc:
        raise invalid(field, f"{value!r} is not a number.") from exc
    if not number.is_finite() or number < 0:
        raise invalid(field, "The figure must be a finite number, zero or more.")
    return number
