"""The README's run command: `make run` starts the platform on embedded defaults with seeded demo accounts."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _start(port: int, data_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URL", "REDIS_URL", "SECRET_KEY"}}
    env["CANDIDATEX_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(["make", "-s", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log_path.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for_banner(process: subprocess.Popen[bytes], log_path: Path, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        match = re.search(r"CandidateX is running: open (http://\S+)", text)
        if match:
            return match.group(1)
        assert process.poll() is None, text[-3000:]
        time.sleep(0.3)
    raise AssertionError("no URL printed: " + log_path.read_text()[-3000:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
    process.wait(timeout=60)


def _secantus_running(data_dir: Path) -> bool:
    result = subprocess.run(["pgrep", "-f", f"secantusd.*{data_dir}"], capture_output=True)
    return result.returncode == 0


def _secantus_stopped_within(data_dir: Path, bound: float = 60.0) -> bool:
    """make can exit before the app below it has finished shutting down; wait (bounded) for the app to stop the DB."""
    deadline = time.monotonic() + bound
    while _secantus_running(data_dir):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_make_run_serves_seeded_accounts_keeps_data_and_stops_cleanly(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    port = free_port()
    process = _start(port, data_dir, tmp_path / "run1.log")
    try:
        url = _wait_for_banner(process, tmp_path / "run1.log")
        banner = (tmp_path / "run1.log").read_text()
        assert url == f"http://127.0.0.1:{port}"
        password = re.search(r"Password: (\S+)", banner).group(1)
        for email in ("admin@candidatex.dev", "recruiter@candidatex.dev", "candidate@candidatex.dev"):
            assert email in banner
        login = httpx.post(url + "/auth/login", json={"email": "candidate@candidatex.dev", "password": password})
        assert login.status_code == 200, login.text
        ready = httpx.get(url + "/health/ready").json()["data"]
        assert ready["checks"]["database"]["status"] == "ok"
        registered = httpx.post(url + "/auth/register", json={"email": "kept@example.com", "password": "Stays-Passw0rd!9",
                                                               "full_name": "Kept", "role": "candidate"})
        assert registered.status_code == 201
        assert _secantus_running(data_dir)
    finally:
        _stop(process)
    assert _secantus_stopped_within(data_dir), ("the embedded database outlived the app: "
                                                + (tmp_path / "run1.log").read_text(errors="replace")[-3000:])
    assert (data_dir / "db").is_dir()

    process = _start(port, data_dir, tmp_path / "run2.log")
    try:
        url = _wait_for_banner(process, tmp_path / "run2.log")
        again = httpx.post(url + "/auth/login", json={"email": "kept@example.com", "password": "Stays-Passw0rd!9"})
        assert again.status_code == 200  # data under the data folder survived the restart
    finally:
        _stop(process)


def test_a_second_ctrl_c_still_stops_the_embedded_database(tmp_path: Path) -> None:
    """An impatient user presses Ctrl-C twice: uvicorn then skips the graceful shutdown, but not the database's stop."""
    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URL", "REDIS_URL", "SECRET_KEY"}}
    env["CANDIDATEX_DATA_DIR"] = str(data_dir)
    log_path = tmp_path / "serve.log"
    process = subprocess.Popen([str(Path(sys.executable).parent / "candidatex"), "serve", "--port", str(free_port())],
                               cwd=ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        _wait_for_banner(process, log_path)
        assert _secantus_running(data_dir)
    finally:
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert _secantus_stopped_within(data_dir), "the embedded database outlived the app: " + log_path.read_text()[-2000:]
