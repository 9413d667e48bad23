"""The API schema and its docs map every endpoint and filter: members only."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_anonymous_gets_no_schema(client):
    response = client.get("/api/schema/?format=json")

    assert response.status_code in (401, 403)
    assert "paths" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in_from_the_docs(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_signed_in_user_reads_the_schema_and_the_docs(client, owner):
    client.force_login(owner)

    assert "paths" in client.get("/api/schema/?format=json").json()
    assert client.get("/api/docs/").status_code == 200


def test_a_token_reads_the_schema(client, owner):
    token = Token.objects.create(user=owner)

    response = client.get("/api/schema/?format=json", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200 and "paths" in response.json()
