"""Errors of order sources, order imports and attribution settings."""

from enum import StrEnum

from core.errors import ApplicationError, NotFoundError


class OrderErrorCode(StrEnum):
    INVALID = "invalid"
    NAME_TAKEN = "name_taken"
    BAD_FILE = "bad_file"
    NOT_FOUND = "not_found"


class OrderError(ApplicationError):
    pass


class OrderNotFoundError(NotFoundError, OrderError):
    pass
