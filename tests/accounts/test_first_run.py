"""First run and workspaces: the setup page of a fresh install (then gone for good), and a marketer opening
another workspace from the switcher."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts import services
from accounts.errors import AccountError, AccountErrorCode
from accounts.middleware import SESSION_WORKSPACE_KEY
from accounts.models import AuditEvent, Membership, Role, User, UserManager, Workspace
from tests.core.test_csp import assert_strict_policy
from tests.factories import CreatorUserFactory, UserFactory
from tests.two_factor import add_authenticator

SETUP = {
    "full_name": "Olivia Owner",
    "email": "Olivia@Glow.test",
    "password": "sea-lantern-orbit-42",
    "password_again": "sea-lantern-orbit-42",
    "workspace_name": "Glow Skincare",
    "time_zone": "Europe/Paris",
}


def _written():
    with scopes_disabled():
        return User.objects.count(), Workspace.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


# ------------------------------------------------------------------------------------------ first run


@pytest.mark.django_db
def test_a_fresh_install_sends_home_and_sign_in_to_setup(client):
    assert client.get(reverse("home")).url == reverse("setup")
    assert client.get(reverse("login")).url == reverse("setup")
    page = client.get(reverse("setup"))
    assert page.status_code == 200
    assert "Set up CreatorDesk" in page.content.decode()
    assert_strict_policy(page)


@pytest.mark.django_db
def test_setup_creates_the_owner_and_the_workspace_signs_in_and_lands_on_the_dashboard(client):
    response = client.post(reverse("setup"), SETUP)

    assert response.status_code == 302 and response.url == reverse("home")
    owner = User.objects.get()
    assert owner.email == "olivia@glow.test"  # stored lower-cased, as sign-in looks it up
    assert owner.full_name == "Olivia Owner" and owner.kind == User.Kind.MARKETER
    assert owner.check_password("sea-lantern-orbit-42") and owner.password.startswith("argon2")
    assert owner.is_staff and owner.is_superuser  # whoever installs it administers it
    workspace = Workspace.objects.get()
    assert (workspace.name, workspace.slug, workspace.time_zone) == ("Glow Skincare", "glow-skincare", "Europe/Paris")
    with scopes_disabled():
        assert list(Membership.objects.values_list("workspace", "user", "role")) == [
            (workspace.pk, owner.pk, Role.OWNER)
        ]
        actions = set(AuditEvent.objects.filter(workspace=workspace, actor=owner).values_list("action", flat=True))
    assert actions == {"workspace.created", "installation.set_up"}
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert client.session[SESSION_WORKSPACE_KEY] == "glow-skincare"
    dashboard = client.get(reverse("home"))
    assert dashboard.status_code == 200 and dashboard.context["current_workspace"] == workspace


@pytest.mark.django_db
def test_after_setup_the_page_is_gone_for_good(client):
    client.post(reverse("setup"), SETUP)
    before = _written()
    stranger = Client()

    assert stranger.get(reverse("setup")).status_code == 404
    second = stranger.post(reverse("setup"), {**SETUP, "email": "mallory@evil.test", "workspace_name": "Evil"})
    assert second.status_code == 404
    assert client.get(reverse("setup")).status_code == 404  # the owner too
    assert _written() == before
    # Home and sign-in are back to normal: the sign-in form.
    assert stranger.get(reverse("home")).url.startswith(reverse("login"))
    assert stranger.get(reverse("login")).status_code == 200


@pytest.mark.django_db
def test_any_account_closes_setup_even_a_creator_or_staff_made_on_the_command_line(client):
    CreatorUserFactory()

    assert client.get(reverse("setup")).status_code == 404
    assert client.post(reverse("setup"), SETUP).status_code == 404
    assert _written()[1:] == (0, 0, 0)


@pytest.mark.django_db
def test_the_service_itself_refuses_once_an_account_exists():
    # The view checks first, but a POST that passed its check before another setup committed reaches the
    # service: the check inside the lock is what refuses it.
    UserFactory(email="first@glow.test")
    before = _written()

    with pytest.raises(AccountError) as refused:
        services.complete_first_run_setup(
            email="second@glow.test",
            full_name="Second",
            password=SETUP["password"],
            workspace_name="Second brand",
            time_zone="UTC",
        )

    assert refused.value.code == AccountErrorCode.SETUP_CLOSED
    assert _written() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password": "short-1", "password_again": "short-1"}, "password", "too short"),
        ({"password": "49203817564", "password_again": "49203817564"}, "password", "entirely numeric"),
        ({"password": "password123", "password_again": "password123"}, "password", "too common"),
        # Like the e-mail address: Django's similarity validator, given the would-be account.
        ({"password": "olivia@glow.test", "password_again": "olivia@glow.test"}, "password", "too similar"),
        ({"password_again": "sea-lantern-orbit-43"}, "password_again", "differ"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"full_name": "  "}, "full_name", "required"),
        ({"workspace_name": ""}, "workspace_name", "required"),
        ({"workspace_name": "   "}, "workspace_name", "required"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "valid choice"),
    ],
)
def test_bad_input_shows_the_error_beside_the_field_and_writes_nothing(client, change, field, message):
    response = client.post(reverse("setup"), {**SETUP, **change})

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert _written() == (0, 0, 0, 0)
    assert client.get(reverse("setup")).status_code == 200  # still open: nothing was half-made
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"workspace_name": "x" * 121}, "workspace_name"),
        ({"workspace_name": " \t "}, "workspace_name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"email": "not-an-address"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"password": "short"}, "password"),
    ],
)
def test_the_service_checks_every_field_before_it_writes(change, field):
    data = {k: v for k, v in SETUP.items() if k != "password_again"} | change

    with pytest.raises(AccountError) as refused:
        services.complete_first_run_setup(**data)

    assert refused.value.code == AccountErrorCode.INVALID_INPUT and field in refused.value.fields
    assert _written() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_failure_after_the_account_is_written_leaves_no_account_without_a_workspace(monkeypatch):
    def workspace_fails(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "create_workspace", workspace_fails)
    data = {k: v for k, v in SETUP.items() if k != "password_again"}

    with pytest.raises(RuntimeError):
        services.complete_first_run_setup(**data)

    assert _written() == (0, 0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_setups_racing_cannot_both_win(monkeypatch):
    """Both POSTs pass the page's check before either commits. Each then pauses just before writing its
    account until the other gets there too (at most 2 s). Without the advisory lock both get there and two
    owners are made; without the check inside the lock, the second writes its own after the first commits.
    With both, the second waits for the first's commit, finds its account and answers 404."""
    create_user = UserManager.create_user
    arrived: list[str] = []
    guard, both_arrived = threading.Lock(), threading.Event()

    def create_user_when_both_arrive(self, email, *args, **kwargs):
        with guard:
            arrived.append(email)
            if len(arrived) == 2:
                both_arrived.set()
        both_arrived.wait(timeout=2)
        return create_user(self, email, *args, **kwargs)

    monkeypatch.setattr(UserManager, "create_user", create_user_when_both_arrive)
    statuses: dict[str, int] = {}
    start = threading.Barrier(2)

    def set_up(email: str) -> None:
        try:
            start.wait(timeout=5)
            statuses[email] = Client().post(reverse("setup"), {**SETUP, "email": email}).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=set_up, args=(email,)) for email in ("one@glow.test", "two@glow.test")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses.values()) == [302, 404], statuses
    winner = next(email for email, status in statuses.items() if status == 302)
    assert list(User.objects.values_list("email", flat=True)) == [winner]
    assert Workspace.objects.count() == 1
    assert arrived == [winner]  # the loser never reached the write


