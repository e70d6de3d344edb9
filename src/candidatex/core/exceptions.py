"""Every error leaves in the contract's envelope: {success: false, error: {code, message, details}, timestamp}."""

from __future__ import annotations

import logging
from typing import Any

from bson.errors import InvalidId
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from candidatex.core.errors import AppError
from candidatex.core.schemas import ErrorBody, ErrorEnvelope

logger = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
          429: "too_many_requests", 503: "service_unavailable"}
_MESSAGES = {401: "Sign in to continue", 403: "You do not have permission to do this", 404: "Not found",
             413: "The request is too large", 429: "Too many requests; slow down and try again shortly"}


def _respond(status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None) -> Response:
    body = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=details))
    return Response(body.model_dump(mode="json"), status_code=status, headers=headers or {})


def _field_details(extra: Any) -> list[dict[str, str]]:
    details = []
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            field = item.get("key") or item.get("loc") or "body"
            details.append({"field": str(field), "message": str(item.get("message", "invalid"))})
    return details


def app_error_handler(_: Request, exc: AppError) -> Response:
    return _respond(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


def validation_handler(_: Request, exc: ValidationException) -> Response:
    details = _field_details(exc.extra)
    message = "Check the highlighted fields" if details else (exc.detail or "The request is not valid")
    return _respond(422, "validation_error", message, details or None)


def http_error_handler(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 429:
        reset = headers.get("RateLimit-Reset")
        headers["Retry-After"] = reset if reset and reset.isdigit() and int(reset) > 0 else "1"
    if status == 400 and exc.detail and ("body" in exc.detail.lower() or "json" in exc.detail.lower()):
        # docs/api.md: a body that cannot be decoded is a validation error of the field "body"
        return _respond(422, "validation_error", "The request body is not valid JSON",
                        [{"field": "body", "message": exc.detail[:200]}], headers)
    message = _MESSAGES.get(status) if status in (401, 403) and exc.detail in (None, "", "Unauthorized", "Forbidden") else None
    return _respond(status, _CODES.get(status, "error"), message or exc.detail or _MESSAGES.get(status, "Error"),
                    None, headers)


def invalid_id_handler(_: Request, exc: InvalidId) -> Response:
    """The net under ObjectIdPath: an id that reached a lookup malformed is a bad input, not a crash."""
    return _respond(422, "validation_error", "An id in the request is not valid",
                    [{"field": "id", "message": "a 24-character hexadecimal id"}])


def internal_error_handler(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return _respond(HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side; it was logged")


EXCEPTION_HANDLERS = {
    AppError: app_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_error_handler,
    InvalidId: invalid_id_handler,
    Exception: internal_error_handler,
}
