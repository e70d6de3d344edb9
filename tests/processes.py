"""Backing servers a test can stop and start again on the same port: redis-server and SecantusDB."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from candidatex.db.embedded import EmbeddedMongo
from tests.servers import free_port


def _wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class RedisProcess:
    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir, self.port = workdir, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.workdir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # an outage, not a clean shutdown
            self.process.wait(timeout=10)


class MongoProcess(EmbeddedMongo):
    """SecantusDB on a fixed port, so the app's URL stays valid across a kill and a restart.

    With `durable`, every commit is fsynced (--sync-on-commit): without it SecantusDB keeps its log in
    memory for a while, and a SIGKILL loses the last acknowledged writes (mongod's j:false has the same gap).
    """

    def __init__(self, storage_path: Path, port: int | None = None, durable: bool = True) -> None:
        super().__init__(storage_path, port, sync_on_commit=durable)
        self.durable = durable

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
