from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from briefs.models import Brief


@admin.register(Brief)
class BriefAdmin(admin.ModelAdmin):
    """Read-only: a published version is part of what creators agreed to."""

    list_display = ["campaign", "version", "published_at", "published_by", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["campaign__name", "objective"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
