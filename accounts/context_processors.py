from typing import Any

from django.http import HttpRequest

from accounts.selectors import memberships_of_user_across_workspaces


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace and the user's others, for the top bar's switcher."""
    current = getattr(request, "workspace", None)
    user = getattr(request, "user", None)
    if current is None or user is None:
        return {"current_workspace": None, "current_membership": None, "workspace_memberships": []}
    return {
        "current_workspace": current,
        "current_membership": getattr(request, "membership", None),
        "workspace_memberships": memberships_of_user_across_workspaces(user=user),
    }
