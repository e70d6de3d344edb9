"""The local interviewer: no network, deterministic, transparent.

Questions come from the curated bank in `question_bank.py`, chosen for the role (title, description),
the candidate (experience level, resume skills) and the requested focus areas. Answers are scored with
the rubric in `rubric.py`; thin answers get a follow-up that probes what was missing.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from candidatex.ai.providers.base import EvaluatedItem
from candidatex.ai.question_bank import (
    BEHAVIORAL_QUESTIONS,
    GENERIC,
    TECHNICAL_TRACKS,
    BankQuestion,
    Concept,
    Track,
    all_questions,
    extract_skills,
)
from candidatex.ai.rubric import RubricResult, score_behavioral, score_technical
from candidatex.ai.schemas import (
    AnswerEvaluation,
    Difficulty,
    FinalReport,
    GeneratedQuestion,
    InterviewContext,
    QuestionResult,
)

DIFFICULTY_RANK: dict[str, int] = {"easy": 0, "medium": 1, "hard": 2}
TARGET_DIFFICULTY: dict[str, int] = {"entry": 0, "mid": 1, "senior": 2, "lead": 2}
TIME_LIMITS: dict[tuple[str, str], int] = {
    ("behavioral", "easy"): 150,
    ("behavioral", "medium"): 180,
    ("behavioral", "hard"): 240,
    ("technical", "easy"): 120,
    ("technical", "medium"): 180,
    ("technical", "hard"): 300,
}
FOLLOW_UP_SUFFIX = "--follow-up"
OPENING_QUESTION = "bh-motivation"
# Below this score, or with this few words, an answer is too thin to move on without probing.
THIN_SCORE = 55.0
THIN_WORDS = 40
STRONG_CRITERION = 75.0
WEAK_CRITERION = 50.0
BANK_BY_KEY: dict[str, BankQuestion] = {q.key: q for q in all_questions()}


@dataclass(frozen=True)
class FocusArea:
    text: str
    skills: frozenset[str]


@dataclass(frozen=True)
class _Candidate:
    question: BankQuestion
    relevance: float


class LocalProvider:
    """A real interviewer built from a question bank and a rubric; the default and the fallback."""

    name = "local"

    # Selection and scoring are regex work over resumes and answers (milliseconds): off the event loop.
    async def generate_questions(self, ctx: InterviewContext) -> list[GeneratedQuestion]:
        return await asyncio.to_thread(select_questions, ctx)

    async def evaluate_answer(
        self,
        ctx: InterviewContext,
        question: GeneratedQuestion,
        answer_text: str,
        speaking_metrics: dict[str, Any] | None = None,
    ) -> AnswerEvaluation:
        return await asyncio.to_thread(evaluate, question, answer_text, speaking_metrics)

    async def final_report(self, ctx: InterviewContext, items: list[EvaluatedItem]) -> FinalReport:
        return build_report(ctx, items)


# --- question selection -------------------------------------------------------------------------


def select_questions(ctx: InterviewContext) -> list[GeneratedQuestion]:
    rng = random.Random(_context_seed(ctx))
    skills = (
        extract_skills(ctx.job_title) | extract_skills(ctx.job_description) | extract_skills(ctx.resume_text)
    )
    tracks = _rank_tracks(ctx, skills)
    focus = [
        FocusArea(area.strip().lower(), frozenset(extract_skills(area)))
        for area in ctx.focus_areas
        if area.strip()
    ]

    technical_pool = _technical_pool(tracks)
    if ctx.mode == "behavioral":
        behavioral_count = ctx.question_count
    else:
        # A technical interview still closes with a behavioral question for every five asked.
        behavioral_count = ctx.question_count // 5
    technical_count = ctx.question_count - behavioral_count

    primary = tracks[0][0] if tracks else GENERIC
    chosen_technical = _choose(
        [_Candidate(q, _relevance(q, ctx, skills, focus, primary, rng)) for q in technical_pool],
        technical_count,
        focus,
    )
    chosen_behavioral = _choose(
        [_Candidate(q, _relevance(q, ctx, skills, focus, primary, rng)) for q in BEHAVIORAL_QUESTIONS],
        behavioral_count + max(0, technical_count - len(chosen_technical)),
        focus,
    )
    chosen = chosen_technical + chosen_behavioral
    if len(chosen) < ctx.question_count:
        # A small bank for the role: borrow from the other tracks rather than ask fewer questions.
        others = [q for q in all_questions() if q not in chosen]
        chosen += _choose(
            [_Candidate(q, _relevance(q, ctx, skills, focus, primary, rng)) for q in others],
            ctx.question_count - len(chosen),
            focus,
        )
    # Warm up with easier questions; keep the behavioral ones together at the end of a technical interview.
    chosen.sort(key=lambda q: (q.kind != ctx.mode, DIFFICULTY_RANK[q.difficulty]))
    return [_to_generated(q, ctx) for q in chosen]


def _context_seed(ctx: InterviewContext) -> int:
    digest = hashlib.sha256(ctx.model_dump_json().encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _rank_tracks(ctx: InterviewContext, skills: set[str]) -> list[tuple[Track, float]]:
    title = f" {ctx.job_title.lower()} "
    description = f" {ctx.job_description.lower()} "
    focus = f" {' '.join(ctx.focus_areas).lower()} "
    ranked = []
    for track in TECHNICAL_TRACKS:
        score = sum(3 * (s in title) + (s in description) + 2 * (s in focus) for s in track.signals)
        track_skills = {skill for q in track.questions for skill in q.skills}
        score += len(skills & track_skills)
        if score > 0:
            ranked.append((track, score))
    ranked.sort(key=lambda pair: (-pair[1], pair[0] is GENERIC))
    return ranked


def _technical_pool(tracks: list[tuple[Track, float]]) -> list[BankQuestion]:
    if not tracks:
        return list(GENERIC.questions)
    top_score = tracks[0][1]
    pool = [q for track, score in tracks if score >= top_score / 2 for q in track.questions]
    if tracks[0][0].name != "product" and GENERIC.questions[0] not in pool:
        pool += GENERIC.questions
    return pool


def _matches_focus(question: BankQuestion, area: FocusArea) -> bool:
    haystack = " ".join([question.category, *question.skills, question.text]).lower()
    return area.text in haystack or bool(area.skills & question.skills)


def _relevance(
    question: BankQuestion,
    ctx: InterviewContext,
    skills: set[str],
    focus: list[FocusArea],
    primary: Track,
    rng: random.Random,
) -> float:
    score = 3.0 * min(2, len(question.skills & skills))
    if question in primary.questions:
        score += 4
    if any(_matches_focus(question, area) for area in focus):
        score += 8
    score -= 3 * abs(DIFFICULTY_RANK[question.difficulty] - TARGET_DIFFICULTY[ctx.experience_level])
    if ctx.experience_level == "lead" and question.category in {"leadership", "mentoring", "decision making"}:
        score += 3
    if question.key == OPENING_QUESTION and ctx.mode == "behavioral" and ctx.question_count >= 4:
        # "Why this role?" opens a behavioral interview of any length.
        score += 20
    # A small seeded jitter varies near-ties between contexts while keeping each context reproducible.
    return score + rng.random() * 1.5


def _choose(candidates: list[_Candidate], count: int, focus: list[FocusArea]) -> list[BankQuestion]:
    if count <= 0:
        return []
    remaining = sorted(candidates, key=lambda c: -c.relevance)
    chosen: list[BankQuestion] = []
    # Every focus area the bank can serve gets at least one question before anything else.
    for area in focus:
        match = next((c for c in remaining if _matches_focus(c.question, area)), None)
        if match and len(chosen) < count:
            chosen.append(match.question)
            remaining.remove(match)
    while remaining and len(chosen) < count:
        categories = Counter(q.category for q in chosen)
        # Repeating a category costs relevance, so an interview covers several topics.
        best = max(remaining, key=lambda c: c.relevance - 4 * categories[c.question.category])
        chosen.append(best.question)
        remaining.remove(best)
    return chosen


def _to_generated(question: BankQuestion, ctx: InterviewContext) -> GeneratedQuestion:
    text = question.text.replace("{job_title}", ctx.job_title)
    if question.kind == "technical":
        if ctx.experience_level in {"senior", "lead"} and question.difficulty != "hard":
            text += " Include the trade-offs you would weigh at scale."
        elif ctx.experience_level == "entry" and question.difficulty == "hard":
            text += " Start with the core idea, then go as deep as you can."
    return GeneratedQuestion(
        id=question.key,
        text=text,
        kind=question.kind,
        category=question.category,
        difficulty=question.difficulty,
        expected_concepts=[concept.name for concept in question.concepts],
        time_limit_seconds=TIME_LIMITS[(question.kind, question.difficulty)],
    )


# --- answer evaluation --------------------------------------------------------------------------


def concepts_for(question: GeneratedQuestion) -> tuple[Concept, ...]:
    """The cue-bearing concepts behind a question, also for questions another provider wrote."""
    bank = BANK_BY_KEY.get(question.id.split(FOLLOW_UP_SUFFIX)[0])
    if bank:
        wanted = set(question.expected_concepts)
        return tuple(c for c in bank.concepts if c.name in wanted) or bank.concepts
    # Without a bank entry, the concept's own words (the longer ones) are its cues.
    return tuple(
        Concept(name, tuple(word for word in name.lower().replace("-", " ").split() if len(word) > 3))
        for name in question.expected_concepts
    )


def evaluate(
    question: GeneratedQuestion, answer_text: str, speaking_metrics: dict[str, Any] | None = None
) -> AnswerEvaluation:
    concepts = concepts_for(question)
    scorer = score_behavioral if question.kind == "behavioral" else score_technical
    result = scorer(answer_text, concepts, speaking_metrics)
    strengths, weaknesses, recommendations = _feedback(result)
    thin = result.score < THIN_SCORE or result.word_count < THIN_WORDS or _misses_essentials(result)
    needs_follow_up = thin and not question.is_follow_up and result.word_count > 0
    return AnswerEvaluation(
        score=result.score,
        rubric=result.values,
        rubric_weights=result.weights,
        rubric_explanations=result.explanations,
        strengths=strengths,
        weaknesses=weaknesses,
        recommendations=recommendations,
        needs_follow_up=needs_follow_up,
        follow_up_question=_follow_up(question, result) if needs_follow_up else None,
    )


def _misses_essentials(result: RubricResult) -> bool:
    if result.kind == "behavioral":
        return bool({"action", "result"} & set(result.missing_star_parts))
    return result.criteria["concept_coverage"].value < WEAK_CRITERION


STAR_ADVICE = {
    "situation": "Open with one or two sentences of context: where you were and what was at stake.",
    "task": 'Say what you personally were responsible for ("My job was to ...").',
    "action": 'Walk through the steps you took yourself, in the first person ("I proposed ...", "I built ...").',
    "result": 'Close with the outcome and put a number on it (for example "cut review time from 3 days to 1").',
}
STAR_FOLLOW_UPS = {
    "result": "What was the outcome, and how did you measure it?",
    "action": "What exactly did you do yourself, step by step?",
    "task": "What were you personally responsible for in that situation?",
    "situation": "Can you set the scene: where was this, and what was at stake?",
}
STRENGTH_TEXT = {
    "star_structure": "Clear STAR structure: context, your role, your actions and the result",
    "relevance": "Stayed on the topic the question asked about",
    "concept_coverage": "Covered the key concepts the question expects",
    "correctness": "Explained the reasoning behind each point with confidence",
    "depth": "Went beyond the basics with trade-offs, examples or edge cases",
    "specificity": "Concrete details: numbers and named tools make the answer credible",
    "length": "Well-judged length: complete without rambling",
    "filler_words": "Fluent delivery with few filler words",
}


def _feedback(result: RubricResult) -> tuple[list[str], list[str], list[str]]:
    strengths: list[str] = []
    weaknesses: list[str] = []
    recommendations: list[str] = []
    for name, criterion in result.criteria.items():
        # A story missing a STAR part is never a strength, however well the rest is told.
        incomplete_story = name == "star_structure" and bool(result.missing_star_parts)
        if criterion.value >= STRONG_CRITERION and not incomplete_story:
            strengths.append(STRENGTH_TEXT[name])
        elif criterion.value < WEAK_CRITERION or incomplete_story:
            weakness, advice = _weakness(name, result)
            weaknesses.append(weakness)
            recommendations.extend(advice)
    return strengths, weaknesses, recommendations


def _weakness(name: str, result: RubricResult) -> tuple[str, list[str]]:
    missing = result.missing_concepts
    if name == "star_structure":
        parts = result.missing_star_parts or ["detail in each part"]
        return (
            f"The story is missing its {_spoken_list(parts)}",
            [STAR_ADVICE[p] for p in result.missing_star_parts]
            or ["Give each STAR part a sentence or two so the story carries weight."],
        )
    if name == "relevance":
        return (
            f"Did not address {', '.join(missing[:3]) or 'what the question asks'}",
            [f"Answer the question that was asked; it is looking for {', '.join(missing[:2])}."],
        )
    if name == "concept_coverage":
        return (
            f"Missed key concepts: {', '.join(missing[:4])}",
            [f"Review {', '.join(missing[:3])} and explain how each applies to this question."],
        )
    if name == "correctness":
        return (
            "Hedged or asserted without explaining why",
            [
                'Give the reason behind each claim ("because ...", "which means ..."); '
                "if unsure, reason aloud from first principles instead of guessing."
            ],
        )
    if name == "depth":
        return (
            "Stayed at the surface: no trade-offs, examples or edge cases",
            [
                "Add one trade-off, one real example from your work, and what happens at the edges "
                "(failure, scale)."
            ],
        )
    if name == "specificity":
        return (
            "Few concrete details (numbers, tools, names)",
            ["Add numbers and names: team size, tools, timelines and the metric that moved."],
        )
    if name == "length":
        if result.word_count < 70:
            return (
                f"Too brief ({result.word_count} words) to show your thinking",
                ["Aim for one to three minutes: enough to cover context, approach and outcome."],
            )
        return (
            f"Runs long ({result.word_count} words) and loses focus",
            ["Lead with the main point and cut details that do not support it."],
        )
    return (
        f"Frequent filler words ({result.filler_count})",
        ["Replace filler words with a short pause, and rehearse your opening sentence aloud."],
    )


def _spoken_list(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _follow_up(question: GeneratedQuestion, result: RubricResult) -> GeneratedQuestion:
    if result.kind == "behavioral":
        gap = next(
            (p for p in ("result", "action", "task", "situation") if p in result.missing_star_parts), None
        )
        text = STAR_FOLLOW_UPS[gap] if gap else "Can you give a specific example, with names and numbers?"
        expected = [c for c in result.missing_concepts] or list(question.expected_concepts)
    else:
        missing = result.missing_concepts[:2]
        if missing:
            text = f"You did not mention {' or '.join(missing)}. How do they apply to this question?"
        else:
            text = "Can you go deeper: what trade-offs would you weigh, and how would it fail?"
        expected = missing or list(question.expected_concepts)
    difficulty: Difficulty = question.difficulty
    return GeneratedQuestion(
        id=question.id.split(FOLLOW_UP_SUFFIX)[0] + FOLLOW_UP_SUFFIX,
        text=text,
        kind=question.kind,
        category=question.category,
        difficulty=difficulty,
        expected_concepts=expected,
        time_limit_seconds=max(60, question.time_limit_seconds // 2),
        is_follow_up=True,
    )


# --- final report -------------------------------------------------------------------------------

COMMUNICATION_CRITERIA = ("length", "filler_words", "specificity", "star_structure")
# A follow-up probes the same ground as its question, so it counts for half.
FOLLOW_UP_WEIGHT = 0.5


def question_results(items: list[EvaluatedItem]) -> list[QuestionResult]:
    return [
        QuestionResult(
            question_id=q.id,
            question_text=q.text,
            kind=q.kind,
            category=q.category,
            score=e.score,
            is_follow_up=q.is_follow_up,
            provider=e.provider,
        )
        for q, _, e in items
    ]


def build_report(ctx: InterviewContext, items: list[EvaluatedItem]) -> FinalReport:
    per_question = question_results(items)
    total = _weighted_mean([(r.score, r) for r in per_question])
    behavioral = _weighted_mean([(r.score, r) for r in per_question if r.kind == "behavioral"])
    technical = _weighted_mean([(r.score, r) for r in per_question if r.kind == "technical"])
    communication = _weighted_mean(
        [(_communication(e), r) for (_, _, e), r in zip(items, per_question, strict=True)]
    )
    strengths = _most_common(e.strengths for _, _, e in items)
    weaknesses = _most_common(e.weaknesses for _, _, e in items)
    # Advice from the weakest answers first: that is where practice pays most.
    by_weakness = sorted(items, key=lambda item: item[2].score)
    recommendations = _unique(rec for _, _, e in by_weakness for rec in e.recommendations)[:6]
    return FinalReport(
        total_score=total or 0.0,
        behavioral_score=behavioral,
        technical_score=technical,
        communication_score=communication or 0.0,
        strengths=strengths,
        weaknesses=weaknesses,
        recommendations=recommendations,
        summary=_summary(ctx, per_question, total, behavioral, technical, recommendations),
        per_question=per_question,
    )


def _weighted_mean(pairs: list[tuple[float, QuestionResult]]) -> float | None:
    weights = [FOLLOW_UP_WEIGHT if r.is_follow_up else 1.0 for _, r in pairs]
    if not pairs:
        return None
    return round(sum(value * w for (value, _), w in zip(pairs, weights, strict=True)) / sum(weights), 1)


def _communication(evaluation: AnswerEvaluation) -> float:
    values = [evaluation.rubric[c] for c in COMMUNICATION_CRITERIA if c in evaluation.rubric]
    return sum(values) / len(values) if values else evaluation.score


def _most_common(groups: Any, limit: int = 4) -> list[str]:
    counts = Counter(text for group in groups for text in dict.fromkeys(group))
    return [text for text, _ in counts.most_common(limit)]


def _unique(texts: Any) -> list[str]:
    return list(dict.fromkeys(texts))


def _band(score: float) -> str:
    if score >= 80:
        return "a strong performance"
    if score >= 65:
        return "a solid performance with room to sharpen"
    if score >= 50:
        return "a developing performance"
    return "an early-stage performance that needs focused practice"


def _summary(
    ctx: InterviewContext,
    results: list[QuestionResult],
    total: float | None,
    behavioral: float | None,
    technical: float | None,
    recommendations: list[str],
) -> str:
    if total is None:
        return f"No answers were recorded for the {ctx.job_title} interview, so there is nothing to score."
    parts = [
        f"{len(results)} answers for the {ctx.job_title} interview ({ctx.experience_level} level): "
        f"{total:.0f}/100, {_band(total)}."
    ]
    if behavioral is not None and technical is not None:
        parts.append(f"Behavioral {behavioral:.0f}/100, technical {technical:.0f}/100.")
    by_category: dict[str, list[float]] = {}
    for r in results:
        by_category.setdefault(r.category, []).append(r.score)
    if len(by_category) > 1:
        means = {cat: sum(s) / len(s) for cat, s in by_category.items()}
        best = max(means, key=means.__getitem__)
        worst = min(means, key=means.__getitem__)
        parts.append(f"Strongest on {best} ({means[best]:.0f}); weakest on {worst} ({means[worst]:.0f}).")
    if recommendations:
        parts.append(f"Next step: {recommendations[0]}")
    return " ".join(parts)
