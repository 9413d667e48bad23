"""API rate limits: per token, per signed-in user (session), per client IP without authentication;
past the limit a 429 in the error envelope with Retry-After, documented on every operation."""

import pytest
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspace/"


@pytest.fixture
def rates(settings):
    """Lower one scope's rate for a test; the production defaults stay as they are."""

    def set_rates(**scoped: str) -> None:
        rest = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {**rest, "DEFAULT_THROTTLE_RATES": {**rest["DEFAULT_THROTTLE_RATES"], **scoped}}

    return set_rates


@pytest.fixture
def member(workspace):
    def make():
        with scopes_disabled():
            return MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.ANALYST).user

    return make


def _by_token(client, user, workspace):
    token, _ = Token.objects.get_or_create(user=user)
    return client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_WORKSPACE=workspace.slug)


def test_a_token_past_its_rate_gets_429_with_retry_after(client, member, workspace, rates):
    rates(token="2/hour")
    user = member()
    assert [_by_token(client, user, workspace).status_code for _ in range(2)] == [200, 200]

    held = _by_token(client, user, workspace)

    assert held.status_code == 429
    assert held.json()["error"]["code"] == "throttled"
    assert 1 <= int(held["Retry-After"]) <= 3600


def test_a_token_is_counted_by_itself(client, member, workspace, rates):
    rates(token="1/hour")
    user, other = member(), member()
    _by_token(client, user, workspace)
    assert _by_token(client, user, workspace).status_code == 429

    assert _by_token(client, other, workspace).status_code == 200  # another token
    client.force_login(user)
    assert client.get(URL, HTTP_X_WORKSPACE=workspace.slug).status_code == 200  # the user's session


def test_a_session_is_counted_per_user(client, member, workspace, rates):
    rates(user="1/hour")
    user, other = member(), member()
    client.force_login(user)
    assert client.get(URL, HTTP_X_WORKSPACE=workspace.slug).status_code == 200

    assert client.get(URL, HTTP_X_WORKSPACE=workspace.slug).status_code == 429
    client.force_login(other)
    assert client.get(URL, HTTP_X_WORKSPACE=workspace.slug).status_code == 200


class OpenView(APIView):
    permission_classes = [AllowAny]  # no API operation is public today; the anonymous rate guards the next one

    def get(self, request):
        return Response({})


def test_anonymous_calls_are_counted_per_client_ip_behind_a_proxy(rates, settings):
    rates(anon="1/hour")
    settings.TRUSTED_PROXY_COUNT = 1
    view, factory = OpenView.as_view(), APIRequestFactory()

    def call(forwarded_for):
        return view(factory.get("/open", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)).status_code

    assert call("203.0.113.90") == 200
    assert call("203.0.113.90") == 429
    assert call("198.51.100.90, 203.0.113.90") == 429  # a forged left-most entry is not another client
    assert call("203.0.113.91") == 200  # the same proxy, another client


def test_the_schema_documents_the_429_on_every_operation(client, owner):
    client.force_login(owner)

    schema = client.get("/api/schema/?format=json").json()
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]

    assert operations
    assert all("Retry-After" in op["responses"]["429"]["headers"] for op in operations)
    assert "rate-limited" in schema["info"]["description"]
