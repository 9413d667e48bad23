import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_marketer_signs_in_with_email_in_any_case_and_lands_on_the_dashboard(client, owner):
    response = _login(client, "OWNER@glow.test")
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, owner):
    response = _login(client, "owner@glow.test", "wrong-password")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_creator_lands_in_the_portal(client, creator_user):
    _login(client, "creator@example.test")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("portal:home")


def test_passwords_are_hashed_with_argon2(owner):
    assert owner.password.startswith("argon2")


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "owner@glow.test", "wrong-password")
    response = _login(client, "owner@glow.test")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "owner@glow.test", "wrong-password")
    response = _login(client, "owner@glow.test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_password_reset_mails_a_working_link(client, owner):
    response = client.post(reverse("password_reset"), {"email": "owner@glow.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
    path = link[link.index("/accounts/reset/") :]
    follow = client.get(path, follow=True)
    assert follow.status_code == 200
    form_url = follow.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"})
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a-new-long-password")


def test_logout_requires_post_and_ends_the_session(client, owner):
    client.force_login(owner)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
