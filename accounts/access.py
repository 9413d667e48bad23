"""Who may open a dashboard page: marketers with a workspace, and at least the role the page needs."""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import Membership, Role, User, Workspace
from accounts.selectors import has_two_factor


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
            owed = two_factor_step(user=request.user, workspace=membership.workspace if membership else None)
            if owed is not None:
                return redirect_to_two_factor(request, owed)
            if membership is None:
                return render(request, "accounts/no_workspace.html", status=403)
            needed = at_least if request.method in ("GET", "HEAD", "OPTIONS") else (write_role or at_least)
            if not membership.has_role(needed):
                return render(request, "accounts/role_required.html", {"needed": needed}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class TwoFactorStep(StrEnum):
    VERIFY = "verify"  # the user has an authenticator; this session has not entered a code from it
    ENROL = "enrol"  # the workspace requires two-factor sign-in; the user has not set it up


def is_session_verified(user: Any) -> bool:
    """Whether this session passed a second factor (django-otp's OTPMiddleware installs `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def two_factor_step(*, user: User, workspace: Workspace | None) -> TwoFactorStep | None:
    """What a signed-in session still owes before it may use the dashboard or the API, if anything.

    A user with an authenticator always enters a code, whatever the workspace: a session signed in before
    the authenticator was added must not keep working without one.
    """
    if is_session_verified(user):
        return None
    if has_two_factor(user=user):
        return TwoFactorStep.VERIFY
    if workspace is not None and workspace.requires_two_factor:
        return TwoFactorStep.ENROL
    return None


def redirect_to_two_factor(request: HttpRequest, step: TwoFactorStep, *, next_url: str | None = None) -> HttpResponse:
    """Send the browser to enter a code (or to set up an authenticator), then back to the page it wanted."""
    htmx = getattr(request, "htmx", None)
    # A fragment comes back to the page it was loaded into, not to the fragment's own URL.
    wanted = next_url or (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
    target = reverse("login-two-factor" if step == TwoFactorStep.VERIFY else "two-factor")
    url = f"{target}?{urlencode({'next': wanted})}"
    return HttpResponseClientRedirect(url) if htmx else redirect(url)


def can_write(request: WorkspaceRequest) -> bool:
    """Whether the member may change what a page shows: a manager or owner, the role dashboard_view asks
    of every method but GET by default. Pages use it to show or hide their forms and buttons."""
    return bool(request.membership.has_role(Role.MANAGER))
