from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from analytics.models import (
    Attribution,
    AttributionDailyRollup,
    AttributionSettings,
    ClickDailyRollup,
    ClickEvent,
    Order,
    OrderSource,
    PromoCode,
    ReportingZone,
    ScoringProfile,
    TikTokConnection,
    TrackingLink,
    VerifiedDomain,
    WebhookDelivery,
)
from analytics.tracking.domains import mark_domain_verified_by_admin
from core.admin import ReadOnlyAdminMixin

# Everything but the two token columns, which never leave the database (not even encrypted).
_SHOWN_FIELDS = (
    "creator",
    "open_id",
    "scope",
    "access_expires_at",
    "refresh_expires_at",
    "connected_at",
    "revoked_at",
    "last_synced_at",
    "last_error",
    "last_log_id",
    "created_at",
    "updated_at",
)


@admin.register(TikTokConnection)
class TikTokConnectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Support view of connections. Tokens are never shown and rows are never added or edited here:
    only the creator's own consent creates one, and disconnect ends it (deleting the row here would
    leave the token live at TikTok)."""

    list_display = ["creator", "open_id", "connected_at", "revoked_at", "last_synced_at", "last_error"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["creator__handle", "open_id", "last_log_id"]
    list_select_related = ["creator"]
    fields = _SHOWN_FIELDS
    readonly_fields = _SHOWN_FIELDS


@admin.register(ScoringProfile)
class ScoringProfileAdmin(admin.ModelAdmin):
    list_display = ["workspace", "objective", "updated_at"]
    list_filter = ["objective"]
    search_fields = ["workspace__name"]


@admin.register(VerifiedDomain)
class VerifiedDomainAdmin(admin.ModelAdmin):
    """Support view of domains, and the self-hoster's way to verify one without the HTTPS proof."""

    list_display = ["domain", "workspace", "verified_at", "last_checked_at", "last_error"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["domain", "workspace__name"]
    list_select_related = ["workspace"]
    readonly_fields = ["workspace", "domain", "verification_token", "verified_at", "last_checked_at", "last_error"]
    fields = [*readonly_fields, "added_by"]
    actions = ["mark_verified"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # domains are added in the workspace's settings, with a token

    @admin.action(description="Mark verified (self-hosted: no HTTPS proof fetched)")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[VerifiedDomain]) -> None:
        for row in queryset:
            mark_domain_verified_by_admin(domain=row, by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} domain(s) marked verified.")


@admin.register(TrackingLink)
class TrackingLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a link's destination is frozen at creation; deactivate it from the campaign page."""

    list_display = ["token", "workspace", "collaboration", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["token", "destination", "collaboration__creator__handle"]
    list_select_related = ["workspace", "collaboration__creator", "collaboration__campaign"]


@admin.register(ClickDailyRollup)
class ClickDailyRollupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["link", "day", "total", "uniques", "bots", "updated_at"]
    date_hierarchy = "day"
    list_select_related = ["link"]


@admin.register(ClickEvent)
class ClickEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only evidence of each click; tens of millions of rows, so no full count and no joins to filter."""

    list_display = ["clicked_at", "link", "verdict", "verdict_reason", "country", "method", "workspace"]
    list_select_related = ["link", "workspace"]
    show_full_result_count = False
    ordering = ["-pk"]


# --- Orders and attribution: read-only support views; secrets and webhook bodies are never shown. ----


@admin.register(OrderSource)
class OrderSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "workspace", "kind", "is_active", "last_delivery_at", "secret_rotated_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ("workspace", "name", "kind", "is_active", "last_delivery_at", "secret_rotated_at", "created_by")
    fields = readonly_fields
    list_select_related = ["workspace"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "source", "event_id", "topic", "status", "error"]
    list_filter = ["status"]
    readonly_fields = (
        *("workspace", "source", "event_id", "topic", "received_at"),
        *("body_sha256", "status", "error", "processed_at"),
    )
    fields = readonly_fields
    search_fields = ["event_id"]
    list_select_related = ["source"]
    show_full_result_count = False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["external_id", "name", "workspace", "placed_at", "total", "refunded", "status", "is_new_customer"]
    list_filter = ["status"]
    search_fields = ["external_id", "name"]
    list_select_related = ["workspace"]
    show_full_result_count = False


@admin.register(PromoCode)
class PromoCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "workspace", "collaboration", "is_active"]
    search_fields = ["code"]
    list_select_related = ["workspace", "collaboration__creator"]


@admin.register(Attribution)
class AttributionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order", "collaboration", "rule", "reason", "share", "revenue", "computed_at"]
    list_filter = ["rule", "reason"]
    list_select_related = ["order", "collaboration__creator"]
    show_full_result_count = False


@admin.register(AttributionDailyRollup)
class AttributionDailyRollupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["collaboration", "rule", "day", "orders", "revenue", "new_customers", "refunds"]
    list_filter = ["rule"]
    date_hierarchy = "day"


admin.site.register(AttributionSettings)


@admin.register(ReportingZone)
class ReportingZoneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which zone each workspace's daily figures were counted in (the recount task keeps it)."""

    list_display = ("workspace", "time_zone", "counted_at")
