"""The labelled answer set in tests/data/ai_answers, shared by the tests and bench/ai_quality.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from candidatex.ai.bank import load_bank
from candidatex.ai.planner import to_generated
from candidatex.ai.schemas import GeneratedQuestion, InterviewContext

DATA = Path(__file__).resolve().parents[1] / "data" / "ai_answers"
FAMILIES = (
    "strong",
    "weak",
    "wrong",
    "off_topic",
    "keyword_dump",
    "cue_stuffing",
    "question_copy",
    "other_language",
)
# The calibration the product promises, per family (inclusive score ranges).
TARGETS: dict[str, tuple[float, float]] = {
    "strong": (75, 100),
    "weak": (0, 40),
    "off_topic": (0, 15),
    "keyword_dump": (0, 25),
    "cue_stuffing": (0, 35),
    "question_copy": (0, 10),
    "other_language": (0, 0),
}
# A confidently wrong answer scores at least this far below the strong answers to the same question.
WRONG_MARGIN = 25.0


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    split: str
    answers: dict[str, list[str]]


def load_labelled(split: str = "all") -> list[LabelledQuestion]:
    """Every question once; a question labelled in several files gets the answers of all of them."""
    items: dict[str, LabelledQuestion] = {}
    for path in sorted(DATA.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            known = items.get(raw["question"])
            if known is None:
                items[raw["question"]] = LabelledQuestion(raw["question"], raw["split"], {})
            elif known.split != raw["split"]:
                raise ValueError(f"{path.name}: {raw['question']} is {raw['split']} here, {known.split} elsewhere")
            for family, answers in raw["answers"].items():
                items[raw["question"]].answers.setdefault(family, []).extend(answers)
    return [item for item in items.values() if split in ("all", item.split)]


def question_for(question_id: str, ctx: InterviewContext) -> GeneratedQuestion:
    return to_generated(load_bank().by_id[question_id], ctx)
