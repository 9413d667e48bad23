from enum import StrEnum

from core.errors import ApplicationError


class CreatorErrorCode(StrEnum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not_found"


class CreatorError(ApplicationError):
    pass
