"""Résumés and jobs announce their changes on the hiring bus and matching re-ranks: a résumé parsed again is scored
again into the job's ranking, even when another subscriber of the bus fails (it is logged, the rest still run)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from bson import ObjectId
from gridfs import GridFSBucket
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.core.bus import TypedBus
from candidatex.resumes.events import ResumeChanged
from tests.conftest import Account, register
from tests.matching.test_ranking_api import JOB, accountant
from tests.resumes.api_helpers import apply, create_job, poll_ready, uploaded_resume
from tests.screening.test_screening_api import on_app_loop


async def test_a_resume_parsed_again_is_re_ranked_though_another_subscriber_fails(
        client: AsyncTestClient, app: Litestar, recruiter: Account, db: Database,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    person = await register(client, "candidate")
    resume = await uploaded_resume(client, person, accountant(1), "cv.txt")
    await apply(client, person, job["id"], resume["id"])
    first = await poll_ready(client, recruiter, url)
    assert first["items"][0]["breakdown"]["experience"] == 50.0  # one year of the two asked
    stale_before = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["inputs_version"]

    heard: list[ResumeChanged] = []

    async def broken(event: ResumeChanged) -> None:
        heard.append(event)
        raise RuntimeError("a subscriber that breaks")

    events = app.state.domain.events  # the broken one goes first: matching's own subscriber must still run
    monkeypatch.setitem(events._handlers, ResumeChanged, [broken, *events._handlers[ResumeChanged]])
    # the résumé's file is replaced by a nine-year career and parsed again (the background task)
    new_file = GridFSBucket(db, bucket_name="resumes").upload_from_stream("cv.txt", accountant(9))
    db.resumes.update_one({"_id": ObjectId(resume["id"])}, {"$set": {"gridfs_id": new_file}})
    with caplog.at_level(logging.ERROR, logger="candidatex.core.bus"):
        parsed = await on_app_loop(client, app.state.resume_service.process, resume["id"])

    assert parsed is not None and parsed.status == "processed" and parsed.profile is not None
    assert [e.resume_id for e in heard] == [resume["id"]]
    assert any(r.getMessage() == "hiring subscriber failed" and getattr(r, "resume_id", None) == resume["id"]
               for r in caplog.records)
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["inputs_version"] > stale_before
    rescored = await poll_ready(client, recruiter, url)
    assert rescored["items"][0]["breakdown"]["experience"] == 100.0  # the new profile: nine years of two


@dataclass(frozen=True, slots=True)
class Happened:
    thing_id: str


async def test_a_failing_subscriber_is_logged_and_the_next_still_hears(caplog: pytest.LogCaptureFixture) -> None:
    bus: TypedBus[Happened] = TypedBus("test")
    heard: list[str] = []

    async def fails(event: Happened) -> None:
        raise ValueError("no")

    async def listens(event: Happened) -> None:
        heard.append(event.thing_id)

    bus.subscribe(Happened, fails)
    bus.subscribe(Happened, listens)
    with caplog.at_level(logging.ERROR, logger="candidatex.core.bus"):
        await bus.publish(Happened("t1"))  # the publisher is not failed either
    assert heard == ["t1"]
    [record] = [r for r in caplog.records if r.getMessage() == "test subscriber failed"]
    assert record.thing_id == "t1" and record.event == "Happened"  # type: ignore[attr-defined]
