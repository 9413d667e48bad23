from django.contrib import admin

from analytics.models import ScoringProfile, TikTokConnection
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
