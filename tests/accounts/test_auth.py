import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

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


def test_failures_in_any_letter_case_count_against_one_account(client, owner, settings):
    # owner@glow.test, Owner@glow.test, OWner@glow.test...: sign-in ignores case, so must the lock-out.
    spellings = [f"{'owner'[:i].upper()}{'owner'[i:]}@glow.test" for i in range(settings.AXES_FAILURE_LIMIT)]
    for email in spellings:
        _login(client, email, "wrong-password")

    response = _login(client, " OWNER@GLOW.TEST ")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "owner@glow.test", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR="203.0.113.70",
            **proxy,
        )
    login = {"username": "owner@glow.test", "password": PASSWORD}

    locked = client.post(reverse("login"), login, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.70", **proxy)
    other = client.post(reverse("login"), login, HTTP_X_FORWARDED_FOR="203.0.113.71", **proxy)

    assert locked.status_code == 429  # a forged left-most entry does not make it another client
    assert other.status_code == 302 and client.session["_auth_user_id"] == str(owner.pk)


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


def test_the_reset_link_is_built_from_site_url_not_from_the_host_header(client, owner, settings):
    settings.ALLOWED_HOSTS = ["*"]  # a permissive host list is what lets a forged Host through
    settings.SITE_URL = "https://app.creatordesk.test"

    response = client.post(
        reverse("password_reset"), {"email": "owner@glow.test"}, HTTP_HOST="evil.test", REMOTE_ADDR="198.51.100.160"
    )

    assert response.status_code == 302
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
    assert link.startswith("https://app.creatordesk.test/accounts/reset/")
    assert "evil.test" not in mail.outbox[0].body


def _ask_reset(client, email, ip):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_reset_requests_past_the_hourly_limit_per_ip_get_429_and_send_nothing(client, settings):
    settings.PASSWORD_RESET_TRIES_PER_HOUR = 2
    user = UserFactory(email="reset-ip@glow.test")
    for email in ("nobody-1@glow.test", "nobody-2@glow.test"):  # unknown addresses count too
        assert _ask_reset(client, email, "198.51.100.161").status_code == 302

    held = _ask_reset(client, user.email, "198.51.100.161")

    assert held.status_code == 429 and "Too many reset requests" in held.content.decode()
    assert mail.outbox == []
    assert _ask_reset(client, user.email, "198.51.100.162").status_code == 302  # another client
    assert len(mail.outbox) == 1


def test_reset_requests_past_the_hourly_limit_per_email_get_429_and_send_nothing(client, settings):
    settings.PASSWORD_RESET_TRIES_PER_HOUR = 2
    user = UserFactory(email="reset-mail@glow.test")
    _ask_reset(client, "reset-mail@glow.test", "198.51.100.163")
    _ask_reset(client, "Reset-Mail@glow.test", "198.51.100.164")

    held = _ask_reset(client, "RESET-MAIL@GLOW.TEST", "198.51.100.165")  # a new IP, the same inbox

    assert held.status_code == 429
    assert [m.to for m in mail.outbox] == [[user.email], [user.email]]


def test_logout_requires_post_and_ends_the_session(client, owner):
    client.force_login(owner)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
