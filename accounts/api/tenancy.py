"""The API's side of tenancy: a base viewset that subclasses cannot bypass.

DRF authenticates inside the view (token auth is invisible to middleware), so the workspace
is resolved here, after authentication, and every handler runs inside its scope.
"""

from typing import Any

from django.http import HttpRequest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions, generics, permissions, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import two_factor_step
from accounts.errors import AccountErrorCode, AccountPermissionError
from accounts.middleware import SESSION_WORKSPACE_KEY
from accounts.models import Role, User, Workspace
from accounts.selectors import has_two_factor, membership_for
from accounts.tenancy import all_workspaces_unscoped, workspace_scope

WORKSPACE_HEADER = "HTTP_X_WORKSPACE"


class HasWorkspaceRole(permissions.BasePermission):
    """Reads need any role; writes need the view's `write_role` (manager unless it says otherwise)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(membership.has_role(getattr(view, "write_role", Role.MANAGER)))


class WorkspaceScopedViewSetMixin:
    """Resolve the workspace after authentication and run the handler in its scope.

    A creator, or a user who is not a member of the requested workspace, gets 404 for
    every route, so the existence of another workspace's objects is never revealed.
    """

    permission_classes: Any = [permissions.IsAuthenticated, HasWorkspaceRole]
    _workspace_scope: Any = None
    write_role = Role.MANAGER
    lookup_value_regex = r"[0-9]+"  # ids are integers; anything else is a JSON 404 from the URL resolver

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        user = request.user  # authenticates now (session or token), before the workspace is resolved
        membership = None
        if user.is_authenticated and not user.is_creator:
            membership, _ = membership_for(
                user=user,
                requested_slug=request.META.get(WORKSPACE_HEADER),
                remembered_slug=request.session.get(SESSION_WORKSPACE_KEY),
            )
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace if membership else None  # type: ignore[attr-defined]
        if user.is_authenticated and membership is None:
            raise exceptions.NotFound("No workspace found for this account.")
        if membership is not None:
            _require_two_factor(request, membership.workspace)
            self._workspace_scope = workspace_scope(membership.workspace)
            self._workspace_scope.__enter__()
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        self._workspace_scope = None
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        finally:
            if self._workspace_scope is not None:
                self._workspace_scope.__exit__(None, None, None)

    @property
    def workspace(self) -> Workspace:
        return self.request.workspace  # type: ignore[attr-defined,no-any-return]

    @property
    def acting_user(self) -> User:
        """The authenticated member (permissions have run, so never anonymous here)."""
        return self.request.user  # type: ignore[attr-defined,no-any-return]


def _require_two_factor(request: Request, workspace: Workspace) -> None:
    """403 `two_factor_required` until the caller has passed the second factor the dashboard asks for.

    A browser session must have entered a code. A token has no session to verify: while the workspace
    requires two-factor sign-in, it works only for members who have turned it on.
    """
    user: User = request.user  # type: ignore[assignment]  # authenticated: a membership was found for it
    if isinstance(request.successful_authenticator, SessionAuthentication):
        is_owed = two_factor_step(user=user, workspace=workspace) is not None
    else:
        is_owed = workspace.requires_two_factor and not has_two_factor(user=user)
    if is_owed:
        raise AccountPermissionError(
            f"{workspace.name} requires two-factor sign-in: turn it on for your account and sign in with a code."
            if workspace.requires_two_factor
            else "Enter a code from your authenticator app to finish signing in.",
            code=AccountErrorCode.TWO_FACTOR_REQUIRED,
        )


class WorkspaceScopedAPIView(WorkspaceScopedViewSetMixin, generics.GenericAPIView):  # type: ignore[misc]
    pass


class WorkspaceScopedModelViewSet(WorkspaceScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[misc]
    pass


class WorkspaceScopedReadOnlyViewSet(WorkspaceScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]
    pass


class UnscopedSchemaGenerator(SchemaGenerator):
    """Schema generation walks every viewset with fake requests (no workspace) and django-filter
    touches their default managers; no row is read, so scoping is lifted for it alone."""

    def get_schema(self, request: Any = None, public: bool = False) -> Any:
        with all_workspaces_unscoped():
            return super().get_schema(request=request, public=public)
