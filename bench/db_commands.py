"""SecantusDB CPU per command of the interview hot path, one client sending in turn, under its start-up flags.

    PYTHONPATH=src .venv/bin/python bench/db_commands.py [--indexes]

Starts a fresh server per case (the bench's: no flags; the app's sync on commit; standalone, with and without it;
sync on commit without the sessions' secondary indexes), stores 200 session-sized documents with the sessions'
indexes, and reads the server's CPU ticks (/proc) around 300 commands of each kind; then a sign-in's write on
100 / 1,000 / 5,000 stored accounts, findAndModify against update + read. Figures: docs/performance.md (the
projection and the filter shapes: "database side, seventh pass").
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pymongo import IndexModel, MongoClient

from candidatex.core.writes import by_key

BIN = Path(sys.executable).parent
SESSION_INDEXES = [IndexModel([("candidate_id", 1), ("created_at", -1)]), IndexModel([("status", 1), ("ends_at", 1)]),
                   IndexModel([("job_id", 1), ("candidate_id", 1)])]  # interviews/models.py declares these and the two below
# the two that serve the recruiter list's top-level $or: mongod uses them, SecantusDB scans for it all the same
LIST_INDEXES = [IndexModel([("recruiter_id", 1), ("status", 1)]), IndexModel([("job_recruiter_id", 1), ("status", 1)])]
DECLARED = SESSION_INDEXES + LIST_INDEXES


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    ticks = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def _server(flags: list[str]) -> Iterator[tuple[subprocess.Popen[bytes], MongoClient[dict[str, Any]]]]:
    """A fresh SecantusDB on a folder of its own with these start-up flags, and a client of it; gone afterwards."""
    folder, port = tempfile.mkdtemp(prefix="cx-dbcmd-"), _free_port()
    server = subprocess.Popen([str(BIN / "secantusd-py"), "--host", "127.0.0.1", "--port", str(port), "--storage-path",
                               f"{folder}/db", "--log-level", "WARNING", *flags],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client: MongoClient[dict[str, Any]] = MongoClient(f"mongodb://127.0.0.1:{port}/?directConnection=true",
                                                      serverSelectionTimeoutMS=30000)
    try:
        yield server, client
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def run(flags: list[str], indexes: list[IndexModel] | None = DECLARED, n: int = 300,
        sessions: int = 200) -> dict[str, float]:
    with _server(flags) as (server, client):
        client.admin.command("ping")
        db = client.probe
        stored, events = db.interview_sessions, db.interview_events
        if indexes:
            stored.create_indexes(indexes)
        events.create_index([("session_id", 1), ("seq", 1)], unique=True)
        session = {"questions": [{"id": f"q{i}", "text": "x" * 400, "key_points": ["kp " * 20] * 6} for i in range(6)],
                   "answers": [], "status": "active", "event_seq": 0, "created_at": 1, "ends_at": 2, "recruiter_id": None,
                   "current_question_index": 0, "follow_ups_asked": 0,
                   "job_id": None, "job_recruiter_id": None}
        ids = [stored.insert_one({**session, "candidate_id": str(i)}).inserted_id for i in range(sessions)]
        out: dict[str, float] = {}

        def measure(name: str, command: Callable[[int], Any]) -> None:
            started = _cpu_seconds(server.pid)
            for i in range(n):
                command(i)
            out[name] = round((_cpu_seconds(server.pid) - started) * 1000 / n, 2)

        measure("ping", lambda i: client.admin.command("ping"))
        measure("find by _id, whole document", lambda i: stored.find_one({"_id": ids[i % sessions]}))
        measure("update by _id, $set", lambda i: stored.update_one({"_id": ids[i % sessions], "status": "active"},
                                                                  {"$set": {"updated_at": i}}))
        measure("update by _id, $push + $set + $inc", lambda i: stored.update_one(
            {"_id": ids[i % sessions], "status": "active"},
            {"$push": {"answers": {"question_id": f"x{i}", "content": "y" * 300}},
             "$set": {"current_question_index": 1}, "$inc": {"event_seq": 1}}))
        every_field = dict.fromkeys(["_id", "revision_id", *session, "candidate_id"], 1)  # what Beanie asked for
        measure("find by _id, every field named (Beanie's projection)",
                lambda i: stored.find_one({"_id": ids[i % sessions]}, projection=every_field))
        seq = {doc["_id"]: doc["event_seq"] for doc in stored.find({}, {"event_seq": 1})}

        def guarded(i: int, shape: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
            oid = ids[i % sessions]  # the stream answer's write: its preconditions and the event counter
            where = {"_id": oid, "status": "active", "current_question_index": 1, "questions.1.id": "q1",
                     "follow_ups_asked": 0, "answers.question_id": {"$ne": f"new{i}"}, "ends_at": {"$gt": 1},
                     "event_seq": seq[oid]}
            assert stored.update_one(shape(where), {"$set": {"event_seq": seq[oid] + 1, "updated_at": i}}).matched_count
            seq[oid] += 1

        measure("update, the answer's 8 conditions as written", lambda i: guarded(i, dict))
        measure("update, the same conditions by_key (core/writes.py)", lambda i: guarded(i, by_key))
        measure("findAndModify by _id", lambda i: stored.find_one_and_update({"_id": ids[i % sessions]},
                                                                            {"$set": {"updated_at": i}}))
        measure("insert of one event", lambda i: events.insert_one({"session_id": str(ids[i % sessions]), "seq": 10 + i,
                                                                    "type": "feedback", "data": {"stage": "received"}}))
        return out


def sign_in_writes(accounts: int, n: int = 100) -> dict[str, float]:
    """A sign-in's write on a users collection of ``accounts``: the old findAndModify with an `$or`, against the
    update by `_id` and the point read that replaced it (users/store.py)."""
    with _server(["--standalone", "--sync-on-commit"]) as (server, client):
        users = client.probe.users
        users.create_index("email", unique=True)
        ids = users.insert_many([{"email": f"u{i}@example.com", "password_hash": "x" * 97, "locked_until": None,
                                  "failed_login_attempts": 0} for i in range(accounts)]).inserted_ids
        out: dict[str, float] = {}
        started = _cpu_seconds(server.pid)
        for i in range(n):
            users.find_one_and_update({"_id": ids[i % accounts], "$or": [{"locked_until": None},
                                                                         {"locked_until": {"$lte": i}}]},
                                      {"$set": {"failed_login_attempts": 0, "last_login_at": i}})
        out["findAndModify, $or"] = round((_cpu_seconds(server.pid) - started) * 1000 / n, 2)
        started = _cpu_seconds(server.pid)
        for i in range(n):
            users.update_one({"_id": ids[i % accounts], "locked_until": {"$not": {"$gt": i}}},
                             {"$set": {"failed_login_attempts": 0, "last_login_at": i}})
            users.find_one({"_id": ids[i % accounts]})
        out["update by _id + find"] = round((_cpu_seconds(server.pid) - started) * 1000 / n, 2)
        return out


def main() -> None:
    app = ["--standalone", "--sync-on-commit"]  # the app's default flags
    cases: dict[str, tuple[list[str], list[IndexModel] | None]] = {
        "no flags (bench before)": ([], DECLARED), "--sync-on-commit": (["--sync-on-commit"], DECLARED),
        "--standalone": (["--standalone"], DECLARED), "app flags, without the list's 2 indexes": (app, SESSION_INDEXES),
        "app flags, the 5 declared": (app, DECLARED), "app flags, no session indexes": (app, None)}
    if "--indexes" in sys.argv:  # only the index comparison, under the app's flags
        cases = {name: case for name, case in cases.items() if name.startswith("app flags")}
    results = {name: run(flags, indexes) for name, (flags, indexes) in cases.items()}
    print(f"load average {os.getloadavg()[0]:.1f}; SecantusDB CPU ms per command")
    print("| command | " + " | ".join(results) + " |")
    print("| --- " * (len(results) + 1) + "|")
    for command in next(iter(results.values())):
        print(f"| {command} | " + " | ".join(str(r[command]) for r in results.values()) + " |")
    if "--indexes" in sys.argv:
        return
    print("\nSecantusDB CPU ms per sign-in write (standalone, sync on commit), by accounts stored")
    for accounts in (100, 1000, 5000):
        print(accounts, sign_in_writes(accounts))


if __name__ == "__main__":
    main()
