"""Peers are cleaned up on hang-up, session end and shutdown: no peers, tasks or sockets left behind."""

import asyncio

import pytest

from candidatex.media.hub import MediaHub, Role

from .conftest import AudioCollector, Client, FaceVideoTrack, VideoCollector, open_socket_count, wait_until


@pytest.mark.parametrize("ending", ["hang_up", "close_session", "shutdown"])
async def test_nothing_is_left_behind(ending: str, speech_wav) -> None:
    tasks_before = asyncio.all_tasks()
    sockets_before = open_socket_count()
    audio = AudioCollector()
    media_hub = MediaHub(ice_servers=[], video_sample_fps=5, video_consumer=VideoCollector(), audio_consumer=audio)
    candidate = Client(media_hub, "t1", "cand", Role.CANDIDATE)
    watchers = [Client(media_hub, "t1", f"w{i}", Role.WATCHER) for i in range(2)]
    await candidate.publish(FaceVideoTrack(), speech_wav)
    for watcher in watchers:
        await watcher.subscribe()
        await watcher.video_frames(2)
    assert media_hub.stats()["peers"] == 3 and media_hub.stats()["tasks"] > 0

    # The server ends the peers first (as on a lost socket or an ended session), then clients go.
    if ending == "hang_up":
        for participant in ("w0", "cand", "w1"):
            await media_hub.hang_up("t1", participant)
    elif ending == "close_session":
        await media_hub.close_session("t1")
    else:
        await media_hub.shutdown()
    stats = media_hub.stats()
    assert (stats["rooms"], stats["peers"], stats["tasks"]) == (0, 0, 0)
    assert audio.ended == ["t1"], "the speech pipeline was not told the audio ended"

    for client in (candidate, *watchers):
        await client.close()
    current = asyncio.current_task()
    leftover = lambda: asyncio.all_tasks() - tasks_before - {current}  # noqa: E731
    await wait_until(lambda: not leftover(), what="all tasks to finish", details=lambda: leftover())
    await wait_until(lambda: open_socket_count() <= sockets_before, what="sockets to close")


async def test_hanging_up_twice_or_an_unknown_participant_is_harmless(hub) -> None:
    media_hub, _, _ = hub
    await media_hub.hang_up("nope", "nobody")
    candidate = Client(media_hub, "t2", "cand", Role.CANDIDATE)
    await candidate.publish(FaceVideoTrack())
    await media_hub.hang_up("t2", "cand")
    await media_hub.hang_up("t2", "cand")
    await media_hub.close_session("t2")
    assert media_hub.stats()["peers"] == 0
    await candidate.close()
