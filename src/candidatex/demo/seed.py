"""The demo world a first `make run` shows: jobs across professions, candidates with PDF and DOCX résumés,
applications at every pipeline stage, finished practice interviews with reports and integrity flags, and enough
applicants with (voluntary) demographics for the fairness audit's charts.

Everything goes through the services, as a user's requests would, so the data obeys the same rules. The content
lives in world.json; this module only walks it. Seeded once per database (a marker document); `rebuild` erases the
demo users' data through the erasure path and seeds again.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo.errors import DuplicateKeyError

from candidatex.anticheat import appeals
from candidatex.anticheat.schemas import SignalIn
from candidatex.anticheat.signals import sign_signal
from candidatex.audit.service import RequestMeta
from candidatex.core.timeutil import as_utc, utcnow
from candidatex.interviews import store as interview_store
from candidatex.interviews.models import SessionStatus
from candidatex.interviews.schemas import CreateSessionIn
from candidatex.jobs.models import STAGE_ORDER, Application, ApplicationStatus, Job, JobStatus
from candidatex.jobs.schemas import JobIn
from candidatex.matching.schemas import DemographicsIn
from candidatex.users.models import Role, User
from candidatex.users.schemas import UpdateMeIn

logger = logging.getLogger(__name__)
WORLD = json.loads(Path(__file__).with_name("world.json").read_text(encoding="utf-8"))
MARKER_COLLECTION = "demo_world"
RECRUITER_EMAIL = "recruiter@candidatex.dev"
META = RequestMeta(ip="127.0.0.1", user_agent="candidatex seed")
STALE_SEED_SECONDS = 300  # a "seeding" marker this old was left by a process that stopped half-way
MAX_TURNS = 8  # questions answered per interview at most (planned ones plus follow-ups)


@dataclass
class DemoServices:
    """The running app's services (app.state), which the seed drives."""

    database: Any
    auth: Any
    accounts: Any
    jobs: Any
    resumes: Any
    matching: Any
    interviews: Any
    anti_cheat: Any

    @classmethod
    def of(cls, state: Any) -> DemoServices:
        return cls(state.database.db, state.auth_service, state.account_service, state.job_service,
                   state.resume_service, state.matching_service, state.interview_service, state.anti_cheat)


@dataclass
class SeedSummary:
    seeded: bool
    users: int = 0
    jobs: int = 0
    resumes: int = 0
    applications: int = 0
    interviews: int = 0
    flagged: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time: the machine's load does not change it
    by_stage: dict[str, int] = field(default_factory=dict)


def applicant_email(name: str) -> str:
    local = "".join(c for c in name.lower().replace(" ", ".") if c.isalnum() or c == ".")
    return f"{local}@{WORLD['applicant_domain']}"


