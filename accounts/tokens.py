"""Unguessable single-use tokens: the raw value goes to the recipient, only its SHA-256 is stored."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """Return (raw token, its sha256 hex). 32 bytes = 256 bits of randomness."""
    raw = secrets.token_urlsafe(32)
    return raw, token_sha256(raw)


def token_sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
