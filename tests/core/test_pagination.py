"""List pages through the one helper: every list route counts, orders and cuts the same way, and refuses a page
number or size out of range with a 422 envelope."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from candidatex.core.pagination import page_count
from tests.conftest import PASSWORD, Account


@pytest.mark.parametrize(("total", "limit", "pages"), [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (7, 3, 3)])
def test_page_count(total: int, limit: int, pages: int) -> None:
    assert page_count(total, limit) == pages


async def test_pages_cover_every_match_once_newest_first(client: Any, admin: Account) -> None:
    marker = f"pg{uuid.uuid4().hex[:8]}"
    emails = [f"{marker}-{n}@example.com" for n in range(5)]
    for email in emails:
        registered = await client.post("/auth/register", json={"email": email, "password": PASSWORD,
                                                                 "full_name": "Paged Person", "role": "candidate"})
        assert registered.status_code == 201, registered.text
    pages = []
    for page in (1, 2, 3, 4):
        response = await client.get("/admin/users", params={"q": marker, "page": page, "limit": 2},
                                    headers=admin.headers)
        pages.append(response.json()["data"])
    assert [p["total"] for p in pages] == [5] * 4 and [p["pages"] for p in pages] == [3] * 4
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]  # past the last page: an empty page, not an error
    assert [user["email"] for p in pages for user in p["items"]] == emails[::-1]


@pytest.mark.parametrize("params", [{"page": 0}, {"page": 100_001}, {"limit": 0}, {"limit": 101}, {"page": "two"}])
async def test_a_page_out_of_range_is_a_422_envelope(client: Any, admin: Account, params: dict[str, Any]) -> None:
    response = await client.get("/admin/users", params=params, headers=admin.headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "VALIDATION_ERROR"
