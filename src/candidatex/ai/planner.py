"""Choosing an interview's questions: the role family, the posting's requirements and the resume's projects.

The role family comes from the job title's words and from embedding similarity between the posting and each
family's description. Within it, questions are ranked by embedding similarity with the posting and the resume,
by the skills they share (the project's one skill taxonomy, `resumes/taxonomy.py`) and by the level, then drawn
at random with those weights, so two sessions with the same set-up get different questions. A skill the posting
asks for that no bank question covers becomes a requirement question; a project line of the resume becomes a
resume question.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from candidatex.ai.bank import LEVEL_DIFFICULTIES, Bank, BankQuestion, QuestionTemplate, RoleFamily, load_bank
from candidatex.ai.schemas import GeneratedQuestion, InterviewContext
from candidatex.core.lru import single_flight
from candidatex.resumes.taxonomy import extract_skills

DIFFICULTY_RANK: dict[str, int] = {"easy": 0, "medium": 1, "hard": 2}
TIME_LIMITS: dict[tuple[str, str], int] = {
    ("behavioral", "easy"): 150,
    ("behavioral", "medium"): 180,
    ("behavioral", "hard"): 240,
    ("technical", "easy"): 120,
    ("technical", "medium"): 180,
    ("technical", "hard"): 300,
}
OPENING_QUESTION = "bh-motivation"
# Softmax temperature of the weighted draw: lower is more deterministic, higher more varied.
DRAW_TEMPERATURE = 0.6
SECONDARY_FAMILY_SHARE = 0.85
PROJECT_LINE = re.compile(
    r"\b(?:led|built|migrated|launched|designed|implemented|managed|reduced|introduced|created|ran|rolled out|"
    r"automated|delivered|grew|opened|trained|cut|improved)\b",
    re.IGNORECASE,
)
# Skills that say little about what to ask (every posting has them).
GENERIC_SKILLS = frozenset(
    {
        "Communication",
        "Teamwork",
        "Problem Solving",
        "English",
        "Leadership",
        "Adaptability",
        "Attention to Detail",
        "Time Management",
        "Critical Thinking",
    }
)


@dataclass(frozen=True)
class Plan:
    family: RoleFamily
    questions: list[GeneratedQuestion]


def rng_for(ctx: InterviewContext) -> random.Random:
    if not ctx.seed:
        return random.Random()  # noqa: S311 - question order, not a secret
    digest = hashlib.sha256(ctx.seed.encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - a reproducible question order


def rank_families(ctx: InterviewContext, embedder: Any, bank: Bank) -> list[tuple[RoleFamily, float]]:
    if bank is load_bank():  # the shipped bank: the ranking of a posting is the same for every session of it
        return list(_ranked_shipped(embedder, ctx.job_title, ctx.job_description[:600]))
    return _ranked(embedder, bank, ctx.job_title, ctx.job_description[:600])


@lru_cache(maxsize=1024)
def _title_signal(signal: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(signal)}(?!\w)")


@single_flight(512)  # 40 interviews starting at once on one posting rank it once, not once per worker thread
def _ranked_shipped(embedder: Any, job_title: str, description: str) -> tuple[tuple[RoleFamily, float], ...]:
    """The families of the shipped bank ranked for a posting, once per process and posting (it depends on the
    title and the description's start only, never on the session: many candidates start on one posting)."""
    return tuple(_ranked(embedder, load_bank(), job_title, description))


def _ranked(embedder: Any, bank: Bank, job_title: str, description: str) -> list[tuple[RoleFamily, float]]:
    title = f" {job_title.lower()} "
    vectors = embedder.embed([f"{job_title}. {description}", *(f.description for f in bank.families)])
    similarity = vectors[1:] @ vectors[0]
    ranked = []
    for family, sim in zip(bank.families, similarity, strict=True):
        hits = sum(1 for signal in family.title_signals if _title_signal(signal).search(title))
        ranked.append((family, float(sim) + 0.25 * min(hits, 2)))
    ranked.sort(key=lambda pair: -pair[1])
    return ranked


def requirement_subjects(ctx: InterviewContext, bank_skills: set[str]) -> list[str]:
    """Skills the posting asks for (most specific first) that the bank's questions do not already cover."""
    asked = [s for s in extract_skills(f"{ctx.job_title}\n{ctx.job_description}") if s not in GENERIC_SKILLS]
    return [s for s in asked if s not in bank_skills]


def resume_projects(resume: str | None) -> list[str]:
    if not resume:
        return []
    lines = [line.strip(" -•*\t") for line in re.split(r"[\n.;]+", resume)]
    return [line for line in lines if PROJECT_LINE.search(line) and 5 <= len(line.split()) <= 30]


def _weights(relevance: list[float]) -> list[float]:
    top = max(relevance)
    return [float(np.exp((r - top) / DRAW_TEMPERATURE)) for r in relevance]


def _draw(pool: list[tuple[BankQuestion, float]], count: int, rng: random.Random) -> list[BankQuestion]:
    """Weighted draw without replacement; a repeated category weighs less, so topics vary."""
    chosen: list[BankQuestion] = []
    remaining = list(pool)
    while remaining and len(chosen) < count:
        categories = Counter(q.category for q in chosen)
        weights = _weights([r - 0.8 * categories[q.category] for q, r in remaining])
        pick = rng.choices(range(len(remaining)), weights=weights)[0]
        chosen.append(remaining.pop(pick)[0])
    return chosen


def _relevance(
    question: BankQuestion, sim: float, ctx: InterviewContext, skills: set[str], focus: list[str]
) -> float:
    score = 3.0 * sim + 0.6 * min(2, len(set(question.skills) & skills))
    if question.kind == "technical" and question.difficulty not in LEVEL_DIFFICULTIES[ctx.experience_level]:
        score -= 2.0
    if question.kind == "behavioral":
        target = {"entry": 0, "mid": 1, "senior": 2, "lead": 2}[ctx.experience_level]
        score -= 0.5 * abs(DIFFICULTY_RANK[question.difficulty] - target)
    if any(_matches_focus(question, area) for area in focus):
        score += 3.0
    return score


def _matches_focus(question: BankQuestion, area: str) -> bool:
    haystack = " ".join([question.category, *question.skills, question.text]).lower()
    return area in haystack


def described_question(question: BankQuestion) -> str:
    """What a bank question is compared with the posting as: its text and its skills."""
    return f"{question.text} {' '.join(question.skills)}"


def bank_texts(bank: Bank) -> list[str]:
    """Every bank text a plan or a score embeds: families, questions, key points and misconceptions."""
    texts = [f.description for f in bank.families]
    for q in bank.all_questions():
        texts += [described_question(q), *(r for p in q.key_points for r in p.references), *q.misconceptions]
    return texts


def plan_questions(ctx: InterviewContext, embedder: Any, bank: Bank | None = None) -> Plan:
    bank = bank or load_bank()
    rng = rng_for(ctx)
    families = rank_families(ctx, embedder, bank)
    primary, top = families[0]
    chosen_families = [f for f, s in families if s >= top * SECONDARY_FAMILY_SHARE][:2]
    focus = [a.strip().lower() for a in ctx.focus_areas if a.strip()]
    skills = set(extract_skills(f"{ctx.job_title}\n{ctx.job_description}\n{ctx.resume_text or ''}"))
    profile = f"{ctx.job_title}. {ctx.job_description[:800]} {' '.join(sorted(skills))} {' '.join(focus)}"

    # Only questions of the role's own families at the candidate's level; when they run out, the interview
    # asks more of the universal behavioural questions rather than another profession's or level's.
    in_level = LEVEL_DIFFICULTIES[ctx.experience_level]
    technical_pool = [q for f in chosen_families for q in f.questions if q.difficulty in in_level]
    behavioral_pool = list(bank.behavioral)
    pool = technical_pool + behavioral_pool
    vectors = embedder.embed([profile, *(described_question(q) for q in pool)])
    sims = vectors[1:] @ vectors[0]
    relevance = {q.id: _relevance(q, float(s), ctx, skills, focus) for q, s in zip(pool, sims, strict=True)}

    behavioral_count = ctx.question_count if ctx.mode == "behavioral" else ctx.question_count // 5
    technical_count = ctx.question_count - behavioral_count
    generated: list[GeneratedQuestion] = []

    # The posting's requirements that no bank question covers, and the resume's projects.
    templates = {t.source: t for t in bank.templates}
    bank_skills = {s for q in technical_pool for s in q.skills}
    if technical_count >= 3 and "requirement" in templates:
        for subject in requirement_subjects(ctx, bank_skills)[: 1 if technical_count < 6 else 2]:
            generated.append(from_template(templates["requirement"], subject, ctx))
    projects = resume_projects(ctx.resume_text)
    if projects and ctx.question_count >= 3 and "resume" in templates:
        project_vecs = embedder.embed([profile, *projects])
        best = projects[int(np.argmax(project_vecs[1:] @ project_vecs[0]))]
        generated.append(from_template(templates["resume"], best, ctx))
    technical_count -= sum(q.kind == "technical" for q in generated)
    behavioral_count -= sum(q.kind == "behavioral" for q in generated)
    if behavioral_count < 0:
        technical_count += behavioral_count
        behavioral_count = 0
    if technical_count > len(technical_pool):
        behavioral_count += technical_count - len(technical_pool)
        technical_count = len(technical_pool)

    chosen: list[BankQuestion] = []
    # Every focus area the bank can serve gets a question first.
    for area in focus:
        match = max(
            (q for q in pool if _matches_focus(q, area) and q not in chosen),
            key=lambda q: relevance[q.id],
            default=None,
        )
        if match is not None and len(chosen) < technical_count + behavioral_count:
            chosen.append(match)
    tech_left = max(0, technical_count - sum(q.kind == "technical" for q in chosen))
    chosen += _draw([(q, relevance[q.id]) for q in technical_pool if q not in chosen], tech_left, rng)
    if (
        ctx.mode == "behavioral"
        and ctx.question_count >= 4
        and bank.by_id.get(OPENING_QUESTION) not in chosen
    ):
        chosen.insert(0, bank.by_id[OPENING_QUESTION])
    beh_left = max(0, ctx.question_count - len(generated) - len(chosen))
    chosen += _draw([(q, relevance[q.id]) for q in behavioral_pool if q not in chosen], beh_left, rng)
    if len(chosen) + len(generated) < ctx.question_count:
        # A long interview outgrows the bank: the role's other levels, then the nearest families.
        others = [q for f in chosen_families for q in f.questions if q not in chosen]
        others += [q for f, _ in families[len(chosen_families) :] for q in f.questions if q not in chosen]
        chosen += others[: ctx.question_count - len(chosen) - len(generated)]
    questions = [to_generated(q, ctx) for q in chosen] + generated
    questions = questions[: ctx.question_count]
    opening = [q for q in questions if q.id == OPENING_QUESTION]
    rest = [q for q in questions if q.id != OPENING_QUESTION]
    # Warm up with easier questions; keep the behavioral ones together at the end of a technical interview.
    rest.sort(key=lambda q: (q.kind != ctx.mode, DIFFICULTY_RANK[q.difficulty]))
    return Plan(primary, opening + rest)


def from_template(template: QuestionTemplate, subject: str, ctx: InterviewContext) -> GeneratedQuestion:
    text = template.text.replace("{subject}", subject.rstrip("."))
    digest = hashlib.sha256(f"{template.source}:{subject}".encode()).hexdigest()[:10]
    return GeneratedQuestion(
        id=f"{template.source}-{digest}",
        text=text,
        kind=template.kind,
        category="requirements" if template.source == "requirement" else "your experience",
        difficulty="medium",
        expected_concepts=[p.text for p in template.key_points],
        time_limit_seconds=TIME_LIMITS[(template.kind, "medium")],
    )


def to_generated(question: BankQuestion, ctx: InterviewContext) -> GeneratedQuestion:
    text = question.text.replace("{job_title}", ctx.job_title)
    family = load_bank().family(question.family)
    if question.kind == "technical" and family is not None and family.software:
        if ctx.experience_level in {"senior", "lead"} and question.difficulty != "hard":
            text += " Include the trade-offs you would weigh at scale."
        elif ctx.experience_level == "entry" and question.difficulty == "hard":
            text += " Start with the core idea, then go as deep as you can."
    return GeneratedQuestion(
        id=question.id,
        text=text,
        kind=question.kind,
        category=question.category,
        difficulty=question.difficulty,
        expected_concepts=[p.text for p in question.key_points],
        time_limit_seconds=TIME_LIMITS[(question.kind, question.difficulty)],
    )
