"""Vocabulary-aware correction of a transcript: a run of one to three words whose letters or sounds match a
term of the interview's vocabulary closely becomes that term ("item potent" → idempotent, "post the SQL" →
PostgreSQL, "Zen desk" → Zendesk).

Only terms of this interview's vocabulary (question, job description, résumé skills) are ever written, and
only over words that nearly spell them: the correction cannot invent a topic the candidate did not raise.
Whisper's prompt and hotwords already pull the decoder toward these terms; this catches the near misses
it still writes as ordinary words. It also drops the prompt's echo: after the last sentence, Whisper
sometimes goes on with the prompt's list of terms ("... within two hours. SLA, CSAT,"), words nobody said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from candidatex.speech.transcriber import Word

MAX_SPAN_WORDS = 3
MIN_TERM_LETTERS = 5
"""Shorter terms (SAP, Jira, Helm) are one edit away from common words: never corrected toward."""
LETTER_SIMILARITY = 0.8
"""1 - edit distance / length on the letters: "itempotent" / "idempotent" is 0.9."""
SOUND_LETTER_SIMILARITY = 0.5
"""The lower bar when the two also sound the same: the same skeleton of four or more consonants."""

_TOKEN = re.compile(r"[A-Za-z0-9']+")
_JOINER = re.compile(r"[\s-]+")
_SOUNDS = [(re.compile(p), r) for p, r in (
    (r"ph", "f"), (r"ck", "k"), (r"c(?=[eiy])", "s"), (r"[cqg]", "k"), (r"x", "ks"), (r"z", "s"), (r"th", "t"),
    (r"d", "t"), (r"b", "p"), (r"v", "f"), (r"(?<!^)[aeiouyhw']", ""), (r"(.)\1+", r"\1"),
)]


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _sounds(letters: str) -> str:
    """A consonant skeleton: letters that sound alike fold together, vowels after the first letter go."""
    for pattern, replacement in _SOUNDS:
        letters = pattern.sub(replacement, letters)
    return letters


def edit_distance(a: Sequence[object], b: Sequence[object]) -> int:
    """Levenshtein distance between two sequences (letters here, words in the WER bench)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def _similarity(a: str, b: str) -> float:
    return 1 - edit_distance(a, b) / max(len(a), len(b), 1)


def _score(key: str, term_key: str, term_sounds: str) -> float:
    """How closely `key` spells the term (its letter similarity), or 0 when not close enough."""
    if abs(len(key) - len(term_key)) > len(term_key) * (1 - SOUND_LETTER_SIMILARITY):
        return 0.0
    letters = _similarity(key, term_key)
    if letters >= LETTER_SIMILARITY or (letters >= SOUND_LETTER_SIMILARITY and len(term_sounds) >= 4
                                        and _sounds(key) == term_sounds):
        return letters
    return 0.0


def _every_word_counts(run: Sequence[str], term_key: str, score: float) -> bool:
    """A run is misheard as a whole only if its first and last words are part of the term: "in PostgreSQL"
    spells the term as well without "in", so "in" stays."""
    return all(_similarity(_letters(" ".join(part)), term_key) < score for part in (run[1:], run[:-1]))


@dataclass(frozen=True)
class _Match:
    first: int
    last: int  # inclusive
    term: str
    score: float


