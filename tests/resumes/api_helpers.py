"""Helpers for the resume, job and matching API tests."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient

from tests.conftest import Account

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def upload(client: AsyncTestClient, account: Account, content: bytes, filename: str = "cv.pdf",
                 content_type: str = "application/octet-stream") -> Any:
    return await client.post("/resume/upload", headers=account.headers,
                             files={"data": (filename, content, content_type)})


async def wait_resume(client: AsyncTestClient, account: Account, resume_id: str, polls: int = 400) -> dict:
    """Polls until the background parse finished (processed or failed)."""
    for _ in range(polls):
        response = await client.get(f"/resume/{resume_id}", headers=account.headers)
        data = response.json()["data"]
        if data["status"] != "pending":
            return data
        await asyncio.sleep(0.05)
    raise AssertionError(f"resume {resume_id} was never processed")


async def uploaded_resume(client: AsyncTestClient, account: Account, content: bytes, filename: str = "cv.pdf") -> dict:
    response = await upload(client, account, content, filename)
    assert response.status_code == 201, response.text
    data = await wait_resume(client, account, response.json()["data"]["id"])
    assert data["status"] == "processed", data
    return data


async def create_job(client: AsyncTestClient, recruiter: Account, publish: bool = True, **fields: Any) -> dict:
    body = {"title": "Backend Engineer", "company": "Acme", "description": "Build Python services.",
            "location": "London, UK", "publish": publish, **fields}
    response = await client.post("/jobs", json=body, headers=recruiter.headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def apply(client: AsyncTestClient, candidate: Account, job_id: str, resume_id: str) -> dict:
    response = await client.post(f"/jobs/{job_id}/apply", json={"resume_id": resume_id}, headers=candidate.headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def poll_ready(client: AsyncTestClient, account: Account, url: str, polls: int = 400) -> dict:
    """GETs a cached-result endpoint until its status is ready."""
    for _ in range(polls):
        response = await client.get(url, headers=account.headers)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        if data["status"] == "ready":
            return data
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never became ready")
