"""Each browser tab signs with its own key and numbers its own signals: a second tab is no replay, it is a
reviewable "second tab" flag; a reload of the same tab, or a new tab after the old one went quiet, is none."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.anticheat.chain import verify_chain
from candidatex.anticheat.signals import sign_signal
from tests.anticheat.keys import server_chain_key
from tests.anticheat.test_api_signals import post_signals, start, warnings_of
from tests.conftest import Account

TAB_A, TAB_B, TAB_C = "tab-aaaaaaaa", "tab-bbbbbbbb", "tab-cccccccc"


def tab_signal(key: str, sid: str, tab: str, seq: int, kind: str = "heartbeat",
               data: dict[str, Any] | None = None, *, sign_tab: str | None = "same") -> dict[str, Any]:
    data = data if data is not None else {"visible": True, "focused": True, "fullscreen": True, "screens": 1}
    ts = int(time.time() * 1000)
    signing_tab = tab if sign_tab == "same" else sign_tab
    return {"kind": kind, "seq": seq, "ts": ts, "data": data, "tab": tab,
            "hmac": sign_signal(key.encode(), sid, seq, kind, ts, data, signing_tab)}


async def results(client: AsyncTestClient, account: Account, sid: str, body: Any) -> list[dict[str, Any]]:
    response = await post_signals(client, account, sid, body)
    assert response.status_code == 200, response.text
    return response.json()["data"]["results"]


async def test_second_tab_is_flagged_not_rejected(client: AsyncTestClient, candidate: Account, admin: Account,
                                                  db: Database) -> None:
    sid, key = await start(client, candidate)
    first = await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, 1), tab_signal(key, sid, TAB_A, 2)])
    assert [r["accepted"] for r in first] == [True, True]
    # the same tab reloaded continues its own numbers: nothing to flag
    assert (await results(client, candidate, sid, tab_signal(key, sid, TAB_A, 3)))[0]["problem"] is None
    # a second tab starts at 1: accepted (before: a replay), and flagged for review
    second = (await results(client, candidate, sid, tab_signal(key, sid, TAB_B, 1)))[0]
    assert second["accepted"] and second["problem"] is None
    warning = warnings_of(db, sid)[-1]
    assert warning["kind"] == "second_tab" and not warning["terminate"] and "another tab" in warning["message"]
    # each tab's own replays are still replays
    assert (await results(client, candidate, sid, tab_signal(key, sid, TAB_A, 2)))[0]["problem"] == "replay"
    assert (await results(client, candidate, sid, tab_signal(key, sid, TAB_B, 2)))[0]["accepted"]
    # a tab's signal signed with the session key itself (or another tab's key) is a forgery
    assert (await results(client, candidate, sid, tab_signal(key, sid, TAB_B, 3, sign_tab=None)))[0]["problem"] == "forgery"
    assert (await results(client, candidate, sid, tab_signal(key, sid, TAB_B, 3, sign_tab=TAB_A)))[0]["problem"] == "forgery"

    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    flags = [e for e in doc["anti_cheat_log"] if e["event"] == "second_tab"]
    assert len(flags) == 1 and flags[0]["details"]["evidence"]["other_tabs"] == [TAB_A]
    assert doc["strike_counts"] == {"second_tab": 1} and doc["status"] == "active"
    assert doc["signal_tabs"][TAB_A]["seq"] == 3 and doc["signal_tabs"][TAB_B]["seq"] == 2
    assert verify_chain(doc["anti_cheat_log"], key=server_chain_key(sid)).valid
    report = (await client.get(f"/interview/sessions/{sid}/integrity", headers=admin.headers)).json()
    assert any(item["what"] == "second_tab" for item in report["data"]["evidence"])


async def test_new_tab_after_the_old_one_went_quiet_is_no_flag(client: AsyncTestClient, candidate: Account,
                                                              db: Database) -> None:
    sid, key = await start(client, candidate)
    await results(client, candidate, sid, tab_signal(key, sid, TAB_A, 1))
    # the first tab was last heard long ago (closed, the browser crashed): a new tab is the candidate coming back
    db.interview_sessions.update_one({"_id": ObjectId(sid)}, {"$set": {f"signal_tabs.{TAB_A}.at": 0}})
    assert (await results(client, candidate, sid, tab_signal(key, sid, TAB_C, 1)))[0]["accepted"]
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert "second_tab" not in doc["strike_counts"]
    assert [w["kind"] for w in warnings_of(db, sid)] == []


async def test_bad_tab_ids_are_422(client: AsyncTestClient, candidate: Account) -> None:
    sid, key = await start(client, candidate)
    for tab in ("short", "a.b.c.d.e.f", "$where12345", "x" * 65):
        body = tab_signal(key, sid, TAB_A, 1)
        body["tab"] = tab
        assert (await post_signals(client, candidate, sid, body)).status_code == 422, tab



async def test_speech_while_answering_in_text_is_flagged(client: AsyncTestClient, app: Litestar, candidate: Account,
                                                         db: Database) -> None:
    """The speech stage tells the anti-cheat when voice activity starts (VoiceService.on_speech_started); while the
    page's heartbeat says the candidate types, that is a reviewable flag, once per question; while they speak it
    is their answer."""
    sid, key = await start(client, candidate)
    on_speech = app.state.voice_service.on_speech_started  # the speech stage's call, as wired in the app
    portal = client.blocking_portal  # the app (and its database client) runs on the portal's loop

    async def voice_started(sid: str, question_id: str) -> None:
        await asyncio.to_thread(portal.call, on_speech, sid, question_id)
    beat = {"visible": True, "focused": True, "fullscreen": True, "screens": 1}
    await results(client, candidate, sid, tab_signal(key, sid, TAB_A, 1, data={**beat, "answer_mode": "voice"}))
    await voice_started(sid, "q1")
    assert "speech_during_text" not in db.interview_sessions.find_one({"_id": ObjectId(sid)})["strike_counts"]

    await results(client, candidate, sid, tab_signal(key, sid, TAB_A, 2, data={**beat, "answer_mode": "text"}))
    await voice_started(sid, "q1")
    await voice_started(sid, "q1")  # the same question: one flag
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    flags = [e for e in doc["anti_cheat_log"] if e["event"] == "speech_during_text"]
    assert len(flags) == 1 and flags[0]["details"]["source"] == "server"
    assert flags[0]["details"]["evidence"]["question_id"] == "q1" and doc["status"] == "active"
    warning = warnings_of(db, sid)[-1]
    assert warning["kind"] == "speech_during_text" and not warning["terminate"]
