from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from reports.models import ReportSettings


@admin.register(ReportSettings)
class ReportSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Support view only: workspaces change their settings on the page, which validates and audits."""

    list_display = ["workspace", "currency", "scale_roas_at_least", "stop_roas_below", "min_spend", "updated_at"]
    search_fields = ["workspace__name"]
