"""Publishing to the hub, analysis sampling and relaying to watchers, over real WebRTC on loopback."""

import asyncio

import numpy as np

from candidatex.media.hub import MediaHub, Role

from .conftest import (
    FACE_RGB,
    AudioCollector,
    Client,
    FaceVideoTrack,
    VideoCollector,
    resembles_face,
    wait_until,
)


async def test_candidate_media_reaches_analysis_and_a_watcher(hub, speech_wav) -> None:
    media_hub, video, audio = hub
    candidate = Client(media_hub, "s1", "cand", Role.CANDIDATE)
    watcher = Client(media_hub, "s1", "rec", Role.WATCHER)
    await candidate.publish(FaceVideoTrack(), speech_wav)
    await watcher.subscribe()

    await wait_until(lambda: len(video.frames) >= 3, what="sampled video frames")
    image, captured_at = video.frames[0]
    assert video.session_id == "s1"
    assert image.shape == FACE_RGB.shape and image.dtype == np.uint8
    # BGR order: the consumer's blue channel is the photo's blue channel.
    assert abs(image[..., 0].mean() - FACE_RGB[..., 2].mean()) < 8
    assert captured_at > 0

    await wait_until(lambda: len(audio.chunks) >= 100, what="two seconds of audio")
    assert {rate for _, rate in audio.chunks} == {16_000}
    speech = audio.samples().astype(np.float64)
    assert np.sqrt(np.mean(speech**2)) > 300, "audio reaching the speech pipeline is silent"

    relayed = await watcher.video_frames(5)
    assert resembles_face(relayed[-1])

    await candidate.close()
    await watcher.close()


async def test_video_is_sampled_at_the_configured_rate_not_every_frame(hub) -> None:
    media_hub, video, _ = hub
    candidate = Client(media_hub, "s-rate", "cand", Role.CANDIDATE)
    camera = FaceVideoTrack()
    await candidate.publish(camera)
    await wait_until(lambda: camera.frames_sent >= 60, what="two seconds of camera frames")
    await wait_until(lambda: len(video.frames) >= 2, what="samples")
    # 30 fps camera, 5 fps sampling: far fewer samples than frames.
    assert len(video.frames) <= camera.frames_sent / 3
    await candidate.close()


async def test_a_watcher_leaving_does_not_disturb_the_candidate_or_other_watchers(hub, speech_wav) -> None:
    media_hub, video, _ = hub
    candidate = Client(media_hub, "s2", "cand", Role.CANDIDATE)
    first, second = Client(media_hub, "s2", "w1", Role.WATCHER), Client(media_hub, "s2", "w2", Role.ADMIN)
    await candidate.publish(FaceVideoTrack(), speech_wav)
    await first.subscribe()
    await second.subscribe()
    assert resembles_face((await first.video_frames(3))[-1])
    assert resembles_face((await second.video_frames(3))[-1])

    await media_hub.hang_up("s2", "w1")
    await first.close()
    sampled_before = len(video.frames)

    assert resembles_face((await second.video_frames(30))[-1])
    await wait_until(lambda: len(video.frames) > sampled_before + 2, what="sampling to continue")
    assert media_hub.stats()["subscribers"] == 1 and media_hub.stats()["publishers"] == 1
    await candidate.close()
    await second.close()


async def test_a_watcher_subscribed_before_the_candidate_publishes_sees_the_candidate(hub) -> None:
    media_hub, _, _ = hub
    watcher = Client(media_hub, "s3", "w", Role.WATCHER)
    await watcher.subscribe()
    candidate = Client(media_hub, "s3", "cand", Role.CANDIDATE)
    await candidate.publish(FaceVideoTrack())
    assert resembles_face((await watcher.video_frames(3))[-1])

    # The candidate reconnects (new publish peer); the watcher keeps its connection and the picture.
    await media_hub.hang_up("s3", "cand")
    await candidate.close()
    again = Client(media_hub, "s3", "cand", Role.CANDIDATE)
    await again.publish(FaceVideoTrack(np.ascontiguousarray(FACE_RGB[::-1])))
    flipped = await watcher.video_frames(30)
    assert np.abs(flipped[-1].astype(int) - FACE_RGB[::-1]).mean() < 20
    await again.close()
    await watcher.close()


async def test_only_candidates_and_recruiters_publish(hub) -> None:
    media_hub, _, _ = hub
    watcher = Client(media_hub, "s4", "w", Role.WATCHER)
    try:
        await watcher.publish(FaceVideoTrack())
    except Exception as error:  # noqa: BLE001 - the hub's refusal is what is checked
        assert getattr(error, "code", None) == "forbidden"
    else:
        raise AssertionError("a watcher was allowed to publish")
    finally:
        await watcher.close()
    assert media_hub.stats()["peers"] == 0


async def test_a_slow_analyser_drops_frames_instead_of_stalling_the_relay() -> None:
    class SlowAnalyser(VideoCollector):
        async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
            await asyncio.sleep(0.5)
            await super().consume_video(session_id, image_bgr, captured_at)

    analyser = SlowAnalyser()
    media_hub = MediaHub(ice_servers=[], video_sample_fps=30, video_consumer=analyser, audio_consumer=AudioCollector())
    candidate = Client(media_hub, "s5", "cand", Role.CANDIDATE)
    watcher = Client(media_hub, "s5", "w", Role.WATCHER)
    await candidate.publish(FaceVideoTrack())
    await watcher.subscribe()
    frames = await watcher.video_frames(45)
    assert resembles_face(frames[-1])
    stats = media_hub.stats()
    assert stats["video_frames_dropped"] > 0
    assert stats["video_frames_analysed"] < stats["video_frames_sampled"] + stats["video_frames_dropped"]
    await candidate.close()
    await watcher.close()
    await media_hub.shutdown()
