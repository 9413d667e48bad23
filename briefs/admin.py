from django.contrib import admin

from briefs.models import (
    Brief,
    CalendarFeed,
    Contract,
    ContractTemplate,
    ContractVersion,
    RightsExpiryWarning,
    SignatureEvent,
)
from core.admin import ReadOnlyAdminMixin


@admin.register(Brief)
class BriefAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a published version is part of what creators agreed to."""

    list_display = ["campaign", "version", "published_at", "published_by", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["campaign__name", "objective"]


@admin.register(ContractTemplate)
class ContractTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "workspace"]
    list_filter = ["workspace"]


@admin.register(ContractVersion)
class ContractVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a sent version is frozen (a database trigger refuses changes to its text and hashes)."""

    list_display = ["contract", "number", "status", "sha256", "sent_at", "fully_signed_at", "workspace"]
    list_filter = ["status", "workspace"]
    search_fields = ["sha256", "signed_sha256"]


@admin.register(SignatureEvent)
class SignatureEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only evidence: never added, edited or deleted here (nor anywhere: a trigger refuses it)."""

    list_display = ["version", "role", "typed_name", "signed_at", "ip", "document_sha256", "workspace"]
    list_filter = ["role", "workspace"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: terms change by sending a new version from the collaboration page."""

    list_display = ["collaboration", "usage_platforms", "usage_duration_months", "brand_signer", "workspace"]
    list_filter = ["workspace"]


@admin.register(RightsExpiryWarning)
class RightsExpiryWarningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["deliverable", "kind", "expires_on", "created_at", "workspace"]
    list_filter = ["kind", "workspace"]


# Only the token's digest is stored; staff see who has a feed and may delete one to revoke it.
@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "workspace", "created_at")
    search_fields = ("user__email",)
    list_select_related = ("user", "workspace")
    readonly_fields = ("token_sha256",)