def resume_lines(candidate: dict[str, Any], email: str, year: int) -> list[str]:
    """A plausible one-page résumé for the candidate's profession (Latin-1: the PDF core fonts need it)."""
    profession = WORLD["professions"][candidate["profession"]]
    rng = random.Random(candidate["name"])  # noqa: S311 - demo data, the same on every seed
    years = int(candidate["years"])
    title, earlier = rng.sample(profession["titles"], 2) if len(profession["titles"]) > 1 else profession["titles"] * 2
    first, second = rng.sample(profession["employers"], 2)
    duties = rng.sample(profession["duties"], len(profession["duties"]))
    skills = rng.sample(profession["skills"], min(len(profession["skills"]), 4 + years % 3))
    start = year - max(1, years // 2)
    lines = [candidate["name"], f"{email} | +44 20 7946 {rng.randint(1000, 9999)} | {candidate['location']}", "",
             "Summary", f"{title} with {years} years of experience. " + duties[0].split(";")[0] + ".", "",
             "Experience", f"{title}, {first} - Jan {start} - Present", duties[0], duties[1] if len(duties) > 1 else ""]
    if years > 1:
        lines += [f"{earlier} at {second} ({year - years} - {start})", duties[-1]]
    lines += ["", "Education", f"{profession['degree']}, University of {rng.choice(['Leeds', 'Bristol', 'Glasgow', 'York'])}, "
              f"{year - years - 1}", "", "Skills", ", ".join(skills)]
    return [line.encode("latin-1", "replace").decode("latin-1") for line in lines]


def render_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for index, line in enumerate(lines):
        heading = index == 0 or line in ("Summary", "Experience", "Education", "Skills")
        pdf.set_font("Helvetica", "B" if heading else "", 14 if index == 0 else 11)
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for index, line in enumerate(lines):
        if index == 0:
            document.add_heading(line, level=1)
        elif line in ("Summary", "Experience", "Education", "Skills"):
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def _user(services: DemoServices, email: str, name: str, role: Role, password: str) -> User:
    found = await User.find_one(User.email == email)
    return found or await services.auth.create_user(email, password, name, role, email_verified=True)


async def _demo_users() -> list[User]:
    from candidatex.seed import DEMO_ACCOUNTS

    emails = [email for email, _, _ in DEMO_ACCOUNTS]
    fixed = await User.find({"email": {"$in": emails}}).to_list()
    applicants = await User.find({"email": {"$regex": "@" + WORLD["applicant_domain"].replace(".", r"\.") + "$"}}).to_list()
    return fixed + applicants


async def erase_demo_world(services: DemoServices) -> None:
    """Through the right-to-erasure path: the demo users' interviews, résumés (with files), applications,
    demographics and mail go; their jobs, then the users themselves. The audit trail stays."""
    users = await _demo_users()
    for user in users:
        await services.accounts._erase_related(str(user.id), user.email)  # noqa: SLF001 - the erasure path, reused
    recruiter_ids = [str(u.id) for u in users if u.role == Role.recruiter]
    if recruiter_ids:
        await Application.find({"recruiter_id": {"$in": recruiter_ids}}).delete()
        await Job.find({"recruiter_id": {"$in": recruiter_ids}}).delete()
    for user in users:
        await services.auth.tokens.revoke_all(str(user.id), "demo_rebuilt")
        await user.delete()
    await services.database[MARKER_COLLECTION].delete_many({})


async def ensure_demo_world(services: DemoServices, password: str, rebuild: bool = False) -> SeedSummary:
    """Seeds the world once; with ``rebuild`` erases the previous one first."""
    marker = services.database[MARKER_COLLECTION]
    found = await marker.find_one({"_id": "world"})
    interrupted = found is not None and (found.get("state") == "interrupted" or (
        found.get("state") == "seeding" and (utcnow() - as_utc(found["started_at"])).total_seconds() > STALE_SEED_SECONDS))
    if found and not (rebuild or interrupted):
        return SeedSummary(seeded=False)  # ready, or another process is seeding it now
    if found:
        await erase_demo_world(services)
    try:  # the marker is also the lock: of two processes starting at once, one seeds
        await marker.insert_one({"_id": "world", "state": "seeding", "started_at": utcnow()})
    except DuplicateKeyError:
        return SeedSummary(seeded=False)
    began, began_cpu = time.monotonic(), time.process_time()
    summary = SeedSummary(seeded=True)
    try:
        recruiter = await _user(services, RECRUITER_EMAIL, "Rita Recruiter", Role.recruiter, password)
        jobs = await _seed_jobs(services, recruiter, summary)
        candidates = await _seed_candidates(services, password, summary)
        await _seed_applications(services, recruiter, jobs, candidates, summary)
        await _seed_interviews(services, recruiter, jobs, candidates, summary)
        for job in jobs.values():  # last: a ranking counts the applicants' interview scores too
            if job.status == JobStatus.published:
                await services.matching.rank_job(str(job.id))
    except BaseException:  # stopped half-way (shutdown, a failure): the next start erases and seeds again
        await asyncio.shield(marker.update_one({"_id": "world"}, {"$set": {"state": "interrupted"}}))
        raise
    summary.users = len({user.id for user, _, _ in candidates.values()}) + 1
    summary.seconds = round(time.monotonic() - began, 2)
    summary.cpu_seconds = round(time.process_time() - began_cpu, 2)
    await marker.update_one({"_id": "world"}, {"$set": {"state": "ready", "version": WORLD["version"],
                                                         "seeded_at": utcnow(), "summary": summary.__dict__}})
    logger.info("demo world seeded", extra={"seconds": summary.seconds, "cpu_seconds": summary.cpu_seconds,
                                            "applications": summary.applications,
                                            "interviews": summary.interviews})
    return summary


async def _seed_jobs(services: DemoServices, recruiter: User, summary: SeedSummary) -> dict[str, Job]:
    jobs = {}
    for key, profession in WORLD["professions"].items():
        spec = dict(profession["job"])
        draft = spec.pop("draft", False)
        checked = JobIn(**spec, publish=not draft).model_dump()
        jobs[key] = await services.jobs.create(recruiter, checked, META)
        summary.jobs += 1
    return jobs


async def _seed_candidates(services: DemoServices, password: str,
                           summary: SeedSummary) -> dict[str, tuple[User, dict[str, Any], str]]:
    """name -> (user, world entry, résumé id); each with a parsed résumé and voluntary demographics."""
    year = utcnow().year
    people = {}
    for candidate in WORLD["candidates"]:
        email = candidate.get("account") or applicant_email(candidate["name"])
        user = await _user(services, email, candidate["name"], Role.candidate, password)
        lines = resume_lines(candidate, email, year)
        profile = UpdateMeIn(location=candidate["location"], phone=lines[1].split(" | ")[1],
                             headline=candidate.get("headline") or WORLD["professions"][candidate["profession"]]["titles"][0])
        user = await services.accounts.update_profile(user, profile.model_dump(exclude_none=True), META)
        # off the event loop: the server is answering requests while the world is built
        document = await asyncio.to_thread(render_docx if candidate["format"] == "docx" else render_pdf, lines)
        filename = f"{candidate['name'].replace(' ', '_').replace(chr(39), '')}_CV.{candidate['format']}"
        resume = await services.resumes.upload(user, filename, document, META)
        await services.resumes.process(str(resume.id))  # at once, not on the queue: the world is ready when we return
        summary.resumes += 1
        if candidate.get("demographics"):
            values = DemographicsIn(**candidate["demographics"]).model_dump()
            await services.matching.set_demographics(user, values)
        people[candidate["name"]] = (user, candidate, str(resume.id))
        people[email] = people[candidate["name"]]
    return people


async def _seed_applications(services: DemoServices, recruiter: User, jobs: dict[str, Job],
                             candidates: dict[str, tuple[User, dict[str, Any], str]], summary: SeedSummary) -> None:
    seen = set()
    for user, candidate, resume_id in candidates.values():
        if user.id in seen:
            continue
        seen.add(user.id)
        for profession, stage in candidate.get("applies", []):
            job = jobs[profession]
            application = await services.jobs.apply(user, str(job.id), resume_id, None, META)
            target = ApplicationStatus(stage)
            path = STAGE_ORDER[1:STAGE_ORDER.index(target) + 1] if target in STAGE_ORDER else [
                ApplicationStatus.screening, ApplicationStatus.rejected]
            for step in path:
                note = "Strong match on the required skills" if step == ApplicationStatus.screening else None
                await services.jobs.change_status(recruiter, str(application.id), step, note, META)
            summary.applications += 1
            summary.by_stage[stage] = summary.by_stage.get(stage, 0) + 1


# A seeded interview is never sat in front of a camera, so the server's camera check (ANTI_CHEAT_PRECHECK_CAMERA,
# on by default) rightly refuses its precheck: the seed records the precheck as its own, marked so.
SEEDED_PRECHECK = {"camera": True, "microphone": True, "speaker": True, "fullscreen": True, "single_screen": True,
                   "passed": True, "warnings": [], "seeded": True}


async def _seeded_precheck(session_id: str) -> None:
    moved = await interview_store.transition(session_id, (SessionStatus.setup, SessionStatus.precheck),
                                             SessionStatus.precheck,
                                             {"precheck_result": {**SEEDED_PRECHECK, "checked_at": utcnow().isoformat()}})
    if moved is None:
        raise RuntimeError(f"demo interview {session_id} is past its precheck")


async def _seed_interviews(services: DemoServices, recruiter: User, jobs: dict[str, Job],
                           candidates: dict[str, tuple[User, dict[str, Any], str]], summary: SeedSummary) -> None:
    """Practice interviews (the candidate's own) and screenings the recruiter scheduled for an applicant (the
    recruiter reviews their reports and integrity timelines); the candidate takes both."""
    answers = WORLD["answers"]
    for plan in WORLD["interviews"]:
        user, _, _ = candidates[plan["candidate"]]
        job = WORLD["professions"][plan["profession"]]["job"]
        screening = bool(plan.get("screening"))
        request = CreateSessionIn(type="ai_mock", mode=plan["mode"], job_title=job["title"],
                                  job_description=job["description"], experience_level=plan["level"],
                                  question_count=3, duration_minutes=30, focus_areas=plan.get("focus", []),
                                  candidate_id=str(user.id) if screening else None,
                                  job_id=str(jobs[plan["profession"]].id) if screening else None)
        session = await services.interviews.create(recruiter if screening else user, request.model_dump(), META)
        sid = str(session.id)
        await services.anti_cheat.agree_to_notice(session, str(user.id))  # the candidate read the notice
        await _seeded_precheck(sid)
        session = await services.interviews.start(user, sid)
        signals = list(plan.get("signals", []))
        pool = answers["strong"] if plan["answers"] == "strong" else answers["strong"][:1] + answers["weak"]
        for turn in range(MAX_TURNS):
            if session.status != SessionStatus.active or session.current_question_index >= len(session.questions):
                break
            question = session.questions[session.current_question_index]
            session, _ = await services.interviews.answer(user, sid, question.id, pool[turn % len(pool)], "text")
            if signals and turn == 0:
                await _send_signals(services, user, session, signals)
                session = await services.interviews.load(sid)
        if session.status == SessionStatus.active:
            session = await services.interviews.finalize(user, sid)
        if plan.get("contest"):  # the candidate disagrees with their first flag: the recruiter has one to decide
            flags = appeals.flags_of(session)
            if flags:
                await appeals.contest(session, flags[0]["index"], plan["contest"], str(user.id))
        summary.interviews += 1
        summary.flagged += bool(plan.get("signals"))


async def _send_signals(services: DemoServices, user: User, session: Any, signals: list[list[Any]]) -> None:
    """Browser signals as the interview page sends them: signed with the session's key, in sequence."""
    sid, key = str(session.id), (session.anti_cheat_key or "").encode()
    started = int(time.time() * 1000)
    batch = []
    for seq, (kind, seconds) in enumerate(signals, start=1):
        data = {"duration_ms": 4000} if kind == "tab_switch" else {"length": 240}
        ts = started + int(seconds) * 1000
        batch.append(SignalIn(kind=kind, seq=seq, ts=ts, data=data, hmac=sign_signal(key, sid, seq, kind, ts, data)))
    await services.anti_cheat.ingest_signals(user, sid, batch)
