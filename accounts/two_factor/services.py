"""Writes for two-factor sign-in: set up an authenticator, recovery codes, verify a code, turn it off.

Every change is written to the audit trail of each workspace the user belongs to, so the owners see
it. Verification commits the device's failure count before a wrong code is reported: an exception
inside the same transaction would roll the count back and undo django-otp's back-off.
"""

from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors
from accounts.errors import AccountErrorCode, TwoFactorError
from accounts.models import User
from accounts.services import record_audit_event
from accounts.tenancy import workspace_scope
from accounts.two_factor.codes import is_totp_code, new_recovery_codes, normalize_code, recovery_code_digest

logger = structlog.get_logger(__name__)

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def _audit_for_user(*, user: User, action: str, data: dict[str, Any] | None = None) -> None:
    """An account event has no workspace of its own: record it in each of the user's workspaces."""
    for membership in selectors.memberships_of_user_across_workspaces(user=user):
        with workspace_scope(membership.workspace):
            record_audit_event(workspace=membership.workspace, actor=user, action=action, data=data)
    # Staff may belong to no workspace; the log line is their trail.
    logger.info(action, user_id=user.pk, **(data or {}))


def _lock_user(user: User) -> User:
    # One lock per user orders enrolment, confirmation, new codes and turning off against each other.
    return User.objects.select_for_update().get(pk=user.pk)


def _replace_recovery_codes(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_CODES_NAME, "confirmed": True})
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = new_recovery_codes()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_digest(code)) for code in codes)
    return codes


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """Give the user an unconfirmed authenticator to scan (or the one already waiting). Sign-in does not
    change until `confirm_totp_device` sees a code from it."""
    user = _lock_user(user)
    if selectors.has_two_factor(user=user):
        raise TwoFactorError(
            "Two-factor sign-in is already on for your account.", code=AccountErrorCode.TWO_FACTOR_ALREADY_ENABLED
        )
    pending = selectors.totp_device_for(user=user, confirmed=False)
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def _check_code(device: Device, token: str) -> None:
    """Verify one code against one device, committing its throttle state whatever the outcome."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, refusal = locked.verify_is_allowed()
        is_valid = allowed and locked.verify_token(token)
    if not allowed:
        locked_until = (refusal or {}).get("locked_until") or timezone.now()
        wait_s = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
        raise TwoFactorError(
            f"Too many wrong codes in a row. Wait {wait_s} seconds, then try again.",
            code=AccountErrorCode.TWO_FACTOR_THROTTLED,
            fields={"code": [f"Wait {wait_s} seconds, then try again."]},
            extra={"retry_after_s": wait_s},
        )
    if not is_valid:
        raise TwoFactorError(
            "That code is not valid. Check your authenticator app and try again.",
            code=AccountErrorCode.TWO_FACTOR_WRONG_CODE,
            fields={"code": ["That code is not valid. Use the current code from your app, or a recovery code."]},
        )


def confirm_totp_device(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on: the code must come from the authenticator being set up. Returns the
    device and 10 fresh recovery codes, the only time they exist in the clear."""
    pending = selectors.totp_device_for(user=user, confirmed=False)
    if pending is None:
        raise TwoFactorError(
            "Start the set-up again: there is no authenticator waiting to be confirmed.",
            code=AccountErrorCode.TWO_FACTOR_NOT_ENABLED,
        )
    _check_code(pending, normalize_code(code))
    with transaction.atomic():
        user = _lock_user(user)
        device = TOTPDevice.objects.select_for_update().filter(pk=pending.pk, confirmed=False).first()
        if device is None or selectors.has_two_factor(user=user):
            raise TwoFactorError(
                "Two-factor sign-in is already on for your account.", code=AccountErrorCode.TWO_FACTOR_ALREADY_ENABLED
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _replace_recovery_codes(user=user)
        _audit_for_user(user=user, action="two_factor.enabled")
    return device, codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Replace every recovery code (the old ones stop working) and return the 10 new ones."""
    user = _lock_user(user)
    if not selectors.has_two_factor(user=user):
        raise TwoFactorError("Turn on two-factor sign-in first.", code=AccountErrorCode.TWO_FACTOR_NOT_ENABLED)
    codes = _replace_recovery_codes(user=user)
    _audit_for_user(user=user, action="two_factor.recovery_codes_regenerated")
    return codes


def verify_two_factor_code(*, user: User, code: str) -> Device:
    """Check a code typed at sign-in: six digits are an authenticator code, anything else a recovery code
    (which is used up). Returns the device that accepted it, for `django_otp.login`."""
    device: Device | None
    if is_totp_code(code):
        device, token = selectors.totp_device_for(user=user), normalize_code(code)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        token = recovery_code_digest(code)
    if device is None or not selectors.has_two_factor(user=user):
        raise TwoFactorError(
            "That code is not valid.",
            code=AccountErrorCode.TWO_FACTOR_WRONG_CODE,
            fields={"code": ["That code is not valid. Use the current code from your app, or a recovery code."]},
        )
    _check_code(device, token)
    if isinstance(device, StaticDevice):
        with transaction.atomic():
            _audit_for_user(
                user=user,
                action="two_factor.recovery_code_used",
                data={"codes_left": selectors.recovery_codes_left(user=user)},
            )
    return device


def disable_two_factor(*, user: User, code: str) -> None:
    """Turn two-factor sign-in off, proven by a current code (authenticator or recovery). Refused while a
    workspace of the user requires it."""
    required_by = selectors.workspaces_requiring_two_factor_for(user=user)
    if required_by:
        names = ", ".join(workspace.name for workspace in required_by)
        raise TwoFactorError(
            f"{names} requires two-factor sign-in, so it cannot be turned off.",
            code=AccountErrorCode.TWO_FACTOR_REQUIRED_BY_WORKSPACE,
        )
    verify_two_factor_code(user=user, code=code)
    with transaction.atomic():
        user = _lock_user(user)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _audit_for_user(user=user, action="two_factor.disabled")


@transaction.atomic
def enable_two_factor_with_published_secret(*, user: User, key_hex: str) -> TOTPDevice:
    """Dangerous: an authenticator whose secret is public. Only `seed_demo` calls it, for the demo admin,
    so the demo can be opened with the code `demo_totp` prints. Keeps a device the user already has."""
    user = _lock_user(user)
    existing = selectors.totp_device_for(user=user)
    if existing is not None:
        return existing
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key_hex, confirmed=True)
