"""The one application error. Each app subclasses it with a StrEnum of codes; the API and the
pages map it to a 4xx with the message beside the field, never a 500."""

from enum import StrEnum
from typing import Any


class ApplicationError(Exception):
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: StrEnum | str = "invalid",
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = str(code)
        self.fields = fields or {}
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    http_status = 404


class PermissionDeniedError(ApplicationError):
    http_status = 403


class RateLimitedError(ApplicationError):
    """Too many tries: 429. `extra["retry_after_s"]` says when the next one is allowed."""

    http_status = 429
