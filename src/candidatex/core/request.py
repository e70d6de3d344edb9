from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from candidatex.core.meta import RequestMeta


def meta_of(connection: ASGIConnection[Any, Any, Any, Any]) -> RequestMeta:
    client = connection.client
    return RequestMeta(ip=client.host if client else None, user_agent=connection.headers.get("user-agent"))
