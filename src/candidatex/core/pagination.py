"""List pages: the query parameters every list route takes and the one helper that reads a page from MongoDB."""

from __future__ import annotations

import math
from typing import Any

from litestar.params import Parameter

PageNumber: Any = Parameter(ge=1, le=100_000, default=1)
"""`page: int = PageNumber`: pages count from 1; a page past 100,000 is a 400, not a scan of the collection."""


def page_size(default: int = 20, maximum: int = 100) -> Any:
    """`limit: int = page_size()`: items per page, at least one, at most `maximum`."""
    return Parameter(ge=1, le=maximum, default=default)


def offset(page: int, limit: int) -> int:
    """Items before the page (for raw PyMongo finds and aggregation `$skip` stages)."""
    return (page - 1) * limit


def page_count(total: int, limit: int) -> int:
    """Pages of `limit` items that `total` items fill; an empty list still has its one (empty) page."""
    return max(1, math.ceil(total / limit)) if limit else 1


async def paginate(finder: Any, sort: Any, page: int, limit: int) -> tuple[list[Any], int]:
    """One page of a Beanie find (`Model.find(query)`) in `sort` order, and how many items match in all."""
    total = await finder.count()
    items = await finder.sort(sort).skip(offset(page, limit)).limit(limit).to_list()
    return items, total
