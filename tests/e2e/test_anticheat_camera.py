"""Anti-cheat in the browser: Chromium's fake camera plays a y4m video that shows one face, then nobody, then two
people. The candidate's interview room publishes it over WebRTC to a server running with short anti-cheat windows;
the candidate sees the face-missing warnings and then the interview ends with the reason in words, while an
administrator in a second browser context watches the session and sees the warnings in the integrity timeline."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    docs_screenshot,
    launch_chromium,
    opened_page,
    screenshot,
    serve,
    sign_in,
    write_y4m,
)
from tests.e2e.test_interview import started_session

pytestmark = pytest.mark.browser

# The same short windows as tests/anticheat/test_api_vision_e2e.py, so each phase takes seconds.
VISION_ENV = {"ANTI_CHEAT_WINDOW_SECONDS": "1", "ANTI_CHEAT_MIN_SAMPLES": "3", "ANTI_CHEAT_SAMPLE_FPS": "5",
              "MEDIA_VIDEO_SAMPLE_FPS": "5", "TAB_SWITCH_DETECTION": "false"}
FPS = 5
PHASES = (("one_face", 3), ("nobody", 15), ("two_faces", 4))  # seconds; Chromium loops the file, and on
# a busy machine the first frames may reach the server seconds late: a long "nobody" phase still comes first.


def scenes() -> dict[str, np.ndarray]:
    """RGB 1280x480 scenes (a wide webcam): the astronaut beside an empty room, an empty room, two people."""
    import cv2
    from matplotlib import cbook
    from skimage import data

    from tests.anticheat.conftest import _fill_frame, _to_bgr

    astronaut = _fill_frame(_to_bgr(data.astronaut()))
    hopper = _fill_frame(cv2.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
    wall = _fill_frame(_to_bgr(data.coffee()))  # an empty room: a cup on a table, nobody in view
    to_rgb = lambda bgr: cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2RGB)  # noqa: E731
    return {"one_face": to_rgb(np.hstack([astronaut, wall])), "nobody": to_rgb(np.hstack([wall, wall])),
            "two_faces": to_rgb(np.hstack([astronaut, hopper]))}


def write_sequence_y4m(path: Path) -> None:
    """One face, nobody, two faces; a little sensor noise and a moving stripe so the picture is never frozen."""
    rng = np.random.default_rng(11)
    pictures = scenes()
    height = next(iter(pictures.values())).shape[0]

    def frames():
        index = 0
        for scene, seconds in PHASES:
            for _ in range(seconds * FPS):
                frame = pictures[scene].astype(np.float32) + rng.normal(0, 2.0, pictures[scene].shape)
                row = (index * 12) % (height - 4)
                frame[row:row + 3, :, :] = 255
                index += 1
                yield frame

    write_y4m(path, frames(), FPS)


@pytest.fixture(scope="module")
def vision_url(frontend_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(tmp_path_factory, **VISION_ENV)


@pytest.fixture(scope="module")
def sequence_browser(chromium, fake_media: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """A second Chromium from the same Playwright whose fake camera plays the face sequence (one browser has one
    fake camera file)."""
    video = tmp_path_factory.mktemp("sequence") / "one-none-two.y4m"
    write_sequence_y4m(video)
    browser = launch_chromium(chromium.browser_type, video, fake_media["audio"])
    yield browser
    browser.close()


@pytest.fixture()
def candidate_page(sequence_browser, vision_url: str):
    with opened_page(sequence_browser, vision_url, 20_000, permissions=["camera", "microphone"]) as page:
        yield page


@pytest.fixture()
def recruiter_page(chromium, vision_url: str):
    with opened_page(chromium, vision_url, 20_000) as page:
        yield page


def test_camera_warnings_reach_candidate_and_watcher_and_end_the_interview(candidate_page, recruiter_page, vision_url):
    from tests.e2e.conftest import Account

    candidate = Account(vision_url, "candidate")
    session_id = started_session(candidate)

    watcher = recruiter_page
    sign_in(watcher, "admin@candidatex.dev")
    expect(watcher).to_have_url(re.compile(r"/console$"))
    watcher.goto(f"/recruiter/watch/{session_id}")
    expect(watcher.get_by_test_id("integrity-panel")).to_be_visible()

    page = candidate_page
    sign_in(page, candidate.email, candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{session_id}/room")
    expect(page.get_by_test_id("question-text")).to_be_visible()
    expect(page.get_by_test_id("publishing")).to_be_visible(timeout=30_000)
    screenshot(page, "interview-room")

    # Nobody in view: the candidate gets a warning they cannot miss.
    dialog = page.get_by_test_id("warning-dialog")
    expect(dialog).to_contain_text("Face missing", timeout=60_000)
    screenshot(page, "interview-warning")
    docs_screenshot(page, "anticheat-warning")

    # Face missing three times, or two people in view, ends the interview; the reason is shown in words.
    ended = page.get_by_test_id("interview-terminated")
    expect(ended).to_contain_text("Too many integrity warnings were recorded", timeout=90_000)
    expect(ended).to_contain_text(re.compile(r"face missing|multiple faces"))
    stored = candidate.call("GET", f"/interview/sessions/{session_id}")
    assert stored["status"] == "terminated"
    assert stored["terminated_reason"] in {"anti_cheat:face_missing", "anti_cheat:multiple_faces"}

    # The watcher saw the warnings arrive in the integrity timeline, and the end of the session.
    timeline = watcher.get_by_test_id("anticheat-timeline")
    expect(timeline.get_by_test_id("timeline-event").filter(has_text="Face missing").first).to_be_visible(timeout=30_000)
    expect(watcher.get_by_test_id("watch-ended")).to_contain_text("Terminated", timeout=30_000)
    screenshot(watcher, "recruiter-watch-warnings")
    docs_screenshot(watcher, "recruiter-watch-warnings")


def test_a_live_interview_is_proctored_for_review_and_the_recruiter_sees_the_flags(candidate_page, chromium, vision_url):
    """A recruiter-led live interview: the candidate agrees to the notice on the live page, which starts the
    proctoring; nobody in view becomes face-missing flags in the recruiter's live timeline, and the interview goes
    on (a live interview is never ended by the anti-cheat) until the recruiter ends it."""
    from tests.e2e.conftest import Account

    candidate, recruiter = Account(vision_url, "candidate"), Account(vision_url, "recruiter")
    session_id = recruiter.call("POST", "/interview/sessions", json={
        "type": "live", "job_title": "Proctored live chat", "candidate_id": candidate.id})["session_id"]
    context = chromium.new_context(base_url=vision_url, viewport={"width": 1280, "height": 800},
                                   permissions=["camera", "microphone"])
    try:
        interviewer = context.new_page()
        interviewer.set_default_timeout(20_000)
        sign_in(interviewer, recruiter.email, recruiter.password)
        expect(interviewer).to_have_url(re.compile(r"/recruiter$"))
        interviewer.goto(f"/live/{session_id}")
        expect(interviewer.get_by_test_id("integrity-panel")).to_be_visible()

        page = candidate_page
        sign_in(page, candidate.email, candidate.password)
        expect(page).to_have_url(re.compile(r"/candidate$"))
        page.goto(f"/live/{session_id}")
        expect(page.get_by_test_id("proctoring-notice")).to_be_visible()
        page.get_by_test_id("live-agree").click()
        expect(page.get_by_test_id("live-status")).to_have_text("Connected")
        stored = candidate.call("GET", f"/interview/sessions/{session_id}")
        assert stored["status"] == "active" and stored["anti_cheat_policy"] == "flag_for_review"
        consent = candidate.call("GET", f"/interview/sessions/{session_id}/proctoring/consent")["consent"]
        assert consent["user_id"] == candidate.id

        # nobody in view: flagged for the recruiter, and the candidate is told; three of them end nothing
        timeline = interviewer.get_by_test_id("anticheat-timeline")
        expect(timeline.get_by_test_id("timeline-event").filter(has_text="Face missing").first).to_be_visible(timeout=90_000)
        expect(page.get_by_test_id("live-warning")).to_be_visible(timeout=30_000)
        # a threshold is reached (face missing 3, or two people 1): marked for review, and the interview goes on
        expect(timeline.get_by_test_id("timeline-event").filter(has_text="Review flagged").first).to_be_visible(timeout=90_000)
        screenshot(interviewer, "live-interview-flags")
        assert candidate.call("GET", f"/interview/sessions/{session_id}")["status"] == "active"
        expect(page.get_by_test_id("live-ended")).to_have_count(0)
        # the review may come first from the still photographs' frozen-camera rule; the absence keeps striking, and
        # the interview still goes on, until it has its own three (or the two people theirs)
        strikes = lambda: recruiter.call("GET", f"/interview/sessions/{session_id}/integrity")["strikes"]  # noqa: E731
        deadline = time.monotonic() + 90
        while not (strikes().get("face_missing", 0) >= 3 or strikes().get("multiple_faces", 0) >= 1):
            assert time.monotonic() < deadline, strikes()
            time.sleep(1)
        assert candidate.call("GET", f"/interview/sessions/{session_id}")["status"] == "active"

        interviewer.get_by_test_id("end-interview").click()
        expect(page.get_by_test_id("live-ended")).to_be_visible(timeout=30_000)
        report = recruiter.call("GET", f"/interview/sessions/{session_id}/integrity")
        assert report["strikes"].get("face_missing", 0) >= 3 or report["strikes"].get("multiple_faces", 0) >= 1
        assert any(entry["event"] == "review_flagged" for entry in report["timeline"])
        assert report["status"] == "terminated" and report["chain"]["valid"]
        assert not any(entry["event"] == "terminated" for entry in report["timeline"])  # no anti-cheat termination
    finally:
        context.close()


def write_honest_y4m(path: Path) -> None:
    """An honest candidate in a dim room (mean grey ~40) who sits still but lives (a pixel or two of sway, a blink
    in 10 s, the lips moving a little) and glances aside for one second (the cameraman's turned head stands in for
    the glance): no rule may strike."""
    import cv2
    from skimage import data

    from tests.anticheat.conftest import _fill_frame, _to_bgr
    from tests.e2e.proctoring_scenarios import BLINK_EVERY, _alive, _sway

    still = (_fill_frame(_to_bgr(data.astronaut())).astype(np.float32) * 0.35).astype(np.uint8)
    glance = (_fill_frame(_to_bgr(data.camera())).astype(np.float32) * 0.35).astype(np.uint8)
    alive = _alive(still, BLINK_EVERY)  # 10 s at the scenarios' 5 fps, looped by Chromium
    script = [_sway(glance, i) if 4 * FPS <= i < 5 * FPS else frame for i, frame in enumerate(alive)]
    write_y4m(path, (cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in script), FPS)


def test_a_still_candidate_in_a_dim_room_who_glances_aside_gets_no_warning(chromium, vision_url, tmp_path_factory):
    """Issue 15: a still candidate was terminated for "camera frozen" after ~9 s; a dim room read as covered."""
    from tests.e2e.proctoring_scenarios import Scenario, run_scenario

    video = tmp_path_factory.mktemp("honest") / "dim-still-glance.y4m"
    write_honest_y4m(video)
    honest = Scenario("dim_still_glance", "still, dim, a one-second glance aside", None, list)
    # 12 s of video at least (the windows here are 1 s, so this spans a dozen windows and the glance)
    result = run_scenario(chromium.browser_type, vision_url, honest, video, seconds=12, min_frames=50)
    assert result["frames_analysed"] >= 50, f"the server analysed too few frames to judge: {result}"
    assert result["correct"] and result["status"] == "active", result


def test_the_candidate_contests_a_flag_and_the_admin_dismisses_it(page, chromium, server_url, new_candidate):
    """Issue 15 item 6 on real API data: the flags page shows the evidence, the candidate contests a flag, an admin
    dismisses it, and it leaves the risk score."""

    from candidatex.anticheat.signals import sign_signal

    candidate = new_candidate
    session = candidate.call("POST", "/interview/sessions", json={"job_title": "Backend engineer", "question_count": 2})
    sid = session["session_id"]
    candidate.call("POST", f"/interview/sessions/{sid}/precheck", json={
        "camera": True, "microphone": True, "speaker": True, "fullscreen": True, "screens": 1})
    key = candidate.call("POST", f"/interview/sessions/{sid}/start")["anti_cheat_key"]
    for seq in (1, 2):  # two tab switches end the interview (the spec's threshold)
        ts = int(time.time() * 1000)
        candidate.call("POST", f"/interview/sessions/{sid}/signals", json={
            "kind": "tab_switch", "seq": seq, "ts": ts, "data": {},
            "hmac": sign_signal(key.encode(), sid, seq, "tab_switch", ts, {})})

    sign_in(page, candidate.email, candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{sid}/summary")
    page.get_by_test_id("flags-link").click()
    flags = page.get_by_test_id("flag")
    expect(flags).to_have_count(2)
    expect(flags.first).to_contain_text("Please stay on the interview tab and window.")
    flags.first.get_by_test_id("contest-comment").fill("The fire alarm went off and I checked the building notice.")
    flags.first.get_by_test_id("contest-submit").click()
    expect(flags.first).to_have_attribute("data-status", "contested")
    screenshot(page, "flags-contested")

    admin_context = chromium.new_context(base_url=server_url, viewport={"width": 1280, "height": 800})
    admin = admin_context.new_page()
    admin.set_default_timeout(20_000)
    sign_in(admin, "admin@candidatex.dev")
    expect(admin).to_have_url(re.compile(r"/console$"))
    admin.goto(f"/candidate/interviews/{sid}/flags")
    contested = admin.locator('[data-testid="flag"][data-status="contested"]')
    expect(contested.get_by_test_id("flag-appeal")).to_contain_text("fire alarm")
    contested.get_by_test_id("decision-note").fill("The alarm is in the building log.")
    contested.get_by_test_id("dismiss").click()
    expect(admin.locator('[data-testid="flag"][data-status="dismissed"]')).to_have_count(1)
    docs_screenshot(admin, "anticheat-flag-dismissed")
    admin_context.close()

    page.reload()
    expect(page.get_by_test_id("flag").first).to_have_attribute("data-status", "dismissed")
    expect(page.get_by_test_id("flag-decision")).to_contain_text("no longer counts in the risk score")


@pytest.mark.parametrize("name", ["plain_wall", "hand_on_chin", "photo", "real_person_dim_b"])
def test_browser_scenario_gets_the_right_verdict(chromium, vision_url, tmp_path_factory, name):
    """A quick subset of bench/proctoring_browser.py (short windows): a plain wall is an absence (face_missing,
    never camera_covered), a hand on the chin is no strike, a printed photo propped up is camera_frozen and, at that
    kind's limit (2), marks the session for review while the interview goes on (issue 15 item 2; before, the second
    strike ended it), and a still real person in a dark room is no strike (issue 15: the old rule ended that
    interview for camera_frozen)."""
    from tests.e2e.proctoring_scenarios import SCENARIOS, run_scenario, write_video

    scenario = SCENARIOS[name]
    video = write_video(scenario, tmp_path_factory.mktemp(name) / f"{name}.y4m")
    strikes = 2 if name == "photo" else 1  # the photo: on to camera_frozen's threshold
    result = run_scenario(chromium.browser_type, vision_url, scenario, video, seconds=12, min_frames=30,
                          strikes=strikes)
    assert result["frames_analysed"] >= 30 or result["flagged_after_s"] is not None, result
    assert result["correct"], result
    if name == "photo":
        assert result["strikes"].get("camera_frozen", 0) >= 2 and result["status"] == "active", result
