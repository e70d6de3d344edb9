"""MEDIA_RECORDING=true: the candidate's media and the recruiter's microphone are recorded, kept in GridFS when the interview ends, and
downloadable by the interviewer and admins only."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest
from pymongo import MongoClient
from pymongo.database import Database

from tests.conftest import live_env
from tests.media.api_helpers import HttpPeer, frames_of, live_session, make_admin, signup, wait_for_track
from tests.media.audio_checks import INTERVIEWER_STREAM, decoded_audio, dominant_hertz, tone_wav
from tests.media.conftest import resembles_face
from tests.servers import running_server


@pytest.fixture(scope="module")
def recording_server(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database, Path]]:
    env = live_env(mongo_url, MEDIA_RECORDING="true")
    data_dir = tmp_path_factory.mktemp("recording") / "data"
    with running_server(env, data_dir) as (url, _), MongoClient(mongo_url, tz_aware=True) as client:
        yield url, client[env["MONGODB_DB"]], data_dir


async def test_the_recording_is_kept_and_only_staff_may_download_it(
        recording_server: tuple[str, Database, Path], speech_wav: Path, tmp_path: Path) -> None:
    url, db, data_dir = recording_server
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        recruiter = await signup(http, "recruiter")
        candidate = await signup(http)
        admin = await make_admin(http, db)
        sid = await live_session(http, recruiter, candidate)
        publisher = HttpPeer(http, candidate, sid)
        interviewer = HttpPeer(http, recruiter, sid)
        watcher = HttpPeer(http, admin, sid)
        try:
            assert (await publisher.publish(speech_wav)).status_code == 200
            # the recruiter's microphone: the other side of the conversation, a 440 Hz tone here
            assert (await interviewer.publish(tone_wav(tmp_path / "recruiter.wav"))).status_code == 200
            assert (await watcher.subscribe()).status_code == 200
            # frames have reached the room's feed, which the recorder reads as well
            await frames_of(await wait_for_track(watcher.received, "video"), 30)
            live = (await http.get("/interview/live", headers=admin["headers"])).json()["data"]
            assert [s["recording"] for s in live if s["session_id"] == sid] == [True]
            before = (await http.get(f"/media/sessions/{sid}/recording", headers=recruiter["headers"]))
            assert before.status_code == 404  # still being recorded
            ended = await http.post(f"/interview/sessions/{sid}/end", headers=recruiter["headers"], json={})
            assert ended.status_code == 200, ended.text
        finally:
            await publisher.close()
            await interviewer.close()
            await watcher.close()

        async def stored_recording() -> dict:
            while (found := db["recordings.files"].find_one({"metadata.session_id": sid})) is None:
                await asyncio.sleep(0.1)
            return found

        stored = await asyncio.wait_for(stored_recording(), 30)
        assert stored["length"] > 0
        local_file = data_dir / "recordings" / f"{sid}.webm"

        async def local_file_removed() -> None:  # the server deletes it right after the upload completes
            while local_file.exists():
                await asyncio.sleep(0.1)

        await asyncio.wait_for(local_file_removed(), 30)
        assert not local_file.exists()  # moved into GridFS

        for user in (recruiter, admin):
            response = await http.get(f"/media/sessions/{sid}/recording", headers=user["headers"])
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("video/webm")
            assert len(response.content) == stored["length"]
        path = tmp_path / "recording.webm"
        path.write_bytes(response.content)
        with av.open(str(path)) as container:
            images = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
        assert images and any(resembles_face(image) for image in images)
        # both sides are in the file: the candidate's speech and, on its own stream, the recruiter's tone
        _, candidate_levels = decoded_audio(path, 0)
        _, recruiter_levels = decoded_audio(path, INTERVIEWER_STREAM)
        assert candidate_levels.max() > 500 and recruiter_levels.max() > 500
        assert abs(dominant_hertz(path, INTERVIEWER_STREAM) - 440) < 10

        # this server ran only this interview: nothing of it is left behind
        stats = (await http.get("/media/stats", headers=admin["headers"])).json()["data"]
        assert (stats["rooms"], stats["peers"], stats["recordings"], stats["tasks"]) == (0, 0, 0, 0)
        metrics = (await http.get("/metrics")).text
        assert "candidatex_media_peers 0.0" in metrics and "candidatex_media_recordings 0.0" in metrics
        assert (await http.get(f"/media/sessions/{sid}/recording", headers=candidate["headers"])).status_code == 403
        other = await signup(http, "recruiter")
        assert (await http.get(f"/media/sessions/{sid}/recording", headers=other["headers"])).status_code == 404
        assert (await http.get(f"/media/sessions/{sid}/recording")).status_code == 401
