"""Encryption at rest for OAuth tokens: Fernet (AES-128-CBC + HMAC-SHA256) under the keys in
`settings.TOKEN_ENCRYPTION_KEYS`.

The first key encrypts; every key decrypts (MultiFernet), so a key is rotated by putting the new one
first, re-encrypting the stored values with `rotate`, then dropping the old key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        # Not a user error: a key was removed from TOKEN_ENCRYPTION_KEY before its values were rotated.
        raise ImproperlyConfigured(
            "A stored token cannot be decrypted with any TOKEN_ENCRYPTION_KEY; was a key removed before rotation?"
        ) from exc


def rotate(ciphertext: str) -> str:
    """Re-encrypt under the first (newest) key; decrypts with any key in the list."""
    return _current().rotate(ciphertext.encode()).decode()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column holding Fernet ciphertext; Python code sees the plaintext.

    The empty string is stored as is (no token), so a wiped column is visibly empty. Lookups on the
    plaintext are impossible by design (each encryption is randomised)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
