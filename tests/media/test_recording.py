"""Optional recording of the candidate's media to a playable WebM file."""

import av
import pytest

from candidatex.media.hub import MediaHub, MediaHubError, Role

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
