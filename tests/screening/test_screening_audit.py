"""The screening audit: the people's selection and impact ratios, the AI's, and the override rate by group,
with small groups suppressed, over a date range; as JSON, CSV and PDF."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database
from pypdf import PdfReader

from tests.conftest import register
from tests.resumes.api_helpers import create_job

IN_RANGE = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
# (gender, AI recommendation, the person's decision)
DECISIONS = (
    [("woman", "advance", "advance")] * 2 + [("woman", "advance", "reject")] * 3
    + [("man", "advance", "advance")] * 3 + [("man", "do_not_advance", "reject")] * 2
    + [("nonbinary", "do_not_advance", "advance")] * 2  # below the minimum group size: suppressed
    + [(None, "advance", "advance")]  # did not disclose
)


def screening_doc(job_id: str, recruiter_id: str, candidate_id: str, ai: str | None, outcome: str,
                  at: datetime) -> dict:
    decision = {"by": recruiter_id, "by_email": "r@example.com", "at": at, "outcome": outcome,
                "reason": "Read the answers", "ai_recommendation": ai, "ai_total_score": 70.0 if ai == "advance" else 40.0}
    return {"application_id": uuid.uuid4().hex[:24], "job_id": job_id, "candidate_id": candidate_id,
            "recruiter_id": recruiter_id, "sent_by": recruiter_id, "job_title": "Analyst", "mode": "technical",
            "question_count": 3, "duration_minutes": 20, "anti_cheat_policy": "flag_for_review",
            "deadline": at + timedelta(days=7), "status": "started", "consent": None, "session_id": None,
            "human_interview_requested": False, "reminded_at": None, "ai_result": None, "notes": [],
            "decision": decision, "decision_log": [decision], "human_review_requests": [],
            "created_at": at - timedelta(days=1), "updated_at": at}


async def test_audit_override_rate_by_group_with_suppression(client: AsyncTestClient, db: Database) -> None:
    recruiter = await register(client, "recruiter")
    job = await create_job(client, recruiter, title="Analyst")
    docs = []
    for gender, ai, outcome in DECISIONS:
        candidate = await register(client)
        if gender:
            answered = await client.put("/users/me/demographics", json={"gender": gender}, headers=candidate.headers)
            assert answered.status_code == 200, answered.text
        docs.append(screening_doc(job["id"], recruiter.id, candidate.id, ai, outcome, IN_RANGE))
    late = await register(client)
    await client.put("/users/me/demographics", json={"gender": "woman"}, headers=late.headers)
    docs.append(screening_doc(job["id"], recruiter.id, late.id, "advance", "reject", IN_RANGE + timedelta(days=60)))
    db.screenings.insert_many(docs)

    query = {"attribute": "gender", "from": "2026-06-01T00:00:00Z", "to": "2026-07-01T00:00:00Z", "min_group_size": 3}
    response = await client.get(f"/jobs/{job['id']}/screening-audit", params=query, headers=recruiter.headers)
    assert response.status_code == 200, response.text
    audit = response.json()["data"]
    assert audit["decisions"] == len(DECISIONS)  # the one outside the range is left out
    assert audit["overrides"] == 3 + 2 and audit["override_rate"] == round(5 / len(DECISIONS), 4)
    human, ai, override = (audit["sections"][name] for name in ("human", "ai", "override"))
    assert set(human["groups"]) == {"woman", "man"} and human["suppressed_groups"] == 1
    assert human["groups"]["woman"]["selection_rate"] == 0.4 and human["groups"]["man"]["selection_rate"] == 0.6
    assert human["groups"]["woman"]["impact_ratio"] == round(0.4 / 0.6, 4)
    assert ai["groups"]["woman"]["selection_rate"] == 1.0 and ai["groups"]["man"]["selection_rate"] == 0.6
    assert override["groups"]["woman"]["selection_rate"] == 0.6 and override["groups"]["man"]["selection_rate"] == 0.0
    assert "nonbinary" not in str(audit)  # suppressed: no counts, no rates
    assert human["excluded_without_data"] == 1

    exported = await client.get(f"/jobs/{job['id']}/screening-audit/export", params={**query, "format": "csv"},
                                headers=recruiter.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    text = exported.text
    assert "Overrides of the AI's recommendation" in text and "nonbinary" not in text
    rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
    override_rows = [r for r in rows if r[1] == "woman" and r[4] == "0.6"]
    assert override_rows, rows
    pdf = await client.get(f"/jobs/{job['id']}/screening-audit/export", params={**query, "format": "pdf"},
                           headers=recruiter.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    assert len(pages) == 3 and "Overrides" in pages[2].extract_text()

    other = await register(client, "recruiter")
    assert (await client.get(f"/jobs/{job['id']}/screening-audit", headers=other.headers)).status_code in (403, 404)
    candidate = await register(client)
    assert (await client.get(f"/jobs/{job['id']}/screening-audit", headers=candidate.headers)).status_code == 403
    bad = await client.get(f"/jobs/{job['id']}/screening-audit", params={"attribute": "shoe_size"},
                           headers=recruiter.headers)
    assert bad.status_code in (400, 422)
    assert db.screenings.count_documents({"job_id": job["id"], "_id": {"$type": "objectId"}}) == len(docs)
    assert ObjectId.is_valid(docs[0]["application_id"])
