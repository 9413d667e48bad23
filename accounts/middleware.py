from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from accounts.selectors import membership_for, memberships_of_user_across_workspaces
from accounts.tenancy import all_workspaces_unscoped, workspace_scope

SESSION_WORKSPACE_KEY = "workspace_slug"


class WorkspaceMiddleware:
    """Resolve the current workspace once per request and run the rest of it inside that scope.

    Requests with no workspace (anonymous, creators, members of none) run with no scope at all,
    so any query on a workspace-owned model raises instead of returning rows. Token-authenticated
    API requests are scoped by the API's base viewset, after DRF has authenticated them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.workspace_memberships = []  # type: ignore[attr-defined]
        user = request.user
        if request.path.startswith("/admin/") and user.is_authenticated and user.is_staff:
            return self._admin(request)
        membership = None
        if user.is_authenticated and not user.is_creator:  # type: ignore[union-attr]
            membership, request.workspace_memberships = membership_for(  # type: ignore[attr-defined]
                user=user,  # type: ignore[arg-type]
                remembered_slug=request.session.get(SESSION_WORKSPACE_KEY),
            )
        if membership is None:
            return self.get_response(request)
        request.workspace = membership.workspace  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(workspace=membership.workspace.slug)
        with workspace_scope(membership.workspace):
            return self.get_response(request)

    def _admin(self, request: HttpRequest) -> HttpResponse:
        # Superusers support every workspace; other staff see the workspaces they belong to.
        if request.user.is_superuser:
            with all_workspaces_unscoped():
                return self.get_response(request)
        ids = [m.workspace_id for m in memberships_of_user_across_workspaces(user=request.user)]  # type: ignore[arg-type]
        if not ids:
            return self.get_response(request)
        with workspace_scope(ids):
            return self.get_response(request)
