"""Request input the schemas never see: JSON too deep to decode, NUL characters, and NULs in the query string.

Each is refused with a 422 in the error envelope before a handler runs; without this a body nested 1,000 deep
raised RecursionError in the decoder (a 500 on every JSON endpoint, unauthenticated).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from candidatex.core.errors import InvalidInput

MAX_JSON_DEPTH = 32  # deeper than any request schema; MongoDB itself refuses documents nested past 100


def _too_deep_or_nul(value: Any) -> str | None:
    """Walks the decoded body without recursion; says what is wrong with it, or None."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "nul"
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            return "depth"
        if isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return "nul"
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)
    return None


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')  # a string with its escapes
_BRACKETS = re.compile(rb"[][{}]")


def nested_too_deep(body: bytes) -> bool:
    """Reads the nesting depth from the bytes, so the decoder never recurses deeply: a RecursionError raised
    inside a C decoder leaves CPython 3.11's recursion bookkeeping skewed for the rest of the process."""
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        depth += 1 if bracket in (b"{", b"[") else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


def refuse_body(problem: str, where: str = "body") -> InvalidInput:
    if problem == "depth":
        return InvalidInput(f"The request body is nested more than {MAX_JSON_DEPTH} levels deep",
                            details=[{"field": "body", "message": f"at most {MAX_JSON_DEPTH} levels of nesting"}])
    return InvalidInput("The request contains a NUL character",
                        details=[{"field": where, "message": "NUL (\\u0000) is not allowed in any string"}])


class GuardedRequest(Request):
    """The app's request class: `json()` refuses bodies the decoder or the database cannot take."""

    async def json(self) -> Any:
        body = await self.body()
        if body.count(b"{") + body.count(b"[") > MAX_JSON_DEPTH and nested_too_deep(body):
            raise refuse_body("depth")
        try:
            value = await super().json()
        except RecursionError:
            raise refuse_body("depth") from None
        # the walk costs a pass over the body; most bodies show they cannot fail it from their bytes alone
        if body and (body.count(b"{") + body.count(b"[") > MAX_JSON_DEPTH or b"\\u0000" in body):
            problem = _too_deep_or_nul(value)
            if problem:
                raise refuse_body(problem)
        return value


def nul_in_query_middleware(app: ASGIApp) -> ASGIApp:
    """A NUL in the query string or the path (%00) is refused before the handler; the app's handlers answer it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", "")):
            raise refuse_body("nul", "query" if b"%00" in scope.get("query_string", b"") else "path")
        await app(scope, receive, send)

    return middleware
