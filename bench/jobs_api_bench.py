"""End-to-end figures for resumes, jobs and matching through the HTTP API on the embedded SecantusDB.

PYTHONPATH=src:. python bench/jobs_api_bench.py [--jobs 300] [--applicants 40]

Measures: job creation and keyword search latency (median / p95) over N published jobs; upload-to-processed
time of PDF resumes through the in-process task queue; and the background ranking of one job's applicants.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from litestar.testing import AsyncTestClient
from pymongo import MongoClient

from candidatex.app import create_app
from candidatex.db.embedded import EmbeddedMongo
from tests.conftest import make_settings, register
from tests.resumes.conftest import RESUME_LINES, make_pdf

WORDS = ["python", "kubernetes", "terraform", "react", "typescript", "django", "postgres", "spark", "airflow", "golang", "rust", "java"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def main(jobs: int, applicants: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedMongo(Path(tmp) / "db")
        server.start()
        settings = make_settings(server.url, Path(tmp) / "data")
        try:
            async with AsyncTestClient(create_app(settings), base_url="http://bench") as client:
                recruiter = await register(client, "recruiter")
                created = []
                for i in range(jobs):
                    skills = [WORDS[i % len(WORDS)], WORDS[(i * 7 + 3) % len(WORDS)]]
                    started = time.perf_counter()
                    r = await client.post("/jobs", headers=recruiter.headers, json={
                        "title": f"Engineer {i}", "description": f"Work with {' and '.join(skills)} every day.",
                        "required_skills": skills, "location": ["London", "Berlin", "Remote"][i % 3],
                        "salary_min": 40_000 + i * 100, "salary_max": 60_000 + i * 100, "publish": True})
                    assert r.status_code == 201
                    created.append(time.perf_counter() - started)
                searches = []
                for i in range(100):
                    started = time.perf_counter()
                    r = await client.get("/jobs", headers=recruiter.headers,
                                         params={"q": f"{WORDS[i % len(WORDS)]} engineer", "location": "london"})
                    assert r.status_code == 200
                    searches.append(time.perf_counter() - started)
                print(f"jobs: {jobs} published")
                print(f"  create      median {statistics.median(created) * 1000:6.1f} ms   p95 {pct(created, .95) * 1000:6.1f} ms")
                print(f"  search q+loc median {statistics.median(searches) * 1000:6.1f} ms  p95 {pct(searches, .95) * 1000:6.1f} ms")

                job = (await client.post("/jobs", headers=recruiter.headers, json={
                    "title": "Platform Engineer", "required_skills": ["Kubernetes", "Terraform", "Python"],
                    "description": "Kubernetes and Terraform; 5+ years of experience.", "publish": True})).json()["data"]
                pdf = make_pdf(RESUME_LINES)
                started = time.perf_counter()
                pending = []
                for _ in range(applicants):
                    person = await register(client, "candidate")
                    rid = (await client.post("/resume/upload", headers=person.headers,
                                             files={"data": ("cv.pdf", pdf, "application/pdf")})).json()["data"]["id"]
                    await client.post(f"/jobs/{job['id']}/apply", headers=person.headers, json={"resume_id": rid})
                    pending.append((person, rid))
                for person, rid in pending:
                    while (await client.get(f"/resume/{rid}", headers=person.headers)).json()["data"]["status"] == "pending":
                        await asyncio.sleep(0.02)
                parsed_all = time.perf_counter() - started
                print(f"resumes: {applicants} registered, uploaded (PDF {len(pdf)} B), applied and parsed in "
                      f"{parsed_all:.1f} s ({parsed_all / applicants * 1000:.0f} ms each, registration included)")
                url = f"/matching/jobs/{job['id']}/candidates?refresh=true"
                started = time.perf_counter()
                await client.get(url, headers=recruiter.headers)
                while (data := (await client.get(url.split("?")[0], headers=recruiter.headers)).json()["data"])["status"] != "ready":
                    await asyncio.sleep(0.02)
                waited = time.perf_counter() - started
                result = MongoClient(server.url)[settings.mongodb_db].match_results.find_one({"subject_id": job["id"]})
                print(f"ranking: {len(data['items'])} applicants ranked in {result['duration_ms']:.0f} ms (task), "
                      f"{waited * 1000:.0f} ms from request to ready")
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--applicants", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(main(args.jobs, args.applicants))
