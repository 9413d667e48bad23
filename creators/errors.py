from enum import StrEnum

from core.errors import ApplicationError


class CreatorErrorCode(StrEnum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"


class CreatorError(ApplicationError):
    pass


class CreatorPermissionError(CreatorError):
    """The member may not do this (e.g. delete a teammate's note without being an owner): 403."""

    http_status = 403
