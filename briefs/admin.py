from django.contrib import admin

from briefs.models import Brief
from core.admin import ReadOnlyAdminMixin


@admin.register(Brief)
class BriefAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a published version is part of what creators agreed to."""

    list_display = ["campaign", "version", "published_at", "published_by", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["campaign__name", "objective"]
