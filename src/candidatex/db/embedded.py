"""SecantusDB as a child process: the MongoDB wire protocol with no server to install.

The server records itself in `<data dir>/secantusdb.json` (its pid and port, and the app process that owns it), so
that after a `kill -9` of the app the next start finds the orphaned child and stops it, and so that commands such as
`candidatex outbox` use the running server's database instead of fighting it for WiredTiger's single-writer lock.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

logger = logging.getLogger(__name__)
STATE_FILE = "secantusdb.json"
PRIVATE_DIR = 0o700


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


def private_dir(path: Path) -> Path:
    """Creates (or tightens) a folder only the app's user may enter."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)
    return path


def _start_ticks(pid: int) -> int | None:
    """When a process started (clock ticks since boot), to tell it from a later process given the same pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int, ticks: int | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return ticks is None or _start_ticks(pid) in (None, ticks)


def _servers_on(storage_path: Path) -> list[int]:
    """Pids of secantusd processes serving `storage_path` (Linux /proc; elsewhere none are found)."""
    wanted = str(storage_path.resolve())
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv]
        if any("secantusd" in a for a in args[:2]) and "--storage-path" in args:
            path = args[args.index("--storage-path") + 1] if args.index("--storage-path") + 1 < len(args) else ""
            if path and Path(path).resolve() == Path(wanted):
                found.append(int(entry.name))
    return found


def _exited(pid: int) -> bool:
    """Gone, or a zombie waiting for its parent to reap it (it holds no lock any more)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _terminate(pid: int, timeout: float = 15.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)  # lets WiredTiger checkpoint and close
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:  # reaps it when it is our own child; otherwise its parent (init) does
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            except ChildProcessError:
                pass
            if _exited(pid):
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def server_flags(sync_on_commit: bool, replica_set: bool) -> list[str]:
    """SecantusDB's durability and topology flags (bench/load.py starts its server with the same ones)."""
    return [*(["--sync-on-commit"] if sync_on_commit else []), *([] if replica_set else ["--standalone"])]


@dataclass(frozen=True)
class RunningServer:
    """What `secantusdb.json` says: the server's pid and URL, and the app process that started it."""

    pid: int
    port: int
    owner_pid: int
    owner_ticks: int | None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    @property
    def owner_alive(self) -> bool:
        return _alive(self.owner_pid, self.owner_ticks)


def read_state(data_dir: Path) -> RunningServer | None:
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text())
        return RunningServer(int(raw["pid"]), int(raw["port"]), int(raw["owner_pid"]), raw.get("owner_ticks"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running_server_url(data_dir: Path) -> str | None:
    """The URL of the database a live app process runs for this data folder, if it answers."""
    state = read_state(data_dir)
    if state is None or not state.owner_alive:
        return None
    try:
        client: MongoClient[dict[str, Any]]
        with MongoClient(state.url, serverSelectionTimeoutMS=1000) as client:
            client.admin.command("ping")
    except PyMongoError:
        return None
    return state.url


class DataDirInUse(RuntimeError):
    pass


class EmbeddedMongo:
    """Starts SecantusDB on a free loopback port with its data in `storage_path`; stops it cleanly.

    `sync_on_commit` fsyncs WiredTiger's log on every commit, so a write the app acknowledged survives a SIGKILL
    of the database (or a power cut); off, the last writes may sit in memory for a while (mongod's j:false gap).
    `replica_set` advertises a single-node replica set, as SecantusDB does by default: it keeps an oplog (one more
    encoded entry written per changed document) for change streams and retryable writes, which the app uses
    neither of; off (`--standalone`) every write costs less (docs/operations.md has the trade-off).
    """

    def __init__(self, storage_path: Path, port: int | None = None, sync_on_commit: bool = True,
                 replica_set: bool = False) -> None:
        self.storage_path = storage_path
        self.port = port or _free_port()
        self.sync_on_commit = sync_on_commit
        self.replica_set = replica_set
        self.process: subprocess.Popen[bytes] | None = None
        self._stop_at_exit = False

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    @property
    def data_dir(self) -> Path:
        return self.storage_path.parent

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        return [_executable(), "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.storage_path),
                "--log-level", "WARNING", *server_flags(self.sync_on_commit, self.replica_set)]

    def clear_stale(self) -> None:
        """Stops a SecantusDB left on this data folder by an app that died without stopping it (kill -9, OOM).

        WiredTiger's lock file holds an fcntl lock, which the kernel releases when its holder dies: the file itself
        is never stale and is never deleted (that would let two servers open one database). What is stale is a
        server still holding it for an owner that is gone, and our state file.
        """
        state = read_state(self.data_dir)
        if state is not None and state.owner_pid != os.getpid() and state.owner_alive:
            raise DataDirInUse(f"another candidatex process (pid {state.owner_pid}) runs the database in "
                               f"{self.data_dir}; stop it, or set CANDIDATEX_DATA_DIR to another folder")
        for pid in _servers_on(self.storage_path):
            if self.process is not None and pid == self.process.pid and self.alive:
                continue
            logger.warning("stopping an orphaned embedded database", extra={"pid": pid, "path": str(self.storage_path)})
            try:
                _terminate(pid)
            except PermissionError:
                raise DataDirInUse(f"a database server of another user (pid {pid}) runs on {self.storage_path}") from None
        (self.data_dir / STATE_FILE).unlink(missing_ok=True)

    def _write_state(self) -> None:
        if self.process is None:
            raise RuntimeError("no database process to record")
        path = self.data_dir / STATE_FILE
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump({"pid": self.process.pid, "port": self.port, "owner_pid": os.getpid(),
                       "owner_ticks": _start_ticks(os.getpid())}, file)
        temporary.replace(path)

    def start(self, timeout: float = 30.0) -> str:
        private_dir(self.data_dir)
        private_dir(self.storage_path)
        self.clear_stale()
        log_fd = os.open(self.data_dir / "secantusdb.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(log_fd, "ab") as log_file:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(  # noqa: S603 - our own server binary, arguments we build
                self.command(),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop the child in order
                umask=0o077,  # the database's files are the app user's alone
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SecantusDB exited with code {self.process.returncode}; "
                                   f"see {self.data_dir / 'secantusdb.log'}")
            try:
                client: MongoClient[dict[str, Any]]
                with MongoClient(self.url, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                self._write_state()
                if not self._stop_at_exit:  # the last resort when the app exits without its shutdown (a crash)
                    atexit.register(self.stop)
                    self._stop_at_exit = True
                logger.info("embedded database ready", extra={"port": self.port, "path": str(self.storage_path),
                                                              "sync_on_commit": self.sync_on_commit})
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
        state = read_state(self.data_dir)
        if state is not None and state.pid == self.process.pid:
            (self.data_dir / STATE_FILE).unlink(missing_ok=True)
        logger.info("embedded database stopped")
