"""Issue 15, eleventh pass: a head seen a moment ago that turns past the face detectors is looking away (its own
budget of 5 strikes), not a missing face (3 strikes end the interview). Pure debouncer logic on observations."""

from __future__ import annotations

from candidatex.anticheat.monitor import ConditionDebouncer
from candidatex.anticheat.vision import FaceBox, FrameObservation


def _observation(face: bool, head_evidence: float | None = None) -> FrameObservation:
    faces = (FaceBox(0.4, 0.3, 0.2, 0.27, 0.9),) if face else ()
    return FrameObservation(
        face_count=len(faces), faces=faces, yaw=0.0 if face else None, pitch=6.5 if face else None,
        looking_away=False, too_far=False, too_close=False, covered=False, brightness=110.0, contrast=40.0,
        texture=8.0, conditions=frozenset() if face else frozenset({"face_missing"}), head_evidence=head_evidence)


def _strikes(frames: list[FrameObservation]) -> list[str]:
    debouncer = ConditionDebouncer(window_seconds=1.0, disabled=frozenset({"camera_frozen", "face_not_live"}))
    return [kind for i, observation in enumerate(frames) for kind, _, _ in debouncer.add(i * 0.5, observation)]


def test_a_head_turned_past_the_detectors_after_a_face_is_looking_away_not_missing() -> None:
    # a face, then 10 s of a head the cascade still finds weakly (below the per-frame limit): the candidate turned
    frames = [_observation(True)] * 2 + [_observation(False, head_evidence=0.4)] * 20
    strikes = _strikes(frames)
    assert strikes and set(strikes) == {"looking_away"}


def test_an_empty_room_after_the_candidate_left_is_still_missing() -> None:
    # no head find once the face is gone: the candidate got up
    strikes = _strikes([_observation(True)] * 2 + [_observation(False, head_evidence=0.0)] * 20)
    assert strikes and set(strikes) == {"face_missing"}


def test_a_head_find_with_no_face_seen_before_is_not_carried_on() -> None:
    # nothing head-like seen as a face a moment ago (a room the cascade sees shapes in): still missing
    strikes = _strikes([_observation(False, head_evidence=0.4)] * 20)
    assert strikes and set(strikes) == {"face_missing"}
