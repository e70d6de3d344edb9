"""POST /interview/sessions/{id}/voice-answer: a recorded answer (espeak-ng) becomes a scored voice answer."""

from __future__ import annotations

import io

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database
from speech_samples import INTRO, STORY, silence, wav_bytes, white_noise, word_overlap

from tests.conftest import Account, register
from tests.interviews.test_sessions_api import started


async def upload(client: AsyncTestClient, account: Account, sid: str, question_id: str, data: bytes,
                 filename: str = "answer.webm", content_type: str = "audio/webm"):  # noqa: ANN201
    return await client.post(f"/interview/sessions/{sid}/voice-answer", headers=account.headers,
                             files={"file": (filename, data, content_type)}, data={"question_id": question_id})


async def test_a_recorded_answer_is_transcribed_scored_and_stored(client: AsyncTestClient, candidate: Account,
                                                                  recordings, db: Database) -> None:
    session = await started(client, candidate)
    sid, question = session["session"]["session_id"], session["session"]["questions"][0]
    response = await upload(client, candidate, sid, question["id"], recordings["webm"].read_bytes())
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert word_overlap(INTRO, data["transcript"]) >= 0.75, data["transcript"]
    assert data["question_id"] == question["id"] and not data["done"] and data["next_question"]["id"] != question["id"]
    metrics = data["speaking_metrics"]
    assert 100 <= metrics["words_per_minute"] <= 260 and metrics["filler_word_count"] == 0
    assert 0 <= data["evaluation"]["score"] <= 100 and data["evaluation"]["provider"] == "local"
    stored = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    answer = stored["answers"][0]
    assert answer["type"] == "voice" and answer["content"] == data["transcript"]
    assert answer["speaking_metrics"]["words_per_minute"] == metrics["words_per_minute"]
    transcript = db.interview_events.find_one({"session_id": sid, "type": "transcript"})
    assert transcript["data"]["final"] is True and transcript["data"]["question_id"] == question["id"]
    assert transcript["data"]["source"] == "upload"


async def test_spoken_answers_reach_the_report(client: AsyncTestClient, candidate: Account, espeak_wav) -> None:
    session = await started(client, candidate, question_count=1)
    sid, question = session["session"]["session_id"], session["session"]["questions"][0]
    response = await upload(client, candidate, sid, question["id"], espeak_wav(STORY).read_bytes(), "a.wav", "audio/wav")
    assert response.status_code == 200, response.text
    assert word_overlap(STORY, response.json()["data"]["transcript"]) >= 0.75
    final = await client.post(f"/interview/sessions/{sid}/finalize", headers=candidate.headers)
    result = final.json()["data"]["result"]
    assert result["speaking_metrics"]["answers_spoken"] == 1 and result["speaking_metrics"]["words_per_minute"] > 0


async def test_silence_and_noise_are_no_speech_and_no_answer(client: AsyncTestClient, candidate: Account,
                                                              db: Database) -> None:
    session = await started(client, candidate)
    sid, question = session["session"]["session_id"], session["session"]["questions"][0]
    for audio in (silence(3), white_noise(3)):
        response = await upload(client, candidate, sid, question["id"], wav_bytes(audio), "a.wav", "audio/wav")
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "NO_SPEECH"
    assert db.interview_sessions.find_one({"_id": ObjectId(sid)})["answers"] == []


async def test_files_that_are_not_audio_are_refused_clearly(client: AsyncTestClient, candidate: Account) -> None:
    session = await started(client, candidate)
    sid, question = session["session"]["session_id"], session["session"]["questions"][0]
    from PIL import Image
    from skimage import data as images

    png = io.BytesIO()
    Image.fromarray(images.camera()).save(png, format="PNG")
    for name, payload in (("notes.txt", b"I have five years of experience" * 40), ("face.png", png.getvalue())):
        response = await upload(client, candidate, sid, question["id"], payload, name, "application/octet-stream")
        assert response.status_code == 422, (name, response.text)
        assert response.json()["error"]["code"] == "NOT_AUDIO", response.text
    empty = await upload(client, candidate, sid, question["id"], b"", "a.wav", "audio/wav")
    assert empty.status_code == 422 and empty.json()["error"]["code"] in ("EMPTY", "not_audio")
    missing = await client.post(f"/interview/sessions/{sid}/voice-answer", headers=candidate.headers,
                                data={"question_id": question["id"]})
    assert missing.status_code in (400, 422) and missing.json()["success"] is False


async def test_oversize_uploads_are_413(client: AsyncTestClient, candidate: Account, app) -> None:
    session = await started(client, candidate)
    sid, question = session["session"]["session_id"], session["session"]["questions"][0]
    limit = app.state.settings.speech_max_upload_bytes
    response = await upload(client, candidate, sid, question["id"], b"\0" * (limit + 1), "a.wav", "audio/wav")
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "TOO_LARGE"
    way_over = await upload(client, candidate, sid, question["id"], b"\0" * (limit + 1024 * 1024), "a.wav", "audio/wav")
    assert way_over.status_code == 413 and way_over.json()["success"] is False


async def test_wrong_question_and_other_peoples_sessions(client: AsyncTestClient, candidate: Account,
                                                         recruiter: Account, recordings) -> None:
    session = await started(client, candidate)
    sid, question = session["session"]["session_id"], session["session"]["questions"][0]
    audio = recordings["ogg"].read_bytes()
    wrong = await upload(client, candidate, sid, "not-the-question", audio)
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "WRONG_QUESTION"
    stranger = await register(client, "candidate")
    other = await upload(client, stranger, sid, question["id"], audio)
    assert other.status_code == 404  # other people's interviews are not confirmed to exist
    staff = await upload(client, recruiter, sid, question["id"], audio)
    assert staff.status_code == 404
    anonymous = await client.post(f"/interview/sessions/{sid}/voice-answer", files={"file": ("a.ogg", audio)},
                                  data={"question_id": question["id"]})
    assert anonymous.status_code == 401
    bad_id = await upload(client, candidate, "nope", question["id"], audio)
    assert bad_id.status_code in (400, 404, 422) and bad_id.json()["success"] is False
