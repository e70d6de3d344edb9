"""Ranking applicants through the API (background task, cached, refreshed on change), recommendations,
voluntary demographics and the fairness audit with a hand-computed example."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.core import crypto
from tests.conftest import Account, register
from tests.resumes.api_helpers import apply, create_job, poll_ready, upload, uploaded_resume, wait_resume
from tests.resumes.conftest import RESUME_LINES, make_docx, make_pdf

WEAK_LINES = [
    "Sam Jones", "sam.jones@example.org", "", "Experience",
    "Barista, Corner Cafe - Jan 2019 - Present", "Made coffee, handled the till and trained new staff.",
    "", "Education", "High school diploma, 2018", "", "Skills", "Customer service, latte art",
]
PLATFORM_JOB = dict(title="Platform Engineer", required_skills=["Kubernetes", "Terraform", "Python"],
                    preferred_skills=["AWS"], min_years_experience=5, education_level="bachelor",
                    description="Operate Kubernetes clusters with Terraform and Helm; Python tooling on AWS. "
                                "5+ years of experience running production infrastructure.")


async def test_strong_candidate_ranks_above_weak(client: AsyncTestClient, recruiter: Account, db: Database) -> None:
    strong, weak = await register(client, "candidate"), await register(client, "candidate")
    strong_resume = await uploaded_resume(client, strong, make_pdf(RESUME_LINES))
    weak_resume = await uploaded_resume(client, weak, make_docx(WEAK_LINES), "sam.docx")
    job = await create_job(client, recruiter, **PLATFORM_JOB)
    url = f"/matching/jobs/{job['id']}/candidates"
    empty = await poll_ready(client, recruiter, url)
    assert empty["items"] == [] and empty["applicants"] == 0
    await apply(client, weak, job["id"], weak_resume["id"])
    await apply(client, strong, job["id"], strong_resume["id"])

    ranking = await poll_ready(client, recruiter, url)
    first, second = ranking["items"]
    assert first["candidate_id"] == strong.id and second["candidate_id"] == weak.id
    assert first["rank"] == 1 and second["rank"] == 2 and first["percentile"] == 100.0 and second["percentile"] == 0.0
    assert first["total"] > second["total"] + 30
    assert {"Kubernetes", "Terraform", "Python"} <= set(first["matched_skills"])
    assert second["missing_skills"][:3] == ["Kubernetes", "Terraform", "Python"]  # required first
    assert set(first["breakdown"]) >= {"skills", "experience", "education", "text_similarity"}
    assert "interview" not in first["breakdown"] and first["recommendation"] and second["recommendation"].startswith("Weak")
    assert first["application_status"] == "applied" and first["candidate_email"] == strong.email
    assert db.match_results.count_documents({"kind": "job", "subject_id": job["id"]}) == 1
    # cached: asking again does not recompute
    computed_at = ranking["computed_at"]
    assert (await client.get(url, headers=recruiter.headers)).json()["data"]["computed_at"] == computed_at

    # a completed interview for this job joins as the interview component and makes the ranking stale
    now = datetime.now(UTC)
    session = db.interview_sessions.insert_one({
        "candidate_id": weak.id, "job_id": job["id"], "type": "ai_mock", "mode": "technical", "status": "completed",
        "job_title": "Platform Engineer", "result": {"total_score": 95.0}, "completed_at": now, "created_at": now,
        "updated_at": now, "last_activity_at": now})
    db.interview_listings.insert_one({"_id": session.inserted_id, "candidate_id": weak.id, "job_id": job["id"],
                                      "status": "completed", "completed_at": now, "created_at": now, "updated_at": now})
    assert (await client.get(url, headers=recruiter.headers)).json()["data"]["status"] == "pending"
    refreshed = await poll_ready(client, recruiter, url)
    weak_item = next(item for item in refreshed["items"] if item["candidate_id"] == weak.id)
    assert weak_item["breakdown"]["interview"] == 95.0 and weak_item["weights"]["interview"] == 0.2
    assert weak_item["interview_session_id"] == str(session.inserted_id)
    assert weak_item["total"] > second["total"]

    # editing the job re-ranks in the background
    await client.put(f"/jobs/{job['id']}", json={"required_skills": ["Latte art", "Customer service"]},
                     headers=recruiter.headers)
    reranked = await poll_ready(client, recruiter, url)
    assert reranked["computed_at"] != refreshed["computed_at"]

    other = await register(client, "recruiter")
    assert (await client.get(url, headers=other.headers)).status_code == 403
    assert (await client.get(url, headers=strong.headers)).status_code == 403


async def test_unreadable_or_deleted_resumes(client: AsyncTestClient, recruiter: Account,
                                            candidate: Account) -> None:
    damaged = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    bad = await wait_resume(client, candidate, (await upload(client, candidate, damaged, "x.pdf")).json()["data"]["id"])
    job = await create_job(client, recruiter)
    refused = await client.post(f"/jobs/{job['id']}/apply", json={"resume_id": bad["id"]}, headers=candidate.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "RESUME_NOT_READY"
    good = await uploaded_resume(client, candidate, b"Python developer with Django and SQL experience.", "cv.txt")
    await apply(client, candidate, job["id"], good["id"])
    url = f"/matching/jobs/{job['id']}/candidates"
    assert len((await poll_ready(client, recruiter, url))["items"]) == 1
    await client.delete(f"/resume/{good['id']}", headers=candidate.headers)
    ranking = await poll_ready(client, recruiter, url)
    assert ranking["items"] == [] and ranking["unscored"] == [
        {"application_id": ranking["unscored"][0]["application_id"], "candidate_id": candidate.id,
         "reason": "resume_deleted"}]


async def test_recommended_jobs_for_a_candidate(client: AsyncTestClient, recruiter: Account,
                                                candidate: Account) -> None:
    none = await client.get("/matching/candidates/me/jobs", headers=candidate.headers)
    assert none.status_code == 409 and none.json()["error"]["code"] == "NO_RESUME"
    await uploaded_resume(client, candidate, make_pdf(RESUME_LINES))
    tag = "zq" + uuid.uuid4().hex[:6]
    platform = await create_job(client, recruiter, **{**PLATFORM_JOB, "title": f"Platform Engineer {tag}"})
    chef = await create_job(client, recruiter, title=f"Pastry Chef {tag}", required_skills=[],
                            description="Bake croissants and run the pastry section of a busy kitchen.")
    draft = await create_job(client, recruiter, publish=False, **PLATFORM_JOB)
    result = await poll_ready(client, candidate, "/matching/candidates/me/jobs?limit=50")
    order = [item["job_id"] for item in result["items"]]
    assert platform["id"] in order and draft["id"] not in order
    assert chef["id"] not in order or order.index(platform["id"]) < order.index(chef["id"])
    top = result["items"][order.index(platform["id"])]
    assert top["title"].startswith("Platform Engineer") and "Kubernetes" in top["matched_skills"]
    assert "interview" not in top["breakdown"]
    await client.post(f"/jobs/{platform['id']}/close", headers=recruiter.headers)
    after = await poll_ready(client, candidate, "/matching/candidates/me/jobs?limit=50")
    assert platform["id"] not in [item["job_id"] for item in after["items"]]
    assert (await client.get("/matching/candidates/me/jobs", headers=recruiter.headers)).status_code == 403


async def test_demographics_are_voluntary_and_validated(client: AsyncTestClient, candidate: Account,
                                                        db: Database) -> None:
    empty = (await client.get("/users/me/demographics", headers=candidate.headers)).json()["data"]
    assert empty["gender"] is None
    saved = await client.put("/users/me/demographics", headers=candidate.headers,
                             json={"gender": "  Non-Binary ", "age_band": "35_44", "veteran": "prefer_not_to_say"})
    assert saved.status_code == 200 and saved.json()["data"]["gender"] == "non-binary"
    stored = db.demographics.find_one({"user_id": candidate.id})
    assert stored["age_band"] != "35_44" and crypto.cipher().decrypt(stored["age_band"]) == "35_44"  # sealed at rest
    assert stored["disability"] is None
    assert not db.users.find_one({"_id": ObjectId(candidate.id)}).get("gender")  # kept apart from the profile
    for bad in ({"age_band": "ancient"}, {"disability": "maybe"}, {"religion": "x"}, {"gender": "<script>"}):
        response = await client.put("/users/me/demographics", json=bad, headers=candidate.headers)
        assert response.status_code == 422, bad
    said = await client.put("/users/me/demographics", json={"gender": "Prefer not to say"}, headers=candidate.headers)
    assert said.json()["data"]["gender"] == "prefer_not_to_say"
    assert (await client.delete("/users/me/demographics", headers=candidate.headers)).status_code == 200
    assert db.demographics.count_documents({"user_id": candidate.id}) == 0


async def test_fairness_audit_hand_computed(client: AsyncTestClient, recruiter: Account) -> None:
    """Women: 4 applicants, 2 reach interview (rate 0.5). Men: 4 applicants, 3 reach interview (0.75).
    Ratio 0.5 / 0.75 = 0.6667 < 0.8: the four-fifths rule flags it; parity difference 0.25.
    One applicant prefers not to say and one never answered: both are left out."""
    job = await create_job(client, recruiter, title="Support Engineer", description="Python support role.")
    plan = [("female", True), ("female", True), ("female", False), ("female", False),
            ("male", True), ("male", True), ("male", True), ("male", False),
            ("prefer_not_to_say", True), (None, False)]
    for gender, advanced in plan:
        person = await register(client, "candidate")
        rid = (await upload(client, person, b"Python support engineer with SQL and Linux.", "cv.txt")).json()["data"]["id"]
        if gender:
            await client.put("/users/me/demographics", json={"gender": gender}, headers=person.headers)
        application = await apply(client, person, job["id"], rid)
        steps = ["screening", "interview"] if advanced else ["rejected"]
        for status in steps:
            moved = await client.patch(f"/applications/{application['id']}", json={"status": status},
                                       headers=recruiter.headers)
            assert moved.status_code == 200, moved.text
    # a man who reached interview and was then rejected still counts as selected at the interview stage
    men = (await client.get("/applications", params={"job_id": job["id"], "status": "interview"},
                            headers=recruiter.headers)).json()["data"]["items"]
    await client.patch(f"/applications/{men[0]['id']}", json={"status": "rejected"}, headers=recruiter.headers)

    url = f"/matching/jobs/{job['id']}/fairness"
    response = await client.get(url, params={"attribute": "gender", "shortlist": "status", "stage": "interview",
                                             "min_group_size": 3}, headers=recruiter.headers)
    assert response.status_code == 200, response.text
    report = response.json()["data"]
    female, male = report["groups"]["female"], report["groups"]["male"]
    assert (female["selected"], female["total"], female["selection_rate"]) == (2, 4, 0.5)
    assert male["selection_rate"] == 0.75 and male["selected"] == 3 and male["impact_ratio"] == 1.0
    assert female["impact_ratio"] == 0.6667
    assert report["disparate_impact_ratio"] == 0.6667 and report["four_fifths_pass"] is False
    assert report["demographic_parity_difference"] == 0.25
    assert report["lowest_rate_group"] == "female" and report["highest_rate_group"] == "male"
    assert report["excluded_without_data"] == 2 and report["pool_size"] == 10
    assert "four-fifths" in report["warning"]
    # at the default minimum of 5 both groups of 4 are suppressed: no counts, no ratio, no headline warning
    small = (await client.get(url, params={"shortlist": "status"}, headers=recruiter.headers)).json()["data"]
    assert small["groups"] == {} and small["suppressed_groups"] == 2 and small["suppressed_candidates"] == 8
    assert small["disparate_impact_ratio"] is None and "four-fifths" not in (small["warning"] or "")
    lowered = await client.get(url, params={"shortlist": "status", "min_group_size": 2}, headers=recruiter.headers)
    assert lowered.status_code in (400, 422)  # the minimum cannot go below 3

    top = await client.get(url, params={"shortlist": "top_n", "top_n": 3, "min_group_size": 3},
                           headers=recruiter.headers)
    assert top.status_code == 200, top.text
    top_report = top.json()["data"]
    assert top_report["top_n_used"] == 3 and top_report["selected"] == 3 and top_report["pool_size"] == 10
    assert sum(g["total"] for g in top_report["groups"].values()) == 8

    other = await register(client, "recruiter")
    assert (await client.get(url, headers=other.headers)).status_code == 403
    assert (await client.get(url, params={"attribute": "religion"}, headers=recruiter.headers)).status_code in (400, 422)
