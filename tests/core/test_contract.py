"""The technical spec's own examples (sections 3 and 7.2), sent as the spec writes them, against the real app."""

from __future__ import annotations

from datetime import datetime

from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import Account, register
from tests.resumes.api_helpers import apply, create_job, uploaded_resume
from tests.resumes.conftest import RESUME_LINES, make_pdf

STANDARD_KEYS = {"success", "data", "message", "timestamp"}
ERROR_KEYS = {"success", "error", "timestamp"}


def spec_error(response, status: int, code: str) -> dict:
    """The spec's error response: {success: false, error: {code, message, details}, timestamp}."""
    body = response.json()
    assert response.status_code == status, response.text
    assert set(body) == ERROR_KEYS and body["success"] is False
    assert body["error"]["code"] == code and body["error"]["message"]
    datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    return body["error"]


def spec_ok(response, status: int = 200) -> dict:
    """The spec's standard response, its `message` filled."""
    body = response.json()
    assert response.status_code == status, response.text
    assert set(body) == STANDARD_KEYS and body["success"] is True
    assert isinstance(body["message"], str) and body["message"], body
    return body["data"]


async def test_the_specs_interview_flow_works_unchanged(client: AsyncTestClient, candidate: Account) -> None:
    """Section 7.2, test_complete_interview_flow: the same requests, read through the envelope."""
    created = await client.post("/interview/sessions", headers=candidate.headers,
                                json={"candidate_id": candidate.id, "type": "mock", "mode": "technical"})
    session_id = spec_ok(created, 201)["id"]

    precheck = await client.post(f"/interview/sessions/{session_id}/precheck", headers=candidate.headers,
                                 json={"camera": True, "microphone": True, "passed": True})
    checked = spec_ok(precheck)
    assert checked["passed"] is True and checked["status"] == "precheck"
    assert any("speaker" in w and "fullscreen" in w for w in checked["warnings"])  # named, not silently passed

    question = spec_ok(await client.get(f"/interview/sessions/{session_id}/next-question", headers=candidate.headers))
    assert question["id"] and question["content"] and question["type"] == "text"

    answered = await client.post(f"/interview/sessions/{session_id}/answer", headers=candidate.headers,
                                 json={"question_id": question["id"], "content": "Test answer", "type": "text"})
    answer = spec_ok(answered)
    assert "score" in answer["feedback"] and "next_question_id" in answer
    following = spec_ok(await client.get(f"/interview/sessions/{session_id}/next-question", headers=candidate.headers))
    assert answer["next_question_id"] == following["id"]


async def test_server_decides_the_precheck_whatever_the_client_claims(client: AsyncTestClient,
                                                                      candidate: Account) -> None:
    created = spec_ok(await client.post("/interview/sessions", headers=candidate.headers,
                                        json={"type": "mock", "mode": "behavioral", "job_title": "Analyst"}), 201)
    spec_form = {"camera": True, "microphone": True, "speaker": True, "fullscreen": True, "single_screen": False,
                 "passed": True, "warnings": []}
    checked = spec_ok(await client.post(f"/interview/sessions/{created['id']}/precheck", headers=candidate.headers,
                                        json=spec_form))
    assert checked["passed"] is False and checked["status"] == "setup"
    assert any("screen" in w.lower() for w in checked["warnings"])
    assert checked["precheck_result"]["single_screen"] is False
    blocked = await client.post(f"/interview/sessions/{created['id']}/start", headers=candidate.headers)
    spec_error(blocked, 409, "PRECHECK_REQUIRED")


async def test_free_text_experience_levels_are_mapped(client: AsyncTestClient, candidate: Account) -> None:
    for written, stored in (("Senior", "senior"), ("mid-level", "mid"), ("Entry level", "entry"), ("Junior", "entry")):
        created = await client.post("/interview/sessions", headers=candidate.headers,
                                    json={"job_title": "Data Engineer", "experience_level": written})
        assert spec_ok(created, 201)["experience_level"] == stored
    refused = await client.post("/interview/sessions", headers=candidate.headers,
                                json={"job_title": "Data Engineer", "experience_level": "galactic"})
    error = spec_error(refused, 422, "VALIDATION_ERROR")
    assert any("experience_level" in d["field"] for d in error["details"])


