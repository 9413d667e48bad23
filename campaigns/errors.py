from enum import StrEnum

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError


class CampaignErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ROLE_REQUIRED = "role_required"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    WORKSPACE_MISMATCH = "workspace_mismatch"
    STAGE_LOCKED = "stage_locked"
    ARCHIVED = "archived"


class CampaignError(ApplicationError):
    pass


class CampaignPermissionError(PermissionDeniedError, CampaignError):
    """The user is not a manager or owner of the workspace (analysts only read): 403."""


class CampaignNotFoundError(NotFoundError, CampaignError):
    """The row is not in the current workspace: 404, never the row."""
