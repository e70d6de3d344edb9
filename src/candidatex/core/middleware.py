"""Request id, access log and security headers on every HTTP response, errors included; the trusted client
address (TRUSTED_PROXIES); per-endpoint rate limits (RATE_LIMITS); Prometheus metrics with each series looked
up once."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException, WebSocketException
from litestar.plugins.prometheus import PrometheusMiddleware
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from candidatex.core.logging import request_id_var
from candidatex.core.ratelimit import Budget, Spent

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


def _request_id(scope: Scope) -> str:
    state = scope.setdefault("state", {})
    if "request_id" not in state:
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        state["request_id"] = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    return state["request_id"]


_SECURITY_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]
_CSP = b"content-security-policy"


def set_raw_headers(message: HTTPResponseStartEvent, replace: Sequence[tuple[bytes, bytes]],
                    defaults: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """Sets ``replace`` (lower-case names) on a response start and adds each of ``defaults`` the response does
    not have, in one pass over its raw headers (Litestar's MutableScopeHeaders decodes them all per name)."""
    headers = list(message.get("headers") or ())
    names = {name for name, _ in replace}
    if any(name.lower() in names for name, _ in headers):
        headers = [(name, value) for name, value in headers if name.lower() not in names]
    present = {name.lower() for name, _ in headers} | names
    headers.extend(replace)
    headers.extend(item for item in defaults if item[0] not in present)
    message["headers"] = headers


async def add_response_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: runs for every response, including 401s from auth and 404s with no route."""
    if message["type"] != "http.response.start":
        return
    replace = [(b"x-request-id", _request_id(scope).encode("latin-1"))]
    if scope.get("path", "").startswith("/schema"):
        replace.append((_CSP, DOCS_CSP.encode("latin-1")))
    set_raw_headers(message, replace, _SECURITY_RAW)


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Binds the request id to the logs written while handling the request, and writes the access log."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        token = request_id_var.set(_request_id(scope))
        started = time.perf_counter()
        status = {"code": 0}
        path = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http" and not path.startswith(("/health", "/metrics", "/assets")):
                logger.info("request", extra={"method": scope.get("method"), "path": path, "status": status["code"],
                                              "ms": round((time.perf_counter() - started) * 1000, 1)})
            request_id_var.reset(token)

    return middleware


# --- the client address, from forwarded headers only when a trusted proxy sent them -----------------------

def _trusted_matcher(entries: list[str]) -> Callable[[str], bool]:
    """TRUSTED_PROXIES: addresses, CIDR networks, or host names (resolved once at start, e.g. `nginx`)."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    names: set[str] = set()
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            names.add(entry)  # also matched literally: peers without an address (test clients, unix sockets)
        try:
            for info in socket.getaddrinfo(entry, None):
                networks.append(ipaddress.ip_network(info[4][0]))
        except (OSError, UnicodeError):
            logger.warning("a TRUSTED_PROXIES name does not resolve", extra={"proxy": entry})

    def trusted(host: str) -> bool:
        if host in names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in networks)

    return trusted


def _forwarded_for(headers: dict[bytes, bytes]) -> list[str]:
    """Client addresses the proxies recorded, nearest last (RFC 7239 `Forwarded`, else X-Forwarded-For)."""
    forwarded = headers.get(b"forwarded", b"").decode("latin-1")
    hops: list[str] = []
    if forwarded:
        for element in forwarded.split(","):
            for pair in element.split(";"):
                name, _, value = pair.strip().partition("=")
                if name.lower() == "for" and value:
                    value = value.strip('"')
                    if value.startswith("["):  # [2001:db8::1]:4711
                        value = value[1:].split("]", 1)[0]
                    elif value.count(":") == 1:  # 192.0.2.1:4711
                        value = value.split(":", 1)[0]
                    hops.append(value)
        return hops
    return [h.strip() for h in headers.get(b"x-forwarded-for", b"").decode("latin-1").split(",") if h.strip()]


def trusted_client_middleware(trusted_proxies: list[str]) -> Callable[[ASGIApp], ASGIApp]:
    """Replaces the peer address by the client's one, walking the forwarded chain from our side while each
    hop is a trusted proxy; anyone else's X-Forwarded-For / Forwarded is ignored (it is only a claim)."""
    trusted = _trusted_matcher(trusted_proxies)

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            if trusted_proxies and scope["type"] in ("http", "websocket") and client and trusted(client[0]):
                headers = dict(scope.get("headers", []))
                host = client[0]
                for hop in reversed(_forwarded_for(headers)):
                    host = hop
                    if not trusted(hop):
                        break
                if host != client[0]:
                    scope["client"] = (host, 0)
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                if proto in ("http", "https") and scope["type"] == "http":
                    scope["scheme"] = proto
            await app(scope, receive, send)

        return middleware

    return factory


# --- per-endpoint budgets on top of the global per-address and per-user ones -------------------------------

UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
# name -> (budget, which requests, counted per); RATE_LIMITS overrides the budgets ("login=5/minute,...")
ENDPOINTS: dict[str, tuple[str, str, str]] = {
    "login": ("30/minute", r"POST ^/auth/login(/2fa)?$", "address"),
    "register": ("20/hour", r"POST ^/auth/register$", "address"),
    "forgot_password": ("10/hour", r"POST ^/auth/forgot-password$", "address"),
    "forgot_password_email": ("3/hour", "", "email"),  # reset mails per target account (auth/service.py)
    "upload": ("30/minute", r"POST ^/resume/upload$|^/interview/sessions/[^/]+/voice-answer$", "user"),
    "answer": ("60/minute", r"POST ^/interview/sessions/[^/]+/answer$", "user"),
    "ws_connect": ("60/minute", r"WS ^/", "user"),
}


def _budget(text: str) -> tuple[int, int]:
    count, _, unit = text.strip().partition("/")
    if not count.strip().isdigit() or unit.strip() not in UNIT_SECONDS:
        raise ValueError(f"RATE_LIMITS: {text!r} should look like 20/minute (second, minute, hour or day)")
    return UNIT_SECONDS[unit.strip()], int(count)


def endpoint_budgets(spec: str) -> dict[str, tuple[int, int]]:
    """(window seconds, requests) per endpoint; 0 requests = no limit. `off` turns every one off (tests)."""
    budgets = {name: _budget(default) for name, (default, _, _) in ENDPOINTS.items()}
    if spec.strip().lower() == "off":
        return {name: (window, 0) for name, (window, _) in budgets.items()}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in ENDPOINTS:
            raise ValueError(f"RATE_LIMITS: unknown endpoint {name!r} (known: {', '.join(ENDPOINTS)})")
        budgets[name] = (UNIT_SECONDS["minute"], 0) if value.strip() == "off" else _budget(value)
    return budgets


def get_remote_address(request: Any) -> str:
    """The client address (after trusted_client_middleware), read from the scope: Litestar's helper builds an
    Address object twice per call."""
    client = request.scope.get("client")
    return client[0] if client else "127.0.0.1"


def user_or_address(request: Any) -> str:
    """The signed-in user when the request carries a valid access token, else the client address."""
    # the authentication middleware runs first: its verified token, when there is one, is not decoded again
    verified = request.scope.get("auth")
    if isinstance(getattr(verified, "sub", None), str) and request.scope.get("user") is not None:
        return "user:" + verified.sub
    header = request.headers.get("authorization", "")
    encoded = header.partition(" ")[-1] if header else request.query_params.get("token", "")
    tokens = getattr(request.app.state, "tokens", None)
    if encoded and tokens is not None:
        with contextlib.suppress(Exception):  # an unusable token is limited by address instead
            return "user:" + tokens.decode(encoded, "candidatex:access").sub
    return "ip:" + get_remote_address(request)


def _matcher(rule: str) -> Callable[[Any], bool]:
    method, _, pattern = rule.partition(" ")
    path = re.compile(pattern)
    if method == "WS":
        return lambda request: request.scope["type"] == "websocket" and bool(path.search(request.scope["path"]))
    return lambda request: (request.scope["type"] == "http" and request.scope.get("method") == method
                            and bool(path.search(request.scope["path"])))


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str  # the key prefix in the store
    limit: int
    window: int
    applies: Callable[[Any], bool]
    identify: Callable[[Any], str]


def _global_http(request: Any) -> bool:
    return request.scope["type"] == "http"


def _carries_a_token(request: Any) -> bool:
    return request.scope["type"] == "http" and "authorization" in request.headers


def budget_rules(per_address: int, per_user: int, spec: str) -> list[_Rule]:
    """The per-address and per-user budgets of every HTTP request, then the per-endpoint ones (RATE_LIMITS)."""
    rules = [_Rule("address", per_address, UNIT_SECONDS["minute"], _global_http, get_remote_address),
             _Rule("user", per_user, UNIT_SECONDS["minute"], _carries_a_token, user_or_address)]
    for name, (window, limit) in endpoint_budgets(spec).items():
        _, rule, per = ENDPOINTS[name]
        if rule and limit > 0:
            rules.append(_Rule(name, limit, window, _matcher(rule),
                               user_or_address if per == "user" else get_remote_address))
    return [rule for rule in rules if rule.limit > 0]


_UNLIMITED = re.compile(r"^/(health|metrics|assets)")
DEFERRED_CHECK = "deferred_check"  # scope["state"] key of a DeferredCheck


@dataclass(frozen=True, slots=True)
class DeferredCheck:
    """A check another middleware (the authentication) leaves to the rate limiter's round trip: the existence of
    ``keys`` is read by the same Redis script that spends the budgets, then ``settle`` gets how many exist
    (None: not read, e.g. Redis unreachable: it must read them itself) and raises to refuse the request."""

    keys: list[str]
    settle: Callable[[int | None], Awaitable[None]]


def shared_windows_redis(scope: Scope) -> Any:
    """The Redis client on which rate_limit_middleware will spend this request's budgets, or None when it will
    not (no budget applies, the path is unlimited, the windows are this process's own)."""
    if scope["type"] not in ("http", "websocket") or _UNLIMITED.match(scope["path"]):
        return None
    litestar_app = scope["litestar_app"]
    redis = getattr(litestar_app.state.get("rate_windows"), "redis", None)
    rules = litestar_app.state.get("rate_rules")
    if redis is None or not rules:
        return None
    request = litestar_app.request_class(scope)
    return redis if any(rule.applies(request) for rule in rules) else None


