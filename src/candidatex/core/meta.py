"""Who is asking, in a form services can take without knowing HTTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    """Who is asking, from where: passed from controllers so services stay free of HTTP types."""

    ip: str | None = None
    user_agent: str | None = None
