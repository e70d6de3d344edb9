"""Request id, access log and security headers on every HTTP response, errors included."""

from __future__ import annotations

import logging
import re
import time
import uuid

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from candidatex.core.logging import request_id_var

logger = logging.getLogger("candidatex.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "media-src 'self' blob: mediastream:; connect-src 'self' ws: wss:; font-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(self), microphone=(self), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# The interactive API docs load their own scripts; they get a looser policy on /schema only.
DOCS_CSP = "default-src 'self' https: 'unsafe-inline' data:; frame-ancestors 'none'"


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = {"code": 0}
        path = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = MutableScopeHeaders.from_message(message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if path.startswith("/schema"):
                    headers["Content-Security-Policy"] = DOCS_CSP
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http" and not path.startswith(("/health", "/metrics", "/assets")):
                logger.info("request", extra={"method": scope.get("method"), "path": path, "status": status["code"],
                                              "ms": round((time.perf_counter() - started) * 1000, 1)})
            request_id_var.reset(token)

    return middleware
