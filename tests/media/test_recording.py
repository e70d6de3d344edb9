"""Optional recording of the candidate's media to a playable WebM file."""

import asyncio
from pathlib import Path

import av
import pytest

from candidatex.media.hub import MediaHub, MediaHubError, Role
from candidatex.speech.tts import synthesize

from .audio_checks import INTERVIEWER_STREAM, decoded_audio, dominant_hertz, tone_wav
from .conftest import AudioCollector, Client, FaceVideoTrack, VideoCollector, wait_until


async def test_a_recorded_session_is_a_playable_file(tmp_path, speech_wav) -> None:
    media_hub = MediaHub(
        ice_servers=[],
        video_sample_fps=2,
        recordings_dir=tmp_path / "recordings",
        video_consumer=VideoCollector(),
        audio_consumer=AudioCollector(),
    )
    candidate = Client(media_hub, "rec1", "cand", Role.CANDIDATE)
    camera = FaceVideoTrack()
    await candidate.publish(camera, speech_wav)
    assert media_hub.is_recording("rec1")
    await wait_until(lambda: camera.frames_sent >= 60, what="two seconds of camera")
    await media_hub.close_session("rec1")
    await candidate.close()
    assert media_hub.stats()["tasks"] == 0

    path = media_hub.recording_path("rec1")
    assert path == tmp_path / "recordings" / "rec1.webm"
    with av.open(str(path)) as container:
        video_frames = [frame for frame in container.decode(video=0)]
    with av.open(str(path)) as container:
        audio_frames = [frame for frame in container.decode(audio=0)]
    assert len(video_frames) >= 20
    assert (video_frames[0].width, video_frames[0].height) == (512, 512)
    assert sum(frame.samples for frame in audio_frames) / audio_frames[0].sample_rate > 0.5
    await media_hub.shutdown()


def test_recording_paths_are_confined_to_the_recordings_folder(tmp_path) -> None:
    media_hub = MediaHub(recordings_dir=tmp_path)
    with pytest.raises(MediaHubError):
        media_hub.recording_path("../../etc/passwd")
    with pytest.raises(MediaHubError):
        MediaHub(recordings_dir=None).recording_path("s1")


def recording_hub(tmp_path: Path) -> MediaHub:
    return MediaHub(ice_servers=[], video_sample_fps=2, recordings_dir=tmp_path / "recordings",
                    video_consumer=VideoCollector(), audio_consumer=AudioCollector())


async def test_a_live_recording_has_the_recruiters_audio_as_well_as_the_candidates(tmp_path, speech_wav) -> None:
    media_hub = recording_hub(tmp_path)
    candidate = Client(media_hub, "live1", "cand", Role.CANDIDATE)
    recruiter = Client(media_hub, "live1", "rec", Role.RECRUITER)
    camera = FaceVideoTrack()
    await candidate.publish(camera, speech_wav)
    await recruiter.publish(None, tone_wav(tmp_path / "recruiter.wav"))
    await wait_until(lambda: camera.frames_sent >= 90, what="three seconds of camera")
    await media_hub.close_session("live1")
    await candidate.close()
    await recruiter.close()

    path = media_hub.recording_path("live1")
    _, candidate_levels = decoded_audio(path, 0)
    _, recruiter_levels = decoded_audio(path, INTERVIEWER_STREAM)
    assert candidate_levels.max() > 500 and recruiter_levels.max() > 500
    # the second stream is the recruiter's 440 Hz, not a copy of the candidate's speech
    assert abs(dominant_hertz(path, INTERVIEWER_STREAM) - 440) < 10
    assert abs(dominant_hertz(path, 0) - 440) > 10
    await media_hub.shutdown()


async def test_a_voice_recording_has_the_spoken_question_where_it_was_asked(tmp_path, speech_wav) -> None:
    pcm, rate = await synthesize("Tell me about a time you disagreed with a colleague.")
    assert rate > 0, "espeak-ng speaks the question"
    media_hub = recording_hub(tmp_path)
    candidate = Client(media_hub, "voice1", "cand", Role.CANDIDATE)
    camera = FaceVideoTrack()
    await candidate.publish(camera, speech_wav)
    assert not await media_hub.play_to_recording("no-such-room", pcm, rate)
    await wait_until(lambda: camera.frames_sent >= 30, what="a second of camera")
    await asyncio.sleep(0.5)  # the recording has begun
    assert await media_hub.play_to_recording("voice1", pcm, rate)
    await wait_until(lambda: camera.frames_sent >= 150, what="the question's length of camera")
    await media_hub.close_session("voice1")
    await candidate.close()

    starts, levels = decoded_audio(media_hub.recording_path("voice1"), INTERVIEWER_STREAM)
    spoken = len(pcm) / 2 / rate
    assert starts.min() > 0.3  # the question is where it was asked, not at the start of the file
    within = (starts >= starts.min()) & (starts <= starts.min() + spoken)
    assert levels[within].max() > 500 and (levels[within] > 100).mean() > 0.4
    assert starts.max() - starts.min() == pytest.approx(spoken, abs=0.3)
    await media_hub.shutdown()


async def test_the_voice_service_speaks_a_question_into_a_recording_only_while_one_runs(tmp_path, speech_wav) -> None:
    from candidatex.speech.service import VoiceService
    from candidatex.speech.transcriber import Transcriber

    media_hub = recording_hub(tmp_path)
    voice = VoiceService(Transcriber("tiny.en"), interviews=None, bus=None)  # type: ignore[arg-type]
    voice.recordings = media_hub
    assert not await voice.speak_into_recording("voice2", "What is a race condition?")  # nothing recorded yet
    candidate = Client(media_hub, "voice2", "cand", Role.CANDIDATE)
    camera = FaceVideoTrack()
    await candidate.publish(camera, speech_wav)
    await wait_until(lambda: camera.frames_sent >= 30, what="a second of camera")
    await asyncio.sleep(0.5)
    assert await voice.speak_into_recording("voice2", "What is a race condition?")
    await wait_until(lambda: camera.frames_sent >= 120, what="the question's length of camera")
    await media_hub.close_session("voice2")
    await candidate.close()

    _, levels = decoded_audio(media_hub.recording_path("voice2"), INTERVIEWER_STREAM)
    assert levels.max() > 500
    await media_hub.shutdown()


async def test_ending_a_recorded_interview_does_not_wait_behind_other_work_in_the_shared_thread_pool(
        tmp_path, speech_wav) -> None:
    """Transcription and vision run in the event loop's default thread pool and take seconds a job on a busy
    machine; the recorder encodes on its own thread, so closing a session finishes the file while that pool
    is still full (before, the end of an interview queued every remaining frame behind them)."""
    import threading

    media_hub = recording_hub(tmp_path)
    candidate = Client(media_hub, "busy1", "cand", Role.CANDIDATE)
    camera = FaceVideoTrack()
    await candidate.publish(camera, speech_wav)
    await wait_until(lambda: camera.frames_sent >= 30, what="a second of camera")
    release = threading.Event()
    loop = asyncio.get_running_loop()
    blockers = [loop.run_in_executor(None, release.wait, 10) for _ in range(32)]  # every default worker (at most 32)
    try:
        await media_hub.close_session("busy1")
        assert not release.is_set() and not any(b.done() for b in blockers)  # the pool was busy throughout
    finally:
        release.set()
        await asyncio.gather(*blockers)
    await candidate.close()
    with av.open(str(media_hub.recording_path("busy1"))) as container:
        assert len(list(container.decode(video=0))) >= 5
    await media_hub.shutdown()
