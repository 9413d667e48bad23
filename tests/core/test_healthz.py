import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "monitor-token-3f9a1c"


@pytest.fixture(autouse=True)
def fast_worker_ping(settings):
    settings.HEALTHZ_WORKER_TIMEOUT_S = 0.3  # no worker runs in tests: do not wait 1.5 s for none
    settings.HEALTHZ_TOKEN = TOKEN


def test_anyone_gets_only_the_verdict(client):
    response = client.get("/healthz")  # no worker: degraded

    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


def test_anyone_gets_no_exception_text_or_host_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}
    assert b"127.0.0.1" not in response.content and b"Error" not in response.content


def test_the_token_as_bearer_shows_each_component(client):
    response = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    checks = response.json()["checks"]

    assert response.status_code == 503
    assert checks["database"]["ok"] is True
    assert checks["redis"]["ok"] is True
    assert checks["worker"]["ok"] is False


def test_the_token_in_its_own_header_shows_the_failing_component(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"

    response = client.get("/healthz", HTTP_X_HEALTHZ_TOKEN=TOKEN)

    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Bearer wrong-token"},
        {"HTTP_X_HEALTHZ_TOKEN": TOKEN[:-1]},
        {"HTTP_AUTHORIZATION": f"Token {TOKEN}"},  # another scheme
        {"HTTP_AUTHORIZATION": "Bearer "},
    ],
)
def test_a_wrong_token_gets_only_the_verdict(client, headers):
    assert "checks" not in client.get("/healthz", **headers).json()


def test_without_a_configured_token_no_token_shows_details(client, settings):
    settings.HEALTHZ_TOKEN = ""  # an empty header must not match an empty setting

    assert "checks" not in client.get("/healthz", HTTP_X_HEALTHZ_TOKEN="").json()
    assert "checks" not in client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json()


def test_staff_signed_in_see_each_component(client):
    client.force_login(UserFactory(is_staff=True))

    assert set(client.get("/healthz").json()["checks"]) == {"database", "redis", "worker"}


def test_a_signed_in_non_staff_user_gets_only_the_verdict(client):
    client.force_login(UserFactory())

    assert client.get("/healthz").json() == {"status": "degraded"}


def test_liveness_needs_no_dependencies(client):
    assert client.get("/healthz/live").json() == {"status": "ok"}
