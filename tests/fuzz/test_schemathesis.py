"""Property-based fuzzing of every documented operation against a real server, driven by its own OpenAPI schema:
no 5xx for any input, and every documented response matches its declared schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import PASSWORD, live_env
from tests.servers import running_server

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def fuzz_server(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with running_server(live_env(mongo_url), tmp_path_factory.mktemp("fuzz") / "data") as (url, _):
        email = f"fuzz-{uuid.uuid4().hex[:8]}@example.com"
        registered = httpx.post(url + "/auth/register", json={"email": email, "password": PASSWORD,
                                                               "full_name": "Fuzz", "role": "candidate"})
        yield url, {"Authorization": f"Bearer {registered.json()['data']['access_token']}"}


EXCLUDED = {("POST", "/auth/logout")}  # ends the fuzzing account's session; its token must stay valid


def test_api_never_fails_and_matches_its_schema(fuzz_server: tuple[str, dict[str, str]]) -> None:
    url, headers = fuzz_server
    api = schemathesis.openapi.from_url(url + "/schema/openapi.json")
    failures: dict[str, str] = {}
    tried = 0
    for result in api.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        tried += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def fuzz(case) -> None:  # noqa: ANN001 - a schemathesis Case
            case.call_and_validate(base_url=url, headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance], timeout=30)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, reported together below
            failures[f"{operation.method.upper()} {operation.path}"] = str(error)[:1500]
    assert tried > 20
    assert not failures, "\n\n".join(f"{op}:\n{text}" for op, text in failures.items())
