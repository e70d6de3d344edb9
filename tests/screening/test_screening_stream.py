"""A screening over the real stream socket: the candidate's events carry no score, feedback or hints while
it runs; the recruiter watching the same stream is the job's reviewer and may connect, others may not."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.conftest import register
from tests.interviews.test_sessions_api import STRONG_ANSWER
from tests.screening.helpers import PRECHECK_OK, pipeline, send
from tests.ws.helpers import events_until

COACHING = {"score", "evaluation", "rubric", "rubric_explanations", "expected_concepts", "covered_key_points",
            "missed_key_points", "factual_errors", "strengths", "weaknesses", "recommendations", "total_score",
            "hint", "hints", "follow_up_question"}


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


async def test_the_candidates_stream_carries_no_scores_or_hints(live_server: str) -> None:
    ws_base = live_server.replace("http://", "ws://")
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        p = await pipeline(http)
        screening = await send(http, p, question_count=2)
        sid = (await http.post(f"/screenings/{screening['id']}/consent", json={"accept": True},
                               headers=p.candidate.headers)).json()["data"]["session_id"]
        await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=p.candidate.headers)
        assert (await http.post(f"/interview/sessions/{sid}/start", headers=p.candidate.headers)).status_code == 200
        seen: list[dict[str, Any]] = []
        async with websockets.connect(f"{ws_base}/interview/{sid}/stream?token={p.candidate.access_token}") as ws:
            question = await events_until(ws, "question", seen)
            for _ in range(4):  # two questions and any follow-ups
                await ws.send(json.dumps({"type": "answer", "question_id": question["data"]["id"],
                                          "content": STRONG_ANSWER}))
                evaluated = None
                while evaluated is None:
                    event = await events_until(ws, "feedback", seen)
                    evaluated = event if event["data"]["stage"] == "evaluated" else None
                state = (await http.get(f"/interview/sessions/{sid}/next-question",
                                        headers=p.candidate.headers)).json()["data"]
                if state["done"]:
                    break
                question = await events_until(ws, "question", seen)
        feedback = [e for e in seen if e["type"] == "feedback"]
        assert len(feedback) >= 4 and {e["data"]["stage"] for e in feedback} == {"received", "evaluated"}
        leaked = keys_of([e.get("data") for e in seen]) & COACHING
        assert not leaked, f"the candidate's stream showed {leaked}"
        # the job's recruiter watches the same interview; another recruiter is refused before accept
        async with websockets.connect(f"{ws_base}/interview/{sid}/stream?token={p.recruiter.access_token}") as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]
        stranger = await register(http, "recruiter")
        with pytest.raises(InvalidStatus):
            async with websockets.connect(f"{ws_base}/interview/{sid}/stream?token={stranger.access_token}"):
                pass
