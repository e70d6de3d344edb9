"""A job edit re-scores everyone from the profiles the service keeps in memory, reading no resume, and the
scores are the engine's own for the corpus; a resume changed or deleted since (by this process or another
worker: the change marks its applications in the database) is read again, never scored from the kept copy."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.matching.engine import JobContext, score_profiles
from candidatex.matching.profile import build_profile
from candidatex.resumes.parsing import read_resume
from tests.conftest import Account, register
from tests.resumes.api_helpers import create_job, poll_ready

CORPUS = Path(__file__).resolve().parents[1] / "data" / "matching_corpus"
JOB = dict(title="Senior Backend Engineer", required_skills=["Python", "PostgreSQL", "Kubernetes"],
           preferred_skills=["Apache Kafka"], min_years_experience=5, education_level="bachelor",
           description="Build Python services on PostgreSQL and run them on Kubernetes. Kafka a plus.")
EDIT = {"preferred_skills": ["Apache Kafka", "Terraform"],
        "description": JOB["description"] + " Terraform a plus."}


@pytest.fixture(scope="module")
def corpus(app: Litestar) -> dict[str, dict[str, Any]]:
    """Every corpus resume's prepared profile, built with the app's embedder, by file name."""
    embedder = app.state.matching_service.embedder
    profiles = {}
    for path in sorted(CORPUS.glob("*.*")):
        if path.suffix in (".pdf", ".docx"):
            _, text, parsed = read_resume(path.read_bytes(), path.name, today=date(2024, 6, 1))
            profiles[path.stem] = build_profile(text, parsed, embedder)
    return profiles


def seed(db: Database, job_id: str, recruiter: Account, profiles: dict[str, dict[str, Any]]) -> dict[str, str]:
    """One applicant per profile, stored as an upload parsed at apply time leaves them; application id by name."""
    now, by_name = datetime.now(UTC), {}
    for name, profile in profiles.items():
        user_id, resume_id = ObjectId(), ObjectId()
        db.users.insert_one({"_id": user_id, "email": f"{name}-{job_id[-6:]}@example.org", "full_name": name,
                             "role": "candidate", "status": "active", "password_hash": "x", "created_at": now,
                             "updated_at": now})
        db.resumes.insert_one({"_id": resume_id, "owner_id": str(user_id), "filename": f"{name}.pdf", "kind": "pdf",
                               "content_type": "application/pdf", "size": 1000, "gridfs_id": ObjectId(),
                               "status": "processed", "text": "", "skills": [], "profile": profile,
                               "applied_job_ids": [job_id], "created_at": now, "updated_at": now})
        inserted = db.applications.insert_one({
            "job_id": job_id, "candidate_id": str(user_id), "recruiter_id": recruiter.id, "resume_id": str(resume_id),
            "status": "applied", "status_history": [{"status": "applied", "at": now}], "created_at": now,
            "updated_at": now, "rank_pending": time.time_ns()})
        by_name[name] = str(inserted.inserted_id)
    db.match_results.update_one({"kind": "job", "subject_id": job_id}, {"$inc": {"inputs_version": 1}}, upsert=True)
    return by_name


def stored(db: Database, job_id: str) -> dict[str, tuple[float, dict[str, float]]]:
    run = db.match_results.find_one({"kind": "job", "subject_id": job_id})["run_id"]
    return {e["application_id"]: (e["total"], e["breakdown"])
            for e in db.ranking_entries.find({"job_id": job_id, "run_id": run})}


def engine_scores(app: Litestar, job: dict[str, Any], profiles: dict[str, dict[str, Any]],
                  by_name: dict[str, str]) -> dict[str, tuple[float, dict[str, float]]]:
    service = app.state.matching_service
    context = JobContext.build(job["title"], job["description"], job["required_skills"], job["preferred_skills"],
                               job["min_years_experience"], job["education_level"], service.embedder)
    items = [(by_name[name], profile, None) for name, profile in profiles.items()]
    return {str(s.key): (s.total, s.breakdown) for s in score_profiles(context, items, service.weights)}


@pytest.fixture
def resume_reads(app: Litestar, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The resume queries the ranking sync sends (a page's explanation reads profiles by itself)."""
    service, queries = app.state.matching_service, []
    read = service._read_resumes

    async def counted(query: dict[str, Any], projection: dict[str, Any]) -> dict[str, dict[str, Any]]:
        queries.append(query)
        return await read(query, projection)

    monkeypatch.setattr(service, "_read_resumes", counted)
    return queries