# ------------------------------------------------------------------------------------------ new workspace


@pytest.mark.django_db
def test_a_marketer_creates_another_workspace_owns_it_and_works_in_it(client, workspace, analyst):
    # An analyst of one brand may still open a workspace of their own: the role there does not matter.
    client.force_login(analyst)

    response = client.post(reverse("workspace-create"), {"name": "  Nova Client  ", "time_zone": "America/Chicago"})

    assert response.status_code == 302 and response.url == reverse("home")
    nova = Workspace.objects.get(slug="nova-client")
    assert (nova.name, nova.time_zone) == ("Nova Client", "America/Chicago")
    with scopes_disabled():
        roles = dict(Membership.objects.filter(user=analyst).values_list("workspace__slug", "role"))
        audit = list(AuditEvent.objects.filter(workspace=nova).values_list("action", "actor", "target"))
    assert roles == {"glow-test": Role.ANALYST, "nova-client": Role.OWNER}
    assert audit == [("workspace.created", analyst.pk, "Nova Client")]
    home = client.get(reverse("home"))
    assert home.context["current_workspace"] == nova
    assert [m.workspace.slug for m in home.context["workspace_memberships"]] == ["glow-test", "nova-client"]


@pytest.mark.django_db
def test_a_second_workspace_of_the_same_name_gets_its_own_slug(client, owner):
    client.force_login(owner)

    client.post(reverse("workspace-create"), {"name": "Glow Test", "time_zone": "UTC"})
    client.post(reverse("workspace-create"), {"name": "Glow Test", "time_zone": "UTC"})

    assert sorted(Workspace.objects.values_list("slug", flat=True)) == ["glow-test", "glow-test-2", "glow-test-3"]