def rate_limit_middleware(rules: list[_Rule]) -> Callable[[ASGIApp], ASGIApp]:
    """Every budget a request falls under, checked and spent in one store round trip (core/ratelimit.py). That
    round trip also reads the keys of a DeferredCheck the authentication left in the scope (the token's denylist
    entries), so an authenticated request costs one Redis round trip, not two.

    The response carries the IETF draft RateLimit-* headers of the per-address budget (of the spent one on a
    429); a WebSocket connect over budget is refused with close code 4429."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            deferred: DeferredCheck | None = scope.get("state", {}).pop(DEFERRED_CHECK, None)
            if scope["type"] not in ("http", "websocket") or _UNLIMITED.match(scope["path"]):
                if deferred is not None:
                    await deferred.settle(None)
                await app(scope, receive, send)
                return
            litestar_app = scope["litestar_app"]
            request = litestar_app.request_class(scope)
            applying = [rule for rule in rules if rule.applies(request)]
            if not applying:
                if deferred is not None:
                    await deferred.settle(None)
                await app(scope, receive, send)
                return
            budgets = [Budget(f"{rule.name}::{rule.identify(request)}", rule.limit, rule.window) for rule in applying]
            spent = await litestar_app.state.rate_windows.spend(budgets, deferred.keys if deferred else ())
            if deferred is not None:  # first: a revoked token is refused (401) whatever its budgets say
                await deferred.settle(spent.present)
            if spent.refused is not None:
                if scope["type"] == "websocket":
                    raise WebSocketException(detail="Too many connections; try again shortly", code=4429)
                raise TooManyRequestsException(headers=_headers(applying, spent, spent.refused))
            if scope["type"] == "http":
                send = _with_headers(send, [(name.lower().encode("latin-1"), value.encode("latin-1"))
                                            for name, value in _headers(applying, spent, 0).items()])
            await app(scope, receive, send)

        return middleware

    return factory


def _headers(rules: list[_Rule], spent: Spent, index: int) -> dict[str, str]:
    rule = rules[index]
    return {"RateLimit-Policy": f"{rule.limit}; w={rule.window}", "RateLimit-Limit": str(rule.limit),
            "RateLimit-Remaining": str(max(rule.limit - spent.counts[index], 0)),
            "RateLimit-Reset": str(spent.resets[index])}


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            set_raw_headers(message, headers)
        await send(message)

    return wrapped


# --- Prometheus: Litestar's metrics, each label set's series looked up once ----------------------------------

_SERIES_MAX = 10_000  # a bound on the lookups kept (routes x methods x statuses), not an eviction policy


class PrometheusSeriesMiddleware(PrometheusMiddleware):
    """Litestar's Prometheus middleware with the same metrics, names and labels, whose per-request work was ~12 %
    of an authenticated read's loop CPU: a Request object, two label dicts and a `functools.wraps` per request,
    and four `labels()` lookups (each validating its values under a lock). Here each (method, route, status)
    series is looked up once per process and kept. Configurations this does not cover (extra labels, exemplars,
    excluded methods, ungrouped paths) go through Litestar's own code."""

    def __init__(self, app: ASGIApp, config: Any) -> None:
        super().__init__(app, config)
        self._series: dict[tuple[str, str, str, int], Any] = {}
        self.lookups = 0  # series looked up in the metrics (tests: once per series, not per request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        config = self._config
        if config.labels or config.exemplars or config.excluded_http_methods or not config.group_path:
            await super().__call__(scope, receive, send)
            return
        method = scope["method"] if scope["type"] == ScopeType.HTTP else scope["type"]
        path = scope["path_template"]
        span = {"started": time.perf_counter(), "duration": 0.0, "status": 200}

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                span["status"] = message["status"]
            elif message["type"] == "http.response.body":
                span["duration"] = time.perf_counter() - span["started"]
            await send(message)

        in_progress = self._one("in_progress", method, path, 200)
        in_progress.inc()
        try:
            await self.app(scope, receive, timed_send)
        finally:
            in_progress.dec()
            status = int(span["status"])
            if status >= HTTP_500_INTERNAL_SERVER_ERROR:
                self._one("errors", method, path, status).inc()
            self._one("count", method, path, status).inc()
            self._one("time", method, path, status).observe(span["duration"])

    def _one(self, kind: str, method: str, path: str, status: int) -> Any:
        key = (kind, method, path, status)
        series = self._series.get(key)
        if series is None:
            labels: dict[str, str | int | float] = {"method": method, "path": path, "status_code": status,
                                                    "app_name": self._config.app_name}
            metric = {"in_progress": self.requests_in_progress, "errors": self.requests_error_count,
                      "count": self.request_count, "time": self.request_time}[kind](labels)
            if len(self._series) >= _SERIES_MAX:
                self._series.clear()
            series = self._series[key] = metric.labels(*labels.values())
            self.lookups += 1
        return series
