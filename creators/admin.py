from typing import Any

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from creators.index import provenance
from creators.models import (
    AudienceProfile,
    BrandSafetyHit,
    BrandSafetyTerm,
    Creator,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorScore,
    CreatorScoreHistory,
    CreatorTag,
    FollowerSnapshot,
    ImportJob,
    Niche,
    PortalGrant,
    Relationship,
    SavedSearch,
    Tag,
    TierBenchmark,
    Video,
    VideoStats,
    WorkspaceCreatorContact,
    WorkspaceCreatorScore,
    WorkspaceScoring,
)


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = [
        "handle",
        "platform",
        "display_name",
        "country",
        "follower_count",
        "engagement_rate",
        "score",
        "is_verified",
        "sync_status",
        "synced_at",
        "updated_at",
    ]
    list_filter = ["platform", "sync_status", "score_stale", "is_verified", "country"]
    search_fields = ["handle", "display_name", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["search_document", "provenance", "created_at", "updated_at"]

    def save_model(self, request: Any, obj: Creator, form: Any, change: bool) -> None:
        # A value staff typed outranks any file from now on (creators.index.provenance).
        for name in set(form.changed_data) & provenance.WRITABLE_BY_IMPORT:
            obj.provenance = {**obj.provenance, name: provenance.entry(provenance.Source.STAFF)}
        super().save_model(request, obj, form, change)


@admin.register(PortalGrant)
class PortalGrantAdmin(admin.ModelAdmin):
    """Who reaches which brand's collaborations in the portal. Staff may grant one workspace (a creator who
    lost their claim e-mail); every-workspace access comes only from a TikTok sign-in as the handle."""

    list_display = ["creator", "user", "workspace", "method", "created_at", "revoked_at"]
    list_filter = ["method"]
    search_fields = ["creator__handle", "user__email"]
    raw_id_fields = ["creator", "user", "workspace", "granted_by"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Niche)
class NicheAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(AudienceProfile)
class AudienceProfileAdmin(admin.ModelAdmin):
    list_display = ["creator", "updated_at"]
    search_fields = ["creator__handle"]
    raw_id_fields = ["creator"]


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["creator", "platform_video_id", "posted_at", "duration_s", "is_paid_partnership"]
    list_filter = ["is_paid_partnership"]
    search_fields = ["creator__handle", "platform_video_id", "caption"]
    raw_id_fields = ["creator"]
    date_hierarchy = "posted_at"


@admin.register(VideoStats)
class VideoStatsAdmin(admin.ModelAdmin):
    list_display = ["video", "captured_at", "views", "likes", "comments", "shares", "saves"]
    search_fields = ["video__creator__handle", "video__platform_video_id"]
    raw_id_fields = ["video"]
    date_hierarchy = "captured_at"


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(admin.ModelAdmin):
    list_display = ["creator", "captured_on", "follower_count"]
    search_fields = ["creator__handle"]
    raw_id_fields = ["creator"]
    date_hierarchy = "captured_on"


@admin.register(CreatorScore)
class CreatorScoreAdmin(admin.ModelAdmin):
    list_display = ["creator", "score", "computed_at"]
    search_fields = ["creator__handle"]
    raw_id_fields = ["creator"]


@admin.register(CreatorScoreHistory)
class CreatorScoreHistoryAdmin(admin.ModelAdmin):
    list_display = ["creator", "scored_on", "score", "score_awareness", "score_consideration", "score_conversions"]
    search_fields = ["creator__handle"]
    raw_id_fields = ["creator"]
    date_hierarchy = "scored_on"


@admin.register(TierBenchmark)
class TierBenchmarkAdmin(admin.ModelAdmin):
    list_display = ["tier", "creators", "computed_at"]
    search_fields = ["tier"]
    readonly_fields = ["tier", "medians", "creators", "computed_at"]


class WorkspaceOwnedAdmin(admin.ModelAdmin):
    list_filter = ["workspace"]
    raw_id_fields = ["creator"]


@admin.register(CreatorNote)
class CreatorNoteAdmin(WorkspaceOwnedAdmin):
    list_display = ["creator", "workspace", "author", "created_at"]
    search_fields = ["creator__handle", "body"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["name"]


@admin.register(CreatorTag)
class CreatorTagAdmin(WorkspaceOwnedAdmin):
    list_display = ["creator", "tag", "workspace"]
    search_fields = ["creator__handle", "tag__name"]


@admin.register(WorkspaceCreatorContact)
class WorkspaceCreatorContactAdmin(WorkspaceOwnedAdmin):
    list_display = ["creator", "workspace", "email", "source", "updated_at"]
    list_filter = ["workspace", "source"]
    search_fields = ["creator__handle", "email"]
    raw_id_fields = ["creator", "updated_by"]


@admin.register(Relationship)
class RelationshipAdmin(WorkspaceOwnedAdmin):
    list_display = ["creator", "workspace", "status", "updated_at"]
    list_filter = ["workspace", "status"]
    search_fields = ["creator__handle"]


@admin.register(CreatorList)
class CreatorListAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "created_by", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["name"]


@admin.register(CreatorListEntry)
class CreatorListEntryAdmin(WorkspaceOwnedAdmin):
    list_display = ["creator", "creator_list", "workspace", "created_at"]
    search_fields = ["creator__handle", "creator_list__name"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "query_string", "created_by"]
    list_filter = ["workspace"]
    search_fields = ["name", "query_string"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "workspace",
        "status",
        "processed_rows",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "created_at",
    ]
    list_filter = ["workspace", "status", "file_format"]
    search_fields = ["original_name"]
    readonly_fields = ["rejects"]


@admin.register(BrandSafetyTerm)
class BrandSafetyTermAdmin(admin.ModelAdmin):
    list_display = ["term", "workspace", "created_by", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["term"]


@admin.register(BrandSafetyHit)
class BrandSafetyHitAdmin(WorkspaceOwnedAdmin):
    list_display = ["creator", "term", "field", "workspace", "found_at"]
    list_filter = ["workspace", "field"]
    search_fields = ["creator__handle", "term"]
    raw_id_fields = ["creator", "video"]


# Both are derived from a workspace's scoring settings by the recompute task: staff read them, never edit.
@admin.register(WorkspaceScoring)
class WorkspaceScoringAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("workspace", "objective", "done_through_id", "finished_at")
    search_fields = ("workspace__name", "workspace__slug")
    list_select_related = ("workspace",)


@admin.register(WorkspaceCreatorScore)
class WorkspaceCreatorScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("workspace", "creator", "score")
    search_fields = ("creator__handle", "workspace__slug")
    list_select_related = ("workspace", "creator")
    show_full_result_count = False  # a workspace can hold a score for every creator of the index
