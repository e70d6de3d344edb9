"""POST /media/sessions/{id}/offer, hang-up, ICE servers, stats over a real server and real WebRTC."""

from __future__ import annotations

from pathlib import Path

import httpx
from pymongo.database import Database

from tests.media.api_helpers import HttpPeer, frames_of, make_admin, mock_session, signup, wait_for_track
from tests.media.conftest import resembles_face


async def test_candidate_publishes_and_an_admin_watches_over_http(live_server: str, live_db: Database,
                                                                  speech_wav: Path) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        candidate = await signup(http)
        admin = await make_admin(http, live_db)
        sid = await mock_session(http, candidate)
        publisher = HttpPeer(http, candidate, sid)
        watcher = HttpPeer(http, admin, sid)
        try:
            response = await publisher.publish(speech_wav)
            assert response.status_code == 200, response.text
            assert response.json()["data"]["type"] == "answer"
            response = await watcher.subscribe()
            assert response.status_code == 200, response.text
            images = await frames_of(await wait_for_track(watcher.received, "video"), 5)
            assert any(resembles_face(image) for image in images)
            stats = (await http.get("/media/stats", headers=admin["headers"])).json()["data"]
            assert stats["publishers"] >= 1 and stats["subscribers"] >= 1
            # the candidate of a mock interview has nobody to watch; only admins read the stats
            assert (await HttpPeer(http, candidate, sid).subscribe()).status_code == 403
            assert (await http.get("/media/stats", headers=candidate["headers"])).status_code == 403
        finally:
            await publisher.close()
            await watcher.close()
        for user in (candidate, admin):
            hangup = await http.post(f"/media/sessions/{sid}/hangup", headers=user["headers"])
            assert hangup.status_code == 200, hangup.text
        stats = (await http.get(f"/media/stats?session_id={sid}", headers=admin["headers"])).json()["data"]
        assert stats["room"] == {"publishing": False, "publishers": [], "subscribers": 0, "recording": False}
        metrics = (await http.get("/metrics")).text
        assert "candidatex_media_peers " in metrics and "candidatex_media_video_frames_sampled_total " in metrics


async def test_offers_are_refused_to_strangers_bad_input_and_ended_sessions(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        candidate = await signup(http)
        stranger = await signup(http)
        recruiter = await signup(http, "recruiter")
        sid = await mock_session(http, candidate)
        assert (await HttpPeer(http, stranger, sid).publish(None)).status_code == 404
        assert (await HttpPeer(http, recruiter, sid).subscribe()).status_code == 404
        url = f"/media/sessions/{sid}/offer"
        bad = await http.post(url, json={"sdp": "v=0 nonsense", "type": "offer"}, headers=candidate["headers"])
        assert bad.status_code == 422 and bad.json()["success"] is False
        extra = await http.post(url, json={"sdp": "x", "type": "offer", "evil": 1}, headers=candidate["headers"])
        assert extra.status_code in (400, 422)
        wrong = await http.post(url, json={"sdp": "x", "type": "offer", "direction": "sideways"},
                                headers=candidate["headers"])
        assert wrong.status_code in (400, 422)
        assert (await http.post(f"/media/sessions/{'0' * 24}/offer", json={"sdp": "x"},
                                headers=candidate["headers"])).status_code == 404
        admin = await make_admin(http, live_db)
        publisher = HttpPeer(http, candidate, sid)
        assert (await publisher.publish(None)).status_code == 200
        room = (await http.get(f"/media/stats?session_id={sid}", headers=admin["headers"])).json()["data"]["room"]
        assert room["publishers"] == ["candidate"]
        # finalizing the interview closes its media
        assert (await http.post(f"/interview/sessions/{sid}/finalize", headers=candidate["headers"])).status_code == 200
        room = (await http.get(f"/media/stats?session_id={sid}", headers=admin["headers"])).json()["data"]["room"]
        assert room["publishers"] == []
        await publisher.close()
        ended = await HttpPeer(http, candidate, sid).publish(None)
        assert ended.status_code == 409 and ended.json()["error"]["code"] == "SESSION_ENDED"


async def test_ice_servers_for_the_browser(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        candidate = await signup(http)
        response = await http.get("/media/ice-servers", headers=candidate["headers"])
        assert response.status_code == 200 and response.json()["data"] == {"ice_servers": []}
        assert (await http.get("/media/ice-servers")).status_code == 401
