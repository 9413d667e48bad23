"""The REST API's shared parts: the error format, pagination, throttles and the OpenAPI schema hooks."""
