"""Schemathesis fuzzes every operation the drf-spectacular schema lists, in process, as a member.

No 5xx, and every response must conform to the schema. Endpoints added later are fuzzed
without editing this test.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, WorkspaceFactory

# The contract: no 5xx, and every response (status, content type, headers, body) as the schema says.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 30  # per operation; enough to hit edge cases, small enough for `make test`


@pytest.fixture
def api_schema(db, member_headers):
    from config.wsgi import application

    # Calls go straight to the WSGI app; like Django's test client, keep the request signals from
    # closing the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # The schema is for members only: fetched with the same token the calls use.
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=member_headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """Every example calls with one token, MAX_EXAMPLES per operation: more than a token's hourly
    rate. The fuzz test is about conformance, so its token gets a rate it cannot reach."""
    rest = settings.REST_FRAMEWORK
    unreachable = {scope: "1000000/hour" for scope in rest["DEFAULT_THROTTLE_RATES"]}
    settings.REST_FRAMEWORK = {**rest, "DEFAULT_THROTTLE_RATES": unreachable}


@pytest.fixture
def member_headers(db):
    with scopes_disabled():
        workspace = WorkspaceFactory(slug="fuzz")
        owner = MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.OWNER).user
        MembershipFactory(workspace=workspace, role=Role.OWNER)  # a second owner, so demotions can succeed
        InvitationFactory(workspace=workspace)
    token = Token.objects.create(user=owner)
    return {"Authorization": f"Token {token.key}", "X-Workspace": workspace.slug}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case, member_headers):
    case.call_and_validate(headers=member_headers, checks=CHECKS)
