"""The admin site: staff only, and only in a session that passed a second factor (django-otp's OTPAdminSite).

Signing in happens on the product's own page (/accounts/login/, with axes' lock-out and the code step),
never on an admin form, so there is one way in to guard.
"""

from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from accounts.access import TwoFactorStep, is_session_verified, redirect_to_two_factor
from accounts.selectors import has_two_factor


class TwoFactorAdminSite(OTPAdminSite):
    # Django's own template: the "authenticated, but not authorized" page non-staff users see.
    login_template = None

    def __init__(self, name: str = "admin") -> None:
        # Named "admin" (not django-otp's "otpadmin") so every `admin:` URL name keeps working.
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        user = request.user
        wanted = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        if not user.is_authenticated or request.method != "GET":
            return redirect_to_login(wanted)
        if user.is_active and user.is_staff and not is_session_verified(user):
            # Staff are sent to enter a code, or to set up an authenticator first; then back here.
            step = TwoFactorStep.VERIFY if has_two_factor(user=user) else TwoFactorStep.ENROL  # type: ignore[arg-type]
            return redirect_to_two_factor(request, step, next_url=wanted)
        return super().login(request, extra_context)
