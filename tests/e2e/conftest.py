"""Browser tests: the built frontend served by a real `candidatex serve`, driven in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
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
    port = _free_port()
    env = {
        **os.environ,
        "CANDIDATEX_DATA_DIR": str(tmp_path_factory.mktemp("candidatex-data")),
        "PYTHONPATH": str(ROOT / "src"),
        "RATE_LIMIT_PER_MINUTE": "5000",
        "RATE_LIMIT_USER_PER_MINUTE": "5000",
    }
    cli = [sys.executable, "-c", "import sys; from candidatex.cli import main; sys.exit(main())"]
    subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True, timeout=120)
    process = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.terminate()
        raise RuntimeError("server did not become healthy within 60 s")
    yield url
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium, server_url: str):
    context = chromium.new_context(base_url=server_url, viewport={"width": 1280, "height": 860},
                                   permissions=["camera", "microphone"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture()
def phone(chromium, server_url: str):
    """A narrow touch screen, as on a phone."""
    context = chromium.new_context(base_url=server_url, viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, device_scale_factor=2, permissions=["microphone"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


class Account:
    """A fresh account made through the API, with its access token for setting things up over HTTP."""

    def __init__(self, server_url: str, role: str = "candidate") -> None:
        import secrets

        self.email = f"{role}-{secrets.token_hex(4)}@e2e.candidatex.dev"
        self.password = "E2e-Password-1!"
        response = httpx.post(f"{server_url}/auth/register", json={
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
