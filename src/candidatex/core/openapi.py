"""The error answers of each operation, documented in the OpenAPI schema with the envelope they carry."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Reference, Schema
from litestar.routes import HTTPRoute

ERROR_SCHEMA_NAME = "ErrorEnvelope"
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_WHEN = {
    400: "The request cannot be read (a body or form that is not what the operation takes)",
    401: "Sign in first: no access token, or one that expired or was revoked",
    403: "Not allowed: the account's role or relation to the resource does not allow it",
    404: "No such resource, or one the caller may not know exists",
    409: "The resource's current state does not allow this (taken, already done, not in that state)",
    422: "An input is not valid: `error.details` names each field (malformed ids, NUL characters, deep JSON)",
    429: "Too many requests: `Retry-After` says when to try again",
}


def _error_schema() -> Schema:
    return Schema(type=OpenAPIType.OBJECT, required=["success", "error", "timestamp"], properties={
        "success": Schema(type=OpenAPIType.BOOLEAN, const=False),
        "error": Schema(type=OpenAPIType.OBJECT, required=["code", "message"], properties={
            "code": Schema(type=OpenAPIType.STRING),
            "message": Schema(type=OpenAPIType.STRING),
            # usually a list of {field, message}; some errors carry an object or nothing
            "details": Schema(description="what exactly is wrong, e.g. [{field, message}] for invalid input"),
        }),
        "timestamp": Schema(type=OpenAPIType.STRING, format="date-time"),  # type: ignore[arg-type]
    })


def _statuses(handler: HTTPRouteHandler, method: str, path: str, public: list[str]) -> list[int]:
    statuses = [422, 429]
    needs_token = not handler.opt.get("exclude_from_auth") and not any(re.search(p, path) for p in public)
    if needs_token:
        statuses.append(401)
    if handler.resolve_guards():
        statuses.append(403)
    if "{" in path:
        statuses.append(404)
    if method in _WRITES:
        statuses.append(409)
    return statuses


def document_error_responses(app: Litestar, public_paths: list[str]) -> None:
    """Adds 401/403/404/409/422/429 (whichever can happen) to every operation, each with the error envelope."""
    schema = app.openapi_schema
    components = schema.components
    components.schemas = {**(components.schemas or {}), ERROR_SCHEMA_NAME: _error_schema()}
    content: dict[str, Any] = {"application/json": OpenAPIMediaType(
        schema=Reference(ref=f"#/components/schemas/{ERROR_SCHEMA_NAME}"))}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in (schema.paths or {}):
            continue
        item = schema.paths[route.path_format]  # type: ignore[index]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if operation is None:
                    continue
                responses = operation.responses = dict(operation.responses or {})
                if "400" in responses:  # Litestar's default 400 describes its own error shape, not ours
                    responses["400"] = OpenAPIResponse(description=_WHEN[400], content=content)
                for status in _statuses(handler, method, route.path_format, public_paths):
                    responses.setdefault(str(status), OpenAPIResponse(description=_WHEN[status], content=content))
