"""The WebRTC path against a real server: the candidate publishes a spoken answer (espeak-ng through aiortc's
MediaPlayer, Opus over loopback) with POST /media/sessions/{id}/offer; the pause after it ends the first answer,
`{"type": "voice_done"}` on the interview stream ends the second, and both become answers."""

from __future__ import annotations

import asyncio
import json
import wave
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from bson import ObjectId
from pymongo.database import Database
from speech_samples import SECOND, STORY, silence, word_overlap

from candidatex.speech.audio import float32_to_pcm16
from tests.interviews.test_stream import signup, start_session, ws_url


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(float32_to_pcm16(samples))
    return path


async def wait_for(events: list[dict[str, Any]], test: Any, timeout: float = 90) -> dict[str, Any]:
    """The first event passing `test` (the timeout only guards against a hang)."""
    async def poll() -> dict[str, Any]:
        while True:
            for event in events:
                if test(event):
                    return event
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(poll(), timeout)


async def test_a_microphone_over_webrtc_answers_the_questions(live_server: str, live_db: Database, speech_16k,
                                                              tmp_path: Path) -> None:
    # second answer: 0.6 s of trailing silence is a phrase pause (its words are transcribed) but not the end of
    # the answer; then the file ends and no more audio arrives, so only "voice_done" can end it
    audio = np.concatenate([silence(0.5), speech_16k(STORY), silence(9.0), speech_16k(SECOND), silence(0.6)])
    wav = write_wav(tmp_path / "answers.wav", audio)
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate, question_count=3)
        events: list[dict[str, Any]] = []
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            async def read() -> None:
                async for raw in ws:
                    events.append(json.loads(raw))

            reader = asyncio.create_task(read())
            first_question = await wait_for(events, lambda e: e["type"] == "question")
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            player = MediaPlayer(str(wav))
            pc.addTrack(player.audio)
            try:
                await pc.setLocalDescription(await pc.createOffer())
                response = await http.post(f"/media/sessions/{sid}/offer", headers=candidate["headers"],
                                           json={"sdp": pc.localDescription.sdp, "type": "offer",
                                                 "direction": "publish"})
                assert response.status_code == 200, response.text
                answer = response.json()["data"]
                await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))

                first = await wait_for(events, lambda e: e["type"] == "transcript" and e["data"]["final"])
                assert first["data"]["source"] == "webrtc" and first["data"]["ended_by"] in ("turn", "silence")
                assert first["data"]["question_id"] == first_question["data"]["id"]
                assert word_overlap(STORY, first["data"]["text"]) >= 0.6  # Opus at speech bitrate + tiny.en, first["data"]["text"]
                second_question = await wait_for(events, lambda e: e["type"] == "question"
                                                 and e["data"]["id"] != first_question["data"]["id"])

                # every word of the second answer has been heard: the candidate taps "done"
                await wait_for(events, lambda e: e["type"] == "transcript" and not e["data"]["final"]
                               and e["data"]["question_id"] == second_question["data"]["id"]
                               and word_overlap(SECOND, e["data"]["text"]) >= 0.7)
                await ws.send(json.dumps({"type": "voice_done"}))
                second = await wait_for(events, lambda e: e["type"] == "transcript" and e["data"]["final"]
                                        and e["data"]["question_id"] == second_question["data"]["id"])
                assert second["data"]["ended_by"] == "done" and word_overlap(SECOND, second["data"]["text"]) >= 0.7
                await wait_for(events, lambda e: e["type"] == "feedback" and e["data"]["stage"] == "evaluated"
                               and e["data"]["question_id"] == second_question["data"]["id"])

                # "done" with nothing said is a clear error, not an answer
                await ws.send(json.dumps({"type": "voice_done"}))
                error = await wait_for(events, lambda e: e["type"] == "error")
                assert error["data"]["code"] == "no_speech"
            finally:
                await pc.close()
                reader.cancel()
        assert all(e.get("ephemeral") for e in events if e["type"] == "transcript" and not e["data"]["final"])
    stored = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert [a["type"] for a in stored["answers"]] == ["voice", "voice"]
    assert stored["answers"][0]["speaking_metrics"]["words_per_minute"] > 0
    assert "filler_word_count" in stored["answers"][1]["speaking_metrics"]
