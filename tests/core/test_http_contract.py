"""The HTTP contract every route shares: envelope, errors, headers, limits, health, metrics, OpenAPI."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, Account
from tests.servers import running_server


async def test_security_headers_on_success_and_error(client: AsyncTestClient) -> None:
    for path in ("/health", "/users/me", "/no-such-thing"):
        response = await client.get(path, headers={"Accept": "application/json"})
        headers = response.headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "max-age" in headers["strict-transport-security"]
        assert headers["x-request-id"]


async def test_each_security_and_rate_header_is_sent_once(client: AsyncTestClient, candidate: Account) -> None:
    """The headers are added in one pass over the raw list: none twice, the docs' looser policy replacing ours."""
    names = ("content-security-policy", "strict-transport-security", "x-content-type-options", "x-frame-options",
             "referrer-policy", "permissions-policy", "cross-origin-opener-policy", "x-request-id")
    for path, extra in (("/users/me", ("ratelimit-limit", "ratelimit-remaining", "ratelimit-policy")),
                        ("/schema/swagger", ()), ("/no-such-thing", ())):
        response = await client.get(path, headers={**candidate.headers, "X-Request-ID": "once-1"})
        for name in (*names, *extra):
            assert len(response.headers.get_list(name)) == 1, (path, name, response.headers.get_list(name))
        assert response.headers["x-request-id"] == "once-1"
        docs = response.headers["content-security-policy"].startswith("default-src 'self' https:")
        assert docs == path.startswith("/schema"), (path, response.headers["content-security-policy"])


async def test_request_id_is_echoed_when_sane(client: AsyncTestClient) -> None:
    assert (await client.get("/health", headers={"X-Request-ID": "abc-123"})).headers["x-request-id"] == "abc-123"
    assert (await client.get("/health", headers={"X-Request-ID": "bad id\r\n"})).headers["x-request-id"] != "bad id"


async def test_cors_allows_only_the_allowlist(client: AsyncTestClient) -> None:
    allowed = await client.options("/auth/login", headers={"Origin": "http://localhost:8000",
                                                            "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:8000"
    denied = await client.options("/auth/login", headers={"Origin": "https://evil.example",
                                                           "Access-Control-Request-Method": "POST"})
    assert denied.headers.get("access-control-allow-origin") != "https://evil.example"


async def test_unknown_route_and_method_are_enveloped(client: AsyncTestClient) -> None:
    missing = await client.get("/no-such-thing", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json()["success"] is False
    wrong_method = await client.delete("/auth/login")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


async def test_malformed_json_is_422_never_500(client: AsyncTestClient, candidate: Account) -> None:
    for body in (b"{not json", b"[]", b"null", b'"string"', b"\xff\xfe"):
        response = await client.post("/auth/login", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, body
        response = await client.put("/users/me", content=body, headers={**candidate.headers,
                                                                        "Content-Type": "application/json"})
        assert response.status_code in (400, 422), body
        assert response.json()["success"] is False


def test_body_limit_413_and_rate_limits_per_user_and_per_address(mongo_url: str, tmp_path: Path) -> None:
    env = {"MONGODB_URL": mongo_url, "MONGODB_DB": f"limits_{uuid.uuid4().hex[:8]}", "MAX_REQUEST_BYTES": "2048",
           "RATE_LIMIT_PER_MINUTE": "14", "RATE_LIMIT_USER_PER_MINUTE": "4", "SEED_DEMO": "false"}
    with running_server(env, tmp_path / "data") as (url, _):
        big = httpx.post(url + "/auth/register", content=b'{"email": "' + b"a" * 4096 + b'"}',
                         headers={"Content-Type": "application/json"})
        assert big.status_code == 413
        assert big.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
        tokens = []
        for name in ("first", "second"):
            registered = httpx.post(url + "/auth/register", json={"email": f"{name}@example.com", "password": PASSWORD,
                                                                   "full_name": name, "role": "candidate"})
            tokens.append({"Authorization": f"Bearer {registered.json()['data']['access_token']}"})
        first_user = [httpx.get(url + "/users/me", headers=tokens[0]).status_code for _ in range(5)]
        assert first_user == [200, 200, 200, 200, 429]  # the user's own budget of 4
        assert httpx.get(url + "/users/me", headers=tokens[1]).status_code == 200  # others are not affected
        statuses = [httpx.post(url + "/auth/forgot-password", json={"email": "x@example.com"}) for _ in range(8)]
        codes = [r.status_code for r in statuses]
        assert codes[0] == 200 and codes[-1] == 429  # then the address's budget of 14 runs out
        blocked = statuses[-1]
        assert int(blocked.headers["retry-after"]) >= 1
        assert blocked.json()["error"]["code"] == "TOO_MANY_REQUESTS"
        assert httpx.get(url + "/health").status_code == 200  # probes are never limited


def test_json_logs_carry_the_request_id_and_redact_tokens() -> None:
    import json
    import logging

    from candidatex.core.logging import JsonFormatter, request_id_var

    token = request_id_var.set("req-42")
    try:
        record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1,
                                   'GET /interview/x/stream?token=eyJhbGciOi.secret.part&last_seq=3', (), None)
        record.password = "hunter2"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-42" and line["level"] == "INFO"
    assert "eyJhbGciOi" not in line["msg"] and "last_seq=3" in line["msg"]
    assert line["password"] == "[redacted]"


async def test_health_ready_reports_database_with_latency(client: AsyncTestClient) -> None:
    live = await client.get("/health")
    assert live.json()["data"]["status"] == "ok"
    ready = (await client.get("/health/ready")).json()["data"]
    assert ready["status"] == "ready"
    assert ready["checks"]["database"]["status"] == "ok" and ready["checks"]["database"]["latency_ms"] >= 0
    assert "redis" not in ready["checks"]


async def test_metrics_are_prometheus_text(client: AsyncTestClient) -> None:
    await client.get("/health")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "candidatex_requests_total" in response.text or "litestar_requests_total" in response.text


async def test_openapi_schema_lists_the_contract(client: AsyncTestClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    for path in ("/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/forgot-password",
                 "/auth/reset-password", "/auth/verify-email", "/users/me", "/users/me/sessions", "/admin/users",
                 "/admin/audit-logs", "/admin/dashboard/stats", "/health", "/health/ready"):
        assert path in schema["paths"], path
    assert "BearerToken" in schema["components"]["securitySchemes"]
