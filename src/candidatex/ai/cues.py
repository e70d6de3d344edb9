"""The word lists in `data/cues.yaml`, validated and compiled once."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator


def phrase_pattern(phrases: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of any phrase (longest first, so "i was responsible" wins)."""
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(
        r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w'])", re.IGNORECASE
    )


class Cues(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    english_function_words: frozenset[str] = Field(min_length=50)
    other_language_function_words: dict[str, frozenset[str]]
    language_names: dict[str, str]
    prompt_injection_patterns: tuple[str, ...] = Field(min_length=1)
    negation_words: tuple[str, ...] = Field(min_length=5)
    denial_words: tuple[str, ...] = Field(min_length=5)
    privative_words: tuple[str, ...] = Field(min_length=3)
    need_words: tuple[str, ...] = Field(min_length=3)
    reported_claim_patterns: tuple[str, ...] = Field(min_length=1)
    hypothesis_patterns: tuple[str, ...] = Field(min_length=1)
    other_subjects: tuple[str, ...] = Field(min_length=1)
    number_words: tuple[str, ...] = Field(min_length=5)
    filler_words: tuple[str, ...] = Field(min_length=3)
    story_parts: dict[str, tuple[str, ...]]
    template_labels: frozenset[str]

    @field_validator("prompt_injection_patterns", "reported_claim_patterns", "hypothesis_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:  # a bad pattern fails at load, naming the pattern
                raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
        return patterns

    @field_validator("story_parts")
    @classmethod
    def _four_story_parts(cls, parts: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if set(parts) != {"situation", "task", "action", "result"}:
            raise ValueError("story_parts lists exactly situation, task, action and result")
        return parts

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @cached_property
    def injection(self) -> re.Pattern[str]:
        return re.compile(
            "|".join(f"(?:{p})" for p in self.prompt_injection_patterns), re.IGNORECASE | re.DOTALL
        )

    @cached_property
    def negation(self) -> re.Pattern[str]:
        return phrase_pattern(self.negation_words)

    @cached_property
    def polarity(self) -> re.Pattern[str]:
        """Words that turn a clause around: negations and predicates that reject what the clause names."""
        return phrase_pattern([*self.negation_words, *self.denial_words])

    @cached_property
    def need_polarity(self) -> re.Pattern[str]:
        """The same, with words that remove what they name ("a TTL replaces invalidation" says invalidation is
        not needed): read so only against a misconception about what is needed (`need`)."""
        return phrase_pattern([*self.negation_words, *self.denial_words, *self.privative_words])

    @cached_property
    def need(self) -> re.Pattern[str]:
        return phrase_pattern(self.need_words)

    @cached_property
    def denial(self) -> re.Pattern[str]:
        return phrase_pattern(self.denial_words)

    @cached_property
    def hypothesis(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.hypothesis_patterns), re.IGNORECASE)

    @cached_property
    def reported_claim(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.reported_claim_patterns), re.IGNORECASE)

    @cached_property
    def number(self) -> re.Pattern[str]:
        return re.compile(r"\d|" + phrase_pattern(self.number_words).pattern, re.IGNORECASE)

    @cached_property
    def filler(self) -> re.Pattern[str]:
        return phrase_pattern(self.filler_words)

    @cached_property
    def story(self) -> dict[str, re.Pattern[str]]:
        return {part: phrase_pattern(phrases) for part, phrases in self.story_parts.items()}


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    text = resources.files("candidatex.ai").joinpath("data", "cues.yaml").read_text(encoding="utf-8")
    return Cues.model_validate(yaml.safe_load(text))
