"""The response envelope of the contract and the list page shape."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from litestar.params import Parameter
from pydantic import AfterValidator, BaseModel, Field, field_validator

from candidatex.core.pagination import page_count
from candidatex.core.timeutil import utcnow

T = TypeVar("T")

OBJECT_ID_PATTERN = r"^[0-9a-fA-F]{24}$"


def object_id_param(what: str) -> Any:
    """The one parser of ids in paths (all are MongoDB ObjectIds): a malformed id is a 422 that names the parameter,
    never a lookup that raises. `SessionId = object_id_param("interview session id")`, then in a handler of
    `"/{session_id:str}"`: `session_id: str = SessionId`."""
    return Parameter(pattern=OBJECT_ID_PATTERN, min_length=24, max_length=24, description=f"{what} (24 hex digits)")


def is_object_id(value: str) -> bool:
    """The same rule for an id the services are handed (lower-case, as the API writes them), before a lookup."""
    return len(value) == 24 and all(c in "0123456789abcdef" for c in value)


ObjectIdPath = Annotated[str, object_id_param("id")]
"""The same parser as an annotation, for handlers whose id comes before parameters without defaults."""

# Bidirectional overrides and isolates reorder what a reviewer sees ("Eve\u202egnp.exe"); a name needs none of them.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _printable_name(value: str) -> str:
    for char in value:
        if char in _BIDI_CONTROLS:
            raise ValueError("must not contain bidirectional control characters")
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):  # NUL, newlines, escapes, line separators
            raise ValueError("must not contain control characters")
    return value


PersonName = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_printable_name)]
"""A person's name as people read it in lists and reports: no control or bidi-override characters."""
DisplayText = Annotated[str, AfterValidator(_printable_name)]
"""A short single-line label (headline, location, job title): the same rule, no length of its own."""


class Envelope(BaseModel, Generic[T]):
    success: bool = True
    data: T
    message: str | None = None
    timestamp: datetime = Field(default_factory=utcnow)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    limit: int
    pages: int


class ErrorBody(BaseModel):
    code: str = Field(description="stable, in the spec's style: VALIDATION_ERROR, NOT_FOUND, UNAUTHORIZED, ...")
    message: str
    details: Any = None

    @field_validator("code")
    @classmethod
    def spec_style(cls, code: str) -> str:
        """Every code leaves upper snake case, whoever raised it (the spec's `VALIDATION_ERROR`)."""
        return code.upper()

    @field_validator("details")
    @classmethod
    def spec_reason(cls, details: Any) -> Any:
        """Field problems `{field, message}` also carry the spec's name for the message, `reason`."""
        if isinstance(details, list):
            return [{**d, "reason": d["message"]} if isinstance(d, dict) and "field" in d and "message" in d
                    and "reason" not in d else d for d in details]
        return details


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=utcnow)


def ok(data: Any, message: str | None = None) -> Envelope[Any]:
    """A success envelope; its `message` is never empty (the spec's defaults when the handler names none)."""
    default = "Data retrieved successfully" if isinstance(data, Page) else "Operation successful"
    return Envelope[Any](data=data, message=message or default)


def page_of(items: list[Any], total: int, page: int, limit: int) -> Page[Any]:
    return Page[Any](items=items, total=total, page=page, limit=limit, pages=page_count(total, limit))
