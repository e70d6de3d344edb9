"""Application errors that carry the contract's error code, HTTP status and field details.

Codes are written in snake case here; the HTTP error envelope sends them in the spec's upper case
(`validation_error` -> `VALIDATION_ERROR`, see core/schemas.ErrorBody). WebSocket error events keep them as written."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None,
                 status_code: int | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details
        self.headers = headers or {}
        if status_code is not None:
            self.status_code = status_code


class InvalidInput(AppError):
    status_code = 422
    code = "validation_error"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class TooMany(AppError):
    status_code = 429
    code = "too_many_requests"


class Unavailable(AppError):
    status_code = 503
    code = "service_unavailable"
