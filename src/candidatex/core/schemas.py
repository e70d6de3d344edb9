"""The response envelope of the contract and the list page shape."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

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
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=utcnow)


def ok(data: Any, message: str | None = None) -> Envelope[Any]:
    return Envelope[Any](data=data, message=message)


def page_of(items: list[Any], total: int, page: int, limit: int) -> Page[Any]:
    return Page[Any](items=items, total=total, page=page, limit=limit, pages=max(1, math.ceil(total / limit)) if limit else 1)
