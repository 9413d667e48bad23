import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks


def _may_see_health_details(request: HttpRequest) -> bool:
    """Staff, or whoever holds HEALTHZ_TOKEN (a monitor), as `Authorization: Bearer <token>` or
    `X-Healthz-Token`. Compared in constant time, so response times do not leak the token."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    expected = settings.HEALTHZ_TOKEN
    if not expected:
        return False
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    given = bearer.strip() if scheme.lower() == "bearer" else request.headers.get("X-Healthz-Token", "")
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database, Redis and a worker all answer, 503 otherwise.

    Anyone gets only that verdict. Each component's latency and detail (worker host names, the text
    of an exception, which may name hosts and ports) is for staff and HEALTHZ_TOKEN holders."""
    checks = run_checks()
    is_ok = all(check.is_ok for check in checks)
    body: dict[str, object] = {"status": "ok" if is_ok else "degraded"}
    if _may_see_health_details(request):
        body["checks"] = {c.name: {"ok": c.is_ok, "latency_ms": c.latency_ms, "detail": c.detail} for c in checks}
    return JsonResponse(body, status=200 if is_ok else 503)


@never_cache
@require_GET
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness for the container: the web process answers; dependencies are /healthz's job."""
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django refuses some requests before any view runs (over 1,000 form fields, a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE): API clients still get the JSON error envelope, not an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "bad_request", "message": "The request could not be read.", "fields": {}}}, status=400
        )
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the JSON error envelope even for URLs no route matches."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found.", "fields": {}}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}}},
            status=500,
        )
    return defaults.server_error(request)
