"""Browser tests: the built frontend served by a real `candidatex serve`, driven in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

expect.set_options(timeout=30_000)  # a bound on waiting for the UI on a loaded machine, not a timing check

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"  # the main screens, committed and linked from docs/frontend.md
ARTIFACT_SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
DEMO_PASSWORD = "Demo-Password-1!"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    """The production build; built once if it is missing (needs node_modules from `npm ci`)."""
    if not (DIST / "index.html").exists():
        if not (FRONTEND / "node_modules").exists() or not shutil.which("npm"):
            pytest.skip("frontend/dist is missing: run `npm ci && npm run build` in frontend/")
        subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True, capture_output=True)
    return DIST


@pytest.fixture(scope="session")
def server_url(frontend_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`candidatex serve` on a free port with its own data folder and the demo accounts."""
    yield from serve(tmp_path_factory)


def serve(tmp_path_factory: pytest.TempPathFactory, startup_seconds: float = 60, **extra_env: str) -> Iterator[str]:
    """Seed and run `candidatex serve` (with ``extra_env`` settings) until the generator is closed; the server must
    answer /health within ``startup_seconds``."""
    port = _free_port()
    env = {
        **os.environ,
        "CANDIDATEX_DATA_DIR": str(tmp_path_factory.mktemp("candidatex-data")),
        "PYTHONPATH": str(ROOT / "src"),
        "RATE_LIMIT_PER_MINUTE": "5000",
        "RATE_LIMIT_USER_PER_MINUTE": "5000",
        "RATE_LIMITS": "off",  # per-endpoint budgets are tested in tests/auth/test_limits.py; pages register many accounts
        # helpers start sessions over the API without camera frames; the page's precheck still sends and checks them
        "ANTI_CHEAT_PRECHECK_CAMERA": "false",
        # and without agreeing to the proctoring notice first; the page's system check still records the agreement
        "ANTI_CHEAT_CONSENT_REQUIRED": "false",
        **extra_env,
    }
    cli = [sys.executable, "-c", "import sys; from candidatex.cli import main; sys.exit(main())"]
    # the demo world is seeded here too (a few seconds of CPU; much longer on a loaded machine)
    subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True, timeout=300)
    # The server's log goes to a file: a pipe nobody reads fills up and then blocks the server.
    log_path = Path(env["CANDIDATEX_DATA_DIR"]) / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.terminate()
        raise RuntimeError(f"server did not become healthy within {startup_seconds:.0f} s")
    try:
        yield url
    finally:  # also when the generator is closed (bench/proctoring_browser.py), not only when it is resumed
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


SPOKEN_ANSWER = ("In my last job I led a team of four engineers. We moved our billing service to Python, "
                 "and I measured the latency before and after. As a result the response time fell by half.")


def write_y4m(path: Path, frames_rgb, fps: int = 24) -> None:
    """RGB frames (all one size) as a y4m file for Chromium's fake camera (4:2:0, full-range BT.601)."""
    import numpy as np

    frames_rgb = iter(frames_rgb)
    first = next(frames_rgb)
    height, width = first.shape[:2]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in (first, *frames_rgb):
            rgb = frame.astype(np.float32)
            r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
            y = 0.299 * r + 0.587 * g + 0.114 * b
            u = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
            v = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
            sub = lambda plane: plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))  # noqa: E731
            out.write(b"FRAME\n")
            for plane in (y, sub(u), sub(v)):
                out.write(np.clip(plane, 0, 255).astype(np.uint8).tobytes())


def _write_y4m(path: Path, frames: int = 48) -> None:
    """A real face (skimage's astronaut, public domain) that moves a little, as a person in front of a camera does:
    the anti-cheat sees one face, and the picture is never frozen."""
    import numpy as np
    from skimage import data

    rgb = data.astronaut().astype(np.float32)  # 512 x 512
    rng = np.random.default_rng(7)
    write_y4m(path, (np.roll(rgb, int(round(6 * np.sin(2 * np.pi * index / frames))), axis=1)
                     + rng.normal(0, 2.0, rgb.shape) for index in range(frames)))


