"""What the database does per step of an interview: the commands sent, SecantusDB's CPU for each, the size of the
session document each write rewrote and how many of its indexes that write maintained.

    PYTHONPATH=src:. .venv/bin/python bench/db_steps.py [--candidates 12] [--questions 3]

Starts a SecantusDB with the app's flags (standalone, sync on commit; `--no-sync` without the fsync, as
bench/load.py's server) and the app in this process (no Redis: the in-memory stores), then takes candidates one
after another through register, create, precheck, start, the answers over the interview stream and finalize. A
pymongo command listener records every command; the server's CPU (the sum of its threads' `schedstat` run time,
nanoseconds) is read when the command is sent and when its reply arrives. One client sends at a time, so each
delta is that command's own (plus whatever the server's background threads did meanwhile: medians over the
candidates). Figures: docs/performance.md ("database side, seventh pass").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import bson
from pymongo import MongoClient, monitoring

from bench.db_commands import _server
from bench.load import ANSWER, PASSWORD, PRECHECK

HANDSHAKE = {"hello", "ismaster", "isMaster", "ping", "saslStart", "saslContinue", "endSessions", "buildInfo"}
THIN = "um I don't know, like, maybe"  # a follow-up's answer never gets one: the burst's mix of both


def server_cpu_ns(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


class Recorder(monitoring.CommandListener):
    """Each command of the step being recorded: (name, collection, SecantusDB CPU ms)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.step = pid, ""
        self.occurrences: dict[str, int] = defaultdict(int)
        self.pending: dict[int, tuple[str, str, int]] = {}
        self.lock = threading.Lock()
        self.commands: list[tuple[str, str, str, float]] = []
        self.shapes: list[tuple[str, str, str]] = []  # (step, command, its filter and projection), for --shapes

    def begin(self, step: str) -> None:
        self.step = step
        self.occurrences[step] += 1

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.step and event.command_name not in HANDSHAKE:
            target = event.command.get(event.command_name)
            with self.lock:
                self.shapes.append((self.step, event.command_name, _shape(event.command)))
                self.pending[event.request_id] = (event.command_name, target if isinstance(target, str) else "",
                                                  server_cpu_ns(self.pid))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._done(event.request_id)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._done(event.request_id)

    def _done(self, request_id: int) -> None:
        with self.lock:
            begun = self.pending.pop(request_id, None)
            if begun is not None:
                name, target, cpu = begun
                self.commands.append((self.step, name, target, (server_cpu_ns(self.pid) - cpu) / 1e6))


def _shape(command: Any) -> str:
    """The filter's and projection's field names of a command (values left out): what the server plans on."""
    parts = []
    for key in ("filter", "query", "projection", "updates", "pipeline"):
        value = command.get(key)
        if key == "updates" and value:
            value = [{"q": list(u["q"]), "u": list(u["u"])} for u in value]
        elif isinstance(value, dict):
            value = list(value)
        if value:
            parts.append(f"{key}={value}")
    return f"{command.get(next(iter(command)))} " + " ".join(parts)


def app_settings(url: str, data_dir: Path) -> Any:
    from candidatex.config import Settings

    return Settings.from_env({
        "SECRET_KEY": "db-steps-secret-key-0123456789abcdefghijkl", "CANDIDATEX_DATA_DIR": str(data_dir),
        "MONGODB_URL": url, "MONGODB_DB": f"steps_{uuid.uuid4().hex[:8]}", "SEED_DEMO": "false", "RATE_LIMITS": "off",
        "RATE_LIMIT_PER_MINUTE": "10000000", "RATE_LIMIT_USER_PER_MINUTE": "10000000", "LOG_LEVEL": "WARNING",
        "ANTI_CHEAT_PRECHECK_CAMERA": "false", "ANTI_CHEAT_CONSENT_REQUIRED": "false", "SPEECH_PRELOAD": "false",
        "ANTI_CHEAT_HEARTBEAT_TIMEOUT_SECONDS": "0",
        # no background queries between the steps: the clock's overdue check and the timer are far apart here
        "DEADLINE_CHECK_SECONDS": "3600", "INTERVIEW_TIMER_SECONDS": "3600"})