@pytest.mark.django_db
def test_a_slug_taken_between_the_read_and_the_write_moves_on_to_the_next(owner, monkeypatch):
    # Another request creates "glow-test-2" after this one found it free: the constraint refuses it and
    # the next try reads again.
    real_unique_slug = services._unique_slug
    picks: list[str] = []

    def stale_then_fresh(name):
        picks.append("glow-test" if not picks else real_unique_slug(name))
        return picks[-1]

    monkeypatch.setattr(services, "_unique_slug", stale_then_fresh)

    workspace = services.create_workspace(name="Glow Test", owner=owner)

    assert picks == ["glow-test", "glow-test-2"] and workspace.slug == "glow-test-2"


@pytest.mark.django_db
def test_a_marketer_without_any_workspace_is_offered_one(client):
    client.force_login(UserFactory())
    no_workspace = client.get(reverse("settings"))
    assert no_workspace.status_code == 403
    assert reverse("workspace-create") in no_workspace.content.decode()

    client.post(reverse("workspace-create"), {"name": "First Brand", "time_zone": "UTC"})

    assert client.get(reverse("settings")).status_code == 200


@pytest.mark.django_db
def test_the_switcher_links_to_the_new_workspace_page(client, owner):
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("workspace-create")}"' in page
    form = client.get(reverse("workspace-create"))
    assert form.status_code == 200 and "Create workspace" in form.content.decode()


@pytest.mark.django_db
def test_a_blank_name_is_refused_beside_the_field_and_writes_nothing(client, owner):
    client.force_login(owner)
    before = _written()

    response = client.post(reverse("workspace-create"), {"name": "   ", "time_zone": "UTC"})

    assert response.status_code == 400 and response.context["form"].errors["name"]
    assert _written() == before


@pytest.mark.django_db
def test_creators_cannot_create_a_workspace(client, creator_user):
    client.force_login(creator_user)
    before = _written()

    assert client.get(reverse("workspace-create")).status_code == 404
    assert client.post(reverse("workspace-create"), {"name": "Mine", "time_zone": "UTC"}).status_code == 404
    assert _written() == before
    with pytest.raises(AccountError) as refused:
        services.create_workspace(name="Mine", owner=creator_user)
    assert refused.value.code == AccountErrorCode.CREATOR_ACCOUNT


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, owner):
    response = client.post(reverse("workspace-create"), {"name": "Anon", "time_zone": "UTC"})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Workspace.objects.count() == 1


@pytest.mark.django_db
def test_a_session_that_owes_its_second_factor_enters_it_first(client, owner):
    add_authenticator(owner)
    client.force_login(owner)  # the password only: no code entered in this session

    response = client.post(reverse("workspace-create"), {"name": "Sneaky", "time_zone": "UTC"})

    assert response.status_code == 302 and response.url.startswith(reverse("login-two-factor"))
    assert Workspace.objects.count() == 1
