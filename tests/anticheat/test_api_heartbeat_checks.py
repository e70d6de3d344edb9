"""Forged heartbeats (signed with the tab key, as a modified page would) whose contents contradict the page's own
events become the reviewable "signals_inconsistent" flag; so do signals missing while the camera's video arrives.
An honest page's heartbeats raise nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.anticheat.test_api_signals import start, warnings_of
from tests.anticheat.test_api_tabs import TAB_A, results, tab_signal
from tests.conftest import Account

PAGE = {"page": "load-1"}


def beat(**state: Any) -> dict[str, Any]:
    return {**PAGE, "visible": True, "focused": True, "fullscreen": True, "screens": 1, **state}


def flags(db: Database, sid: str) -> list[dict[str, Any]]:
    log = db.interview_sessions.find_one({"_id": ObjectId(sid)})["anti_cheat_log"]
    return [e["details"] for e in log if e["event"] == "signals_inconsistent"]


async def test_heartbeats_that_contradict_the_events_are_flagged_for_review(
        client: AsyncTestClient, candidate: Account, db: Database) -> None:
    sid, key = await start(client, candidate)
    # honest: hidden with its tab_switch, back; full screen left and returned; a second screen reported
    honest = [("heartbeat", beat()), ("tab_switch", {}), ("heartbeat", beat(visible=False, focused=False)),
              ("heartbeat", beat()), ("fullscreen_exit", {"phase": "left"}), ("heartbeat", beat(fullscreen=False)),
              ("fullscreen_exit", {"phase": "returned", "away_ms": 2000}), ("heartbeat", beat())]
    await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, i + 1, kind, data)
                                           for i, (kind, data) in enumerate(honest)])
    assert flags(db, sid) == []

    # a page that filters its events but still sends heartbeats: each change without its event is flagged
    forged = [beat(fullscreen=False), beat(fullscreen=False, visible=False, focused=False),
              beat(fullscreen=False, screens=2)]
    answer = await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, len(honest) + i + 1, "heartbeat", data)
                                                    for i, data in enumerate(forged)])
    assert all(r["accepted"] for r in answer)
    found = flags(db, sid)
    assert [f["evidence"]["check"] for f in found] == ["fullscreen_left_unreported", "hidden_without_tab_switch",
                                                       "screens_changed_unreported"]
    assert all(f["threshold"] == 0 and not f["terminate"] and f["evidence"]["tab"] == TAB_A for f in found)
    warning = warnings_of(db, sid)[-1]
    assert warning["kind"] == "signals_inconsistent" and "recorded for review" in warning["message"]
    assert db.interview_sessions.find_one({"_id": ObjectId(sid)})["status"] == "active"  # warn only

    # a reported exit, then a heartbeat claiming full screen with neither "returned" nor "expired"
    n = len(honest) + len(forged)
    await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, n + 1, "fullscreen_exit", {"phase": "left"}),
                                           tab_signal(key, sid, TAB_A, n + 2, "heartbeat", beat(screens=2))])
    assert flags(db, sid)[-1]["evidence"]["check"] == "fullscreen_claimed_after_exit"


async def test_a_gap_in_the_signals_while_video_arrives_is_flagged(client: AsyncTestClient, app: Litestar,
                                                                   candidate: Account, db: Database) -> None:
    sid, key = await start(client, candidate)
    await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, 1, "heartbeat", beat())])
    # no video yet: a gap is logged (as before) and is no inconsistency
    await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, 3, "heartbeat", beat())])
    assert flags(db, sid) == []
    # the camera's video arrives (FACE_DETECTION_ENABLED=false here: no vision, video is still seen arriving)
    anti_cheat = app.state.anti_cheat
    vision, anti_cheat.vision_enabled = anti_cheat.vision_enabled, False
    try:
        await anti_cheat.consume_video(sid, np.zeros((48, 64, 3), np.uint8), 0.0)
    finally:
        anti_cheat.vision_enabled = vision
    await results(client, candidate, sid, [tab_signal(key, sid, TAB_A, 6, "heartbeat", beat())])
    found = flags(db, sid)
    assert [f["evidence"]["check"] for f in found] == ["gap_while_video"] and found[0]["source"] == "server"
    log = db.interview_sessions.find_one({"_id": ObjectId(sid)})["anti_cheat_log"]
    assert [e["details"]["missing"] for e in log if e["event"] == "signal_gap"] == [[2], [4, 5]]
