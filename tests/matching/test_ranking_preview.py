"""A job edit scores everyone into a new run; the first pages of every sort are served from the scoring (the
run's preview) while its entries are still being written, and equal the pages of the stored run once it is;
pages past the preview come from the run still stored."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.matching import service as matching_service
from tests.conftest import Account, register
from tests.matching.test_ranking_api import JOB, accountant
from tests.matching.test_ranking_incremental import scores
from tests.resumes.api_helpers import apply, create_job, poll_ready, uploaded_resume


async def test_the_first_page_of_a_rescored_job_is_served_while_its_entries_are_written(
        client: AsyncTestClient, app: Litestar, recruiter: Account, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    for years in (1, 4, 9):
        person = await register(client, "candidate")
        resume = await uploaded_resume(client, person, accountant(years), "cv.txt")
        await apply(client, person, job["id"], resume["id"])
    before = await poll_ready(client, recruiter, url)
    assert before["total"] == 3

    # the new run's entry writes wait for the gate (then are written as usual); two entries per sort previewed
    service = app.state.matching_service
    gate = asyncio.Event()
    insert = service._insert_entries

    async def held(run_id: str, documents: list[dict]) -> None:
        await gate.wait()
        await insert(run_id, documents)

    monkeypatch.setattr(service, "_insert_entries", held)
    monkeypatch.setattr(matching_service, "PREVIEW_ENTRIES", 2)
    edited = await client.put(f"/jobs/{job['id']}", json={"min_years_experience": 8}, headers=recruiter.headers)
    assert edited.status_code == 200
    for _ in range(600):  # bounded: the edit's sync scores the three applicants
        result = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})
        if result.get("preview"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the re-scored run was never previewed")

    async def page(**params: object) -> dict:
        return (await client.get(url, params={"limit": 2, **params}, headers=recruiter.headers)).json()["data"]

    try:
        during = await page()
        assert during["status"] == "running" and during["progress"]["percent"] == 0.0  # nothing written yet
        assert during["total"] == 3 and during["applicants"] == 3
        # the new scores already: eight years asked, so the four-year accountant has half the experience
        assert [i["breakdown"]["experience"] for i in during["items"]] == [100.0, 50.0]
        assert [i["breakdown"]["experience"] for i in before["items"]] == [100.0, 100.0, 50.0]
        assert all(i["reasons"] for i in during["items"])  # explained like any page
        by_experience = await page(sort="experience")
        assert [i["breakdown"]["experience"] for i in by_experience["items"]] == [100.0, 50.0]
        lowest = await page(sort="-rank")
        assert [i["breakdown"]["experience"] for i in lowest["items"]] == [12.5, 50.0]
        # past the previewed entries, the run still stored: the one-year accountant at one of two years
        deeper = await page(page=2)
        assert [i["breakdown"]["experience"] for i in deeper["items"]] == [50.0] and deeper["status"] == "running"
    finally:
        gate.set()
    after = await poll_ready(client, recruiter, url)
    assert scores(after)[:2] == scores(during)
    assert [i["application_id"] for i in after["items"]][::-1][:2] == [i["application_id"] for i in lowest["items"]]
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]}).get("preview") is None
