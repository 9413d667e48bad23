from enum import StrEnum

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError


class OutreachErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ROLE_REQUIRED = "role_required"
    UNKNOWN_MERGE_FIELD = "unknown_merge_field"
    CLAIM_INVALID = "claim_invalid"
    CLAIM_WRONG_CREATOR = "claim_wrong_creator"
    CLAIM_ALREADY_LINKED = "claim_already_linked"
    ACCOUNT_EXISTS = "account_exists"


class OutreachError(ApplicationError):
    pass


class OutreachPermissionError(PermissionDeniedError, OutreachError):
    """The user may not do this here (an analyst writing, a marketer of another workspace): 403."""


class OutreachNotFoundError(NotFoundError, OutreachError):
    """Not in the caller's workspace, or not the creator's own collaboration: 404, never the row."""
