"""Test helpers for two-factor sign-in: an authenticator for a user, the code it shows, and a sign-in that
really enters that code (the admin and every protected page check the session, not a shortcut)."""

from django.urls import reverse
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from accounts.two_factor.codes import new_recovery_codes, recovery_code_digest


def add_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code the user's app shows now, or the next one if this one was already used (a code works once)."""
    device.refresh_from_db()
    now_t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return str(hotp(device.bin_key, max(now_t, device.last_t + 1), digits=device.digits)).zfill(device.digits)


def wrong_code_for(device: TOTPDevice) -> str:
    right = code_for(device)
    return str((int(right) + 1) % 1_000_000).zfill(6)


def add_recovery_codes(user) -> list[str]:
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = new_recovery_codes()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_digest(code)) for code in codes)
    return codes


def sign_in_verified(client, user) -> TOTPDevice:
    """Sign `user` in and enter a real code on the code page, as a person would."""
    with scopes_disabled():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or add_authenticator(user)
    client.force_login(user)
    response = client.post(reverse("login-two-factor"), {"code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return device
