"""Unguessable single-use tokens: the raw value goes to the recipient, only its SHA-256 is stored."""

import hashlib
import secrets

from django.utils.crypto import salted_hmac


def new_token() -> tuple[str, str]:
    """Return (raw token, its sha256 hex). 32 bytes = 256 bits of randomness."""
    raw = secrets.token_urlsafe(32)
    return raw, token_sha256(raw)


def token_sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def derived_token(*, purpose: str, pk: int, salt: str) -> str:
    """A link token the sending task can re-derive from the row (its id and `salt`, e.g. its expiry)
    and the secret key, so no raw token ever travels in task arguments or lands in task results.
    Like Django's password-reset tokens: unguessable without SECRET_KEY; rotating the key (or the salt)
    voids the links already sent."""
    return salted_hmac(f"creatordesk.{purpose}", f"{pk}:{salt}", algorithm="sha256").hexdigest()
