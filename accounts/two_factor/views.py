"""Pages of two-factor sign-in: the code step after the password, and the account's own settings for it
(set up an authenticator, recovery codes, turn it off)."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import selectors, services
from accounts.access import (
    WorkspaceRequest,
    dashboard_view,
    is_session_verified,
    redirect_to_two_factor,
    two_factor_step,
)
from accounts.errors import AccountErrorCode, TwoFactorError
from accounts.forms import EmailAuthenticationForm, TwoFactorCodeForm, WorkspaceTwoFactorForm
from accounts.models import Role, User
from accounts.two_factor import services as two_factor_services
from accounts.two_factor.codes import RECOVERY_CODE_COUNT, qr_code_svg, secret_for_people
from core.errors import ApplicationError
from core.forms import add_form_errors

# The password step's result, kept in the (still anonymous) session until a code follows.
PENDING_LOGIN_KEY = "two_factor_pending_login"
WRONG_CODES_KEY = "two_factor_wrong_codes"
NEW_RECOVERY_CODES_KEY = "two_factor_new_recovery_codes"
# 5 minutes from the password to the code: long enough to find the phone, short enough that a sign-in
# left half-done on a shared computer expires.
PENDING_LOGIN_TTL_S = 5 * 60


def _safe_next(request: HttpRequest) -> str | None:
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


class TwoFactorLoginView(LoginView):
    """Django's sign-in (axes counts wrong passwords), except that a user with an authenticator is not
    signed in by the password: the session only remembers who passed it, and the code page finishes."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A fresh install has no account to sign in with: the first visitor sets one up instead.
        if not request.user.is_authenticated and selectors.needs_first_run_setup():
            return redirect("setup")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if not selectors.has_two_factor(user=user):
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN_KEY] = {
            "user_id": user.pk,
            "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
            "next": self.get_success_url(),
            "started_at": int(time.time()),
        }
        self.request.session.pop(WRONG_CODES_KEY, None)
        return redirect("login-two-factor")


def _signing_in(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    """Who the code page is for: the signed-in user, or the one whose password was just accepted."""
    if request.user.is_authenticated:
        return cast(User, request.user), None
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or pending["started_at"] + PENDING_LOGIN_TTL_S < time.time():
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None, None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first(), pending


def _start_over(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING_LOGIN_KEY, None)
    request.session.pop(WRONG_CODES_KEY, None)
    if request.user.is_authenticated:
        auth_logout(request)
    messages.error(
        request, f"{settings.TWO_FACTOR_MAX_WRONG_CODES} wrong codes in a row: sign in again with your password."
    )
    return redirect("login")


@never_cache
def login_two_factor(request: HttpRequest) -> HttpResponse:
    """The code step of sign-in. After TWO_FACTOR_MAX_WRONG_CODES wrong codes the sign-in starts over from
    the password (a signed-in session is signed out); the devices' own back-off slows guessing further."""
    user, pending = _signing_in(request)
    if user is None:
        messages.info(request, "Sign in again to continue.")
        return redirect("login")
    next_url = pending["next"] if pending else (_safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))
    if pending is None and (is_session_verified(request.user) or not selectors.has_two_factor(user=user)):
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_services.verify_two_factor_code(user=user, code=form.cleaned_data["code"])
        except TwoFactorError as exc:
            if exc.code == AccountErrorCode.TWO_FACTOR_WRONG_CODE:
                wrong = request.session.get(WRONG_CODES_KEY, 0) + 1
                request.session[WRONG_CODES_KEY] = wrong
                if wrong >= settings.TWO_FACTOR_MAX_WRONG_CODES:
                    return _start_over(request)
            add_form_errors(form, exc)
        else:
            request.session.pop(WRONG_CODES_KEY, None)
            if pending is not None:
                request.session.pop(PENDING_LOGIN_KEY, None)
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(next_url)
    context = {"form": form, "signing_in_as": user, "next": "" if pending else next_url, "is_pending": bool(pending)}
    return render(request, "accounts/login_two_factor.html", context, status=400 if form.errors else 200)


