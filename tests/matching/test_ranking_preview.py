"""A job edit scores everyone into a new run; its first pages by rank are served from the scoring (the run's
preview) while its entries are still being written, and equal the pages of the stored run once it is."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

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

    # the new run's entry writes wait for the gate (then are written as usual)
    service = app.state.matching_service
    gate = asyncio.Event()
    insert = service._insert_entries

    async def held(run_id: str, documents: list[dict]) -> None:
        await gate.wait()
        await insert(run_id, documents)

    monkeypatch.setattr(service, "_insert_entries", held)
    edited = await client.put(f"/jobs/{job['id']}", json={"min_years_experience": 8}, headers=recruiter.headers)
    assert edited.status_code == 200
    for _ in range(600):  # bounded: the edit's sync scores the three applicants
        result = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})
        if result.get("preview"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the re-scored run was never previewed")
    try:
        during = (await client.get(url, headers=recruiter.headers)).json()["data"]
        assert during["status"] == "running" and during["progress"]["percent"] == 0.0  # nothing written yet
        assert during["total"] == 3 and during["applicants"] == 3
        # the new scores already: eight years asked, so the four-year accountant has half the experience
        assert sorted(i["breakdown"]["experience"] for i in during["items"]) == [12.5, 50.0, 100.0]
        assert sorted(i["breakdown"]["experience"] for i in before["items"]) == [50.0, 100.0, 100.0]
        assert all(i["reasons"] for i in during["items"])  # explained like any page
        # a sort the preview does not hold is read from the run still stored
        by_skills = (await client.get(url, params={"sort": "skills"}, headers=recruiter.headers)).json()["data"]
        assert sorted(i["breakdown"]["experience"] for i in by_skills["items"]) == [50.0, 100.0, 100.0]
    finally:
        gate.set()
    after = await poll_ready(client, recruiter, url)
    assert scores(after) == scores(during)
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]}).get("preview") is None
