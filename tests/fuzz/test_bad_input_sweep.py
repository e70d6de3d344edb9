"""Every HTTP route of the app, found by walking its routes (not the schema), fed the inputs that used to give 500s:
malformed ids in each path parameter, JSON nested 1,000 deep, NUL characters in the body and in the query.
Anonymous and as each role, so the input reaches the handler's parsing past the guards. No 5xx, and every refusal
in the error envelope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bson import ObjectId
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import make_admin, register

BAD_ID = "zzzzzzzzzzzzzzzzzzzzzzzz"  # 24 characters, not hex: what made DELETE /users/me/sessions/{id} a 500
DEEP_JSON = '{"a":' * 1000 + "1" + "}" * 1000
NUL_JSON = '{"full_name": "A\\u0000B", "email": "a\\u0000@example.com", "content": "\\u0000", "title": "x\\u0000"}'
# these end the caller's own session, and the sweep goes on with the same tokens
SKIPPED = {("POST", "/auth/logout")}


def _routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            if (method, route.path_format) not in SKIPPED:
                found.append((method, route.path))
    return found


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: "1" if m.group(2) == "int" else value, path)


def _assert_refused_cleanly(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert body["success"] is False and body["error"]["code"], f"{what}: not the error envelope: {body}"


@pytest.fixture
async def callers(client: AsyncTestClient, db: Database) -> dict[str, dict[str, str]]:
    return {"anonymous": {}, "candidate": (await register(client, "candidate")).headers,
            "recruiter": (await register(client, "recruiter")).headers, "admin": (await make_admin(client, db)).headers}


async def test_no_route_answers_bad_ids_deep_json_or_nul_with_a_server_error(
        app: Litestar, client: AsyncTestClient, callers: dict[str, dict[str, str]]) -> None:
    routes = _routes(app)
    assert len(routes) > 60, routes  # the walk found the app's routes
    absent_id = str(ObjectId())
    tried = 0
    for method, path in routes:
        for role, headers in callers.items():
            json_headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
            requests = [
                (_fill(path, BAD_ID), None, "malformed id"),
                (_fill(path, absent_id), DEEP_JSON, "JSON nested 1,000 deep"),
                (_fill(path, absent_id), NUL_JSON, "NUL in the body"),
                (_fill(path, absent_id) + "?q=a%00b&page=1", None, "NUL in the query"),
            ]
            for url, body, what in requests:
                response = await client.request(method, url, content=body, headers=json_headers)
                _assert_refused_cleanly(response, f"{role} {method} {url[:80]} with {what}")
                tried += 1
    assert tried == len(routes) * len(callers) * 4


@pytest.mark.parametrize("path", ["/users/me/sessions/zzzzzzzzzzzzzzzzzzzzzzzz", "/users/me/sessions/abc",
                                  "/interview/sessions/" + "Z" * 24, "/jobs/" + "0" * 23 + "g"])
async def test_a_malformed_path_id_is_a_422_that_names_the_parameter(client: AsyncTestClient,
                                                                     callers: dict[str, dict[str, str]],
                                                                     path: str) -> None:
    method = "DELETE" if "/users/me/sessions/" in path else "GET"
    response = await client.request(method, path, headers=callers["candidate"])
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] in ("session_id", "job_id")


async def test_deep_json_and_nul_are_422s_that_say_why_even_unauthenticated(client: AsyncTestClient) -> None:
    deep = await client.post("/auth/register", content=DEEP_JSON, headers={"Content-Type": "application/json"})
    assert deep.status_code == 422 and "nested" in deep.json()["error"]["message"]
    nul = await client.post("/auth/register", headers={"Content-Type": "application/json"},
                            content='{"email": "a@example.com", "password": "x\\u0000", "full_name": "A"}')
    assert nul.status_code == 422 and "NUL" in nul.json()["error"]["message"]
    query = await client.get("/jobs?q=%00")
    assert query.status_code in (401, 422)  # refused either way; never reaches a search with a NUL in it


@pytest.mark.parametrize("name", ["Eve\u202egnp.exe", "Mallory\u2066x", "A\u0000B", "Line\nBreak", "Esc\x1b[31m"])
async def test_names_refuse_control_and_bidi_override_characters(client: AsyncTestClient,
                                                                 callers: dict[str, dict[str, str]],
                                                                 name: str) -> None:
    registered = await client.post("/auth/register", json={"email": "bidi@example.com", "password": "Str0ng-Passw0rd!",
                                                           "full_name": name, "role": "candidate"})
    assert registered.status_code == 422, registered.text
    updated = await client.put("/users/me", json={"full_name": name}, headers=callers["candidate"])
    assert updated.status_code == 422, updated.text
    fine = await client.put("/users/me", json={"full_name": "Zoë Ångström-Nguyễn"}, headers=callers["candidate"])
    assert fine.status_code == 200, fine.text


async def test_openapi_documents_the_error_answers_with_the_envelope(client: AsyncTestClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert "ErrorEnvelope" in schema["components"]["schemas"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
                  if method in ("get", "post", "put", "patch", "delete")]
    assert len(operations) > 60
    for path, method, op in operations:
        assert {"422", "429"} <= set(op["responses"]), (method, path)
        for parameter in op.get("parameters", []):  # every id in a path goes through the one ObjectId parser
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                assert parameter["schema"].get("pattern") == "^[0-9a-fA-F]{24}$", (method, path, parameter["name"])
    revoke = schema["paths"]["/users/me/sessions/{session_id}"]["delete"]
    assert {"401", "404", "409", "422", "429"} <= set(revoke["responses"])
    assert revoke["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    assert revoke["parameters"][0]["schema"]["pattern"] == "^[0-9a-fA-F]{24}$"
    admin_patch = schema["paths"]["/admin/users/{user_id}"]["patch"]
    assert {"401", "403", "404", "409", "422", "429"} <= set(admin_patch["responses"])
