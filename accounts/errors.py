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
    # First-run setup: only while no account exists; afterwards the page is gone (404).
    SETUP_CLOSED = "setup_closed"
    INVALID_INPUT = "invalid_input"
    # Two-factor sign-in. The API answers TWO_FACTOR_REQUIRED (403) until the member's session is verified.
    TWO_FACTOR_REQUIRED = "two_factor_required"
    TWO_FACTOR_WRONG_CODE = "two_factor_wrong_code"
    TWO_FACTOR_THROTTLED = "two_factor_throttled"
    TWO_FACTOR_NOT_ENABLED = "two_factor_not_enabled"
    TWO_FACTOR_ALREADY_ENABLED = "two_factor_already_enabled"
    TWO_FACTOR_REQUIRED_BY_WORKSPACE = "two_factor_required_by_workspace"


class AccountError(ApplicationError):
    pass


class AccountPermissionError(PermissionDeniedError):
    pass


class WorkspaceNotFound(NotFoundError):
    pass


class TwoFactorError(AccountError):
    pass
