"""The mobile path: a real Litestar WebSocket speaking the protocol in speech/protocol.md."""

from __future__ import annotations

import json

import numpy as np
import pytest
from litestar import WebSocket, websocket
from litestar.testing import create_test_client
from speech_samples import INTRO, SECOND, silence, word_overlap

from candidatex.speech.audio import float32_to_pcm16
from candidatex.speech.pipeline import VoiceAnswerPipeline
from candidatex.speech.stream import serve_audio_stream


@pytest.fixture
def client(transcriber):
    @websocket("/speech")
    async def speech_socket(socket: WebSocket) -> None:
        await socket.accept()

        async def receive() -> str | bytes | None:
            message = await socket.receive()
            if message["type"] != "websocket.receive":
                return None
            return message.get("bytes") or message.get("text")

        await serve_audio_stream(VoiceAnswerPipeline(transcriber), receive, socket.send_json)
        await socket.close()

    with create_test_client([speech_socket]) as test_client:
        yield test_client


def send_audio(ws, audio: np.ndarray) -> None:
    pcm = float32_to_pcm16(audio)
    for start in range(0, len(pcm), 640):  # 20 ms frames of 16 kHz PCM16
        ws.send_bytes(pcm[start : start + 640])


def receive_until(ws, kind: str) -> list[dict]:
    messages = []
    while not messages or messages[-1]["type"] != kind:
        messages.append(ws.receive_json())
        assert messages[-1]["type"] != "error" or kind == "error", messages[-1]
    return messages


def test_a_phone_streams_two_answers_and_gets_partials_and_finals(client, speech_16k):
    with client.websocket_connect("/speech") as ws:
        ws.send_text(json.dumps({"type": "start", "sample_rate": 16000, "format": "pcm16"}))
        assert ws.receive_json() == {"type": "ready", "sample_rate": 16000, "channels": 1}

        # Sent faster than real time, the pause is over before it is judged: the long silence ends it.
        send_audio(ws, np.concatenate([silence(0.3), speech_16k(INTRO), silence(8.5)]))
        first = receive_until(ws, "final")
        assert first[0]["type"] == "speech_started"
        assert word_overlap(INTRO, first[-1]["text"]) >= 0.8
        assert first[-1]["ended_by"] in ("turn", "silence") and first[-1]["metrics"]["words_per_minute"] > 0

        send_audio(ws, speech_16k(SECOND))
        ws.send_text(json.dumps({"type": "done"}))
        second = receive_until(ws, "final")
        assert second[-1]["ended_by"] == "done" and second[-1]["answer_index"] == 1
        assert word_overlap(SECOND, second[-1]["text"]) >= 0.7

        ws.send_text(json.dumps({"type": "stop"}))


def test_done_with_nothing_said_is_a_no_speech_error(client):
    with client.websocket_connect("/speech") as ws:
        ws.send_text(json.dumps({"type": "start", "sample_rate": 16000, "format": "pcm16"}))
        ws.receive_json()
        send_audio(ws, silence(1))
        ws.send_text(json.dumps({"type": "done"}))
        assert ws.receive_json()["code"] == "no_speech"
        ws.send_text(json.dumps({"type": "stop"}))


def test_protocol_mistakes_get_clear_errors(client):
    with client.websocket_connect("/speech") as ws:
        ws.send_bytes(b"\x00\x00" * 320)
        assert ws.receive_json()["code"] == "not_started"
        ws.send_text(json.dumps({"type": "start", "sample_rate": 16000, "format": "opus"}))
        assert ws.receive_json()["code"] == "bad_format"
        ws.send_text("hello")
        assert ws.receive_json()["code"] == "bad_message"
        ws.send_text(json.dumps({"type": "stop"}))
