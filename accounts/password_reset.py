"""The "forgot your password" page: Django's, with two things it does not do on its own.

- The link in the e-mail is built from SITE_URL, never from the request's Host header: a request
  sent with `Host: evil.test` (a host ALLOWED_HOSTS lets through) must not mail the victim a reset
  token pointing at the attacker's server.
- Requests are throttled per client IP and per e-mail address (PASSWORD_RESET_TRIES_PER_HOUR each):
  every accepted one sends an e-mail, so an unthrottled form lets anyone flood a mailbox and our
  sender reputation. Past the limit the page answers 429 and sends nothing."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse

from accounts.lockout import normalise_login
from core.throttle import allow, client_key

WINDOW_S = 3600  # PASSWORD_RESET_TRIES_PER_HOUR


class SiteUrlPasswordResetForm(PasswordResetForm):
    def save(self, **kwargs: Any) -> None:  # type: ignore[override]
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https")
        super().save(**kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SiteUrlPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        limit = settings.PASSWORD_RESET_TRIES_PER_HOUR
        email = normalise_login(form.cleaned_data["email"])
        # Counted for every address, known or not, so the answer says nothing about which have accounts.
        if not (
            allow(scope="password-reset-ip", key=client_key(self.request), limit=limit, window_s=WINDOW_S)
            and allow(scope="password-reset-email", key=email, limit=limit, window_s=WINDOW_S)
        ):
            form.add_error(None, "Too many reset requests; try again in an hour.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
