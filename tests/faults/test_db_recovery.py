"""Recovery without a person: real `candidatex serve` processes on the embedded SecantusDB, killed with SIGKILL.

- the app killed: its database child is orphaned and keeps WiredTiger's lock; the next start stops it and serves
  the same data;
- the database killed while the app runs: the app starts it again and requests recover, no app restart;
- a write acknowledged just before the database is killed is there after the restart (sync on commit).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
import uuid
from pathlib import Path

import httpx
from pymongo import MongoClient

from candidatex.db.embedded import EmbeddedMongo
from tests.conftest import PASSWORD
from tests.servers import CANDIDATEX, running_server

EMBEDDED = {"MONGODB_URL": "", "SECRET_KEY": "", "SEED_DEMO": "false", "SPEECH_PRELOAD": "false", "RATE_LIMIT_PER_MINUTE": "100000",
            "MEDIA_RECORDING": "true"}


def _db_pid(data_dir: Path, timeout: float = 30.0) -> int:
    """The pid the app recorded; during a restart the record is rewritten, so wait for it (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return json.loads((data_dir / "secantusdb.json").read_text())["pid"]
        except (OSError, ValueError):
            assert time.monotonic() < deadline, "the app did not record its database"
            time.sleep(0.2)


def _modes(root: Path) -> dict[Path, int]:
    modes = {}
    for path in [root, *root.rglob("*")]:
        try:
            modes[path] = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:  # WiredTiger's short-lived temporary files
            continue
    return modes


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _register(url: str) -> str:
    email = f"kept-{uuid.uuid4().hex[:8]}@example.com"
    response = httpx.post(url + "/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Kept",
                                                        "role": "candidate"}, timeout=30)
    assert response.status_code == 201, response.text
    return email


def _login_status(url: str, email: str) -> int:
    try:
        return httpx.post(url + "/auth/login", json={"email": email, "password": PASSWORD}, timeout=10).status_code
    except httpx.HTTPError:
        return 0


def test_app_then_database_killed_with_sigkill_recover_with_no_one_stepping_in(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with running_server(EMBEDDED, data_dir) as (url, process):
        email = _register(url)
        orphan = _db_pid(data_dir)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert _running(orphan), "the database child outlived the killed app (the case this start-up must handle)"

    with running_server(EMBEDDED, data_dir) as (url, process):
        assert not _running(orphan), "the orphaned database was not stopped"
        assert _login_status(url, email) == 200  # the account made before the kill is there

        # the CLI beside the running server reads the server's database instead of fighting it for the lock
        env = {**os.environ, "CANDIDATEX_DATA_DIR": str(data_dir), "MONGODB_URL": ""}
        outbox = subprocess.run([CANDIDATEX, "outbox", "--to", email], env=env, capture_output=True, text=True,
                                timeout=120)
        assert outbox.returncode == 0, outbox.stderr[-2000:]
        assert f"to {email}" in outbox.stdout and "Confirm your CandidateX email" in outbox.stdout

        # what the app wrote is its user's alone: folders 0700, files 0600
        for path, mode in _modes(data_dir).items():
            assert mode & 0o077 == 0, f"{path} is mode {oct(mode)}"
        assert stat.S_IMODE((data_dir / "db").stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "recordings").stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600

        # now the database dies under the running app: the app starts it again, requests recover
        later = _register(url)  # acknowledged, then the database is killed
        first = _db_pid(data_dir)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 90
        while _login_status(url, later) != 200:
            assert time.monotonic() < deadline, "requests did not recover after the database was killed"
            assert process.poll() is None, "the app died with its database"
            time.sleep(0.5)
        deadline = time.monotonic() + 30
        while _db_pid(data_dir) == first:  # the record is rewritten just after the new server answers
            assert time.monotonic() < deadline, "the restarted database was not recorded"
            time.sleep(0.2)
        assert _login_status(url, _register(url)) == 200  # and it takes new writes


def test_a_write_acknowledged_before_the_database_is_killed_is_kept(tmp_path: Path) -> None:
    server = EmbeddedMongo(tmp_path / "db")  # the default: sync on commit
    server.start()
    try:
        with MongoClient(server.url) as client:
            for number in range(50):
                client.durability.writes.insert_one({"number": number})
            client.durability.writes.update_one({"number": 49}, {"$set": {"last": True}})
        server.process.kill()  # SIGKILL right after the last acknowledgement: no checkpoint, no clean close
        server.process.wait(timeout=10)
        server.start()
        with MongoClient(server.url) as client:
            assert client.durability.writes.count_documents({}) == 50
            assert client.durability.writes.find_one({"number": 49})["last"] is True
    finally:
        server.stop()


def test_a_data_folder_whose_owner_still_runs_is_refused_not_taken_over(tmp_path: Path) -> None:
    """Only an orphan is stopped: the database of a live app (here a stand-in process) is never killed."""
    from candidatex.db.embedded import STATE_FILE, DataDirInUse, _start_ticks

    owner = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / STATE_FILE).write_text(json.dumps({"pid": owner.pid, "port": 1, "owner_pid": owner.pid,
                                                       "owner_ticks": _start_ticks(owner.pid)}))
        server = EmbeddedMongo(tmp_path / "db")
        try:
            server.start()
        except DataDirInUse as refused:
            assert str(owner.pid) in str(refused)
        else:
            server.stop()
            raise AssertionError("started a second database on a folder a live process owns")
        assert owner.poll() is None and (tmp_path / STATE_FILE).exists()
    finally:
        owner.kill()
        owner.wait()
    EmbeddedMongo(tmp_path / "db").clear_stale()  # its owner gone, the record is stale and goes
    assert not (tmp_path / STATE_FILE).exists()


def test_the_embedded_database_runs_without_an_oplog_unless_asked(tmp_path: Path) -> None:
    """Standalone by default (no oplog to write per change: cheaper writes, docs/operations.md); DB_REPLICA_SET
    brings back the single-node replica set, for change streams and retryable writes."""
    for replica_set, expected in ((False, None), (True, "secantus")):
        server = EmbeddedMongo(tmp_path / f"db-{replica_set}", sync_on_commit=False, replica_set=replica_set)
        server.start()
        try:
            with MongoClient(server.url) as client:
                assert client.admin.command("hello").get("setName") == expected
                client.kept.writes.insert_one({"n": 1})
                assert client.kept.writes.update_one({"n": 1}, {"$inc": {"n": 1}}).modified_count == 1
        finally:
            server.stop()
