"""Plain-text helpers for answers: sentences, words, content words."""

from __future__ import annotations

import re

from candidatex.resumes.taxonomy import STOPWORDS, stem

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# A sentence ends at . ! ? ; or a line break, or where a bullet starts.
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[-•*]\s+")
MAX_SENTENCE_WORDS = 40


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentences(text: str) -> list[str]:
    """Sentences of an answer; very long run-on sentences (speech transcripts) are cut into windows."""
    found: list[str] = []
    for raw in SENTENCE_END.split(text):
        raw = raw.strip(" -•*\t")
        if not WORD.search(raw):
            continue
        tokens = raw.split()
        for start in range(0, len(tokens), MAX_SENTENCE_WORDS):
            found.append(" ".join(tokens[start : start + MAX_SENTENCE_WORDS]))
    return found


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning (the resumes taxonomy's stemmer and stopwords)."""
    return [
        stem(w)
        for w in (t.lower() for t in words(text))
        if w not in STOPWORDS and len(w) > 1 and not w.isdigit()
    ]


def normalise(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


def shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"
