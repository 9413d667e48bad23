"""Errors of tracking links and verified domains (the one application error, with this feature's codes)."""

from enum import StrEnum

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError, RateLimitedError


class TrackingErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_DESTINATION = "invalid_destination"
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    DOMAIN_EXISTS = "domain_exists"
    VERIFICATION_FAILED = "verification_failed"
    NOTHING_TO_LINK = "nothing_to_link"
    ROLE_REQUIRED = "role_required"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"


class TrackingError(ApplicationError):
    pass


class TrackingPermissionError(PermissionDeniedError, TrackingError):
    """Only managers and owners create links and domains (analysts read): 403."""


class TrackingNotFoundError(NotFoundError, TrackingError):
    """Not in the current workspace: 404, never the row."""


class TrackingRateLimitedError(RateLimitedError, TrackingError):
    """Too many verification tries for the workspace this hour: 429, nothing queued."""
