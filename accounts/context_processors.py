from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace and the user's others, for the top bar's switcher (resolved once,
    by WorkspaceMiddleware)."""
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
        "workspace_memberships": getattr(request, "workspace_memberships", []),
    }
