from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import (
    AuditEvent,
    Invitation,
    Membership,
    Notification,
    NotificationDigest,
    NotificationPreference,
    User,
    Workspace,
)
from core.admin import ReadOnlyAdminMixin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "kind", "is_staff", "is_active", "date_joined"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "kind")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "kind", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "default_currency", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["time_zone", "default_currency"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__email", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "role", "status", "expires_at", "sent_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["email", "workspace__name"]
    readonly_fields = ["token_sha256", "sent_at", "accepted_at", "accepted_by", "revoked_at", "invited_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: the audit trail is evidence."""

    list_display = ["created_at", "workspace", "actor", "action", "target"]
    list_filter = ["action", "workspace"]
    search_fields = ["action", "target", "actor__email"]
    date_hierarchy = "created_at"


# Notifications are evidence of what was sent and when: staff read them, the services write them.
@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "workspace", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__email", "title", "event_key")
    list_select_related = ("recipient", "workspace")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email_delivery")
    list_filter = ("kind", "email_delivery")
    search_fields = ("user__email",)
    list_select_related = ("user",)


@admin.register(NotificationDigest)
class NotificationDigestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "day", "sent_at", "notification_count")
    search_fields = ("user__email",)
    list_select_related = ("user",)
