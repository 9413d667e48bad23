from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from analytics.models import ScoringProfile, TikTokConnection

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
class TikTokConnectionAdmin(admin.ModelAdmin):
    """Support view of connections. Tokens are never shown and rows are never added or edited here:
    only the creator's own consent creates one, and disconnect ends it."""

    list_display = ["creator", "open_id", "connected_at", "revoked_at", "last_synced_at", "last_error"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["creator__handle", "open_id", "last_log_id"]
    list_select_related = ["creator"]
    fields = _SHOWN_FIELDS
    readonly_fields = _SHOWN_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting the row would leave the token live at TikTok; the creator disconnects instead.
        return False


@admin.register(ScoringProfile)
class ScoringProfileAdmin(admin.ModelAdmin):
    list_display = ["workspace", "objective", "updated_at"]
    list_filter = ["objective"]
    search_fields = ["workspace__name"]