def account_security_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """The account's two-factor pages: marketers only (the portal has none), and a user who has an
    authenticator must have entered a code in this session. No workspace rule: these pages are where
    a workspace's requirement sends people."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if cast(User, request.user).is_creator:
            raise Http404
        owed = two_factor_step(user=cast(User, request.user), workspace=None)
        if owed is not None:
            return redirect_to_two_factor(request, owed)
        return view(request, *args, **kwargs)

    return wrapper


def _next_query(request: HttpRequest) -> str:
    """Carry the page a requirement interrupted through set-up, so "Continue" goes back to it."""
    wanted = _safe_next(request)
    return f"?{urlencode({'next': wanted})}" if wanted else ""


def _render_home(
    request: HttpRequest, *, disable_form: TwoFactorCodeForm | None = None, status: int = 200
) -> HttpResponse:
    user = cast(User, request.user)
    context = {
        "device": selectors.totp_device_for(user=user),
        "pending_device": selectors.totp_device_for(user=user, confirmed=False),
        "codes_left": selectors.recovery_codes_left(user=user),
        "code_count": RECOVERY_CODE_COUNT,
        "required_by": selectors.workspaces_requiring_two_factor_for(user=user),
        "disable_form": disable_form or TwoFactorCodeForm(),
        "next": _safe_next(request) or "",
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@account_security_view
def two_factor_home(request: HttpRequest) -> HttpResponse:
    return _render_home(request)


@account_security_view
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    try:
        two_factor_services.start_totp_enrolment(user=cast(User, request.user))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("two-factor")
    return redirect(reverse("two-factor-setup") + _next_query(request))


@never_cache
@account_security_view
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan (or type) the secret, then prove it with a code; only then does sign-in ask for one."""
    user = cast(User, request.user)
    pending = selectors.totp_device_for(user=user, confirmed=False)
    if pending is None or selectors.has_two_factor(user=user):
        return redirect(reverse("two-factor") + _next_query(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor_services.confirm_totp_device(user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            add_form_errors(form, exc)
        else:
            # This session has just proven the new authenticator: it counts as verified.
            otp_login(request, device)
            request.session[NEW_RECOVERY_CODES_KEY] = codes
            messages.success(request, "Two-factor sign-in is on. Save your recovery codes now.")
            return redirect(reverse("two-factor-recovery-codes") + _next_query(request))
    context = {
        "form": form,
        "qr_svg": qr_code_svg(pending),
        "secret": secret_for_people(pending),
        "next": _safe_next(request) or "",
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


@never_cache
@account_security_view
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New codes are shown once, on the page right after they were made; afterwards only how many are left."""
    user = cast(User, request.user)
    if request.method == "POST":
        try:
            codes = two_factor_services.regenerate_recovery_codes(user=user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("two-factor")
        request.session[NEW_RECOVERY_CODES_KEY] = codes
        messages.success(request, "New recovery codes made; the old ones no longer work.")
        return redirect(reverse("two-factor-recovery-codes") + _next_query(request))
    if not selectors.has_two_factor(user=user):
        return redirect("two-factor")
    codes = request.session.pop(NEW_RECOVERY_CODES_KEY, None)
    context = {
        "codes": codes,
        "codes_text": "\n".join(codes or []),
        "codes_left": selectors.recovery_codes_left(user=user),
        "code_count": RECOVERY_CODE_COUNT,
        "next": _safe_next(request) or "",
    }
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@account_security_view
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor_services.disable_two_factor(user=cast(User, request.user), code=form.cleaned_data["code"])
        except ApplicationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Two-factor sign-in is off. Sign-in asks only for your password.")
            return redirect("two-factor")
    return _render_home(request, disable_form=form, status=400)


@dashboard_view(write_role=Role.OWNER)
@require_POST
def settings_two_factor(request: WorkspaceRequest) -> HttpResponse:
    form = WorkspaceTwoFactorForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, nothing else to reject
    is_required = bool(form.cleaned_data.get("requires_two_factor"))
    try:
        services.set_workspace_two_factor_requirement(
            workspace=request.workspace, by=request.user, is_required=is_required
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Every member now signs in with a code." if is_required else "Two-factor sign-in is now up to each member.",
        )
    return redirect(f"{reverse('settings')}#security")
