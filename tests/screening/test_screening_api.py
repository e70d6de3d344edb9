"""Screening interviews through the API: send, notice and consent, a run without feedback, review, a person's
decision, the candidate's outcome and responses, comparison, reminders."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from gridfs import GridFSBucket
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import PASSWORD, make_admin, register
from tests.interviews.test_sessions_api import STRONG_ANSWER
from tests.screening.helpers import answer_all, consent_and_start, pipeline, send

WEAK_ANSWER = "I do not really know, I would probably just ask someone else on the team to handle it."


async def on_app_loop(client: AsyncTestClient, function, *args):
    """Runs a coroutine function of the app on its own loop (the client's portal): its database client lives there."""
    return await asyncio.to_thread(client.blocking_portal.call, function, *args)


def error_code(response) -> str:
    return response.json()["error"]["code"]


async def test_send_checks_who_and_stage_and_mails_one_link(client: AsyncTestClient, db: Database) -> None:
    p = await pipeline(client, stage="applied")
    path = f"/applications/{p.application_id}/screening"
    early = await client.post(path, json={}, headers=p.recruiter.headers)
    assert early.status_code == 409 and error_code(early) == "WRONG_STAGE"
    await client.patch(f"/applications/{p.application_id}", json={"status": "screening"}, headers=p.recruiter.headers)
    other_recruiter = await register(client, "recruiter")
    assert (await client.post(path, json={}, headers=other_recruiter.headers)).status_code == 404
    assert (await client.post(path, json={}, headers=p.candidate.headers)).status_code == 403
    for body in ({"question_count": 0}, {"deadline": "2020-01-01T00:00:00Z"}, {"deadline": "2999-01-01T00:00:00Z"},
                 {"deadline": "not a date"}, {"anti_cheat_policy": "ignore"}):
        bad = await client.post(path, json=body, headers=p.recruiter.headers)
        assert bad.status_code == 422, (body, bad.text)

    sent = (await client.post(path, json={}, headers=p.recruiter.headers)).json()["data"]
    assert sent["anti_cheat_policy"] == "flag_for_review" and sent["status"] == "invited"
    again = await client.post(path, json={}, headers=p.recruiter.headers)
    assert again.status_code == 409 and error_code(again) == "ALREADY_SENT"

    emails = list(db.outbox.find({"to": p.candidate.email, "subject": {"$regex": "Screening interview"}}))
    assert len(emails) == 1
    links = re.findall(r"https?://\S+", emails[0]["body"])
    assert links == [f"http://127.0.0.1:8000/candidate/screenings/{sent['id']}"] or \
        (len(links) == 1 and links[0].endswith(f"/candidate/screenings/{sent['id']}"))

    mine = (await client.get("/screenings", headers=p.candidate.headers)).json()["data"]
    assert [s["id"] for s in mine] == [sent["id"]]
    other_candidate = await register(client)
    assert (await client.get(f"/screenings/{sent['id']}", headers=other_candidate.headers)).status_code == 404
    assert (await client.get(f"/screenings/{sent['id']}", headers=other_recruiter.headers)).status_code == 404
    assert (await client.get("/screenings", headers=other_recruiter.headers)).json()["data"] == []


async def test_notice_comes_before_the_interview_and_consent_builds_it_from_job_and_resume(
        client: AsyncTestClient) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    view = (await client.get(f"/screenings/{screening['id']}/candidate-view", headers=p.candidate.headers)).json()
    notice = view["data"]["notice"]
    assert notice["ai_evaluates"] and notice["recorded"] and notice["who_sees_it"] and "days" in notice["retention"]
    assert view["data"]["screening"]["session_id"] is None  # nothing to take before consent
    assert (await client.get("/interview/sessions", headers=p.candidate.headers)).json()["data"]["total"] == 0
    forbidden = await client.post(f"/screenings/{screening['id']}/consent", json={"accept": True},
                                  headers=p.recruiter.headers)
    assert forbidden.status_code == 403

    consented = (await client.post(f"/screenings/{screening['id']}/consent", json={"accept": True},
                                   headers=p.candidate.headers)).json()["data"]
    assert consented["status"] == "started" and consented["consent"]["accepted"] is True
    session = (await client.get(f"/interview/sessions/{consented['session_id']}",
                                headers=p.candidate.headers)).json()["data"]
    assert session["job_id"] == p.job["id"] and session["anti_cheat_policy"] == "flag_for_review"
    assert session["job_title"] == "Platform Engineer" and "Python" in session["focus_areas"]
    assert session["question_count"] == 2
    twice = await client.post(f"/screenings/{screening['id']}/consent", json={"accept": True},
                              headers=p.candidate.headers)
    assert twice.status_code == 409


async def test_a_running_screening_shows_the_candidate_no_scores_feedback_or_hints(client: AsyncTestClient) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    session_id = await consent_and_start(client, p, screening["id"])
    replies = await answer_all(client, p, session_id, STRONG_ANSWER)
    assert len(replies) >= 4
    for reply in replies:
        if "evaluation" in reply:  # an answer's response
            assert reply["evaluation"] is None and reply["feedback"] is None
        else:  # the next question
            assert reply["question"]["expected_concepts"] is None
    running = (await client.get(f"/interview/sessions/{session_id}", headers=p.candidate.headers)).json()["data"]
    assert running["answers"] and all(a["evaluation"] is None and a["ai_feedback"] is None for a in running["answers"])
    assert all(q["expected_concepts"] is None for q in running["questions"]) and running["result"] is None
    # the recruiter sees the scores while it runs
    watched = (await client.get(f"/interview/sessions/{session_id}", headers=p.recruiter.headers)).json()["data"]
    assert all(a["evaluation"]["score"] is not None for a in watched["answers"])


async def test_review_decision_log_and_the_candidates_outcome(client: AsyncTestClient, db: Database) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    session_id = await consent_and_start(client, p, screening["id"])
    early = await client.post(f"/screenings/{screening['id']}/decision",
                              json={"outcome": "advance", "reason": "Looks promising so far"}, headers=p.recruiter.headers)
    assert early.status_code == 409 and error_code(early) == "NOT_FINISHED"
    await answer_all(client, p, session_id, WEAK_ANSWER)
    assert (await client.post(f"/interview/sessions/{session_id}/finalize", headers=p.candidate.headers)).status_code == 200

    sid = screening["id"]
    # a flag the proctoring raised, contested by the candidate through the existing appeal API; a recording
    flag = {"event": "multiple_faces", "timestamp": datetime.now(UTC), "sequence_hash": "0" * 64,
            "details": {"source": "vision", "strike": 1, "threshold": 1}}
    db.interview_sessions.update_one({"_id": ObjectId(session_id)}, {"$push": {"anti_cheat_log": flag}})
    index = len(db.interview_sessions.find_one({"_id": ObjectId(session_id)})["anti_cheat_log"]) - 1
    GridFSBucket(db, bucket_name="recordings").upload_from_stream(f"{session_id}.webm", b"webm",
                                                                   metadata={"session_id": session_id})
    mine = (await client.get(f"/screenings/{sid}/candidate-view", headers=p.candidate.headers)).json()["data"]
    assert [f["status"] for f in mine["flags"]] == ["open"]
    contested = await client.post(f"/interview/sessions/{session_id}/flags/{index}/appeal",
                                  json={"comment": "My brother walked past"}, headers=p.candidate.headers)
    assert contested.status_code == 200, contested.text
    review = (await client.get(f"/screenings/{sid}/review", headers=p.recruiter.headers)).json()["data"]
    assert review["withheld"] is False and review["questions"]
    assert [(f["kind"], f["status"]) for f in review["flags"]] == [("multiple_faces", "contested")]
    assert review["recording"] == {"url": f"/media/sessions/{session_id}/recording"}
    first = review["questions"][0]
    assert first["answer"] == WEAK_ANSWER and first["score"] is not None and first["offset_seconds"] == 0
    assert first["missed_key_points"]  # the evidence behind a low score
    assert review["screening"]["ai_result"]["recommendation"] == "do_not_advance"
    other_recruiter, other_candidate = await register(client, "recruiter"), await register(client)
    assert (await client.get(f"/screenings/{sid}/review", headers=other_recruiter.headers)).status_code == 404
    assert (await client.get(f"/screenings/{sid}/review", headers=p.candidate.headers)).status_code == 403
    assert (await client.get(f"/screenings/{sid}/review", headers=other_candidate.headers)).status_code == 403
    admin = await make_admin(client, db)
    assert (await client.get(f"/screenings/{sid}/review", headers=admin.headers)).json()["data"]["questions"]

    noted = await client.post(f"/screenings/{sid}/notes", json={"text": "Vague on deployments"}, headers=p.recruiter.headers)
    assert noted.status_code == 201 and noted.json()["data"]["notes"][0]["text"] == "Vague on deployments"
    assert (await client.post(f"/screenings/{sid}/notes", json={"text": "x"},
                              headers=other_recruiter.headers)).status_code == 404

    bypass = await client.patch(f"/applications/{p.application_id}", json={"status": "rejected"},
                                headers=p.recruiter.headers)
    assert bypass.status_code == 409 and error_code(bypass) == "DECIDE_IN_SCREENING"
    no_reason = await client.post(f"/screenings/{sid}/decision", json={"outcome": "advance"}, headers=p.recruiter.headers)
    assert no_reason.status_code == 422
    short = await client.post(f"/screenings/{sid}/decision", json={"outcome": "advance", "reason": "ok"},
                              headers=p.recruiter.headers)
    assert short.status_code == 422
    assert (await client.post(f"/screenings/{sid}/decision", json={"outcome": "reject", "reason": "Not my call at all"},
                              headers=other_recruiter.headers)).status_code == 404
    # the person overrides the AI's recommendation
    decided = await client.post(f"/screenings/{sid}/decision",
                                json={"outcome": "advance", "reason": "Strong portfolio; the answers were nervous"},
                                headers=p.recruiter.headers)
    assert decided.status_code == 200, decided.text
    log = decided.json()["data"]["decision_log"]
    assert len(log) == 1 and log[0]["by_email"] == p.recruiter.email and log[0]["outcome"] == "advance"
    assert log[0]["ai_recommendation"] == "do_not_advance" and log[0]["ai_total_score"] is not None
    application = db.applications.find_one({"_id": ObjectId(p.application_id)})
    assert application["status"] == "interview"
    assert application["status_history"][-1]["note"].endswith("Strong portfolio; the answers were nervous")
    again = await client.post(f"/screenings/{sid}/decision", json={"outcome": "reject", "reason": "Changed my mind"},
                              headers=p.recruiter.headers)
    assert again.status_code == 409 and error_code(again) == "ALREADY_DECIDED"

    seen = (await client.get(f"/screenings/{sid}/candidate-view", headers=p.candidate.headers)).json()["data"]
    assert seen["outcome"] == "advance" and seen["screening"]["decision"]["reason"] == ""
    assert seen["answers"][0]["answer"] == WEAK_ANSWER
    assert (await client.get(f"/screenings/{sid}/candidate-view", headers=other_candidate.headers)).status_code == 404

    asked = await client.post(f"/screenings/{sid}/human-review", json={"comment": "Please read my answers again"},
                              headers=p.candidate.headers)
    assert asked.status_code == 200 and asked.json()["data"]["human_review_requested"] is True
    assert (await client.post(f"/screenings/{sid}/human-review", json={"comment": "Once more please"},
                              headers=p.candidate.headers)).status_code == 409
    assert db.outbox.find_one({"to": p.recruiter.email, "subject": {"$regex": "human review"}}) is not None


async def test_no_automatic_rejection(client: AsyncTestClient, db: Database, app: Litestar) -> None:
    """A weak, finished screening and an expired one stay in the screening stage until a person decides."""
    p = await pipeline(client)
    screening = await send(client, p)
    session_id = await consent_and_start(client, p, screening["id"])
    await answer_all(client, p, session_id, WEAK_ANSWER)
    await client.post(f"/interview/sessions/{session_id}/finalize", headers=p.candidate.headers)
    q = await pipeline(client, recruiter=p.recruiter, job=p.job)
    expired = await send(client, q)
    db.screenings.update_one({"_id": ObjectId(expired["id"])},
                             {"$set": {"deadline": datetime(2020, 1, 1, tzinfo=UTC)}})
    await on_app_loop(client, app.state.screening_service.send_due_reminders)
    assert db.screenings.find_one({"_id": ObjectId(expired["id"])})["status"] == "expired"
    for application_id in (p.application_id, q.application_id):
        assert db.applications.find_one({"_id": ObjectId(application_id)})["status"] == "screening"
    assert db.screenings.find_one({"_id": ObjectId(screening["id"])})["decision"] is None
    late = await client.post(f"/screenings/{expired['id']}/consent", json={"accept": True}, headers=q.candidate.headers)
    assert late.status_code == 409


async def test_declining_offers_a_human_interview(client: AsyncTestClient, db: Database) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    declined = await client.post(f"/screenings/{screening['id']}/consent",
                                 json={"accept": False, "comment": "I prefer to talk to a person"},
                                 headers=p.candidate.headers)
    assert declined.status_code == 200
    assert declined.json()["data"]["status"] == "declined" and declined.json()["data"]["session_id"] is None
    staff = (await client.get(f"/screenings/{screening['id']}", headers=p.recruiter.headers)).json()["data"]
    assert staff["human_interview_requested"] is True
    assert db.outbox.find_one({"to": p.recruiter.email, "subject": {"$regex": "interview with a person"}})
    rows = (await client.get(f"/jobs/{p.job['id']}/screenings", headers=p.recruiter.headers)).json()["data"]["rows"]
    assert rows[0]["human_interview_requested"] is True and rows[0]["total_score"] is None
    # the person decides without an AI evaluation: advance to a human interview
    decided = await client.post(f"/screenings/{screening['id']}/decision",
                                json={"outcome": "advance", "reason": "Human interview as the candidate asked"},
                                headers=p.recruiter.headers)
    assert decided.status_code == 200 and decided.json()["data"]["decision"]["ai_recommendation"] is None


async def test_compare_side_by_side_per_competency(client: AsyncTestClient) -> None:
    p = await pipeline(client)
    q = await pipeline(client, recruiter=p.recruiter, job=p.job)
    for who, content in ((p, STRONG_ANSWER), (q, WEAK_ANSWER)):
        screening = await send(client, who)
        session_id = await consent_and_start(client, who, screening["id"])
        await answer_all(client, who, session_id, content)
        await client.post(f"/interview/sessions/{session_id}/finalize", headers=who.candidate.headers)
    compared = (await client.get(f"/jobs/{p.job['id']}/screenings", headers=p.recruiter.headers)).json()["data"]
    assert len(compared["rows"]) == 2 and compared["competencies"]
    by_app = {row["application_id"]: row for row in compared["rows"]}
    strong, weak = by_app[p.application_id], by_app[q.application_id]
    assert set(strong["competencies"]) == set(compared["competencies"])
    assert strong["total_score"] > weak["total_score"]
    other = await register(client, "recruiter")
    assert (await client.get(f"/jobs/{p.job['id']}/screenings", headers=other.headers)).status_code in (403, 404)
    candidate_try = await client.get(f"/jobs/{p.job['id']}/screenings", headers=p.candidate.headers)
    assert candidate_try.status_code == 403


async def test_one_reminder_before_the_deadline(client: AsyncTestClient, db: Database, app: Litestar) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    soon = datetime.now(UTC) + timedelta(hours=3)
    db.screenings.update_one({"_id": ObjectId(screening["id"])}, {"$set": {"deadline": soon}})
    # the periodic task's queue entry, run by the app's task consumer
    await on_app_loop(client, app.state.task_queue.enqueue, "screening.remind", {})
    for _ in range(200):
        if db.outbox.find_one({"to": p.candidate.email, "subject": {"$regex": "^Reminder"}}):
            break
        await asyncio.sleep(0.05)
    await on_app_loop(client, app.state.screening_service.send_due_reminders)  # a second run sends nothing more
    reminders = list(db.outbox.find({"to": p.candidate.email, "subject": {"$regex": "^Reminder"}}))
    assert len(reminders) == 1 and f"/candidate/screenings/{screening['id']}" in reminders[0]["body"]


async def test_answers_are_erased_when_retention_ends_and_the_decision_log_stays(
        client: AsyncTestClient, db: Database, app: Litestar) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    session_id = await consent_and_start(client, p, screening["id"])
    await answer_all(client, p, session_id, STRONG_ANSWER)
    await client.post(f"/interview/sessions/{session_id}/finalize", headers=p.candidate.headers)
    await client.post(f"/screenings/{screening['id']}/notes", json={"text": "Good on caching"}, headers=p.recruiter.headers)
    await client.post(f"/screenings/{screening['id']}/decision", json={"outcome": "reject", "reason": "Another fit"},
                      headers=p.recruiter.headers)
    await on_app_loop(client, app.state.screening_service.send_due_reminders)
    assert db.interview_sessions.find_one({"_id": ObjectId(session_id)})["answers"]  # within retention: kept
    long_ago = datetime.now(UTC) - timedelta(days=app.state.settings.screening_retention_days + 1)
    db.screenings.update_one({"_id": ObjectId(screening["id"])},
                             {"$set": {"decision.at": long_ago, "decision_log.0.at": long_ago}})
    await on_app_loop(client, app.state.screening_service.send_due_reminders)
    session = db.interview_sessions.find_one({"_id": ObjectId(session_id)})
    assert session["answers"] == [] and session["resume_text"] is None and session["result"] is None
    assert db.interview_events.count_documents({"session_id": session_id}) == 0
    kept = db.screenings.find_one({"_id": ObjectId(screening["id"])})
    assert kept["notes"] == [] and kept["content_erased_at"] is not None
    assert kept["decision_log"][0]["outcome"] == "reject" and kept["decision_log"][0]["ai_recommendation"]


async def test_deleting_the_account_erases_the_screening(client: AsyncTestClient, db: Database) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    erased = await client.request("DELETE", "/users/me", json={"password": PASSWORD}, headers=p.candidate.headers)
    assert erased.status_code == 200, erased.text
    assert db.screenings.find_one({"_id": ObjectId(screening["id"])}) is None


async def test_a_withdrawn_application_hides_the_screening_from_the_recruiter(client: AsyncTestClient) -> None:
    p = await pipeline(client)
    screening = await send(client, p)
    assert (await client.get(f"/screenings/{screening['id']}", headers=p.recruiter.headers)).status_code == 200
    withdrawn = await client.post(f"/applications/{p.application_id}/withdraw", headers=p.candidate.headers)
    assert withdrawn.status_code == 200
    for path in (f"/screenings/{screening['id']}", f"/screenings/{screening['id']}/review"):
        assert (await client.get(path, headers=p.recruiter.headers)).status_code == 404
    assert (await client.get(f"/jobs/{p.job['id']}/screenings", headers=p.recruiter.headers)).json()["data"]["rows"] == []
    assert (await client.get("/screenings", headers=p.recruiter.headers)).json()["data"] == []
    assert (await client.get(f"/screenings/{screening['id']}", headers=p.candidate.headers)).status_code == 200
