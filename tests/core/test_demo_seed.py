"""The demo world a first run shows: every role's first screen has real data; seeded once; rebuilt on demand;
nothing in production."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from candidatex.demo.seed import DemoServices, ensure_demo_world
from tests.auth.apps import app_client

PASSWORD = "Demo-Password-1!"


@pytest.fixture(scope="module")
async def demo(client: AsyncTestClient, mongo_url: str,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncTestClient]:
    """An app on its own database that seeds the demo at start-up, as `make run` does (beside the session app,
    whose document binding is put back afterwards)."""
    # the anti-cheat defaults `make run` has (the suite's settings turn both off for API tests)
    async with app_client(client, mongo_url, tmp_path_factory.mktemp("demo"), SEED_DEMO="true",
                          APP_ENV="development", ANTI_CHEAT_PRECHECK_CAMERA="true",
                          ANTI_CHEAT_CONSENT_REQUIRED="true") as (demo_client, _):
        seeding = demo_client.app.state.demo_seed_task  # started after start-up: the server answered meanwhile

        async def seeded() -> None:
            await seeding

        await asyncio.to_thread(demo_client.blocking_portal.call, seeded)
        yield demo_client


async def signed_in(client: AsyncTestClient, email: str) -> dict[str, str]:
    response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


async def get(client: AsyncTestClient, path: str, headers: dict[str, str], **params) -> dict:
    response = await client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_candidate_first_screen_has_reports_resumes_and_applications(demo: AsyncTestClient) -> None:
    me = await signed_in(demo, "candidate@candidatex.dev")
    history = await get(demo, "/interview/sessions/history", me)
    finished = [h for h in history if h["status"] == "completed"]
    assert len(finished) >= 2 and all(h["total_score"] is not None for h in finished)
    report = await get(demo, f"/interview/sessions/{finished[0]['session_id']}/summary", me)
    assert report["result"]["feedback"] and report["result"]["strengths"] is not None
    resumes = await get(demo, "/resume/", me)
    resume = resumes["items"][0]
    assert resume["status"] == "processed" and {"Python", "PostgreSQL"} & set(resume["skills"])
    applications = await get(demo, "/applications", me)
    assert {a["status"] for a in applications["items"]} == {"interview", "applied"}


async def test_recruiter_sees_jobs_pipeline_rankings_integrity_and_fairness(demo: AsyncTestClient) -> None:
    me = await signed_in(demo, "recruiter@candidatex.dev")
    jobs = (await get(demo, "/jobs", me, mine="true", limit=50))["items"]
    titles = {j["title"] for j in jobs}
    assert {"Backend Engineer (Python)", "Registered Nurse, Emergency Department", "Account Executive"} <= titles
    applications = (await get(demo, "/applications", me, limit=100))["items"]
    assert {a["status"] for a in applications} == {"applied", "screening", "interview", "offer", "rejected"}
    applicants = {a["candidate_id"] for a in applications}
    assert len({a["resume_id"] for a in applications}) == len(applicants)  # each applicant with their own résumé

    backend = next(j for j in jobs if j["title"].startswith("Backend"))
    ranking = await get(demo, f"/matching/jobs/{backend['id']}/candidates", me)
    assert ranking["status"] == "ready" and len(ranking["items"]) >= 10
    fairness = await get(demo, f"/matching/jobs/{backend['id']}/fairness", me, attribute="gender",
                         shortlist="status", stage="screening")
    groups = fairness["groups"]
    assert {"man", "woman"} <= set(groups) and all(groups[g]["total"] >= 5 for g in ("man", "woman"))
    assert fairness["disparate_impact_ratio"] is not None  # enough applicants to chart a ratio

    screenings = (await get(demo, "/interview/sessions", me, limit=50))["items"]  # the ones the recruiter runs
    assert len(screenings) >= 3 and all(s["job_id"] for s in screenings)
    assert any(s["result"] and s["result"]["feedback"] for s in screenings)  # reports to read
    flagged = []
    for session in screenings:
        integrity = await get(demo, f"/interview/sessions/{session['id']}/integrity", me)
        if integrity["strikes"]:
            flagged.append((session, integrity))
    assert len(flagged) >= 2 and any(s["status"] == "terminated" for s, _ in flagged)
    contested = [flag for session, _ in flagged
                 for flag in (await get(demo, f"/interview/sessions/{session['id']}/flags", me))["flags"]
                 if flag["status"] == "contested"]
    assert len(contested) == 1 and contested[0]["appeal"]["comment"]  # one appeal waits for the recruiter

    candidate = await signed_in(demo, "candidate@candidatex.dev")
    practice = [s for s in (await get(demo, "/interview/sessions", candidate))["items"] if not s["recruiter_id"]]
    assert practice  # the candidate's own practice stays theirs
    assert (await demo.get(f"/interview/sessions/{practice[0]['id']}", headers=me)).status_code == 404


async def test_admin_first_screen_counts_real_things(demo: AsyncTestClient) -> None:
    me = await signed_in(demo, "admin@candidatex.dev")
    stats = await get(demo, "/admin/dashboard/stats", me)
    counts = stats["extra"]
    assert counts["jobs_published"] >= 5 and counts["applications_total"] >= 15 and counts["resumes_total"] >= 15
    assert stats["users_by_role"]["candidate"] >= 15
    audit = await get(demo, "/admin/audit-logs", me, action="application.status")
    assert audit["total"] >= 10


async def test_seeded_once_and_rebuilt_on_demand(demo: AsyncTestClient) -> None:
    services = DemoServices.of(demo.app.state)

    def seed(rebuild: bool = False):  # on the app's own loop (its database client lives there)
        return demo.blocking_portal.call(lambda: ensure_demo_world(services, PASSWORD, rebuild=rebuild))

    again = await asyncio.to_thread(seed)
    assert again.seeded is False  # a restart does not duplicate the world
    me = await signed_in(demo, "recruiter@candidatex.dev")
    before = await get(demo, "/applications", me, limit=100)
    rebuilt = await asyncio.to_thread(seed, True)
    assert rebuilt.seeded and rebuilt.applications == before["total"]
    me = await signed_in(demo, "recruiter@candidatex.dev")  # the rebuild signed everyone out
    after = await get(demo, "/applications", me, limit=100)
    assert after["total"] == before["total"]
    assert {a["id"] for a in after["items"]}.isdisjoint({a["id"] for a in before["items"]})


def test_no_demo_and_production_seed_nothing(tmp_path: Path) -> None:
    cli = [sys.executable, "-c", "import sys; from candidatex.cli import main; sys.exit(main())"]
    for args, env in ((["seed", "--no-demo"], {}), (["seed"], {"APP_ENV": "production", "SECRET_KEY": "x" * 40})):
        done = subprocess.run([*cli, *args], capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", "CANDIDATEX_DATA_DIR": str(tmp_path), **env})
        assert done.returncode == 0, done.stderr
        assert "nothing seeded" in done.stdout
        assert not (tmp_path / "db").exists()  # not even a database was started
