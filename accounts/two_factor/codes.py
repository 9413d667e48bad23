"""Two-factor sign-in's pure parts: recovery code format and digest, the secret as people type it, the QR code.

Devices are django-otp's: a TOTPDevice (an authenticator app) and a StaticDevice holding the recovery
codes. Writes live in accounts.two_factor.services, reads in accounts.selectors.
"""

import hashlib
import re
import secrets
from base64 import b32decode, b32encode

import segno
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
# 10 base32 characters: 50 random bits each, shown as "abcde-fghij" so they are easy to copy by hand.
RECOVERY_CODE_LENGTH = 10
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_TOTP_CODE = re.compile(r"^\d{6}$")


def new_recovery_codes() -> list[str]:
    codes = ("".join(secrets.choice(_BASE32) for _ in range(RECOVERY_CODE_LENGTH)) for _ in range(RECOVERY_CODE_COUNT))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def normalize_code(raw: str) -> str:
    """What people type: spaces and dashes anywhere, any case."""
    return re.sub(r"[\s-]", "", raw).lower()


def is_totp_code(code: str) -> bool:
    """Six digits is an authenticator code; anything else can only be a recovery code."""
    return bool(_TOTP_CODE.match(normalize_code(code)))


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code (django-otp's StaticToken holds 16 characters): 64 bits of its
    SHA-256, so a copy of the database does not hand out working codes. A salt would buy nothing: each code
    is 50 random bits, not something a person chose."""
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()[:16]


def secret_for_people(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    encoded = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def key_from_base32(secret: str) -> str:
    """A base32 secret (as authenticator apps show it) as the hex key TOTPDevice stores."""
    compact = secret.replace(" ", "").upper()
    return b32decode(compact + "=" * (-len(compact) % 8)).hex()


def current_code(*, key_hex: str, step_s: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows now for this key (the demo's `demo_totp`, tests)."""
    return str(TOTP(bytes.fromhex(key_hex), step=step_s, digits=digits).token()).zfill(digits)


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The enrolment QR code as inline SVG: no image request, nothing for a CSP to allow."""
    qr = segno.make(device.config_url, error="m", micro=False)
    # segno builds the markup from the URL's bits only (no text from the URL is written into it).
    return mark_safe(qr.svg_inline(scale=5, border=2, light="#fff", svgclass="cd-qr", title="QR code"))  # noqa: S308
