"""A job, an application in the screening stage and a sent screening, through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import Account, register
from tests.resumes.api_helpers import apply, create_job, uploaded_resume
from tests.resumes.conftest import RESUME_LINES, make_pdf

PRECHECK_OK = {"camera": True, "microphone": True, "speaker": True, "fullscreen": True, "screens": 1}


@dataclass
class Pipeline:
    recruiter: Account
    candidate: Account
    job: dict[str, Any]
    application_id: str


async def pipeline(client: Any, recruiter: Account | None = None, job: dict[str, Any] | None = None,
                   stage: str = "screening") -> Pipeline:
    recruiter = recruiter or await register(client, "recruiter")
    candidate = await register(client)
    job = job or await create_job(client, recruiter, title="Platform Engineer", required_skills=["Python", "Kubernetes"],
                                  description="Run Python services on Kubernetes; design REST APIs.")
    resume = await uploaded_resume(client, candidate, make_pdf(RESUME_LINES))
    application = await apply(client, candidate, job["id"], resume["id"])
    if stage == "screening":
        moved = await client.patch(f"/applications/{application['id']}", json={"status": "screening"},
                                   headers=recruiter.headers)
        assert moved.status_code == 200, moved.text
    return Pipeline(recruiter, candidate, job, application["id"])


async def send(client: Any, p: Pipeline, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/applications/{p.application_id}/screening",
                                 json={"question_count": 2, "duration_minutes": 20, **body}, headers=p.recruiter.headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def consent_and_start(client: Any, p: Pipeline, screening_id: str) -> str:
    response = await client.post(f"/screenings/{screening_id}/consent", json={"accept": True},
                                 headers=p.candidate.headers)
    assert response.status_code == 200, response.text
    session_id = response.json()["data"]["session_id"]
    precheck = await client.post(f"/interview/sessions/{session_id}/precheck", json=PRECHECK_OK,
                                 headers=p.candidate.headers)
    assert precheck.json()["data"]["passed"], precheck.text
    started = await client.post(f"/interview/sessions/{session_id}/start", headers=p.candidate.headers)
    assert started.status_code == 200, started.text
    return session_id


async def answer_all(client: Any, p: Pipeline, session_id: str, content: str) -> list[dict[str, Any]]:
    """Answers every question (follow-ups included) and returns the candidate's answer responses."""
    replies = []
    for _ in range(10):
        current = (await client.get(f"/interview/sessions/{session_id}/next-question",
                                    headers=p.candidate.headers)).json()["data"]
        if current["done"]:
            break
        replies.append(current)
        answered = await client.post(f"/interview/sessions/{session_id}/answer",
                                     json={"question_id": current["question"]["id"], "content": content},
                                     headers=p.candidate.headers)
        assert answered.status_code == 200, answered.text
        replies.append(answered.json()["data"])
    return replies
