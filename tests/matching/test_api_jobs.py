"""Jobs (drafts, publishing, search over keyword arrays on SecantusDB, filters, pages) and applications
(the status pipeline, its history and audit), plus the interview-access and admin-stats hooks."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import Account, register
from tests.resumes.api_helpers import apply, create_job, uploaded_resume
from tests.resumes.conftest import RESUME_LINES, make_pdf


async def test_job_lifecycle_and_who_may_edit(client: AsyncTestClient, recruiter: Account, candidate: Account,
                                              admin: Account) -> None:
    draft = await create_job(client, recruiter, publish=False, required_skills=["k8s", "python", "Python"],
                             preferred_skills=["postgres", "Kubernetes"], salary_min=50_000, salary_max=70_000)
    jid = draft["id"]
    assert draft["status"] == "draft" and draft["published_at"] is None
    assert draft["required_skills"] == ["Kubernetes", "Python"]  # normalised, duplicates dropped
    assert draft["preferred_skills"] == ["PostgreSQL"]
    assert (await client.get(f"/jobs/{jid}", headers=candidate.headers)).status_code == 404  # drafts are private
    other = await register(client, "recruiter")
    assert (await client.get(f"/jobs/{jid}", headers=other.headers)).status_code == 404
    assert (await client.put(f"/jobs/{jid}", json={"title": "Mine now"}, headers=other.headers)).status_code == 404
    assert (await client.post("/jobs", json={"title": "Nope"}, headers=candidate.headers)).status_code == 403
    bad = await client.post("/jobs", json={"title": "X", "salary_min": 9, "salary_max": 1}, headers=recruiter.headers)
    assert bad.status_code == 422
    assert (await client.post("/jobs", json={"title": "Job", "owner": "x"}, headers=recruiter.headers)).status_code == 422

    updated = await client.put(f"/jobs/{jid}", json={"title": "Senior Backend Engineer", "remote": True},
                               headers=recruiter.headers)
    assert updated.status_code == 200 and updated.json()["data"]["title"] == "Senior Backend Engineer"
    assert updated.json()["data"]["salary_max"] == 70_000  # untouched fields stay
    inverted = await client.put(f"/jobs/{jid}", json={"salary_min": 80_000}, headers=recruiter.headers)
    assert inverted.status_code == 422
    published = await client.post(f"/jobs/{jid}/publish", headers=recruiter.headers)
    assert published.status_code == 200 and published.json()["data"]["status"] == "published"
    again = await client.post(f"/jobs/{jid}/publish", headers=recruiter.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "INVALID_TRANSITION"
    assert (await client.get(f"/jobs/{jid}", headers=candidate.headers)).status_code == 200
    assert (await client.put(f"/jobs/{jid}", json={"title": "Hijack"}, headers=other.headers)).status_code == 403
    assert (await client.post(f"/jobs/{jid}/close", headers=other.headers)).status_code == 403
    assert (await client.put(f"/jobs/{jid}", json={"company": "Admin Co"}, headers=admin.headers)).status_code == 200
    closed = await client.post(f"/jobs/{jid}/close", headers=recruiter.headers)
    assert closed.json()["data"]["status"] == "closed" and closed.json()["data"]["closed_at"]


async def test_search_filters_and_pages(client: AsyncTestClient, recruiter: Account, candidate: Account, db: Database) -> None:
    tag = "zq" + uuid.uuid4().hex[:8]  # a word only this test's jobs carry, so other tests' jobs do not interfere
    specs = [
        dict(title=f"Platform Engineer {tag}", description="Run k8s clusters with Terraform.", location="Berlin",
             remote=True, experience_level="senior", required_skills=["Kubernetes"], salary_min=90_000,
             salary_max=120_000),
        dict(title=f"Data Scientist {tag}", description="Machine learning models in Python.", location="London, UK",
             experience_level="mid", required_skills=["Python", "Machine Learning"], salary_min=60_000,
             salary_max=80_000),
        dict(title=f"Frontend Developer {tag}", description="React and TypeScript interfaces.",
             location="London, UK", remote=True, experience_level="entry", required_skills=["React"]),
    ]
    ids = [(await create_job(client, recruiter, **spec))["id"] for spec in specs]
    draft = await create_job(client, recruiter, publish=False, title=f"Secret Kubernetes role {tag}")

    async def search(**params: object) -> list[str]:
        response = await client.get("/jobs", params={"q": tag, **params}, headers=candidate.headers)
        assert response.status_code == 200, response.text
        return [job["id"] for job in response.json()["data"]["items"]]

    assert set(await search()) == set(ids)  # published only: the draft is not listed
    assert await search(q=f"{tag} Kubernetes") == [ids[0]]  # the job text said k8s
    assert await search(q=f"{tag} ML") == [ids[1]]  # a synonym of machine learning
    assert await search(q=f"{tag} engineers") == [ids[0]]  # word forms meet
    assert await search(skills="python,ml") == [ids[1]]
    assert await search(experience_level="entry") == [ids[2]]
    assert set(await search(location="london")) == {ids[1], ids[2]}
    assert set(await search(remote="true")) == {ids[0], ids[2]}
    assert await search(salary_min=85_000) == [ids[0]]
    assert await search(salary_max=70_000) == [ids[1]]
    assert await search(q=f"{tag} Cobol") == []
    first = (await client.get("/jobs", params={"q": tag, "limit": 2, "page": 1}, headers=candidate.headers)).json()["data"]
    second = (await client.get("/jobs", params={"q": tag, "limit": 2, "page": 2}, headers=candidate.headers)).json()["data"]
    assert first["total"] == 3 and first["pages"] == 2 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert {j["id"] for j in first["items"] + second["items"]} == set(ids)
    assert first["items"][0]["id"] == ids[2]  # newest first

    mine = (await client.get("/jobs", params={"mine": "true", "q": tag}, headers=recruiter.headers)).json()["data"]
    assert {j["id"] for j in mine["items"]} == {*ids, draft["id"]}  # drafts included for their owner
    drafts = (await client.get("/jobs", params={"mine": "true", "status": "draft"}, headers=recruiter.headers))
    assert [j["id"] for j in drafts.json()["data"]["items"]] == [draft["id"]]
    assert (await client.get("/jobs", params={"mine": "true"}, headers=candidate.headers)).status_code == 403
    bad = await client.get("/jobs", params={"experience_level": "guru"}, headers=candidate.headers)
    assert bad.status_code in (400, 422) and bad.json()["success"] is False


async def test_application_pipeline(client: AsyncTestClient, recruiter: Account, candidate: Account,
                                    db: Database) -> None:
    resume = await uploaded_resume(client, candidate, make_pdf(RESUME_LINES))
    job = await create_job(client, recruiter, required_skills=["Python"])
    application = await apply(client, candidate, job["id"], resume["id"])
    aid = application["id"]
    assert application["status"] == "applied" and application["job_title"] == "Backend Engineer"
    twice = await client.post(f"/jobs/{job['id']}/apply", json={"resume_id": resume["id"]}, headers=candidate.headers)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "ALREADY_APPLIED"
    other = await register(client, "candidate")
    stolen = await client.post(f"/jobs/{job['id']}/apply", json={"resume_id": resume["id"]}, headers=other.headers)
    assert stolen.status_code == 422  # someone else's resume
    assert (await client.post(f"/jobs/{job['id']}/apply", json={"resume_id": resume["id"]},
                              headers=recruiter.headers)).status_code == 403

    listed = (await client.get("/applications", params={"job_id": job["id"]}, headers=recruiter.headers)).json()["data"]
    assert [a["id"] for a in listed["items"]] == [aid] and listed["items"][0]["candidate_email"] == candidate.email
    stranger = await register(client, "recruiter")
    assert (await client.get("/applications", headers=stranger.headers)).json()["data"]["total"] == 0
    assert (await client.patch(f"/applications/{aid}", json={"status": "screening"},
                               headers=stranger.headers)).status_code == 404
    assert (await client.patch(f"/applications/{aid}", json={"status": "screening"},
                               headers=candidate.headers)).status_code == 403

    jump = await client.patch(f"/applications/{aid}", json={"status": "offer"}, headers=recruiter.headers)
    assert jump.status_code == 409 and jump.json()["error"]["code"] == "INVALID_TRANSITION"
    assert jump.json()["error"]["details"]["allowed"] == ["rejected", "screening"]
    for status in ("screening", "interview"):
        moved = await client.patch(f"/applications/{aid}", json={"status": status, "note": f"to {status}"},
                                   headers=recruiter.headers)
        assert moved.status_code == 200 and moved.json()["data"]["status"] == status
    back = await client.patch(f"/applications/{aid}", json={"status": "applied"}, headers=recruiter.headers)
    assert back.status_code == 409
    assert (await client.patch(f"/applications/{aid}", json={"status": "hired"},
                               headers=recruiter.headers)).status_code == 422
    mine = (await client.get("/applications", headers=candidate.headers)).json()["data"]["items"]
    assert [c["status"] for c in mine[0]["status_history"]] == ["applied", "screening", "interview"]
    # the recruiter's notes are private: the candidate sees the steps, not what was written about them
    assert mine[0]["status_history"][2]["note"] is None and mine[0]["candidate_email"] is None
    theirs = (await client.get(f"/applications/{aid}", headers=recruiter.headers)).json()["data"]
    assert theirs["status_history"][2]["note"] == "to interview"
    assert (await client.get(f"/applications/{aid}", headers=candidate.headers)).json()["data"][
        "status_history"][2]["note"] is None
    audited = list(db.audit_logs.find({"action": "application.status", "target_id": aid}).sort("created_at", 1))
    assert [(e["details"]["from"], e["details"]["to"]) for e in audited] == [("applied", "screening"),
                                                                            ("screening", "interview")]
    assert all(e["actor_id"] == recruiter.id for e in audited)

    closed = await create_job(client, recruiter)
    await client.post(f"/jobs/{closed['id']}/close", headers=recruiter.headers)
    late = await client.post(f"/jobs/{closed['id']}/apply", json={"resume_id": resume["id"]}, headers=candidate.headers)
    assert late.status_code == 409 and late.json()["error"]["code"] == "JOB_NOT_OPEN"


async def test_applying_to_a_job_does_not_share_the_candidates_practice_interviews(
        client: AsyncTestClient, recruiter: Account, candidate: Account) -> None:
    created = await client.post("/interview/sessions", headers=candidate.headers, json={
        "type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 1})
    sid = created.json()["data"]["session_id"]
    assert (await client.get(f"/interview/sessions/{sid}", headers=recruiter.headers)).status_code == 404
    resume = await uploaded_resume(client, candidate, make_pdf(RESUME_LINES))
    job = await create_job(client, recruiter)
    await apply(client, candidate, job["id"], resume["id"])
    # the recruiter sees the application and its résumé, never the candidate's private practice
    # (the whole matrix: tests/test_session_access_matrix.py)
    assert (await client.get(f"/resume/{resume['id']}", headers=recruiter.headers)).status_code == 200
    assert (await client.get(f"/interview/sessions/{sid}", headers=recruiter.headers)).status_code == 404
    assert (await client.post(f"/interview/sessions/{sid}/end", headers=recruiter.headers)).status_code == 404


async def test_admin_stats_count_jobs_and_applications(client: AsyncTestClient, admin: Account,
                                                       recruiter: Account, db: Database) -> None:
    await create_job(client, recruiter)
    extra = (await client.get("/admin/dashboard/stats", headers=admin.headers)).json()["data"]["extra"]
    assert extra["jobs_total"] == db.jobs.count_documents({})
    assert extra["jobs_published"] == db.jobs.count_documents({"status": "published"}) >= 1
    assert extra["applications_total"] == db.applications.count_documents({})
    assert extra["resumes_total"] == db.resumes.count_documents({})
