import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_503_when_no_worker_is_running(client, settings):
    settings.HEALTHZ_WORKER_TIMEOUT_S = 0.3
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


def test_healthz_answers_503_when_redis_is_down(client, settings):
    settings.HEALTHZ_WORKER_TIMEOUT_S = 0.3
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_liveness_needs_no_dependencies(client):
    assert client.get("/healthz/live").json() == {"status": "ok"}