def one_candidate(client: Any, recorder: Recorder, questions: int) -> str:
    from litestar.testing import TestClient

    assert isinstance(client, TestClient)

    def step(name: str, method: str, path: str, **kwargs: Any) -> Any:
        recorder.begin(name)
        try:
            response = client.request(method, path, **kwargs)
        finally:
            recorder.step = ""
        assert response.status_code < 400, response.text
        return response.json()["data"]

    data = step("register", "POST", "/auth/register", json={"email": f"steps-{uuid.uuid4().hex[:10]}@example.com",
                                                            "password": PASSWORD, "full_name": "Steps",
                                                            "role": "candidate"})
    headers = {"Authorization": f"Bearer {data['access_token']}"}
    sid = step("create", "POST", "/interview/sessions", headers=headers, json={
        "type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": questions,
        "duration_minutes": 30})["session_id"]
    step("precheck", "POST", f"/interview/sessions/{sid}/precheck", headers=headers, json=PRECHECK)
    step("start", "POST", f"/interview/sessions/{sid}/start", headers=headers)
    with client.websocket_connect(f"/interview/{sid}/stream?token={data['access_token']}") as ws:
        def until(wanted: Any) -> dict[str, Any]:
            while True:
                event = ws.receive_json()
                assert event["type"] != "error", event
                if wanted(event):
                    return event

        question: dict[str, Any] | None = until(lambda e: e["type"] == "question")
        while question is not None:
            # the first answer of each planned question is thin (a follow-up comes), a follow-up's answer strong
            recorder.begin("answer, follow-up asked" if not question["data"].get("is_follow_up") else "answer")
            ws.send_json({"type": "answer", "question_id": question["data"]["id"],
                          "content": THIN if not question["data"].get("is_follow_up") else ANSWER})
            until(lambda e: e["type"] == "feedback" and e["data"]["stage"] == "evaluated")
            following = until(lambda e: e["type"] == "question" or (e["type"] == "status" and
                                                                    e["data"].get("all_answered")))
            recorder.step = ""
            question = following if following["type"] == "question" else None
        step("finalize", "POST", f"/interview/sessions/{sid}/finalize", headers=headers)
    step("summary", "GET", f"/interview/sessions/{sid}/summary", headers=headers)
    recorder.begin("after the end (other domains' reactions)")  # what the end set off in the background
    time.sleep(0.5)
    recorder.step = ""
    return sid


def indexes_kept(collection: Any, doc: dict[str, Any]) -> int:
    """How many secondary indexes hold an entry for ``doc`` (a partial index skips what its filter excludes)."""
    from secantus.query import matches

    kept = 0
    for name, info in collection.index_information().items():
        if name == "_id_":
            continue
        partial = info.get("partialFilterExpression")
        kept += partial is None or matches(doc, partial)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=12)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--no-sync", action="store_true", help="without the fsync per commit (bench/load.py's)")
    parser.add_argument("--json", type=Path, help="also write the raw commands here")
    parser.add_argument("--drop-indexes", nargs="*", default=[], metavar="COLLECTION[:INDEX]",
                        help="what-if: drop these secondary indexes (all of a collection's without :INDEX) once the "
                             "app has created them; queries that need them then scan")
    parser.add_argument("--shapes", action="store_true", help="also print each command's filter shape, in order")
    args = parser.parse_args()
    from litestar.testing import TestClient

    from candidatex.app import create_app
    from candidatex.db.embedded import server_flags

    flags = server_flags(sync_on_commit=not args.no_sync, replica_set=False)
    data_dir = Path(tempfile.mkdtemp(prefix="cx-dbsteps-"))
    with _server(flags) as (server, sync_client):
        sync_client.admin.command("ping")
        url = f"mongodb://127.0.0.1:{sync_client.address[1]}/?directConnection=true"
        recorder = Recorder(server.pid)
        monitoring.register(recorder)
        settings = app_settings(url, data_dir)
        sids = []
        with TestClient(create_app(settings)) as client:
            for target in args.drop_indexes:
                collection, _, index = target.partition(":")
                stored = sync_client[settings.mongodb_db][collection]
                stored.drop_index(index) if index else stored.drop_indexes()
            for _ in range(args.candidates):
                sids.append(one_candidate(client, recorder, args.questions))
        with MongoClient(url) as reader:
            sessions = reader[settings.mongodb_db].interview_sessions
            final = [sessions.find_one({"_id": bson.ObjectId(sid)}) for sid in sids]
            sizes = [len(bson.encode(doc)) for doc in final if doc]
            kept = indexes_kept(sessions, final[0]) if final and final[0] else 0
            total_indexes = len(sessions.index_information()) - 1
    shutil.rmtree(data_dir, ignore_errors=True)
    report(recorder.commands, recorder.occurrences, sizes, kept, total_indexes, flags, args.candidates)
    if args.json:
        args.json.write_text(json.dumps(recorder.commands))
    if args.shapes:
        for step, name, shape in recorder.shapes:
            print(f"{step}: {name} {shape}")


def report(commands: list[tuple[str, str, str, float]], occurrences: dict[str, int], sizes: list[int],
           kept: int, total_indexes: int, flags: list[str], candidates: int) -> None:
    by_step: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for step, name, target, ms in commands:
        by_step[step].append((name, target, ms))
    print(f"load average {os.getloadavg()[0]:.1f}; SecantusDB flags {' '.join(flags)}; {candidates} candidates; "
          f"final session document {statistics.median(sizes) if sizes else 0:.0f} bytes (median); "
          f"secondary indexes holding an entry for it: {kept} of {total_indexes}")
    print("| step (times) | commands per step: name collection ×count (median SecantusDB CPU ms each) "
          "| commands | SecantusDB CPU ms per step |")
    print("| --- | --- | --- | --- |")
    for step, times in occurrences.items():
        rows = by_step.get(step, [])
        kinds: dict[tuple[str, str], list[float]] = defaultdict(list)
        for name, target, ms in rows:
            kinds[(name, target)].append(ms)
        listed = ", ".join(f"{name} {target} ×{len(v) / times:.2g} ({statistics.median(v):.2f})"
                           for (name, target), v in kinds.items())
        print(f"| {step} ({times}) | {listed} | {len(rows) / times:.2g} | {sum(ms for *_, ms in rows) / times:.2f} |")


if __name__ == "__main__":
    main()