async def test_session_speaks_the_specs_field_names(client: AsyncTestClient, candidate: Account) -> None:
    created = spec_ok(await client.post("/interview/sessions", headers=candidate.headers, json={
        "type": "mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 1}), 201)
    sid = created["id"]
    await client.post(f"/interview/sessions/{sid}/precheck", headers=candidate.headers,
                      json={"camera": True, "microphone": True, "speaker": True, "fullscreen": True})
    question = spec_ok(await client.get(f"/interview/sessions/{sid}/next-question", headers=candidate.headers))
    code = "def add(a, b):\n    # pure function, tested with pytest\n    return a + b"
    spec_ok(await client.post(f"/interview/sessions/{sid}/answer", headers=candidate.headers,
                              json={"question_id": question["id"], "content": code, "type": "coding"}))
    session = spec_ok(await client.get(f"/interview/sessions/{sid}", headers=candidate.headers))
    asked = session["questions"][0]
    assert asked["content"] == asked["text"] and asked["type"] == "coding"
    answer = session["answers"][0]
    assert answer["type"] == "code" and answer["timestamp"] == answer["submitted_at"]
    assert answer["ai_feedback"] == answer["evaluation"] and "score" in answer["ai_feedback"]
    final = spec_ok(await client.post(f"/interview/sessions/{sid}/finalize", headers=candidate.headers))
    assert final["result"]["feedback"] and final["result"]["feedback"] == final["result"]["summary"]
    summary = spec_ok(await client.get(f"/interview/sessions/{sid}/summary", headers=candidate.headers))
    assert summary["result"]["total_score"] == final["result"]["total_score"]


async def test_errors_carry_the_specs_codes(client: AsyncTestClient, candidate: Account) -> None:
    spec_error(await client.get("/users/me"), 401, "UNAUTHORIZED")
    spec_error(await client.get("/admin/users", headers=candidate.headers), 403, "FORBIDDEN")
    spec_error(await client.get("/interview/sessions/" + "0" * 24, headers=candidate.headers), 404, "NOT_FOUND")
    bad_email = await client.post("/auth/register", json={"email": "not-an-email", "password": "Str0ng-Passw0rd!",
                                                          "full_name": "X", "role": "candidate"})
    error = spec_error(bad_email, 422, "VALIDATION_ERROR")
    assert {"field", "message"} <= set(error["details"][0]) and "email" in error["details"][0]["field"]


async def test_malformed_json_is_answered_as_documented(client: AsyncTestClient, candidate: Account) -> None:
    """docs/api.md: a body that is not JSON is a 422 VALIDATION_ERROR naming the body, never a 500."""
    for body in (b"{not json", b'{"job_title": "Analyst",}', b"\xff\xfe"):
        response = await client.post("/interview/sessions", content=body,
                                     headers={**candidate.headers, "Content-Type": "application/json"})
        error = spec_error(response, 422, "VALIDATION_ERROR")
        assert "JSON" in error["message"]


async def test_every_success_has_a_message(client: AsyncTestClient, candidate: Account) -> None:
    for path in ("/users/me", "/interview/sessions", "/interview/sessions/history", "/resume/", "/jobs"):
        data = spec_ok(await client.get(path, headers=candidate.headers))
        if isinstance(data, dict) and "items" in data:
            assert {"items", "total", "page", "limit", "pages"} <= set(data)  # the spec's paginated response


async def test_admin_put_and_search_as_the_spec_writes_them(client: AsyncTestClient, admin: Account,
                                                            candidate: Account, db: Database) -> None:
    found = spec_ok(await client.get("/admin/users", params={"search": candidate.email}, headers=admin.headers))
    assert [u["email"] for u in found["items"]] == [candidate.email]
    updated = spec_ok(await client.put(f"/admin/users/{candidate.id}", json={"is_active": False},
                                       headers=admin.headers))
    assert updated["status"] == "deactivated"
    spec_error(await client.post("/auth/login", json={"email": candidate.email, "password": candidate.password}),
               401, "ACCOUNT_INACTIVE")
    spec_ok(await client.put(f"/admin/users/{candidate.id}", json={"is_active": True}, headers=admin.headers))
    other = await register(client, "candidate")
    spec_error(await client.put(f"/admin/users/{other.id}", json={"role": "admin"}, headers=other.headers),
               403, "FORBIDDEN")
    assert db.users.find_one({"email": other.email})["role"] == "candidate"


async def test_resume_analyze_without_a_body(client: AsyncTestClient, candidate: Account,
                                             recruiter: Account) -> None:
    resume = await uploaded_resume(client, candidate, make_pdf(RESUME_LINES), "maria.pdf")
    general = spec_ok(await client.post(f"/resume/{resume['id']}/analyze", headers=candidate.headers))
    assert general["ats_report"]["job_title"] == "General ATS check" and general["ats_report"]["job_id"] is None
    job = await create_job(client, recruiter, title="Platform Engineer", required_skills=["Kubernetes", "Terraform"])
    await apply(client, candidate, job["id"], resume["id"])
    targeted = spec_ok(await client.post(f"/resume/{resume['id']}/analyze", headers=candidate.headers))
    assert targeted["ats_report"]["job_id"] == job["id"] and targeted["ats_report"]["job_title"] == "Platform Engineer"
    stranger = await register(client, "candidate")
    spec_error(await client.post(f"/resume/{resume['id']}/analyze", headers=stranger.headers), 404, "NOT_FOUND")