@pytest.fixture(scope="session")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """What Chromium's fake camera and microphone play: a face, and an answer spoken by espeak-ng followed by
    two seconds of silence (so a streamed answer ends by itself)."""
    folder = tmp_path_factory.mktemp("fake-media")
    video, speech, audio = folder / "face.y4m", folder / "speech.wav", folder / "answer.wav"
    _write_y4m(video)
    if not shutil.which("espeak-ng") or not shutil.which("sox"):
        pytest.skip("espeak-ng and sox make the fake microphone's speech")
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(speech), SPOKEN_ANSWER], check=True, capture_output=True)
    subprocess.run(["sox", str(speech), "-r", "48000", str(audio), "pad", "0.3", "2.0"], check=True, capture_output=True)
    return {"video": video, "audio": audio}


@pytest.fixture(scope="package")  # sync Playwright runs a loop in this thread: stop it before async tests resume
def chromium(fake_media: dict[str, Path]):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright.chromium, fake_media["video"], fake_media["audio"])
        yield browser
        browser.close()


def launch_chromium(browser_type, video: Path, audio: Path):
    """A Chromium whose fake camera and microphone play these files (one browser has one of each)."""
    return browser_type.launch(executable_path=str(CHROMIUM), args=[
        *CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={video}", f"--use-file-for-fake-audio-capture={audio}"])


# a narrow touch screen, as on a phone
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@contextmanager
def opened_page(browser, base_url: str, timeout_ms: int = 15_000, **options):
    """A page in a context of its own (desktop-sized unless `options` say otherwise), closed after."""
    context = browser.new_context(base_url=base_url, **{"viewport": {"width": 1280, "height": 860}, **options})
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        yield page
    finally:
        context.close()


@pytest.fixture()
def page(chromium, server_url: str):
    with opened_page(chromium, server_url, permissions=["camera", "microphone"]) as page:
        yield page


@pytest.fixture()
def phone(chromium, server_url: str):
    with opened_page(chromium, server_url, **PHONE, permissions=["microphone"]) as page:
        yield page


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, a screenshot of every open page (tests/e2e/screenshots/FAILED-*.png) and its text."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for name in ("page", "phone", "second_page", "recruiter_page"):
            page = item.funcargs.get(name)
            if page is not None:
                try:
                    screenshot(page, f"FAILED-{item.name}-{name}")
                    report.sections.append((f"{name} text", page.inner_text("body")[:3000]))
                except Exception:  # noqa: BLE001 - a closed page has nothing to show
                    pass


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def docs_screenshot(page, name: str) -> None:
    """The visible part of a main screen (at most 1280x800 CSS pixels) saved as a test artifact in
    test-results/screenshots/; with UPDATE_DOCS_SCREENSHOTS=1 also as docs/screenshots/<name>.png (the committed copies
    docs/frontend.md links), so ordinary runs leave the work tree clean."""
    size = page.viewport_size or {"width": 1280, "height": 800}
    clip = {"x": 0, "y": 0, "width": min(size["width"], 1280), "height": min(size["height"], 800)}
    folders = [ARTIFACT_SCREENSHOTS] + ([DOCS_SCREENSHOTS] if os.environ.get("UPDATE_DOCS_SCREENSHOTS") else [])
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), clip=clip, scale="css")


class Account:
    """A fresh account made through the API, with its access token for setting things up over HTTP."""

    def __init__(self, server_url: str, role: str = "candidate") -> None:
        import secrets

        self.email = f"{role}-{secrets.token_hex(4)}@e2e.candidatex.dev"
        self.password = "E2e-Password-1!"
        response = httpx.post(f"{server_url}/auth/register", timeout=30, json={
            "email": self.email, "password": self.password, "full_name": f"E2E {role.title()}", "role": role})
        response.raise_for_status()
        data = response.json()["data"]
        self.token = data["access_token"]
        self.id = data["user"]["id"]
        self.api = httpx.Client(base_url=server_url, headers={"Authorization": f"Bearer {self.token}"}, timeout=30)

    def call(self, method: str, path: str, **kwargs):
        response = self.api.request(method, path, **kwargs)
        assert response.status_code < 400, response.text
        return response.json()["data"]


@pytest.fixture()
def new_candidate(server_url: str) -> Account:
    return Account(server_url, "candidate")
