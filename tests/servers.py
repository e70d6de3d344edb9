"""Real `candidatex serve` processes for tests that need their own settings or several workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

CANDIDATEX = str(Path(sys.executable).parent / "candidatex")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_SHARED_JWT_KEY: list[Path] = []


def shared_jwt_key_file() -> str:
    """One signing key for every server of the test run, as workers of one deployment share theirs
    (a shared data folder or JWT_PRIVATE_KEY_FILE): a token from one server is good on the next."""
    if not _SHARED_JWT_KEY:
        import tempfile

        from candidatex.auth.keys import generate_private_pem

        path = Path(tempfile.mkdtemp(prefix="candidatex-jwt-")) / "jwt_private_key.pem"
        path.write_text(generate_private_pem())
        path.chmod(0o600)
        _SHARED_JWT_KEY.append(path)
    return str(_SHARED_JWT_KEY[0])


@contextmanager
def running_server(env: dict[str, str], data_dir: Path, timeout: float = 180.0,
                   args: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    full_env = {**os.environ, "CANDIDATEX_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
                "JWT_PRIVATE_KEY_FILE": shared_jwt_key_file(), **env}
    log = open(data_dir.parent / f"server-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([CANDIDATEX, "serve", "--port", str(port), *args], env=full_env, stdout=log,
                               stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early: {Path(log.name).read_text()[-2000:]}")
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def server_log(process: subprocess.Popen[str], data_dir: Path) -> str:
    logs = sorted(data_dir.parent.glob("server-*.log"))
    return "\n".join(p.read_text() for p in logs)
