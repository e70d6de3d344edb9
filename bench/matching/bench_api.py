"""Ranking N applicants through the API, end to end, on the embedded SecantusDB.

uv run --frozen python bench/matching/bench_api.py [1000 10000]

For each N: one job, N candidates whose resumes were prepared at parse time (the 48 corpus resumes'
profiles, replicated). Applications arrive in ten batches, each marked pending as `POST /jobs/{id}/apply`
marks one, and each batch is scored by the `match.job` task a GET schedules (the apply-time work, timed per
application). Then, with N applicants ranked: `GET /jobs/{id}/candidates` pages (by rank, by a component, the
last page), one more applicant until a `ready` page includes them, and a job edit that re-scores everyone
(a preferred skill added: every score moves): the time from the edit to the first GET whose page 1 is the
new ranking's (served from the run's preview while its entries are written), and to every entry stored
(progress and ETA seen meanwhile). Also query shapes: `_id $in`, `applied_job_ids`, a sorted page of all
entries against a range filter.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests.conftest's helpers

from bson import ObjectId  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from candidatex.app import create_app  # noqa: E402
from candidatex.db.embedded import EmbeddedMongo  # noqa: E402
from candidatex.embeddings import get_embedder  # noqa: E402
from candidatex.matching.profile import build_profile  # noqa: E402
from candidatex.resumes.parsing import read_resume  # noqa: E402
from tests.conftest import make_settings, register  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "matching_corpus"
JOB = {"title": "Senior Backend Engineer", "required_skills": ["Python", "PostgreSQL", "Kubernetes"],
       "preferred_skills": ["Apache Kafka"], "min_years_experience": 5, "education_level": "bachelor",
       "description": "Build Python services on PostgreSQL and run them on Kubernetes. Kafka a plus.",
       "publish": True}


def corpus_profiles() -> list[tuple[str, dict, dict]]:
    embedder = get_embedder()
    out = []
    for path in sorted(CORPUS.glob("*.*")):
        if path.suffix not in (".pdf", ".docx"):
            continue
        _, text, parsed = read_resume(path.read_bytes(), path.name, today=date(2024, 6, 1))
        out.append((text, parsed, build_profile(text, parsed, embedder)))
    return out


def seed(db, job_id: str, recruiter_id: str, first: int, count: int, profiles: list) -> None:
    now = datetime.now(UTC)
    users, resumes, applications = [], [], []
    for i in range(first, first + count):
        user_id, resume_id = ObjectId(), ObjectId()
        text, parsed, profile = profiles[i % len(profiles)]
        users.append({"_id": user_id, "email": f"bench{i}-{job_id[-6:]}@example.org", "full_name": f"Applicant {i}",
                      "role": "candidate", "status": "active", "password_hash": "x", "created_at": now,
                      "updated_at": now})
        resumes.append({"_id": resume_id, "owner_id": str(user_id), "filename": "cv.pdf", "kind": "pdf",
                        "content_type": "application/pdf", "size": 1000, "gridfs_id": ObjectId(),
                        "status": "processed", "text": text, "skills": parsed.skills, "profile": profile,
                        "applied_job_ids": [job_id], "created_at": now, "updated_at": now})
        applications.append({"job_id": job_id, "candidate_id": str(user_id), "recruiter_id": recruiter_id,
                             "resume_id": str(resume_id), "status": "applied",
                             "status_history": [{"status": "applied", "at": now}], "created_at": now,
                             "updated_at": now, "rank_pending": time.time_ns()})
    for name, docs in (("users", users), ("resumes", resumes), ("applications", applications)):
        for start in range(0, len(docs), 1000):
            db[name].insert_many(docs[start:start + 1000], ordered=False)
    db.match_results.update_one({"kind": "job", "subject_id": job_id}, {"$inc": {"inputs_version": 1}}, upsert=True)


def cpu_seconds(pid: int | None = None) -> float:
    """CPU seconds (user + system) of this process, every thread, or of another one (the database's)."""
    if pid is None:
        return time.process_time()
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signature(data: dict) -> list[tuple]:
    return [(i["application_id"], i["total"], i["rank"], i["percentile"]) for i in data["items"]]


async def until_ready(client, url: str, headers: dict, total: int, started: float | None = None,
                      pages: list | None = None, db_pid: int | None = None) -> tuple[float, dict, list]:
    """Seconds from ``started`` (the first GET) to a ready page holding ``total`` applicants, that page, progress
    seen; ``pages`` collects (seconds, page 1's signature, CPU seconds of this process and of ``db_pid``) of
    every GET."""
    started = started if started is not None else time.perf_counter()
    progress_seen = []
    while True:
        response = await client.get(url, params={"limit": 50}, headers=headers)
        assert response.status_code == 200, response.text[:2000]
        data = response.json()["data"]
        if pages is not None:
            pages.append((time.perf_counter() - started, signature(data), cpu_seconds(),
                          cpu_seconds(db_pid) if db_pid else 0.0))
        if data["progress"]:
            progress_seen.append((data["progress"]["percent"], data["progress"]["eta_seconds"]))
        if data["status"] == "ready" and data["total"] == total:
            return time.perf_counter() - started, data, progress_seen
        await asyncio.sleep(0.1)


def resume_reads(db, job_id: str, db_pid: int | None) -> None:
    """The database's CPU for reading every applicant's resume: what a full run read before the kept profiles
    were trusted by their marks (the light projection), and a cold read's projection against the whole document."""
    shapes = {"light (_id, status, updated_at)": {"_id": 1, "status": 1, "updated_at": 1},
              "with the profile": {"_id": 1, "status": 1, "updated_at": 1, "profile": 1}, "whole document": None}
    measured = []
    for label, projection in shapes.items():
        before = cpu_seconds(db_pid) if db_pid else 0.0
        count = len(list(db.resumes.find({"applied_job_ids": job_id}, projection)))
        measured.append(f"{label} {(cpu_seconds(db_pid) if db_pid else 0.0) - before:.2f} s")
    print(f"  database CPU to read the {count} applicants' resumes: " + "; ".join(measured))


def query_shapes(db, job_id: str) -> None:
    ids = [r["_id"] for r in db.resumes.find({"applied_job_ids": job_id}, {"_id": 1}).limit(2000)]
    started = time.perf_counter()
    by_ids = len(list(db.resumes.find({"_id": {"$in": ids}}, {"profile": 1})))
    in_seconds = time.perf_counter() - started
    started = time.perf_counter()
    by_field = len(list(db.resumes.find({"applied_job_ids": job_id}, {"profile": 1})))
    field_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sorted_page = len(list(db.ranking_entries.find({"job_id": job_id}).sort("total", -1).limit(50)))
    sorted_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ranged = len(list(db.ranking_entries.find({"job_id": job_id, "total": {"$gte": 60.0}}).limit(50)))
    ranged_seconds = time.perf_counter() - started
    print(f"  query shapes: _id $in over {by_ids} ids {in_seconds:.2f} s; "
          f"applied_job_ids = job ({by_field} resumes) {field_seconds:.2f} s; "
          f"top {sorted_page} entries by sort {sorted_seconds:.2f} s; {ranged} by a total range {ranged_seconds:.2f} s")


async def run(count: int, profiles: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedMongo(Path(tmp) / "db")
        server.start()
        settings = make_settings(server.url, Path(tmp) / "data")
        try:
            async with AsyncTestClient(create_app(settings), base_url="http://bench", timeout=600) as client:
                recruiter = await register(client, "recruiter")
                job = (await client.post("/jobs", json=JOB, headers=recruiter.headers)).json()["data"]
                with MongoClient(server.url) as mongo:
                    db = mongo[settings.mongodb_db]
                    url = f"/jobs/{job['id']}/candidates"
                    batch = count // 10
                    applying = []
                    for first in range(0, count, batch):
                        seed(db, job["id"], recruiter.id, first, batch, profiles)
                        seconds, data, _ = await until_ready(client, url, recruiter.headers, first + batch)
                        applying.append(seconds)
                    print(f"{count} applicants arriving in batches of {batch}: each batch scored in "
                          f"{', '.join(f'{s:.1f}' for s in applying)} s "
                          f"({1000 * sum(applying[1:]) / (count - batch):.1f} ms per application after the first)")
                    timings = []
                    for page, sort in ((1, "rank"), (20, "experience"), (max(1, count // 50), "-rank")):
                        started = time.perf_counter()
                        response = await client.get(url, params={"page": page, "sort": sort, "limit": 50},
                                                    headers=recruiter.headers)
                        assert response.status_code == 200 and response.json()["data"]["status"] == "ready"
                        timings.append(f"page {page} by {sort} {time.perf_counter() - started:.2f} s")
                    print(f"  GET /jobs/{{id}}/candidates with {count} ranked (top score {data['items'][0]['total']}): "
                          + "; ".join(timings))
                    seed(db, job["id"], recruiter.id, count, 1, profiles)
                    seconds, data, _ = await until_ready(client, url, recruiter.headers, count + 1)
                    print(f"  one more applicant: ranked page 1 ready after {seconds:.2f} s end to end")
                    old_page = signature(data)
                    db_pid = server.process.pid if server.process else None
                    edited_at, pages = time.perf_counter(), []
                    cpu_before = (cpu_seconds(), cpu_seconds(db_pid) if db_pid else 0.0)
                    load_before = os.getloadavg()[0]
                    edit = await client.put(f"/jobs/{job['id']}", json={"description": JOB["description"] + " Terraform a plus.",
                                                                     "preferred_skills": [*JOB["preferred_skills"], "Terraform"]},
                                              headers=recruiter.headers)
                    assert edit.status_code == 200, edit.text
                    seconds, data, progress_seen = await until_ready(client, url, recruiter.headers, count + 1,
                                                                     started=edited_at, pages=pages, db_pid=db_pid)
                    # what the recruiter waits for: the first page 1 equal to the stored ranking's page 1
                    final = signature(data)
                    first_right, _, app_cpu, db_cpu = next(p for p in pages if p[1] == final)
                    result = db.match_results.find_one({"kind": "job", "subject_id": job["id"]})
                    print(f"  job description edited: page 1 of the new ranking shown after {first_right:.2f} s "
                          f"(the edit to the first GET answering it; page 1 changed: {final != old_page}; CPU "
                          f"meanwhile: app {app_cpu - cpu_before[0]:.2f} s, database {db_cpu - cpu_before[1]:.2f} s; "
                          f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}); every "
                          f"entry stored, ready after {seconds:.2f} s (ranking task {result['duration_ms'] / 1000:.2f} s, "
                          f"stages cumulative ms {result.get('stages_ms')}); progress (percent, eta s) seen: "
                          f"{list(dict.fromkeys(progress_seen))[:8]}")  # distinct, in order
                    while db.ranking_entries.count_documents({"job_id": job["id"], "run_id": {"$ne": result["run_id"]}}):
                        await asyncio.sleep(0.5)  # the old run's entries are deleted after the lease is released
                    print(f"  {db.ranking_entries.count_documents({'job_id': job['id'], 'run_id': result['run_id']})} entry documents in the run")
                    query_shapes(db, job["id"])
                    resume_reads(db, job["id"], db_pid)
        finally:
            server.stop()


def main(counts: list[int]) -> None:
    started = time.perf_counter()
    profiles = corpus_profiles()
    print(f"prepared {len(profiles)} corpus profiles in {time.perf_counter() - started:.1f} s")
    for count in counts:
        asyncio.run(run(count, profiles))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
