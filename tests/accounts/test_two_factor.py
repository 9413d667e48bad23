"""Two-factor sign-in: set-up, the code step of sign-in, recovery codes, a workspace's requirement, admin."""

import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from accounts import selectors, services
from accounts.errors import AccountError, AccountPermissionError, TwoFactorError
from accounts.models import AuditEvent, Role
from accounts.tenancy import workspace_scope
from accounts.two_factor import services as two_factor_services
from accounts.two_factor.codes import key_from_base32, recovery_code_digest
from analytics.management.commands.seed_demo import DEMO_ADMIN_TOTP_SECRET
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.two_factor import add_authenticator, add_recovery_codes, code_for, sign_in_verified, wrong_code_for

pytestmark = pytest.mark.django_db

DASHBOARD_PAGES = (
    "home",
    "settings",
    "creators:creator-list",
    "creators:list-index",
    "campaigns:campaign-list",
    "reports:program",
    "library:content",
    "analytics-creators:brand-safety",
    "tracking:verified-domain-list",
)


def _audit_actions(workspace):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(workspace=workspace).values_list("action", flat=True))


def _require(workspace, *, by):
    with workspace_scope(workspace):  # as the settings page runs it
        services.set_workspace_two_factor_requirement(workspace=workspace, by=by, is_required=True)


def _password_step(client, email):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD})


