"""Transparent answer scoring for the local provider.

Every criterion is scored 0-100 from cues a reader can check in the answer text, and the final score
is the weighted sum shown in `AnswerEvaluation.rubric_weights`. Behavioral answers are judged on the
situation/task/action/result structure; technical answers on coverage of the concepts the question
expects, correctness cues and depth. Both are judged on length, specificity and filler words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from candidatex.ai.question_bank import Concept, cue_pattern

BEHAVIORAL_WEIGHTS: dict[str, float] = {
    "star_structure": 0.40,
    "relevance": 0.15,
    "specificity": 0.20,
    "length": 0.10,
    "filler_words": 0.15,
}
TECHNICAL_WEIGHTS: dict[str, float] = {
    "concept_coverage": 0.40,
    "correctness": 0.15,
    "depth": 0.20,
    "specificity": 0.10,
    "length": 0.10,
    "filler_words": 0.05,
}
CRITERION_MEANING: dict[str, str] = {
    "star_structure": "situation, task, action and result are each described",
    "relevance": "the answer speaks to what the question asks about",
    "concept_coverage": "share of the concepts the question expects that the answer covers",
    "correctness": "confident, reasoned explanation rather than guesses",
    "depth": "trade-offs, examples, edge cases and reasons",
    "specificity": "numbers, names of tools and concrete details",
    "length": "long enough to be complete, short enough to stay focused",
    "filler_words": "few filler words (um, like, basically, you know)",
}

STAR_CUES: dict[str, re.Pattern[str]] = {
    "situation": cue_pattern(
        (
            "when i was",
            "at my previous",
            "at my last",
            "in my previous",
            "in my last",
            "at my current",
            "our team",
            "my team",
            "the project",
            "a project",
            "we had",
            "we were",
            "situation",
            "context",
            "last year",
            "a few years ago",
            "at the time",
            "while working",
            "i was working",
            "i worked at",
            "the company",
            "our company",
            "our customer",
            "our product",
        )
    ),
    "task": cue_pattern(
        (
            "my role",
            "i was responsible",
            "i was asked",
            "i was tasked",
            "my task",
            "my job was",
            "my goal",
            "the goal",
            "our goal",
            "needed to",
            "need to",
            "had to",
            "objective",
            "challenge was",
            "the problem was",
            "the task",
            "deadline",
        )
    ),
    "action": cue_pattern(
        (
            "i decided",
            "i built",
            "i organized",
            "i organised",
            "i led",
            "i proposed",
            "i implemented",
            "i wrote",
            "i created",
            "i designed",
            "i set up",
            "i scheduled",
            "i talked",
            "i spoke",
            "i met",
            "i asked",
            "i analyzed",
            "i analysed",
            "i investigated",
            "i suggested",
            "i started",
            "i introduced",
            "i worked with",
            "i reached out",
            "i listened",
            "i presented",
            "i reviewed",
            "i refactored",
            "i automated",
            "i prioritized",
            "i prioritised",
            "i negotiated",
            "i coordinated",
            "i ran",
            "i measured",
            "i tested",
            "i migrated",
            "i added",
            "i paired",
            "i gathered",
            "i broke",
            "i split",
            "i documented",
            "i explained",
            "i escalated",
            "i flagged",
            "i raised",
            "i took",
            "first, i",
            "then i",
            "so i",
        )
    ),
    "result": cue_pattern(
        (
            "as a result",
            "result was",
            "the result",
            "resulted",
            "in the end",
            "eventually",
            "outcome",
            "which led to",
            "this led to",
            "that led to",
            "reduced",
            "increased",
            "improved",
            "saved",
            "cut ",
            "grew",
            "launched",
            "shipped",
            "delivered",
            "on time",
            "the impact",
            "impact was",
            "we achieved",
            "finished",
            "succeeded",
            "promoted",
            "praised",
            "adopted",
        )
    ),
}
REFLECTION_CUES = cue_pattern(
    (
        "i learned",
        "i learnt",
        "lesson",
        "next time",
        "in hindsight",
        "since then",
        "would do differently",
        "looking back",
        "taught me",
    )
)

FILLER_PATTERN = re.compile(
    r"\b(?:um+|uh+|erm+|er|ah+|hmm+|you know|basically|actually|literally|sort of|kind of|i mean|"
    r"so yeah|whatever|stuff like that|things like that)\b",
    re.IGNORECASE,
)
# "like" is filler only when it stands apart ("it's, like, fine", "I was like") rather than comparing
# ("side effects like timers").
FILLER_LIKE = re.compile(r"(?:^|[,.]\s*)like\b|\blike,|\b(?:is|was|it's|i'm|just|so)\s+like\b", re.IGNORECASE)
NUMBER_PATTERN = re.compile(
    r"\b\d[\d,.]*\s*(?:%|percent|ms|s|seconds|minutes|hours|days|weeks|months|x|k|m|gb|mb)?"
)
HEDGE_PATTERN = cue_pattern(
    (
        "i don't know",
        "i dont know",
        "not sure",
        "no idea",
        "i guess",
        "maybe",
        "probably",
        "i think it might",
        "i forget",
        "i forgot",
        "can't remember",
        "i've never",
    )
)
REASONING_CUES = cue_pattern(
    (
        "because",
        "which means",
        "so that",
        "therefore",
        "this means",
        "that's why",
        "the reason",
        "since ",
        "in order to",
        "this ensures",
        "which ensures",
    )
)
DEPTH_CUES: dict[str, re.Pattern[str]] = {
    "trade-offs": cue_pattern(
        (
            "trade-off",
            "tradeoff",
            "trade off",
            "downside",
            "drawback",
            "cost of",
            "on the other hand",
            "however",
            "but the",
            "pros and cons",
            "versus",
            " vs",
        )
    ),
    "examples": cue_pattern(
        (
            "for example",
            "for instance",
            "e.g.",
            "in my last",
            "in my previous",
            "we used",
            "i used",
            "in production",
            "at my",
            "in one project",
        )
    ),
    "edge cases": cue_pattern(
        (
            "edge case",
            "corner case",
            "failure",
            "fails",
            "what if",
            "worst case",
            "under load",
            "at scale",
            "race condition",
        )
    ),
    "conditions": cue_pattern(
        ("it depends", "depends on", "when you", "if you", "unless", "only if", "in cases")
    ),
}
TOOL_PATTERN = cue_pattern(
    (
        "python",
        "java",
        "go ",
        "rust",
        "sql",
        "postgres",
        "mysql",
        "mongodb",
        "redis",
        "kafka",
        "docker",
        "kubernetes",
        "aws",
        "gcp",
        "azure",
        "terraform",
        "react",
        "typescript",
        "javascript",
        "jira",
        "grafana",
        "prometheus",
        "datadog",
        "pandas",
        "spark",
        "airflow",
        "tableau",
        "excel",
        "figma",
        "github",
        "jenkins",
        "slack",
        "nginx",
        "django",
        "fastapi",
        "flask",
        "celery",
        "pytorch",
        "tensorflow",
        "xgboost",
        "s3",
        "lambda",
    )
)

WORD_PATTERN = re.compile(r"[A-Za-z0-9']+")


@dataclass
class CriterionScore:
    value: float
    explanation: str


@dataclass
class RubricResult:
    kind: str
    criteria: dict[str, CriterionScore]
    weights: dict[str, float]
    word_count: int
    missing_star_parts: list[str] = field(default_factory=list)
    missing_concepts: list[str] = field(default_factory=list)
    filler_count: int = 0

    @property
    def score(self) -> float:
        return round(sum(self.criteria[name].value * weight for name, weight in self.weights.items()), 1)

    @property
    def values(self) -> dict[str, float]:
        return {name: round(criterion.value, 1) for name, criterion in self.criteria.items()}

    @property
    def explanations(self) -> dict[str, str]:
        return {name: criterion.explanation for name, criterion in self.criteria.items()}


def words(text: str) -> list[str]:
    return WORD_PATTERN.findall(text)


def count_fillers(text: str) -> int:
    return len(FILLER_PATTERN.findall(text)) + len(FILLER_LIKE.findall(text))


def score_length(word_count: int, ideal_low: int, ideal_high: int) -> CriterionScore:
    if word_count < ideal_low:
        value = 100 * (word_count / ideal_low) ** 1.5
        return CriterionScore(value, f"{word_count} words; a complete answer usually needs {ideal_low}+")
    if word_count <= ideal_high:
        return CriterionScore(100, f"{word_count} words, within the focused range {ideal_low}-{ideal_high}")
    # Long answers lose focus; decline gently rather than punish thoroughness hard.
    value = max(50.0, 100 - (word_count - ideal_high) / ideal_high * 60)
    return CriterionScore(value, f"{word_count} words; above {ideal_high} the answer starts to ramble")


def score_fillers(
    text: str, word_count: int, speaking_metrics: dict[str, Any] | None
) -> tuple[CriterionScore, int]:
    fillers = count_fillers(text)
    if speaking_metrics:
        # The speech pipeline hears fillers the transcript may drop ("um" is often not transcribed).
        fillers = max(fillers, int(speaking_metrics.get("filler_word_count") or 0))
    rate = fillers / max(word_count, 1)
    # 0% fillers -> 100, 10% or more -> 0; a handful of words says nothing about fluency.
    value = max(0.0, 100 - rate * 1000) * min(1.0, word_count / 30)
    explanation = f"{fillers} filler words ({rate:.0%} of words)"
    if speaking_metrics and speaking_metrics.get("words_per_minute"):
        wpm = float(speaking_metrics["words_per_minute"])
        if wpm < 90 or wpm > 190:
            value *= 0.85
            explanation += (
                f"; speaking pace {wpm:.0f} words per minute is outside the 90-190 comfortable range"
            )
        else:
            explanation += f"; speaking pace {wpm:.0f} words per minute"
    return CriterionScore(value, explanation), fillers


def score_specificity(text: str, word_count: int) -> CriterionScore:
    numbers = len(NUMBER_PATTERN.findall(text))
    tools = len(set(match.group(0).lower() for match in TOOL_PATTERN.finditer(text)))
    # Capitalised words not starting a sentence: product, team or company names.
    proper_nouns = len(re.findall(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]{2,}", text))
    raw = numbers * 20 + tools * 15 + min(proper_nouns, 4) * 5
    # Very short answers cannot be specific however many numbers they cram in.
    value = min(100.0, raw) * min(1.0, word_count / 40)
    return CriterionScore(value, f"{numbers} numbers, {tools} named tools, {proper_nouns} names")


def score_behavioral(
    text: str, expected: tuple[Concept, ...], speaking_metrics: dict[str, Any] | None = None
) -> RubricResult:
    word_count = len(words(text))
    found = [part for part, pattern in STAR_CUES.items() if pattern.search(text)]
    missing = [part for part in STAR_CUES if part not in found]
    # First-person numbers and a measurable result make a STAR answer credible.
    star_value = 25.0 * len(found)
    if "result" in found and NUMBER_PATTERN.search(text):
        star_value = min(100.0, star_value + 5)
    if REFLECTION_CUES.search(text):
        star_value = min(100.0, star_value + 5)
    star_value *= min(1.0, word_count / 60)
    star = CriterionScore(
        star_value,
        f"found {', '.join(found) or 'no STAR part'}"
        + (f"; missing {', '.join(missing)}" if missing else ""),
    )
    relevance = _coverage(text, expected)
    fillers, filler_count = score_fillers(text, word_count, speaking_metrics)
    return RubricResult(
        kind="behavioral",
        criteria={
            "star_structure": star,
            "relevance": relevance,
            "specificity": score_specificity(text, word_count),
            "length": score_length(word_count, 120, 380),
            "filler_words": fillers,
        },
        weights=BEHAVIORAL_WEIGHTS,
        word_count=word_count,
        missing_star_parts=missing,
        missing_concepts=[c.name for c in expected if not c.covered_by(text)],
        filler_count=filler_count,
    )


def score_technical(
    text: str, expected: tuple[Concept, ...], speaking_metrics: dict[str, Any] | None = None
) -> RubricResult:
    word_count = len(words(text))
    coverage = _coverage(text, expected)
    hedges = len(HEDGE_PATTERN.findall(text))
    reasons = len(REASONING_CUES.findall(text))
    correctness_value = min(100.0, 40 + reasons * 15) - hedges * 20
    correctness_value = max(0.0, correctness_value) * min(1.0, word_count / 40)
    correctness = CriterionScore(
        correctness_value, f"{reasons} reasoned statements, {hedges} hedges or guesses"
    )
    depth_found = [name for name, pattern in DEPTH_CUES.items() if pattern.search(text)]
    sentences = max(1, len(re.findall(r"[.!?](?:\s|$)", text)))
    depth_value = min(100.0, len(depth_found) * 25 + min(sentences, 8) * 5) * min(1.0, word_count / 60)
    depth = CriterionScore(depth_value, f"shows {', '.join(depth_found) or 'no trade-offs or examples'}")
    fillers, filler_count = score_fillers(text, word_count, speaking_metrics)
    return RubricResult(
        kind="technical",
        criteria={
            "concept_coverage": coverage,
            "correctness": correctness,
            "depth": depth,
            "specificity": score_specificity(text, word_count),
            "length": score_length(word_count, 70, 320),
            "filler_words": fillers,
        },
        weights=TECHNICAL_WEIGHTS,
        word_count=word_count,
        missing_concepts=[c.name for c in expected if not c.covered_by(text)],
        filler_count=filler_count,
    )


def _coverage(text: str, expected: tuple[Concept, ...]) -> CriterionScore:
    if not expected:
        return CriterionScore(50.0, "the question names no expected concepts")
    covered = [c.name for c in expected if c.covered_by(text)]
    # Covering about two thirds of the listed concepts is a full answer; the list is deliberately broad.
    value = min(100.0, 100 * len(covered) / max(1.0, len(expected) * 0.67))
    return CriterionScore(value, f"covered {len(covered)} of {len(expected)}: {', '.join(covered) or 'none'}")
