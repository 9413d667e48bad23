"""Document the error envelope on every operation, so clients (and the schema fuzz test) know
that any call can answer 400/401/403/404/429, and one with a body 415, with
`{"error": {"code", "message", "fields"}}`; a 429 (core.api.throttling) also says in Retry-After how
many seconds to wait."""

from typing import Any

ERROR_COMPONENT = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "Not authenticated",
    "403": "Not allowed for your role",
    "404": "Not found in this workspace",
    "429": "Too many requests for this token, user or IP address; retry after Retry-After seconds",
}
UNSUPPORTED_MEDIA_TYPE = "Unsupported media type: send JSON, form data or multipart"
# Only on the 429: DRF sets it from the throttle's wait.
RESPONSE_HEADERS = {
    "429": {
        "Retry-After": {
            "description": "Seconds until the rate limit's window ends.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                response = responses.setdefault(status, {"description": description, "content": reference})
                if status in RESPONSE_HEADERS:
                    response.setdefault("headers", {}).update(RESPONSE_HEADERS[status])
            if "requestBody" in operation:  # a body DRF's parsers cannot read (e.g. a broken multipart)
                responses.setdefault("415", {"description": UNSUPPORTED_MEDIA_TYPE, "content": reference})
    return result
