import pytest
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from accounts.models import Invitation

pytestmark = pytest.mark.django_db


def test_unauthenticated_api_request_gets_a_json_error(client):
    response = client.get("/api/v1/members/")
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_invalid_input_names_the_field_and_writes_nothing(client, owner):
    token = Token.objects.create(user=owner)
    response = client.post(
        "/api/v1/invitations/",
        {"email": "nope", "role": "owner"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "email" in error["fields"]
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_service_refusal_maps_to_its_code(client, workspace, owner):
    token = Token.objects.create(user=owner)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    members = client.get("/api/v1/members/", **headers).json()["results"]
    response = client.patch(
        f"/api/v1/members/{members[0]['id']}/", {"role": "analyst"}, content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "last_owner"


def test_analyst_token_cannot_write(client, workspace, analyst):
    token = Token.objects.create(user=analyst)
    response = client.post(
        "/api/v1/invitations/",
        {"email": "a@b.test", "role": "analyst"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
        content_type="application/json",
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert not Invitation.objects.exists()
