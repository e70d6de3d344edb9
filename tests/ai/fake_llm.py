"""A local HTTP server that speaks the OpenAI chat-completions and Gemini generateContent APIs.

It answers like the real services (same JSON envelopes, same auth headers), and can be told to fail:
HTTP 500, hang past the client's deadline, or return text that is not the JSON the prompt asked for.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn

Behaviour = Literal["ok", "error", "hang", "malformed"]
GEMINI_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")
API_KEY = "test-key-not-secret"


def default_reply(prompt: str) -> dict[str, Any]:
    """A valid model reply for whichever of our three prompts this is."""
    if prompt.startswith("Write exactly"):
        count = int(prompt.split()[2])
        return {
            "questions": [
                {
                    "text": f"Remote question number {n}: explain how you would shard a database.",
                    "kind": "technical",
                    "category": "databases",
                    "difficulty": "hard",
                    "expected_concepts": ["sharding", "replication"],
                    "time_limit_seconds": 240,
                }
                for n in range(1, count + 1)
            ]
        }
    if prompt.startswith("Evaluate"):
        return {
            "score": 72,
            "rubric": {"concept_coverage": 80, "depth": 60},
            "rubric_weights": {"concept_coverage": 0.6, "depth": 0.4},
            "strengths": ["Clear explanation"],
            "weaknesses": ["No trade-offs"],
            "recommendations": ["Discuss trade-offs"],
            "needs_follow_up": True,
            "follow_up_question": "What would you do if one shard became hot?",
        }
    return {
        "total_score": 70,
        "behavioral_score": None,
        "technical_score": 70,
        "communication_score": 65,
        "strengths": ["Clear"],
        "weaknesses": ["Shallow"],
        "recommendations": ["Go deeper"],
        "summary": "A solid interview written by the remote model.",
    }


@dataclass
class FakeLLMServer:
    behaviour: Behaviour = "ok"
    reply: Callable[[str], dict[str, Any]] = default_reply
    hits: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._release.set()
        assert self._server and self._task
        self._server.should_exit = True
        await self._task

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        status, payload = await self._handle(scope["method"], scope["path"], headers, body)
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": raw})

    async def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        gemini = GEMINI_PATH.match(path)
        if method != "POST" or not (path == "/v1/chat/completions" or gemini):
            return 404, {"error": {"message": f"no route {method} {path}"}}
        self.hits += 1
        request = json.loads(body)
        self.requests.append(request)
        if gemini:
            if headers.get("x-goog-api-key") != API_KEY:
                return 401, {"error": {"code": 401, "message": "bad key", "status": "UNAUTHENTICATED"}}
            prompt = request["contents"][0]["parts"][0]["text"]
        else:
            if headers.get("authorization") != f"Bearer {API_KEY}":
                return 401, {"error": {"message": "bad key", "type": "invalid_request_error"}}
            prompt = request["messages"][-1]["content"]

        if self.behaviour == "error":
            return 500, {"error": {"code": 500, "message": "internal error", "status": "INTERNAL"}}
        if self.behaviour == "hang":
            await asyncio.wait_for(self._release.wait(), timeout=30)
        text = (
            "Sure! Here are your questions: 1. Tell me"
            if self.behaviour == "malformed"
            else json.dumps(self.reply(prompt))
        )
        if gemini:
            return 200, {
                "candidates": [
                    {
                        "content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP",
                        "index": 0,
                    }
                ],
                "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 10, "totalTokenCount": 20},
                "modelVersion": gemini.group("model"),
            }
        return 200, {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1700000000,
            "model": request["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
