"""The words an interview is likely to contain, for biasing Whisper toward them: faster-whisper's
`initial_prompt` (context the decoder continues from) and `hotwords` (terms it should prefer).

Whisper spells what it has seen: "PostgreSQL" in the prompt turns "post the SQL" into PostgreSQL. The terms
come from the question on screen, its expected concepts, the job description and the résumé's skills
(the project's one skill taxonomy), technical-looking tokens first (capitals inside, digits: OAuth, p99), then
the words Whisper's own tokenizer finds rare (metoprolol, Zendesk, accruals: three or more pieces), which are
the ones it mishears in every profession, not only in software.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from candidatex.resumes.taxonomy import extract_skills
from candidatex.speech.models import tiny_en_path

FILLER_PROMPT = "Umm, let me think, like, hmm... Okay, uh, so,"
"""Whisper leaves out the fillers it hears unless its context has some: the prompt keeps them, so the
delivery metrics count them (the answer text drops them again where it should)."""

MAX_TERMS = 24
"""Whisper's prompt holds ~220 tokens, and the words said so far need part of it."""

# Terms a general vocabulary misspells: capitals inside a word, digits, or a dotted/slashed form.
_TECHNICAL = re.compile(r"\b(?:[A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Za-z]+\d+[A-Za-z\d]*|[A-Z]{2,}[a-z]*s?|"
                        r"[A-Za-z]+(?:[./][A-Za-z]+)+)\b")
MAX_QUESTION_CHARS = 300
_COMMON_ACRONYMS = frozenset({"I", "OK", "US", "UK", "AM", "PM"})
RARE_PIECES = 3
"""A word Whisper's tokenizer splits into this many pieces or more is rare to it ("administration" is one
piece, "metoprolol" four): the decoder needs the hint."""
_WORD = re.compile(r"\b[A-Za-z][a-z]{4,}\b")


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[str, ...] = ()
    topic: str = ""
    question: str = ""

    @property
    def hotwords(self) -> str:
        return ", ".join(self.terms)

    @property
    def prompt(self) -> str:
        if not self.terms and not self.topic and not self.question:
            return ""
        about = f" about {', '.join(self.terms)}" if self.terms else ""
        asked = f" {self.question}" if self.question else ""
        return f"{self.topic} interview{about}.{asked}".strip()


def technical_terms(text: str) -> list[str]:
    return [t for t in _TECHNICAL.findall(text or "") if t not in _COMMON_ACRONYMS]


@cache
def _whisper_tokenizer():  # noqa: ANN202 - tokenizers.Tokenizer, imported on first use
    from tokenizers import Tokenizer

    # Every Whisper English model shares this vocabulary; the floor model is always installed.
    return Tokenizer.from_file(str(Path(tiny_en_path()) / "tokenizer.json"))


def rare_words(text: str) -> list[str]:
    """Words of `text` that Whisper's tokenizer splits into RARE_PIECES or more, in order of appearance."""
    tokenizer = _whisper_tokenizer()
    return [w for w in _WORD.findall(text or "")
            if len(tokenizer.encode(" " + w.lower(), add_special_tokens=False).ids) >= RARE_PIECES]


def build_vocabulary(question: str = "", concepts: Iterable[str] = (), job_title: str = "",
                     job_description: str = "", resume_text: str | None = None) -> Vocabulary:
    """The question's terms first (it is what the candidate answers), then the job's, then the résumé's."""
    ordered: list[str] = [*technical_terms(question), *extract_skills(question), *(c for c in concepts if len(c) <= 40),
                          *rare_words(question)]
    for source in (job_description, resume_text or ""):
        ordered += technical_terms(source) + extract_skills(source) + rare_words(source)
    seen: set[str] = set()
    terms = []
    for term in ordered:
        if term.lower() not in seen:
            seen.add(term.lower())
            terms.append(term)
    return Vocabulary(tuple(terms[:MAX_TERMS]), job_title.strip()[:80], question.strip()[:MAX_QUESTION_CHARS])
