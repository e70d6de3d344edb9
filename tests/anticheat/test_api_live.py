"""Live interviews are proctored: the candidate's live page starts the interview (after the proctoring notice), which
gives it the signal key; flags are only ever for review (a live interview is never ended by the anti-cheat) and
the recruiter reads them in the integrity report."""

from __future__ import annotations

from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.anticheat.test_api_signals import post_signals, signed, warnings_of
from tests.conftest import Account, register


async def schedule_live(client: AsyncTestClient, recruiter: Account, candidate: Account, **fields: str) -> dict:
    response = await client.post("/interview/sessions", headers=recruiter.headers,
                                 json={"type": "live", "job_title": "SRE", "candidate_id": candidate.id, **fields})
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_live_interview_starts_proctored_after_consent_and_is_never_terminated(
        client: AsyncTestClient, app: Litestar, db: Database) -> None:
    candidate = await register(client, "candidate")
    recruiter = await register(client, "recruiter")
    # a recruiter who asks for termination still gets review: a live interview is theirs to end
    live = await schedule_live(client, recruiter, candidate, anti_cheat_policy="terminate")
    sid = live["session_id"]
    assert live["anti_cheat_policy"] == "flag_for_review" and live["status"] == "setup"

    refused = await post_signals(client, candidate, sid, signed("0" * 64, sid, 1, "heartbeat"))
    assert refused.status_code == 409  # not started: no key, no signals

    anti_cheat = app.state.anti_cheat
    anti_cheat.consent_required = True  # the production default (tests turn it off)
    try:
        no_consent = await client.post(f"/interview/sessions/{sid}/start", headers=candidate.headers)
        assert no_consent.status_code == 409 and no_consent.json()["error"]["code"] == "CONSENT_REQUIRED"
        assert "live interview" in no_consent.json()["error"]["message"]
        consent_url = f"/interview/sessions/{sid}/proctoring/consent"
        version = (await client.get(consent_url, headers=candidate.headers)).json()["data"]["notice"]["version"]
        assert (await client.post(consent_url, headers=candidate.headers,
                                  json={"notice_version": version})).status_code in (200, 201)
        # the recruiter cannot start it for the candidate; no precheck is needed (the recruiter sees the candidate)
        assert (await client.post(f"/interview/sessions/{sid}/start", headers=recruiter.headers)).status_code == 403
        started = await client.post(f"/interview/sessions/{sid}/start", headers=candidate.headers)
        assert started.status_code == 200, started.text
    finally:
        anti_cheat.consent_required = False
    data = started.json()["data"]
    key = data["anti_cheat_key"]
    assert len(key) == 64 and data["session"]["status"] == "active"
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    # its scheduled duration; its planned questions (the recruiter's guide, what a phone candidate hears), the
    # first one asked
    assert doc["ends_at"] is not None and len(doc["questions"]) == doc["question_count"]
    assert doc["questions"][0]["asked_at"] is not None
    again = await client.post(f"/interview/sessions/{sid}/start", headers=candidate.headers)
    assert again.json()["data"]["anti_cheat_key"] == key  # a reload gets the same key

    # leaving full screen for good reaches its threshold of 1: flagged for review, the interview goes on
    answer = await post_signals(client, candidate, sid, [signed(key, sid, 1, "heartbeat", {"visible": True}),
                                                         signed(key, sid, 2, "fullscreen_exit", {"phase": "expired"})])
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["status"] == "active" and answer.json()["data"]["terminated_reason"] is None
    warning = warnings_of(db, sid)[-1]
    assert warning["kind"] == "fullscreen_exit" and warning["flagged_for_review"] and not warning["terminate"]

    report = (await client.get(f"/interview/sessions/{sid}/integrity", headers=recruiter.headers)).json()["data"]
    assert [e["event"] for e in report["timeline"] if e["event"] != "signal"] == ["fullscreen_exit", "review_flagged"]
    assert report["status"] == "active" and report["strikes"] == {"fullscreen_exit": 1}

    ended = await client.post(f"/interview/sessions/{sid}/end", headers=recruiter.headers,
                              json={"reason": "ended_by_recruiter"})
    assert ended.status_code == 200 and ended.json()["data"]["status"] == "terminated"


async def test_only_the_candidate_starts_a_live_interview_and_not_after_it_ended(client: AsyncTestClient) -> None:
    candidate = await register(client, "candidate")
    recruiter = await register(client, "recruiter")
    stranger = await register(client, "candidate")
    sid = (await schedule_live(client, recruiter, candidate))["session_id"]
    assert (await client.post(f"/interview/sessions/{sid}/start", headers=stranger.headers)).status_code == 404
    await client.post(f"/interview/sessions/{sid}/end", headers=recruiter.headers, json={"reason": "cancelled"})
    late = await client.post(f"/interview/sessions/{sid}/start", headers=candidate.headers)
    assert late.status_code == 409 and late.json()["error"]["code"] == "INVALID_TRANSITION"
