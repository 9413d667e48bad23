import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from accounts.models import Invitation, Role
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_creator_never_reaches_dashboard_pages(client, creator_user):
    client.force_login(creator_user)
    for name in ("settings", "creators:creator-list", "campaigns:campaign-list", "reports:program"):
        assert client.get(reverse(name)).status_code == 404, name


def test_creator_never_reaches_admin(client, creator_user):
    client.force_login(creator_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_creator_gets_404_from_workspace_api(client, creator_user):
    token = Token.objects.create(user=creator_user)
    response = client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_marketer_never_sees_the_portal(client, owner):
    client.force_login(owner)
    assert client.get(reverse("portal:home")).status_code == 404


def test_creator_sees_their_own_profile_in_the_portal(client, creator_user):
    client.force_login(creator_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "@linkedcreator" in response.content.decode()


def test_analyst_is_read_only(client, workspace, analyst):
    client.force_login(analyst)
    assert client.get(reverse("settings")).status_code == 200
    response = client.post(reverse("invitation-create"), {"email": "x@y.test", "role": Role.ANALYST})
    assert response.status_code == 403
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_owner_invites_from_the_settings_page(client, workspace, owner):
    client.force_login(owner)
    response = client.post(reverse("invitation-create"), {"email": "teammate@glow.test", "role": Role.MANAGER})
    assert response.status_code == 302
    with scopes_disabled():
        assert Invitation.objects.get().email == "teammate@glow.test"


def test_invalid_invitation_shows_the_error_beside_the_field_and_writes_nothing(client, workspace, owner):
    client.force_login(owner)
    response = client.post(reverse("invitation-create"), {"email": "not-an-email", "role": Role.MANAGER})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_switching_workspace_changes_what_the_dashboard_shows(client, owner):
    other = WorkspaceFactory(name="Second Brand", slug="second-brand")
    with scopes_disabled():
        MembershipFactory(workspace=other, user=owner, role=Role.MANAGER)
    client.force_login(owner)
    client.post(reverse("workspace-switch"), {"workspace": "second-brand"})
    assert client.get(reverse("home")).context["current_workspace"] == other


def test_switching_to_a_workspace_you_do_not_belong_to_is_404(client, owner):
    WorkspaceFactory(slug="not-mine")
    client.force_login(owner)
    assert client.post(reverse("workspace-switch"), {"workspace": "not-mine"}).status_code == 404


def test_marketer_without_workspace_is_told_how_to_get_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("settings"))
    assert response.status_code == 403
    assert "invite" in response.content.decode().lower()


def test_htmx_panel_with_an_expired_session_redirects_the_whole_page(client):
    response = client.get(reverse("creators:overview-panel"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login")


def test_new_api_token_never_travels_in_a_cookie(client, owner):
    client.force_login(owner)
    response = client.post(reverse("api-token-rotate"))
    token = Token.objects.get(user=owner)
    assert all(token.key not in morsel.value for morsel in response.cookies.values())
    assert token.key in client.get(reverse("settings")).content.decode()


def test_a_remembered_workspace_you_left_falls_back_to_another(client, owner):
    other = WorkspaceFactory(name="Second Brand", slug="second-brand")
    with scopes_disabled():
        gone = MembershipFactory(workspace=other, user=owner, role=Role.MANAGER)
    client.force_login(owner)
    client.post(reverse("workspace-switch"), {"workspace": "second-brand"})
    with scopes_disabled():
        gone.delete()
    assert client.get(reverse("home")).context["current_workspace"].slug == "glow-test"


def test_api_refuses_a_requested_workspace_you_do_not_belong_to_rather_than_falling_back(client, owner):
    WorkspaceFactory(slug="not-mine")
    token = Token.objects.create(user=owner)
    response = client.get("/api/v1/workspace/", HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_WORKSPACE="not-mine")
    assert response.status_code == 404
