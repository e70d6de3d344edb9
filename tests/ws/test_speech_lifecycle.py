"""Speech follows the session lifecycle (VoiceAudioConsumer.follow): the candidate's microphone is transcribed
while the interview runs, not while it is paused or before it starts, and its voice session closes when the
interview ends, each told by the typed lifecycle event the interview service publishes, not read by a poll."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import Account
from tests.interviews.test_sessions_api import PRECHECK_OK

SILENCE = b"\x00\x00" * 1600  # 100 ms of 16 kHz PCM16


async def test_the_microphone_follows_start_pause_resume_and_end(client: AsyncTestClient, app: Litestar,
                                                                 candidate: Account) -> None:
    consumer = app.state.voice_consumer
    portal = client.blocking_portal  # the app runs on the portal's loop

    async def on_app(function: Any, *args: Any) -> Any:
        return await asyncio.to_thread(portal.call, function, *args)

    async def post(action: str) -> None:
        response = await client.post(f"/interview/sessions/{sid}/{action}", headers=candidate.headers)
        assert response.status_code == 200, (action, response.text)

    created = await client.post("/interview/sessions", headers=candidate.headers, json={
        "type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": 2,
        "duration_minutes": 10})
    sid = created.json()["data"]["session_id"]
    await client.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=candidate.headers)
    await on_app(consumer.consume_audio, sid, SILENCE, 16000, 0.0)
    assert sid not in consumer.sessions  # the precheck's microphone is not an answer

    await post("start")  # SessionStarted: the next chunk opens the candidate's voice session
    await on_app(consumer.consume_audio, sid, SILENCE, 16000, 0.0)
    voice = consumer.sessions[sid]
    assert voice.active and str(voice.user.id) == candidate.id

    await post("pause")  # no audio in between: only the event can have told it
    assert not consumer.sessions[sid].active
    await post("resume")
    assert consumer.sessions[sid].active

    await post("finalize")  # SessionEnded: the voice session closes without another chunk
    assert sid not in consumer.sessions

    async def closed() -> bool:
        await asyncio.wait_for(voice.task, 30)  # its pipeline stopped: nothing more is transcribed
        return voice.task.done()

    assert await on_app(closed)
    await on_app(consumer.consume_audio, sid, SILENCE, 16000, 0.0)
    assert sid not in consumer.sessions  # audio after the end opens nothing
