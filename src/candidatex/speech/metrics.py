"""Speaking metrics: pace, pauses, filler words, talk time (timing from the VAD's speech spans when known)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel

from candidatex.speech.transcriber import Word

# Single-word and two-word fillers. "like" and "so" are often real words; "like" is kept because
# interview coaching counts it, "so" is left out because it starts most honest answers.
SINGLE_FILLERS = frozenset(
    {"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "like", "basically", "literally"}
)
DOUBLE_FILLERS = frozenset({("you", "know"), ("i", "mean"), ("sort", "of"), ("kind", "of")})

DEFAULT_PAUSE_S = 0.6
MOST_USED = 5

# Hesitation sounds: counted in the metrics, left out of the answer's text (words like "like" stay).
HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm"})
_HESITATION_RE = re.compile(r"(?:,\s*)?(?<![\w'])(?:" + "|".join(sorted(HESITATIONS, key=len, reverse=True))
                            + r")(?![\w'])[,.…]*", re.IGNORECASE)

# Words too common to say anything about an answer (Interview Warmup's "most used words" leaves them out).
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "so", "if", "then", "than", "that", "this", "these", "those", "there", "here", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "having", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "what", "which", "who", "whom", "when", "where", "why", "how", "not", "no", "yes", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "just", "also", "very", "really", "about", "into", "over", "out", "up", "down", "all", "any", "some", "more", "most", "such", "only", "own", "same", "too", "s", "t", "don't", "i'm", "it's", "that's", "we're", "they're", "i've", "i'd", "let's", "because", "while"]
)


class SpeakingMetrics(BaseModel):
    word_count: int
    duration_s: float
    talk_time_s: float
    """Time spent speaking: from the first word to the last, minus the pauses."""
    words_per_minute: float
    """Words over the span from the first word to the last, pauses included (speech rate)."""
    pause_count: int
    """Silences between stretches of speech (or between words, without the sound) of at least `pause_threshold_s`."""
    longest_pause_s: float
    pause_threshold_s: float
    filler_words: dict[str, int]
    filler_rate: float
    """Filler words per word spoken (0.05 = one in twenty)."""
    most_used_words: list[tuple[str, int]] = []
    """The content words said more than once, most frequent first (stop words and fillers left out)."""


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z']", "", text.lower())


def count_fillers(tokens: Sequence[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    index = 0
    while index < len(tokens):
        pair = tuple(tokens[index : index + 2])
        if len(pair) == 2 and pair in DOUBLE_FILLERS:
            counts[" ".join(pair)] += 1
            index += 2
            continue
        if tokens[index] in SINGLE_FILLERS:
            counts[tokens[index]] += 1
        index += 1
    return counts


def without_hesitations(text: str) -> str:
    """The answer's text without "um"/"uh" (the metrics still count them, from the words)."""
    cleaned = re.sub(r"\s+([,.!?])", r"\1", re.sub(r"\s{2,}", " ", _HESITATION_RE.sub(" ", text))).strip(" ,")
    if cleaned and text.lstrip()[:1].isupper():
        cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned


def most_used_words(tokens: Sequence[str], limit: int = MOST_USED) -> list[tuple[str, int]]:
    counts = Counter(t for t in tokens if len(t) > 2 and t not in STOPWORDS and t not in SINGLE_FILLERS)
    return [(word, n) for word, n in counts.most_common(limit) if n > 1]


# A stretch of sound counts toward the answer only if a transcribed word lies within this of it (a cough or a
# click after the last word is not speech time); wide because Whisper's word timestamps drift around silences.
_WORD_SLACK_S = 0.5


def _spans_with_words(spans: Sequence[tuple[float, float]], words: Sequence[Word]) -> list[tuple[float, float]]:
    return [(start, end) for start, end in spans
            if any(w.start < end + _WORD_SLACK_S and w.end > start - _WORD_SLACK_S for w in words)]


def speaking_metrics(
    words: Sequence[Word], duration_s: float, pause_threshold_s: float = DEFAULT_PAUSE_S,
    speech_spans: Sequence[tuple[float, float]] | None = None,
) -> SpeakingMetrics:
    """Metrics for one answer; `words` carry timestamps relative to the start of the answer. Timestamps
    past `duration_s` (Whisper rounds the last word up) are clipped, so talk time never exceeds it.

    With `speech_spans` (where the VAD heard speech, same time base) the timing (span, pauses, talk time) is
    measured on the sound and the words only give the counts: Whisper places word edges a few hundred ms
    off around silences, which made a 2.5 s pause read as 3 s and a whole answer as a fraction of a second."""
    spoken = [w.model_copy(update={"start": min(w.start, duration_s), "end": min(w.end, duration_s)})
              if duration_s > 0 else w for w in words if _normalise(w.text)]
    tokens = [_normalise(w.text) for w in spoken]
    fillers = count_fillers(tokens)
    if not spoken:
        return SpeakingMetrics(
            word_count=0,
            duration_s=round(duration_s, 3),
            talk_time_s=0.0,
            words_per_minute=0.0,
            pause_count=0,
            longest_pause_s=0.0,
            pause_threshold_s=pause_threshold_s,
            filler_words={},
            filler_rate=0.0,
        )
    sound = _spans_with_words(sorted(speech_spans), spoken) if speech_spans else []
    if sound:
        first, last = sound[0][0], max(end for _, end in sound)
        gaps = [max(0.0, nxt[0] - prev[1]) for prev, nxt in zip(sound, sound[1:], strict=False)]
    else:
        first, last = spoken[0].start, spoken[-1].end
        gaps = [max(0.0, nxt.start - prev.end) for prev, nxt in zip(spoken, spoken[1:], strict=False)]
    pauses = [gap for gap in gaps if gap >= pause_threshold_s]
    span = max(last - first, 1e-3)
    talk_time = max(span - sum(pauses), 0.0)
    if duration_s > 0:
        talk_time = min(talk_time, duration_s)
    filler_total = sum(fillers.values())
    return SpeakingMetrics(
        word_count=len(spoken),
        duration_s=round(duration_s, 3),
        talk_time_s=round(talk_time, 3),
        words_per_minute=round(len(spoken) / span * 60.0, 1),
        pause_count=len(pauses),
        longest_pause_s=round(max(pauses, default=0.0), 3),
        pause_threshold_s=pause_threshold_s,
        filler_words=dict(fillers),
        filler_rate=round(filler_total / len(spoken), 4),
        most_used_words=most_used_words(tokens),
    )
