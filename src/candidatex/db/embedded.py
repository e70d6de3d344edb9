"""SecantusDB as a child process: the MongoDB wire protocol with no server to install."""

from __future__ import annotations

import logging
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

logger = logging.getLogger(__name__)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _executable() -> str:
    beside_python = Path(sys.executable).parent / "secantusd-py"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("secantusd-py")
    if not found:
        raise RuntimeError("secantusd-py not found: install the 'secantusdb' package or set MONGODB_URL")
    return found


class EmbeddedMongo:
    """Starts SecantusDB on a free loopback port with its data in `storage_path`; stops it cleanly."""

    def __init__(self, storage_path: Path, port: int | None = None) -> None:
        self.storage_path = storage_path
        self.port = port or _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self, timeout: float = 30.0) -> str:
        self.storage_path.mkdir(parents=True, exist_ok=True)
        log_file = open(self.storage_path.parent / "secantusdb.log", "ab")  # noqa: SIM115 - lives as long as the child
        self.process = subprocess.Popen(
            [_executable(), "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.storage_path),
             "--log-level", "WARNING"],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop the child in order
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SecantusDB exited with code {self.process.returncode}; see {log_file.name}")
            try:
                with MongoClient(self.url, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                logger.info("embedded database ready", extra={"port": self.port, "path": str(self.storage_path)})
                return self.url
            except PyMongoError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("SecantusDB did not become ready in time")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # lets WiredTiger checkpoint and close
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        logger.info("embedded database stopped")
