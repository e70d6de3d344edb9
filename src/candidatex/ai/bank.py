"""The question bank as data: role families, questions with reference key points, and question templates.

The files live in `ai/data/` (YAML, one role family per file under `roles/`). They are validated here with
pydantic when first loaded, so a bad file fails at start-up and in the test suite, not in an interview.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from candidatex.ai.schemas import Difficulty, ExperienceLevel, QuestionKind

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVELS: tuple[ExperienceLevel, ...] = ("entry", "mid", "senior", "lead")
# Which question difficulties suit each experience level (technical questions).
LEVEL_DIFFICULTIES: dict[str, tuple[Difficulty, ...]] = {
    "entry": ("easy", "medium"),
    "mid": ("easy", "medium", "hard"),
    "senior": ("medium", "hard"),
    "lead": ("medium", "hard"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyPoint(_Strict):
    """One thing a strong answer says, written as a sentence a strong candidate might say."""

    text: str = Field(min_length=12, max_length=300)
    # The follow-up to ask when an answer misses this point.
    probe: str | None = Field(default=None, min_length=10, max_length=300)
    # The same point as a candidate makes it when telling what they did, in plain concrete words ("I ran the
    # query with EXPLAIN ANALYZE and looked for a full table scan"): a story matches it where it does not match
    # the abstract wording.
    looks_like: str | None = Field(default=None, min_length=12, max_length=300)

    @property
    def references(self) -> tuple[str, ...]:
        """The texts an answer is compared with for this point."""
        return (self.text, self.looks_like) if self.looks_like else (self.text,)


class BankQuestion(_Strict):
    id: str
    text: str = Field(min_length=15, max_length=400)
    kind: QuestionKind = "technical"
    category: str = Field(min_length=2, max_length=60)
    difficulty: Difficulty = "medium"
    skills: tuple[str, ...] = ()
    key_points: tuple[KeyPoint, ...] = Field(min_length=3, max_length=8)
    # Confidently wrong claims a candidate may make; an answer asserting one is a factual error.
    misconceptions: tuple[str, ...] = ()
    family: str = ""  # filled by the loader from the file it came from

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(f"question id {value!r} must be lowercase words joined by hyphens")
        return value

    @field_validator("text")
    @classmethod
    def _text_is_a_question(cls, value: str) -> str:
        if not value.rstrip().endswith(("?", ".")):
            raise ValueError("question text must end with '?' or '.'")
        return value

    @model_validator(mode="after")
    def _technical_questions_list_misconceptions(self) -> BankQuestion:
        if self.kind == "technical" and len(self.misconceptions) < 1:
            raise ValueError(f"technical question {self.id!r} lists no misconceptions")
        return self


class RoleFamily(_Strict):
    family: str
    title: str
    software: bool
    # One or two sentences describing the role, compared by embedding with job titles and descriptions.
    description: str = Field(min_length=20)
    # Words in a job title that name this family outright ("nurse", "accountant").
    title_signals: tuple[str, ...] = Field(min_length=1)
    questions: tuple[BankQuestion, ...] = Field(min_length=3)

    @model_validator(mode="after")
    def _questions_carry_their_family(self) -> RoleFamily:
        fixed = tuple(q.model_copy(update={"family": self.family}) for q in self.questions)
        object.__setattr__(self, "questions", fixed)
        return self


class QuestionTemplate(_Strict):
    """A question built from the posting or the resume; `{subject}` is the requirement or the project."""

    kind: QuestionKind
    source: Literal["requirement", "resume"]
    text: str = Field(min_length=15)
    key_points: tuple[KeyPoint, ...] = Field(min_length=3)

    @field_validator("text")
    @classmethod
    def _has_subject(cls, value: str) -> str:
        if "{subject}" not in value:
            raise ValueError("a template names its {subject}")
        return value


class Bank(_Strict):
    families: tuple[RoleFamily, ...]
    behavioral: tuple[BankQuestion, ...]
    templates: tuple[QuestionTemplate, ...]

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Bank:
        seen: set[str] = set()
        for question in self.all_questions():
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} appears twice")
            seen.add(question.id)
        if len({f.family for f in self.families}) != len(self.families):
            raise ValueError("two role families share a name")
        return self

    def all_questions(self) -> tuple[BankQuestion, ...]:
        return self.behavioral + tuple(q for family in self.families for q in family.questions)

    def family(self, name: str) -> RoleFamily | None:
        return next((f for f in self.families if f.family == name), None)

    @property
    def by_id(self) -> dict[str, BankQuestion]:
        return {q.id: q for q in self.all_questions()}


def _read(path: str) -> object:
    return yaml.safe_load(resources.files("candidatex.ai").joinpath("data", path).read_text(encoding="utf-8"))


def _section(document: object, key: str) -> Any:
    """The list under `key` of a file's top-level mapping (an empty file has none)."""
    if document is None:
        return []
    if not isinstance(document, dict):
        raise ValueError(f"a bank file holds a mapping with {key!r}, not {type(document).__name__}")
    return document.get(key, [])


def parse_bank(families: list[object], behavioral: object, templates: object) -> Bank:
    """Validate raw file contents into a Bank (raises pydantic.ValidationError on a bad file)."""
    behavioral_questions = [
        {**q, "kind": "behavioral", "family": "behavioral"}
        for q in _section(behavioral, "questions")
    ]
    return Bank.model_validate(
        {
            "families": families,
            "behavioral": behavioral_questions,
            "templates": _section(templates, "templates"),
        }
    )


@lru_cache(maxsize=1)
def load_bank() -> Bank:
    """The shipped bank, loaded and validated once per process."""
    roles = resources.files("candidatex.ai").joinpath("data", "roles")
    families = [
        yaml.safe_load(entry.read_text(encoding="utf-8"))
        for entry in sorted(roles.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    return parse_bank(families, _read("behavioral.yaml"), _read("templates.yaml"))
