"""/metrics counts every request as Litestar's Prometheus middleware did (same names and labels: method, route,
status, app), while each series is looked up once per process, not four times per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import register


@pytest.fixture
def label_lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    calls: list[tuple[Any, ...]] = []
    labels = MetricWrapperBase.labels

    def counted(self: MetricWrapperBase, *args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return labels(self, *args, **kwargs)

    monkeypatch.setattr(MetricWrapperBase, "labels", counted)
    yield calls


def series(text: str, name: str, path: str, status: str, method: str = "GET") -> float:
    """The value of one sample of the exposition (0 when it is not there)."""
    wanted = {"method": method, "path": path, "status_code": status, "app_name": "candidatex"}
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and sample.labels == wanted)


async def test_requests_are_counted_by_route_and_status_with_one_lookup_per_series(
        client: AsyncTestClient, label_lookups: list[tuple[Any, ...]]) -> None:
    account = await register(client)
    await client.get("/users/me", headers=account.headers)  # the series of this route are looked up here
    before = (await client.get("/metrics")).text
    label_lookups.clear()
    for _ in range(5):
        assert (await client.get("/users/me", headers=account.headers)).status_code == 200
    assert label_lookups == []  # Litestar's middleware made 4 lookups per request: 20 here
    after = (await client.get("/metrics")).text
    for name in ("litestar_requests_total", "litestar_request_duration_seconds_count"):
        assert series(after, name, "/users/me", "200") - series(before, name, "/users/me", "200") == 5, name
    assert series(after, "litestar_requests_in_progress", "/users/me", "200") == 0  # each one ended
    # a new route (with a path parameter: its template, not the id) gets its series on its first request
    # (the registry is the process's: earlier tests may have counted this series already, so count the step)
    seen = series(after, "litestar_requests_total", "/interview/sessions/{session_id}", "404")
    missing = await client.get("/interview/sessions/0123456789abcdef01234567", headers=account.headers)
    assert missing.status_code == 404
    assert series((await client.get("/metrics")).text, "litestar_requests_total",
                  "/interview/sessions/{session_id}", "404") - seen == 1
