"""What django-axes counts sign-in failures by (settings.AXES_USERNAME_CALLABLE).

Sign-in is case-insensitive (User.objects.get_by_natural_key lower-cases), so the lock-out must be
too: counted as typed, `Owner@x.com`, `OWNER@x.com`... would each get AXES_FAILURE_LIMIT tries at
the same account."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def normalise_login(value: object) -> str:
    """The e-mail as accounts are stored: stripped and lower-cased (accounts.models.UserManager)."""
    return str(value or "").strip().lower()


def axes_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str | None:
    """Axes calls this with the credentials given to authenticate() or, from its middleware, with
    none: then the username is the submitted form field. None when there is none, as axes's own."""
    source = credentials or getattr(request, "data", request.POST)
    value = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return None if value is None else normalise_login(value)
