"""Campaign tables in admin, for support and data fixes. Stage changes go through
`campaigns.collaborations.move_collaboration` only, so the stage and the transition log are read-only here."""

from django.contrib import admin

from campaigns.models import (
    Campaign,
    CampaignStatusChange,
    Collaboration,
    CollaborationTransition,
    Deliverable,
    DeliverableSubmission,
    OpenCall,
    OpenCallApplication,
    Payout,
    ReviewComment,
    Shipment,
)
from core.admin import ReadOnlyAdminMixin


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "objective", "status", "budget", "start_date", "end_date", "owner"]
    list_filter = ["status", "objective", "workspace"]
    search_fields = ["name", "workspace__name", "owner__email"]
    raw_id_fields = ["owner"]
    date_hierarchy = "created_at"


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ["creator", "campaign", "workspace", "stage", "compensation_type", "fee", "stage_changed_at"]
    list_filter = ["stage", "compensation_type", "workspace"]
    search_fields = ["creator__handle", "campaign__name"]
    raw_id_fields = ["campaign", "creator", "shortlisted_by"]
    # The stage moves through the pipeline service, which validates it and writes the transition log.
    readonly_fields = ["stage", "stage_changed_at"]


@admin.register(CollaborationTransition)
class CollaborationTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: the pipeline's history is evidence."""

    list_display = ["created_at", "collaboration", "from_stage", "to_stage", "by", "workspace"]
    list_filter = ["to_stage", "workspace"]
    search_fields = ["collaboration__creator__handle", "collaboration__campaign__name", "by__email", "note"]
    date_hierarchy = "created_at"


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ["collaboration", "format", "count", "status", "draft_due_on", "live_due_on", "workspace"]
    list_filter = ["format", "status", "workspace"]
    search_fields = ["collaboration__creator__handle", "collaboration__campaign__name", "live_url"]
    raw_id_fields = ["collaboration", "video"]


@admin.register(DeliverableSubmission)
class DeliverableSubmissionAdmin(admin.ModelAdmin):
    list_display = ["deliverable", "round_number", "submitted_at", "submitted_by", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["deliverable__collaboration__creator__handle", "link"]
    raw_id_fields = ["deliverable", "submitted_by"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["submission", "author", "created_at", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["submission", "author"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    # The address stays off the list (it is personal data); it shows on the row's own page only.
    list_display = ["collaboration", "status", "carrier", "tracking_number", "shipped_at", "workspace"]
    list_filter = ["status", "carrier", "workspace"]
    search_fields = ["collaboration__creator__handle", "tracking_number", "description"]
    raw_id_fields = ["collaboration"]


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ["collaboration", "amount", "status", "due_on", "paid_at", "reference", "workspace"]
    list_filter = ["status", "workspace"]
    search_fields = ["collaboration__creator__handle", "collaboration__campaign__name", "reference"]
    raw_id_fields = ["collaboration", "recorded_by"]
    readonly_fields = ["recorded_by"]


@admin.register(OpenCall)
class OpenCallAdmin(admin.ModelAdmin):
    list_display = ["campaign", "headline", "is_open", "closes_on", "slug", "workspace"]
    list_filter = ["is_open", "workspace"]
    readonly_fields = ["slug"]


@admin.register(OpenCallApplication)
class OpenCallApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: what the creator sent. The collaboration it became is edited from the campaign."""

    list_display = ["handle", "open_call", "email", "created_at", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["handle", "email"]


@admin.register(CampaignStatusChange)
class CampaignStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("campaign", "from_status", "to_status", "by", "created_at")
    list_filter = ("to_status",)
    search_fields = ("campaign__name",)
    list_select_related = ("campaign", "by")
