"""Who may open a dashboard page: marketers with a workspace, and at least the role the page needs."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import Membership, Role, User, Workspace


class WorkspaceRequest(HttpRequest):
    """What a dashboard view receives after `dashboard_view` let it through."""

    user: User  # type: ignore[assignment]
    workspace: Workspace
    membership: Membership


def dashboard_view(at_least: Role = Role.ANALYST, *, write_role: Role | None = Role.MANAGER) -> Callable[..., Any]:
    """Guard a dashboard view. Creators get 404 (the dashboard does not exist for them); marketers
    without a workspace see how to get one; GET needs `at_least`, other methods `write_role`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    # A fragment request with an expired session: send the whole page to sign-in,
                    # rather than swapping the login form into a panel.
                    return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
                return redirect_to_login(request.get_full_path())
            if request.user.is_creator:
                raise Http404
            membership = request.membership  # type: ignore[attr-defined]
            if membership is None:
                return render(request, "accounts/no_workspace.html", status=403)
            needed = at_least if request.method in ("GET", "HEAD", "OPTIONS") else (write_role or at_least)
            if not membership.has_role(needed):
                return render(request, "accounts/role_required.html", {"needed": needed}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def can_write(request: WorkspaceRequest) -> bool:
    """Whether the member may change what a page shows: a manager or owner, the role dashboard_view asks
    of every method but GET by default. Pages use it to show or hide their forms and buttons."""
    return bool(request.membership.has_role(Role.MANAGER))
