"""Component weights of a match score, and the title words that say two positions are the same kind of work."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from candidatex.resumes.taxonomy import STOPWORDS, fold_accents, stem

FULL_TENURE_MONTHS = 24
BASE_COMPONENTS = ("skills", "experience", "education", "text_similarity", "career_consistency")


@lru_cache(maxsize=1)
def _title_words() -> tuple[dict[str, str], frozenset[str]]:
    """Title words naming the same work in English, Spanish, French and German (title_words.json), and the
    words that name no work (seniority, articles)."""
    data = json.loads(resources.files(__package__).joinpath("title_words.json").read_text(encoding="utf-8"))
    same_work = {word: target for words in data["same_work"].values() for word, target in words.items()}
    return same_work, frozenset(data["seniority"]) | frozenset(data["stopwords"])


@dataclass(frozen=True, slots=True)
class MatchWeights:
    skills: float = 0.35
    experience: float = 0.20
    education: float = 0.10
    text_similarity: float = 0.20
    career_consistency: float = 0.15
    interview: float = 0.20  # share of the total taken by an interview score, only when one exists

    def __post_init__(self) -> None:
        base = [getattr(self, name) for name in BASE_COMPONENTS]
        if any(w < 0 for w in base) or sum(base) <= 0:
            raise ValueError("component weights must be non-negative and not all zero")
        if not 0 <= self.interview < 1:
            raise ValueError("the interview weight is a share of the total: 0 <= interview < 1")

    def effective(self, components: Iterable[str]) -> dict[str, float]:
        """Weights summing to 1 over the components that have a score."""
        available = set(components)
        base = {name: getattr(self, name) for name in BASE_COMPONENTS if name in available}
        base_total = sum(base.values())
        interview_share = self.interview if "interview" in available else 0.0
        if base_total == 0:
            return {"interview": 1.0} if interview_share else {}
        weights = {name: (1 - interview_share) * w / base_total for name, w in base.items()}
        if interview_share:
            weights["interview"] = interview_share
        return weights


@lru_cache(maxsize=256)
def effective_weights(weights: MatchWeights, components: tuple[str, ...]) -> tuple[dict[str, float], dict[str, float]]:
    """``weights.effective(components)`` and its rounded copy; few distinct component sets ever occur."""
    effective = weights.effective(components)
    return effective, {name: round(w, 4) for name, w in effective.items()}


@lru_cache(maxsize=8192)
def title_stems(title: str) -> frozenset[str]:
    """The words of a job title that name the work (accents, seniority words and synonyms folded)."""
    same_work, no_work = _title_words()
    words = (fold_accents(w.strip(".,/()-'").lower()) for w in title.replace("'", " ").split())
    words = (same_work.get(w, w) for w in words if w not in no_work)
    return frozenset(stem(w) for w in words if w and w not in STOPWORDS and w not in no_work)