@pytest.fixture
def no_backoff(settings):
    """django-otp makes a device wait 1, 2, 4... s after each wrong code; tests of other rules skip the wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --------------------------------------------------------------------------- set-up


def test_setting_up_shows_a_qr_code_and_the_secret_and_turns_on_only_after_a_valid_code(client, owner, workspace):
    client.force_login(owner)

    assert client.post(reverse("two-factor-start")).url == reverse("two-factor-setup")
    page = client.get(reverse("two-factor-setup")).content.decode()
    pending = TOTPDevice.objects.get(user=owner)
    assert "<svg" in page and 'class="cd-qr"' in page
    assert selectors.totp_device_for(user=owner, confirmed=False) == pending
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    assert key_from_base32(secret) == pending.key
    assert not selectors.has_two_factor(user=owner)

    response = client.post(reverse("two-factor-setup"), {"code": code_for(pending)})

    assert response.status_code == 302 and response.url == reverse("two-factor-recovery-codes")
    assert selectors.has_two_factor(user=owner)
    codes_page = client.get(response.url).content.decode()
    assert len(re.findall(r"<code>[a-z2-7]{5}-[a-z2-7]{5}</code>", codes_page)) == 10
    assert "two_factor.enabled" in _audit_actions(workspace)
    # The session that proved the app counts as verified: the dashboard opens without another code.
    assert client.get(reverse("settings")).status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_on(client, owner, workspace):
    client.force_login(owner)
    client.post(reverse("two-factor-start"))
    pending = TOTPDevice.objects.get(user=owner)

    response = client.post(reverse("two-factor-setup"), {"code": wrong_code_for(pending)})

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not selectors.has_two_factor(user=owner)
    assert not StaticToken.objects.filter(device__user=owner).exists()
    assert "two_factor.enabled" not in _audit_actions(workspace)


def test_recovery_codes_are_shown_once_and_stored_only_as_digests(client, owner):
    client.force_login(owner)
    client.post(reverse("two-factor-start"))
    client.post(reverse("two-factor-setup"), {"code": code_for(TOTPDevice.objects.get(user=owner))})

    first = client.get(reverse("two-factor-recovery-codes")).content.decode()
    again = client.get(reverse("two-factor-recovery-codes")).content.decode()

    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", first)
    assert len(codes) == 10 and re.findall(r"<code>[a-z2-7]{5}-", again) == []
    stored = set(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes}
    assert not stored & set(codes)


def test_new_recovery_codes_retire_the_old_ones(owner, workspace, no_backoff):
    add_authenticator(owner)
    old = add_recovery_codes(owner)

    new = two_factor_services.regenerate_recovery_codes(user=owner)

    with pytest.raises(TwoFactorError):
        two_factor_services.verify_two_factor_code(user=owner, code=old[0])
    assert two_factor_services.verify_two_factor_code(user=owner, code=new[0].upper().replace("-", " "))
    assert "two_factor.recovery_codes_regenerated" in _audit_actions(workspace)


def test_turning_two_factor_off_needs_a_current_code(client, owner, workspace, no_backoff):
    device = sign_in_verified(client, owner)

    refused = client.post(reverse("two-factor-disable"), {"code": wrong_code_for(device)})

    assert refused.status_code == 400 and selectors.has_two_factor(user=owner)
    assert "two_factor.disabled" not in _audit_actions(workspace)

    response = client.post(reverse("two-factor-disable"), {"code": code_for(device)})

    assert response.status_code == 302
    assert not selectors.has_two_factor(user=owner)
    assert "two_factor.disabled" in _audit_actions(workspace)


def test_two_factor_cannot_be_turned_off_while_a_workspace_requires_it(owner, workspace):
    device = add_authenticator(owner)
    _require(workspace, by=owner)

    with pytest.raises(TwoFactorError, match="requires two-factor"):
        two_factor_services.disable_two_factor(user=owner, code=code_for(device))
    assert selectors.has_two_factor(user=owner)


# --------------------------------------------------------------------------- sign-in


def test_sign_in_with_an_authenticator_asks_for_the_code_before_the_session_is_signed_in(client, owner):
    device = add_authenticator(owner)

    response = _password_step(client, owner.email)

    assert response.status_code == 302 and response.url == reverse("login-two-factor")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("settings")).url.startswith(reverse("login"))

    response = client.post(reverse("login-two-factor"), {"code": code_for(device)})

    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert client.get(reverse("settings")).status_code == 200


def test_sign_in_without_an_authenticator_needs_only_the_password(client, owner):
    response = _password_step(client, owner.email)

    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("settings")).status_code == 200


def test_a_wrong_code_at_sign_in_is_refused_and_signs_nobody_in(client, owner):
    device = add_authenticator(owner)
    _password_step(client, owner.email)

    response = client.post(reverse("login-two-factor"), {"code": wrong_code_for(device)})

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_send_the_sign_in_back_to_the_password(client, owner, settings, no_backoff):
    device = add_authenticator(owner)
    _password_step(client, owner.email)
    for _ in range(settings.TWO_FACTOR_MAX_WRONG_CODES - 1):
        assert client.post(reverse("login-two-factor"), {"code": wrong_code_for(device)}).status_code == 400

    last = client.post(reverse("login-two-factor"), {"code": wrong_code_for(device)})
    after = client.post(reverse("login-two-factor"), {"code": code_for(device)})

    assert last.status_code == 302 and last.url == reverse("login")
    assert after.status_code == 302 and after.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_four_wrong_codes_still_let_the_right_one_in(client, owner, settings, no_backoff):
    device = add_authenticator(owner)
    _password_step(client, owner.email)
    for _ in range(settings.TWO_FACTOR_MAX_WRONG_CODES - 1):
        client.post(reverse("login-two-factor"), {"code": wrong_code_for(device)})

    response = client.post(reverse("login-two-factor"), {"code": code_for(device)})

    assert response.status_code == 302 and client.session["_auth_user_id"] == str(owner.pk)


def test_after_a_wrong_code_the_device_makes_the_next_try_wait(client, owner):
    device = add_authenticator(owner)
    _password_step(client, owner.email)
    with time_machine.travel(timezone.now(), tick=False):
        client.post(reverse("login-two-factor"), {"code": wrong_code_for(device)})
        response = client.post(reverse("login-two-factor"), {"code": code_for(device)})
    assert response.status_code == 400 and "Wait" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client, owner, workspace, no_backoff):
    add_authenticator(owner)
    code = add_recovery_codes(owner)[0]
    _password_step(client, owner.email)

    first = client.post(reverse("login-two-factor"), {"code": code})

    assert first.status_code == 302 and client.session["_auth_user_id"] == str(owner.pk)
    assert "two_factor.recovery_code_used" in _audit_actions(workspace)
    client.post(reverse("logout"))
    _password_step(client, owner.email)

    again = client.post(reverse("login-two-factor"), {"code": code})

    assert again.status_code == 400 and "_auth_user_id" not in client.session


def test_a_password_sign_in_left_at_the_code_step_expires(client, owner):
    device = add_authenticator(owner)
    _password_step(client, owner.email)

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)):
        response = client.post(reverse("login-two-factor"), {"code": code_for(device)})

    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_session_signed_in_before_the_authenticator_was_added_must_enter_a_code(client, owner):
    client.force_login(owner)
    add_authenticator(owner)  # e.g. set up from another browser

    page = client.get(reverse("settings"))
    api = client.get("/api/v1/members/")

    assert page.status_code == 302 and page.url.startswith(reverse("login-two-factor"))
    assert api.status_code == 403 and api.json()["error"]["code"] == "two_factor_required"


# --------------------------------------------------------------------------- a workspace's requirement


def test_only_an_owner_who_uses_two_factor_can_require_it(owner, manager, workspace):
    with pytest.raises(AccountError, match="your own account first"):
        _require(workspace, by=owner)
    add_authenticator(manager)
    with pytest.raises(AccountPermissionError):
        _require(workspace, by=manager)
    workspace.refresh_from_db()
    assert not workspace.requires_two_factor
    assert "workspace.two_factor_required" not in _audit_actions(workspace)

    add_authenticator(owner)
    _require(workspace, by=owner)

    workspace.refresh_from_db()
    assert workspace.requires_two_factor
    assert "workspace.two_factor_required" in _audit_actions(workspace)


def test_an_owner_requires_two_factor_from_the_settings_page(client, owner, workspace):
    sign_in_verified(client, owner)

    response = client.post(reverse("settings-two-factor"), {"requires_two_factor": "on"})

    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.requires_two_factor


@pytest.fixture
def required(owner, workspace):
    add_authenticator(owner)
    _require(workspace, by=owner)
    return workspace


def test_a_member_without_two_factor_is_sent_to_set_it_up_from_every_dashboard_page(client, manager, required):
    client.force_login(manager)
    for name in DASHBOARD_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(f"{reverse('two-factor')}?next="), name
    page = client.get(reverse("two-factor")).content.decode()
    assert "Glow Test requires two-factor sign-in" in page


def test_an_htmx_request_sends_the_whole_page_to_set_up(client, manager, required):
    client.force_login(manager)

    response = client.get(
        reverse("creators:creator-list"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/creators/?q=a"
    )

    assert response.headers["HX-Redirect"] == f"{reverse('two-factor')}?next=%2Fcreators%2F%3Fq%3Da"


def test_a_member_of_a_workspace_that_does_not_require_it_is_let_in(client, manager, workspace):
    client.force_login(manager)
    for name in DASHBOARD_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_a_verified_member_is_let_in(client, manager, required):
    sign_in_verified(client, manager)
    for name in DASHBOARD_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_the_api_answers_403_two_factor_required_until_the_member_uses_it(client, manager, required):
    token = Token.objects.create(user=manager)

    by_token = Client().get("/api/v1/members/", HTTP_AUTHORIZATION=f"Token {token.key}")
    client.force_login(manager)
    by_session = client.get("/api/v1/members/")

    for response in (by_session, by_token):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "two_factor_required"
        assert "requires two-factor sign-in" in response.json()["error"]["message"]


def test_the_api_answers_once_the_member_uses_two_factor(client, manager, required):
    token = Token.objects.create(user=manager)
    sign_in_verified(client, manager)

    assert client.get("/api/v1/members/").status_code == 200
    assert Client().get("/api/v1/members/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200


def test_creators_in_the_portal_are_not_asked_for_a_code(client, creator_user, required):
    client.force_login(creator_user)

    assert client.get(reverse("portal:home")).status_code == 200


# --------------------------------------------------------------------------- admin


@pytest.fixture
def staff():
    return UserFactory(email="staff@creatordesk.test", is_staff=True, is_superuser=True)


def test_admin_sends_staff_without_an_authenticator_to_set_one_up(client, staff):
    client.force_login(staff)

    index = client.get("/admin/")
    login = client.get(index.url)
    changelist = client.get(reverse("admin:accounts_user_changelist"))

    assert index.status_code == 302 and index.url.startswith(reverse("admin:login"))
    assert login.status_code == 302 and login.url == f"{reverse('two-factor')}?next=%2Fadmin%2F"
    assert changelist.status_code == 302 and changelist.url.startswith(reverse("admin:login"))


def test_admin_asks_staff_with_an_authenticator_for_a_code(client, staff):
    add_authenticator(staff)
    client.force_login(staff)

    login = client.get(client.get("/admin/").url)

    assert login.status_code == 302 and login.url == f"{reverse('login-two-factor')}?next=%2Fadmin%2F"


def test_admin_opens_for_staff_once_the_session_is_verified(client, staff):
    sign_in_verified(client, staff)

    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_the_admin_login_form_is_no_way_around_the_code(client, staff):
    add_authenticator(staff)

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_staff_member_signs_in_with_a_code_and_lands_in_admin(client, staff):
    device = add_authenticator(staff)
    client.get("/admin/")  # not signed in: sent to the sign-in page, next=/admin/
    client.post(f"{reverse('login')}?next=/admin/", {"username": staff.email, "password": PASSWORD})

    response = client.post(reverse("login-two-factor"), {"code": code_for(device)})

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


# --------------------------------------------------------------------------- demo


def test_demo_totp_prints_a_code_the_demo_admins_authenticator_accepts(settings):
    settings.DEBUG = True
    admin = UserFactory(email="admin@demo.creatordesk.test", is_staff=True, is_superuser=True)
    two_factor_services.enable_two_factor_with_published_secret(
        user=admin, key_hex=key_from_base32(DEMO_ADMIN_TOTP_SECRET)
    )
    out = StringIO()

    call_command("demo_totp", stdout=out, stderr=StringIO())

    assert two_factor_services.verify_two_factor_code(user=admin, code=out.getvalue().strip())


def test_a_member_in_two_workspaces_gets_audit_rows_in_both(owner, workspace):
    with scopes_disabled():
        other = MembershipFactory(user=owner, role=Role.MANAGER).workspace
    two_factor_services.start_totp_enrolment(user=owner)
    device = TOTPDevice.objects.get(user=owner)

    two_factor_services.confirm_totp_device(user=owner, code=code_for(device))

    assert "two_factor.enabled" in _audit_actions(workspace)
    assert "two_factor.enabled" in _audit_actions(other)
