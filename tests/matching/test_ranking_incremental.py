"""A ranking kept up to date by scoring only what changed: a new applicant or a changed resume is scored into
the current run (the others' entries stay as they are), and the scores equal a full re-run's; only an edit
of what every score depends on (the job's matching fields) scores everyone again."""

from __future__ import annotations

import time

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.core.timeutil import utcnow
from tests.conftest import Account, register
from tests.matching.test_ranking_api import JOB, accountant
from tests.resumes.api_helpers import apply, create_job, poll_ready, uploaded_resume


def scores(page: dict) -> list[tuple[str, float, int, float]]:
    return [(i["candidate_id"], i["total"], i["rank"], i["percentile"]) for i in page["items"]]


async def test_new_applicants_and_resumes_are_scored_into_the_current_run(client: AsyncTestClient,
                                                                        recruiter: Account, db: Database) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    people = []
    for years in (1, 6):
        person = await register(client, "candidate")
        resume = await uploaded_resume(client, person, accountant(years), "cv.txt")
        await apply(client, person, job["id"], resume["id"])
        people.append(person)
    first = await poll_ready(client, recruiter, url)
    run = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"]
    before = {e["application_id"]: e["_id"] for e in db.ranking_entries.find({"job_id": job["id"]})}
    assert first["total"] == 2 and len(before) == 2

    late = await register(client, "candidate")
    resume = await uploaded_resume(client, late, accountant(9), "cv.txt")
    await apply(client, late, job["id"], resume["id"])
    ranked = await poll_ready(client, recruiter, url)
    assert ranked["total"] == 3 and ranked["items"][0]["candidate_id"] == late.id  # nine years, NetSuite
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"] == run
    after = {e["application_id"]: e["_id"] for e in db.ranking_entries.find({"job_id": job["id"]})}
    assert all(after[a] == i for a, i in before.items())  # the earlier applicants were not scored again
    synced = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})
    assert synced["synced_version"] == synced["inputs_version"] and synced["scored"] == 3

    # the six-year accountant deletes their resume: their entry goes, the others move up, same run
    leaving = people[1]
    resume_id = db.applications.find_one({"job_id": job["id"], "candidate_id": leaving.id})["resume_id"]
    assert (await client.delete(f"/resume/{resume_id}", headers=leaving.headers)).status_code in (200, 204)
    caught_up = await poll_ready(client, recruiter, url)
    assert [i["candidate_id"] for i in caught_up["items"]] == [late.id, people[0].id]
    assert [i["rank"] for i in caught_up["items"]] == [1, 2]
    assert [(u["candidate_id"], u["reason"]) for u in caught_up["unscored"]] == [(leaving.id, "resume_deleted")]
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"] == run
    # nobody has an interview yet: sorting by it keeps the rank order
    by_interview = (await client.get(url, params={"sort": "interview"}, headers=recruiter.headers)).json()["data"]
    assert [i["candidate_id"] for i in by_interview["items"]] == [late.id, people[0].id]

    # the same scores, ranks and percentiles as scoring everyone again
    await client.get(url, params={"refresh": "true"}, headers=recruiter.headers)
    full = await poll_ready(client, recruiter, url)
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"] != run
    assert scores(full) == scores(caught_up) and full["unscored"] == caught_up["unscored"]


async def test_only_an_edit_to_the_matching_fields_scores_everyone_again(client: AsyncTestClient,
                                                                        recruiter: Account, db: Database) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    person = await register(client, "candidate")
    resume = await uploaded_resume(client, person, accountant(3), "cv.txt")
    await apply(client, person, job["id"], resume["id"])
    first = await poll_ready(client, recruiter, url)
    run = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"]

    moved = await client.put(f"/jobs/{job['id']}", json={"salary_min": 50000, "salary_max": 60000},
                             headers=recruiter.headers)
    assert moved.status_code == 200
    same = await poll_ready(client, recruiter, url)
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"] == run
    assert scores(same) == scores(first)

    harder = await client.put(f"/jobs/{job['id']}", json={"min_years_experience": 6}, headers=recruiter.headers)
    assert harder.status_code == 200
    rescored = await poll_ready(client, recruiter, url)
    assert db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"] != run
    assert rescored["items"][0]["breakdown"]["experience"] == 50.0  # three years of the six now asked
    assert first["items"][0]["breakdown"]["experience"] == 100.0


async def test_a_job_edit_reads_again_a_resume_changed_since_the_last_run(client: AsyncTestClient,
                                                                          recruiter: Account, db: Database) -> None:
    """Re-scoring after an edit reuses the profiles kept from the last run only for resumes unchanged since
    (their applications not marked since): a resume re-parsed meanwhile is scored on its new profile."""
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    person, other = await register(client, "candidate"), await register(client, "candidate")
    resume = await uploaded_resume(client, person, accountant(1), "cv.txt")
    senior = await uploaded_resume(client, other, accountant(9), "cv.txt")
    await apply(client, person, job["id"], resume["id"])
    first = await poll_ready(client, recruiter, url)
    assert first["items"][0]["breakdown"]["experience"] == 50.0  # one year of the two asked

    # the resume is re-parsed into a nine-year career (as another worker process would store it, its event
    # handler marking the resume's applications there: bump_ranking_inputs)
    profile = db.resumes.find_one({"_id": ObjectId(senior["id"])})["profile"]
    db.resumes.update_one({"_id": ObjectId(resume["id"])}, {"$set": {"profile": profile, "updated_at": utcnow()}})
    db.applications.update_many({"resume_id": resume["id"]}, {"$set": {"rank_pending": time.time_ns()}})
    assert (await client.put(f"/jobs/{job['id']}", json={"min_years_experience": 4},
                             headers=recruiter.headers)).status_code == 200
    rescored = await poll_ready(client, recruiter, url)
    assert rescored["items"][0]["breakdown"]["experience"] == 100.0  # nine years of four: the new profile (the old: 25)


async def test_older_runs_are_deleted_and_a_newer_run_under_way_is_kept(client: AsyncTestClient,
                                                                        recruiter: Account, db: Database) -> None:
    """After a sync, the entries of runs older than the current one go (outside the lease); entries of a
    newer run another sync is writing are not touched."""
    import asyncio

    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    person = await register(client, "candidate")
    resume = await uploaded_resume(client, person, accountant(3), "cv.txt")
    await apply(client, person, job["id"], resume["id"])
    await poll_ready(client, recruiter, url)
    run = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"]
    stale = {"job_id": job["id"], "application_id": "old", "total": 1.0, "breakdown": {}}
    db.ranking_entries.insert_many([{**stale, "run_id": "0" * 20}, {**stale, "run_id": "9" * 28}])

    late = await register(client, "candidate")
    late_resume = await uploaded_resume(client, late, accountant(6), "cv.txt")
    await apply(client, late, job["id"], late_resume["id"])
    ranked = await poll_ready(client, recruiter, url)
    assert ranked["total"] == 2 and db.match_results.find_one({"kind": "job", "subject_id": job["id"]})["run_id"] == run
    for _ in range(200):  # the delete follows the lease's release
        if not db.ranking_entries.count_documents({"job_id": job["id"], "run_id": "0" * 20}):
            break
        await asyncio.sleep(0.1)
    assert db.ranking_entries.count_documents({"job_id": job["id"], "run_id": "0" * 20}) == 0
    assert db.ranking_entries.count_documents({"job_id": job["id"], "run_id": "9" * 28}) == 1
    assert db.ranking_entries.count_documents({"job_id": job["id"], "run_id": run}) == 2
