"""Errors of the briefs app (contracts and their signatures)."""

from enum import StrEnum

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError


class ContractErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ROLE_REQUIRED = "role_required"
    STAGE_NOT_ALLOWED = "stage_not_allowed"
    NO_COMPENSATION = "no_compensation"
    UNCHANGED = "unchanged"
    UNKNOWN_MERGE_FIELD = "unknown_merge_field"
    CONSENT_REQUIRED = "consent_required"
    NAME_MISMATCH = "name_mismatch"
    ALREADY_SIGNED = "already_signed"
    CREATOR_FIRST = "creator_first"
    SUPERSEDED = "superseded"
    FILE_TOO_LARGE = "file_too_large"


class ContractError(ApplicationError):
    pass


class ContractPermissionError(PermissionDeniedError, ContractError):
    """Not a manager or owner of the workspace, or not the named brand signer: 403."""


class ContractNotFoundError(NotFoundError, ContractError):
    """Not in the current workspace, or not the creator's own: 404, never the row."""