def _matches(tokens: Sequence[str], joined: Sequence[bool], terms: Sequence[str]) -> list[_Match]:
    """Non-overlapping spans of `tokens` to replace; `joined[i]` says token i and i+1 may form one span
    (no punctuation between them)."""
    keyed = [(term, key, _sounds(key)) for term in dict.fromkeys(terms)
             if len(key := _letters(term)) >= MIN_TERM_LETTERS]
    if not keyed:
        return []
    longest = max(len(key) for _, key, _ in keyed) * (2 - SOUND_LETTER_SIMILARITY)
    shortest = min(len(key) for _, key, _ in keyed) * SOUND_LETTER_SIMILARITY
    letters = [_letters(token) for token in tokens]
    found: list[_Match] = []
    for first in range(len(tokens)):
        key = ""
        for last in range(first, min(first + MAX_SPAN_WORDS, len(tokens))):
            if last > first and not joined[last - 1]:
                break
            key += letters[last]
            if len(key) > longest:
                break
            if len(key) < shortest:
                continue
            for term, term_key, term_sounds in keyed:
                if key == term_key:
                    if last > first and " " not in term:  # the right letters, wrongly split ("Zen desk")
                        found.append(_Match(first, last, term, 2.0))
                    continue
                score = _score(key, term_key, term_sounds)
                if score and (last == first or _every_word_counts(tokens[first : last + 1], term_key, score)):
                    found.append(_Match(first, last, term, score))
    chosen: list[_Match] = []
    taken: set[int] = set()
    for match in sorted(found, key=lambda m: (-m.score, m.first - m.last)):
        span = set(range(match.first, match.last + 1))
        if not span & taken:
            taken |= span
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.first)


def _is_echo(pieces: Sequence[str], terms: Sequence[str]) -> bool:
    """Whether these words, each ending with a comma, are all terms of the vocabulary."""
    known = {_letters(t) for t in terms}
    return bool(pieces) and all(p.endswith(",") and _letters(p) in known for p in pieces)


def _echo_start(texts: Sequence[str], terms: Sequence[str]) -> int:
    """Where a trailing echo of the prompt's term list begins in these words (len(texts) when none): a run of
    comma-ended vocabulary terms after a sentence's end, closing the transcript."""
    start = len(texts)
    while start > 0 and texts[start - 1].endswith(","):
        start -= 1
    if start == len(texts) or start == 0 or not texts[start - 1].rstrip().endswith((".", "?", "!")):
        return len(texts)
    return start if _is_echo(texts[start:], terms) else len(texts)


def without_prompt_echo(text: str, terms: Sequence[str]) -> str:
    """`text` without a closing list of vocabulary terms that follows its last sentence."""
    pieces = text.split()
    start = _echo_start(pieces, terms)
    return text if start == len(pieces) else " ".join(pieces[:start])


def correct_text(text: str, terms: Sequence[str]) -> str:
    """`text` with near misses of `terms` replaced by the terms (punctuation around them is kept), without
    a closing echo of the prompt."""
    text = without_prompt_echo(text, terms)
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if not spans or not terms:
        return text
    tokens = [text[a:b] for a, b in spans]
    joined = [_JOINER.fullmatch(text[spans[i][1] : spans[i + 1][0]]) is not None for i in range(len(spans) - 1)]
    out, cursor = [], 0
    for match in _matches(tokens, joined, terms):
        out += [text[cursor : spans[match.first][0]], match.term]
        cursor = spans[match.last][1]
    return "".join([*out, text[cursor:]])


def correct_words(words: list[Word], terms: Sequence[str]) -> list[Word]:
    """The same correction on timed words: a corrected run becomes one word spanning the run."""
    if not words or not terms:
        return words
    words = words[: _echo_start([w.text for w in words], terms)]
    tokens = [" ".join(_TOKEN.findall(w.text)) for w in words]
    joined = [not re.search(r"[^\w'\s-]\s*$", w.text) for w in words[:-1]]
    out: list[Word] = []
    index = 0
    for match in _matches(tokens, joined, terms):
        out += words[index : match.first]
        run = words[match.first : match.last + 1]
        trailing = re.search(r"[^\w']*$", run[-1].text)
        out.append(Word(text=match.term + (trailing[0] if trailing else ""), start=run[0].start, end=run[-1].end,
                        probability=min(w.probability for w in run)))
        index = match.last + 1
    return [*out, *words[index:]]


def corrected(text: str, words: list[Word], terms: Sequence[str]) -> tuple[str, list[Word]]:
    """Both forms of a final transcript corrected (CPU work: ~0.6 ms a word; callers run it in a thread)."""
    return correct_text(text, terms), correct_words(words, terms)
