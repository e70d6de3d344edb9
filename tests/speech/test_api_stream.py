"""WS /interview/{id}/audio against a real server: a phone streams spoken answers (espeak-ng), a recruiter
watching the interview stream sees the partial and final transcripts, and the finals become answers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import numpy as np
import pytest
import websockets
from bson import ObjectId
from pymongo.database import Database
from speech_samples import SECOND, STORY, silence, white_noise, word_overlap
from websockets.exceptions import InvalidStatus

from candidatex.speech.audio import float32_to_pcm16
from tests.interviews.test_sessions_api import PRECHECK_OK
from tests.interviews.test_stream import signup, ws_url


async def live_interview(http: httpx.AsyncClient, recruiter: dict, candidate: dict, questions: int = 3) -> str:
    """A recruiter schedules a live interview for the candidate, who passes the precheck and starts it."""
    body = {"type": "live", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": questions,
            "duration_minutes": 15, "candidate_id": candidate["id"]}
    created = await http.post("/interview/sessions", json=body, headers=recruiter["headers"])
    assert created.status_code == 201, created.text
    sid = created.json()["data"]["session_id"]
    await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=candidate["headers"])
    assert (await http.post(f"/interview/sessions/{sid}/start", headers=candidate["headers"])).status_code == 200
    return sid


async def send_audio(ws: Any, audio: np.ndarray, real_time: bool = False) -> None:
    pcm = float32_to_pcm16(audio)
    for start in range(0, len(pcm), 3200):  # 100 ms frames of 16 kHz PCM16
        await ws.send(pcm[start : start + 3200])
        if real_time:  # as a phone sends it: the words can be decoded while the answer goes on
            await asyncio.sleep(0.1)


async def receive_until(ws: Any, kind: str, timeout: float = 60) -> list[dict[str, Any]]:
    """Messages up to and including the first of `kind` (the timeout only guards against a hang)."""
    async def collect() -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while not messages or messages[-1]["type"] != kind:
            messages.append(json.loads(await ws.recv()))
        return messages

    return await asyncio.wait_for(collect(), timeout)


async def watch(ws: Any, events: list[dict[str, Any]]) -> None:
    async for raw in ws:
        events.append(json.loads(raw))


async def test_a_phone_answers_by_voice_and_the_recruiter_sees_the_words(live_server: str, live_db: Database,
                                                                         speech_16k) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter, candidate = await signup(http, "recruiter"), await signup(http)
        sid = await live_interview(http, recruiter, candidate)
        session = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        first_id = session["questions"][0]["id"]
        seen: list[dict[str, Any]] = []
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={recruiter['token']}")) as stream:
            watcher = asyncio.create_task(watch(stream, seen))
            audio_url = ws_url(live_server, f"/interview/{sid}/audio?token={candidate['token']}")
            async with websockets.connect(audio_url, max_size=None) as phone:
                await phone.send(json.dumps({"type": "start", "sample_rate": 16000, "format": "pcm16"}))
                assert json.loads(await phone.recv()) == {"type": "ready", "sample_rate": 16000, "channels": 1}

                # first answer, spoken at the pace of speech (partials while it goes on), ended by the pause
                # after it (the silence sent faster than real time: the end may come before the decodes)
                await send_audio(phone, np.concatenate([silence(0.3), speech_16k(STORY)]), real_time=True)
                await send_audio(phone, silence(8.5))
                first = await receive_until(phone, "answer")
                final = next(m for m in first if m["type"] == "final")
                assert final["ended_by"] in ("turn", "silence") and word_overlap(STORY, final["text"]) >= 0.75, final
                assert final["question_id"] == first_id
                assert any(m["type"] == "partial" for m in first)
                assert first[-1]["question_id"] == first_id and not first[-1]["done"]
                # the next planned question, asked when the turn ended, before the answer's evaluation
                second_id = first[-1]["next_question_id"]
                assert second_id == session["questions"][1]["id"]
                await phone.send(json.dumps({"type": "question", "question_id": second_id}))  # now on screen

                # second answer: the candidate taps "done"
                await send_audio(phone, np.concatenate([silence(0.2), speech_16k(SECOND)]))
                await phone.send(json.dumps({"type": "done"}))
                second = await receive_until(phone, "answer")
                final2 = next(m for m in second if m["type"] == "final")
                assert final2["ended_by"] == "done" and word_overlap(SECOND, final2["text"]) >= 0.7, final2["text"]
                assert second[-1]["question_id"] == second_id

                # silence then noise, then "done": no answer
                await send_audio(phone, np.concatenate([silence(1), white_noise(1)]))
                await phone.send(json.dumps({"type": "done"}))
                error = (await receive_until(phone, "error"))[-1]
                assert error["code"] == "no_speech"
                await phone.send(json.dumps({"type": "stop"}))
                with pytest.raises(websockets.ConnectionClosed):
                    await asyncio.wait_for(receive_until(phone, "never"), 30)

            async def until_second_evaluated() -> None:
                while not any(e["type"] == "feedback" and e["data"].get("stage") == "evaluated"
                              and e["data"]["question_id"] == second_id for e in seen):
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(until_second_evaluated(), 30)
            watcher.cancel()
        # On the voice path the next question is spoken from the plan right after the turn: its event comes
        # before the first answer's evaluation, which arrives later on the stream.
        kinds = [(e["type"], e["data"].get("id") or e["data"].get("question_id"), e["data"].get("stage"))
                 for e in seen if e["type"] in ("question", "feedback")]
        asked_at = kinds.index(("question", second_id, None))
        evaluated_at = kinds.index(("feedback", first_id, "evaluated"))
        assert asked_at < evaluated_at, kinds
        first_evaluation = next(e for e in seen if e["type"] == "feedback" and e["data"].get("stage") == "evaluated"
                                and e["data"]["question_id"] == first_id)
        assert 0 <= first_evaluation["data"]["evaluation"]["score"] <= 100
        transcripts = [e for e in seen if e["type"] == "transcript"]
        partials = [e for e in transcripts if not e["data"]["final"]]
        finals = [e for e in transcripts if e["data"]["final"]]
        assert partials and all(e.get("ephemeral") for e in partials)
        assert partials[0]["data"]["question_id"] == first_id and partials[0]["data"]["text"]
        assert [e["data"]["question_id"] for e in finals] == [first_id, second_id]
        assert finals[0]["data"]["source"] == "mobile" and not finals[0].get("ephemeral")
        assert finals[0]["data"]["speaking_metrics"]["words_per_minute"] > 0

    stored = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert [a["question_id"] for a in stored["answers"]] == [first_id, second_id]
    assert all(a["type"] == "voice" for a in stored["answers"])
    assert word_overlap(STORY, stored["answers"][0]["content"]) >= 0.75
    assert "filler_word_count" in stored["answers"][0]["speaking_metrics"]
    durable = list(live_db.interview_events.find({"session_id": sid, "type": "transcript"}))
    assert len(durable) == 2 and all(e["data"]["final"] for e in durable)


async def test_only_the_candidate_may_stream_audio(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter, candidate, stranger = await signup(http, "recruiter"), await signup(http), await signup(http)
        sid = await live_interview(http, recruiter, candidate, questions=1)
        for user in (recruiter, stranger):
            with pytest.raises(InvalidStatus) as refused:
                async with websockets.connect(ws_url(live_server, f"/interview/{sid}/audio?token={user['token']}")):
                    pass
            assert refused.value.response.status_code in (401, 403)
        with pytest.raises(InvalidStatus):
            async with websockets.connect(ws_url(live_server, f"/interview/{sid}/audio")):
                pass
        # only the candidate can end a spoken answer from the interview stream
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={recruiter['token']}")) as ws:
            await ws.send(json.dumps({"type": "voice_done"}))
            error = (await receive_until(ws, "error"))[-1]
            assert error["data"]["code"] == "forbidden"
        # an ended interview refuses new audio streams
        await http.post(f"/interview/sessions/{sid}/end", headers=recruiter["headers"], json={"reason": "test"})
        with pytest.raises(InvalidStatus):
            async with websockets.connect(ws_url(live_server, f"/interview/{sid}/audio?token={candidate['token']}")):
                pass


async def test_a_dropped_phone_connection_loses_no_part_of_the_answer(live_server: str, live_db: Database,
                                                                      speech_16k) -> None:
    """The phone loses its connection halfway through an answer and reconnects: the answer goes on where it
    was, and the whole of it is filed against the question the candidate was shown."""
    first_half, second_half = "I led the migration of our billing system", "and we moved customers in small groups."
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter, candidate = await signup(http, "recruiter"), await signup(http)
        sid = await live_interview(http, recruiter, candidate)
        first_id = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})["questions"][0]["id"]
        audio_url = ws_url(live_server, f"/interview/{sid}/audio?token={candidate['token']}")
        start = json.dumps({"type": "start", "sample_rate": 16000, "format": "pcm16", "question_id": first_id})
        async with websockets.connect(audio_url, max_size=None) as phone:
            await phone.send(start)
            await receive_until(phone, "ready")
            await send_audio(phone, np.concatenate([silence(0.3), speech_16k(first_half)]))
            await receive_until(phone, "speech_started")
        # the socket dropped without "stop"
        async with websockets.connect(audio_url, max_size=None) as phone:
            await phone.send(start)
            await receive_until(phone, "ready")
            await send_audio(phone, speech_16k(second_half))
            await phone.send(json.dumps({"type": "done"}))
            reply = (await receive_until(phone, "answer"))[-1]
            assert reply["question_id"] == first_id
            await phone.send(json.dumps({"type": "stop"}))
    (answer,) = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})["answers"]
    assert answer["question_id"] == first_id
    assert word_overlap(first_half + " " + second_half, answer["content"]) >= 0.75, answer["content"]


def test_audio_may_burst_but_not_run_far_ahead_of_real_time() -> None:
    from candidatex.speech.stream import AudioPace

    pace = AudioPace(speed=2.0, burst_s=5.0)
    pace.configure(json.dumps({"type": "start", "sample_rate": 48000, "channels": 2}))
    second = 48000 * 2 * 2
    assert all(pace.allow(second // 10) for _ in range(45))  # 4.5 s at once: a burst
    assert not all(pace.allow(second // 10) for _ in range(20))  # 2 s more is too far ahead
    pace.configure("not json")  # ignored
    assert pace.bytes_per_second == second


async def test_speech_before_the_next_question_is_shown_continues_the_answer_it_follows(
        live_server: str, live_db: Database, speech_16k) -> None:
    """The turn ended and the next question was asked, but the phone has not shown it yet when the candidate
    speaks again: that speech is the rest of the answer on screen, never refused and never filed against the
    question the candidate had not seen."""
    first_part, rest = "I led the migration of our billing system", "and we moved customers in small groups."
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter, candidate = await signup(http, "recruiter"), await signup(http)
        sid = await live_interview(http, recruiter, candidate)
        questions = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})["questions"]
        audio_url = ws_url(live_server, f"/interview/{sid}/audio?token={candidate['token']}")
        async with websockets.connect(audio_url, max_size=None) as phone:
            await phone.send(json.dumps({"type": "start", "sample_rate": 16000, "format": "pcm16",
                                         "question_id": questions[0]["id"]}))
            await receive_until(phone, "ready")
            await send_audio(phone, np.concatenate([silence(0.3), speech_16k(first_part)]))
            await phone.send(json.dumps({"type": "done"}))
            first = (await receive_until(phone, "answer"))[-1]
            assert first["question_id"] == questions[0]["id"] and first["next_question_id"] == questions[1]["id"]
            # no {"type": "question"} yet: the phone still shows the first question
            await send_audio(phone, np.concatenate([silence(0.2), speech_16k(rest)]))
            await phone.send(json.dumps({"type": "done"}))
            second = (await receive_until(phone, "answer"))[-1]
            assert second["question_id"] == questions[0]["id"] and second["continued"], second
            assert second["next_question_id"] == questions[1]["id"]
            await phone.send(json.dumps({"type": "stop"}))

    stored = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert [a["question_id"] for a in stored["answers"]] == [questions[0]["id"]]
    assert word_overlap(f"{first_part} {rest}", stored["answers"][0]["content"]) >= 0.7, stored["answers"][0]
    assert stored["current_question_index"] == 1