async def edited(client: AsyncTestClient, recruiter: Account, job: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = await client.put(f"/jobs/{job['id']}", json=fields, headers=recruiter.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_a_job_edit_rescores_the_corpus_from_kept_profiles_with_the_engines_scores(
        client: AsyncTestClient, app: Litestar, recruiter: Account, db: Database,
        corpus: dict[str, dict[str, Any]], resume_reads: list[dict[str, Any]]) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    by_name = seed(db, job["id"], recruiter, corpus)
    first = await poll_ready(client, recruiter, url)
    assert first["total"] == len(corpus) and resume_reads  # the applicants' resumes were read once
    assert stored(db, job["id"]) == engine_scores(app, job, corpus, by_name)

    resume_reads.clear()
    job = await edited(client, recruiter, job, **EDIT)
    ranked = await poll_ready(client, recruiter, url)
    assert resume_reads == []  # everyone scored from the profiles kept in memory
    new = stored(db, job["id"])
    assert new == engine_scores(app, job, corpus, by_name)
    assert new != engine_scores(app, {**job, **JOB}, corpus, by_name)  # the edit moved scores

    # pages and sorts over the re-scored run: in order, every applicant once, their stored scores
    totals = [i["total"] for i in ranked["items"]]
    assert totals == sorted(totals, reverse=True) and ranked["items"][0]["rank"] == 1
    seen = []
    pages = -(-len(corpus) // 20)
    for page in range(1, pages + 1):
        data = (await client.get(url, params={"page": page, "limit": 20, "sort": "experience"},
                                 headers=recruiter.headers)).json()["data"]
        assert data["status"] == "ready" and data["pages"] == pages
        seen += [(i["application_id"], i["breakdown"].get("experience")) for i in data["items"]]
        assert all(new[i["application_id"]][0] == i["total"] for i in data["items"])
    assert sorted(a for a, _ in seen) == sorted(by_name.values())
    experience = [e if e is not None else -1.0 for _, e in seen]
    assert experience == sorted(experience, reverse=True)

    # another recruiter cannot read it, however it was computed
    other = await register(client, "recruiter")
    assert (await client.get(url, headers=other.headers)).status_code == 403


async def test_a_resume_changed_by_another_worker_is_read_again_never_scored_stale(
        client: AsyncTestClient, app: Litestar, recruiter: Account, db: Database,
        corpus: dict[str, dict[str, Any]], resume_reads: list[dict[str, Any]]) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    chosen = {name: corpus[name] for name in ("software-0", "software-1", "nursing-0", "accounting-0")}
    by_name = seed(db, job["id"], recruiter, chosen)
    await poll_ready(client, recruiter, url)

    # another worker re-parses the nurse's resume into a senior engineer's and marks her applications as its
    # event handler does; this process hears nothing of it
    nurse = db.applications.find_one({"_id": ObjectId(by_name["nursing-0"])})
    db.resumes.update_one({"_id": ObjectId(nurse["resume_id"])},
                          {"$set": {"profile": corpus["software-0"], "updated_at": datetime.now(UTC)}})
    db.applications.update_many({"resume_id": nurse["resume_id"]}, {"$set": {"rank_pending": time.time_ns()}})
    db.match_results.update_one({"kind": "job", "subject_id": job["id"]}, {"$inc": {"inputs_version": 1}})
    resume_reads.clear()
    job = await edited(client, recruiter, job, **EDIT)
    ranked = await poll_ready(client, recruiter, url)
    changed = {**chosen, "nursing-0": corpus["software-0"]}
    assert stored(db, job["id"]) == engine_scores(app, job, changed, by_name)
    top = [i["application_id"] for i in ranked["items"][:2]]
    assert sorted(top) == sorted([by_name["software-0"], by_name["nursing-0"]])  # she ranks with the engineer
    nurse_item, engineer = (next(i for i in ranked["items"] if i["application_id"] == by_name[name])
                            for name in ("nursing-0", "software-0"))
    assert nurse_item["reasons"] == engineer["reasons"] and "Python" in nurse_item["matched_skills"]  # explained anew
    # only her resume was read again: one short `_id $in` batch
    assert resume_reads == [{"_id": {"$in": [ObjectId(nurse["resume_id"])]}}] * 2  # light, then its profile


async def test_a_deleted_resume_is_not_scored_from_its_kept_profile(
        client: AsyncTestClient, app: Litestar, recruiter: Account, db: Database,
        corpus: dict[str, dict[str, Any]]) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    by_name = seed(db, job["id"], recruiter, {name: corpus[name] for name in ("software-0", "software-1")})
    await poll_ready(client, recruiter, url)
    leaving = db.applications.find_one({"_id": ObjectId(by_name["software-0"])})
    # deleted through the API by its owner: this process forgets the kept profile and the application is marked
    account = await register(client, "candidate")
    db.resumes.update_one({"_id": ObjectId(leaving["resume_id"])}, {"$set": {"owner_id": account.id}})
    response = await client.delete(f"/resume/{leaving['resume_id']}", headers=account.headers)
    assert response.status_code in (200, 204), response.text
    assert app.state.matching_service._profiles.get(leaving["resume_id"]) is None
    job = await edited(client, recruiter, job, **EDIT)
    ranked = await poll_ready(client, recruiter, url)
    assert [i["application_id"] for i in ranked["items"]] == [by_name["software-1"]]
    assert [(u["application_id"], u["reason"]) for u in ranked["unscored"]] == [(by_name["software-0"],
                                                                              "resume_deleted")]
