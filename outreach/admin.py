"""Outreach tables in admin, for support, read-only: messages and the e-mail log are evidence, and
templates change through `outreach.services.save_template`, which checks their merge fields."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from outreach.models import ClaimLink, Message, OutreachEmail, OutreachTemplate, Thread


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["collaboration", "workspace", "last_message_at", "brand_read_at", "creator_read_at"]
    list_filter = ["workspace"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["collaboration", "workspace", "kind", "sender_side", "author", "created_at"]
    list_filter = ["kind", "sender_side", "workspace"]


@admin.register(OutreachTemplate)
class OutreachTemplateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # merge fields are checked by the service only
    list_display = ["name", "kind", "workspace", "is_default", "updated_at"]
    list_filter = ["kind", "workspace"]
    search_fields = ["name", "subject"]


@admin.register(OutreachEmail)
class OutreachEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["to_email", "kind", "collaboration", "workspace", "sent_at", "sent_by"]
    list_filter = ["kind", "workspace"]
    search_fields = ["to_email", "subject"]


@admin.register(ClaimLink)
class ClaimLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["creator", "email", "workspace", "expires_at", "used_at", "used_by"]
    list_filter = ["workspace"]
    exclude = ["token_sha256"]
