"""Every API error answers `{"error": {"code", "message", "fields"}}` with its 4xx."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def _fields_from(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(key): [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": exc.message, "fields": exc.fields}
        return Response({"error": body}, status=exc.http_status)
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if not isinstance(exc, exceptions.APIException):  # DRF only builds responses for these
        return response
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields_from(detail)
        message = "Some fields are invalid." if fields else " ".join(str(d) for d in detail)  # type: ignore[union-attr]
        code = "invalid"
    else:
        fields = {}
        message = str(detail)
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    response.data = {"error": {"code": str(code), "message": message, "fields": fields}}
    return response
