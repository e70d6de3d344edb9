"""The response envelope of the contract and the list page shape."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, field_validator

from candidatex.core.timeutil import utcnow

T = TypeVar("T")


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


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=utcnow)


def ok(data: Any, message: str | None = None) -> Envelope[Any]:
    """A success envelope; its `message` is never empty (the spec's defaults when the handler names none)."""
    default = "Data retrieved successfully" if isinstance(data, Page) else "Operation successful"
    return Envelope[Any](data=data, message=message or default)


def page_of(items: list[Any], total: int, page: int, limit: int) -> Page[Any]:
    return Page[Any](items=items, total=total, page=page, limit=limit, pages=max(1, math.ceil(total / limit)) if limit else 1)
