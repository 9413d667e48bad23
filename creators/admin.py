from django.contrib import admin

from creators.models import Creator


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "display_name", "country", "follower_count", "user", "updated_at"]
    list_filter = ["platform", "country"]
    search_fields = ["handle", "display_name", "user__email"]
    autocomplete_fields = ["user"]
