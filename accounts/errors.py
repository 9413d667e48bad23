from enum import StrEnum

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError


class AccountErrorCode(StrEnum):
    ALREADY_MEMBER = "already_member"
    ALREADY_INVITED = "already_invited"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EMAIL_MISMATCH = "invitation_email_mismatch"
    LAST_OWNER = "last_owner"
    ROLE_REQUIRED = "role_required"
    CREATOR_ACCOUNT = "creator_account"
    NO_WORKSPACE = "no_workspace"
    BRANDING_INVALID = "branding_invalid"


class AccountError(ApplicationError):
    pass


class AccountPermissionError(PermissionDeniedError):
    pass


class WorkspaceNotFound(NotFoundError):
    pass
