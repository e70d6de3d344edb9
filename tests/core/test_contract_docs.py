"""docs/api.md against the OpenAPI schema the app serves: every documented operation exists, every operation is
documented, and the page says each thing once."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from litestar.testing import AsyncTestClient

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OPERATION = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))*) (/[^\s`?]*)")
NOT_IN_OPENAPI = {"/metrics"}  # Prometheus' endpoint is left out of the schema on purpose


def shape(path: str) -> str:
    """`/jobs/{id}` and `/jobs/{job_id}` are the same operation."""
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def documented() -> set[tuple[str, str]]:
    found = set()
    for methods, path in OPERATION.findall(API_MD.read_text(encoding="utf-8")):
        found.update((method, shape(path)) for method in methods.split("/"))
    return found


async def served(client: AsyncTestClient) -> set[tuple[str, str]]:
    schema = (await client.get("/schema/openapi.json")).json()
    return {(method.upper(), shape(path)) for path, item in schema["paths"].items() for method in item
            if method.upper() in METHODS}


async def test_every_operation_is_documented_and_every_documented_one_exists(client: AsyncTestClient) -> None:
    in_docs, in_schema = documented(), await served(client)
    missing = sorted(in_schema - in_docs)
    assert not missing, f"document these in docs/api.md: {missing}"
    unknown = sorted(op for op in in_docs - in_schema if op[1] not in NOT_IN_OPENAPI)
    assert not unknown, f"docs/api.md names operations the app does not have: {unknown}"


def test_api_page_says_each_thing_once() -> None:
    lines = [line.strip() for line in API_MD.read_text(encoding="utf-8").splitlines()
             if len(line.strip()) > 30 and not line.startswith("| method")]  # table headers repeat by design
    repeated = [line for line, count in Counter(lines).items() if count > 1]
    assert not repeated, f"repeated in docs/api.md: {repeated}"
