"""Admin pieces every app shares."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """For records that are evidence (audit events, pipeline history, published briefs) or that only
    their owner's own action may create and end (TikTok connections): visible in admin, never added,
    edited or deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
