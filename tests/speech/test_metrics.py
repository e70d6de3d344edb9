from __future__ import annotations

import numpy as np
from speech_samples import STORY

from candidatex.speech.audio import decode_audio_file
from candidatex.speech.metrics import DEFAULT_PAUSE_S, speaking_metrics
from candidatex.speech.transcriber import Word


def words_at(text: str, start: float = 0.0, step: float = 0.4, gaps: dict[int, float] | None = None) -> list[Word]:
    """Words of `text` every `step` seconds; `gaps` adds extra silence before word i."""
    out, t = [], start
    for index, token in enumerate(text.split()):
        t += (gaps or {}).get(index, 0.0)
        out.append(Word(text=token, start=t, end=t + step * 0.8))
        t += step
    return out


def test_pace_and_talk_time_of_an_even_speaker():
    words = words_at("one two three four five six seven eight nine ten", step=0.4)
    metrics = speaking_metrics(words, duration_s=4.5)
    assert metrics.word_count == 10
    assert 150 <= metrics.words_per_minute <= 160  # 10 words over 3.92 s
    assert metrics.pause_count == 0 and metrics.longest_pause_s == 0
    assert abs(metrics.talk_time_s - 3.92) < 0.01


def test_long_gaps_count_as_pauses_and_leave_talk_time():
    words = words_at("so I think the answer is yes", gaps={3: 1.5, 5: 0.7})
    metrics = speaking_metrics(words, duration_s=6)
    assert metrics.pause_count == 2
    assert abs(metrics.longest_pause_s - 1.58) < 0.01
    span = words[-1].end - words[0].start
    assert abs(metrics.talk_time_s - (span - 1.58 - 0.78)) < 0.01


def test_filler_words_are_counted_with_punctuation_and_case_ignored():
    words = words_at("Um, I was, like, you know, leading the uh team. Like, basically um yes.")
    metrics = speaking_metrics(words, duration_s=8)
    assert metrics.filler_words == {"um": 2, "like": 2, "you know": 1, "uh": 1, "basically": 1}
    assert abs(metrics.filler_rate - 7 / metrics.word_count) < 1e-3


def test_no_words_means_zero_metrics():
    metrics = speaking_metrics([], duration_s=3)
    assert metrics.word_count == 0 and metrics.words_per_minute == 0 and metrics.filler_words == {}


async def test_metrics_of_real_speech_are_plausible(transcriber, speech_16k):
    transcript = await transcriber.transcribe(speech_16k(STORY))
    metrics = speaking_metrics(transcript.words, transcript.duration_s)
    assert 110 <= metrics.words_per_minute <= 230  # espeak-ng speaks at 160 words per minute here
    assert metrics.talk_time_s <= transcript.duration_s
    assert metrics.filler_words == {}


def test_talk_time_never_exceeds_the_duration_and_most_used_words_leave_out_stop_words():
    words = words_at("Redis is fast and Redis keeps sessions so Redis and sessions win", step=0.5)
    metrics = speaking_metrics(words, duration_s=5.0)  # the last words' timestamps run past the end
    assert metrics.talk_time_s <= 5.0
    assert metrics.most_used_words == [("redis", 3), ("sessions", 2)]


def test_the_answer_text_drops_hesitations_that_the_metrics_count():
    from candidatex.speech.metrics import without_hesitations

    assert without_hesitations("Um, I think we should, uh, use Redis.") == "I think we should use Redis."
    assert without_hesitations("I like Python") == "I like Python"


def synthesised(parts: list[str | float], folder) -> bytes:
    """espeak-ng speech with silences (seconds) between the parts, joined by sox: a real recording."""
    import subprocess

    files = []
    for index, part in enumerate(parts):
        path = folder / f"part{index}.wav"
        if isinstance(part, float):
            subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(path), "trim", "0", str(part)],
                           check=True)
        else:
            subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), part], check=True)
        files.append(str(path))
    out = folder / "answer.wav"
    subprocess.run(["sox", *files, str(out)], check=True)
    return out.read_bytes()


def silent_runs(samples: np.ndarray, min_s: float = DEFAULT_PAUSE_S, rate: int = 16_000) -> list[float]:
    """Stretches of (near) digital silence between sounds, in seconds: the ground truth of synthesised audio."""
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    gaps = np.diff(loud) / rate
    return [round(float(g), 3) for g in gaps if g >= min_s]


def test_pauses_are_timed_on_the_sound_when_the_word_timestamps_drift():
    """Whisper moves word edges around silences (here the word after each pause starts 0.5 s late and the last
    one is squeezed): with the VAD's speech spans the pauses and the pace come from the sound."""
    words = [Word(text=t, start=s, end=e) for t, s, e in [
        ("we", 0.2, 0.4), ("cache", 0.45, 0.9), ("reads", 2.6, 2.9), ("then", 2.95, 3.2), ("write", 6.0, 6.01)]]
    spans = [(0.2, 0.95), (2.1, 3.3), (5.3, 6.4), (7.5, 7.6)]  # the last one is a click after the answer
    by_words = speaking_metrics(words, 8.0)
    by_sound = speaking_metrics(words, 8.0, speech_spans=spans)
    assert by_words.longest_pause_s == 2.8  # what the drifting timestamps say
    assert by_sound.pause_count == 2 and by_sound.longest_pause_s == 2.0
    assert by_sound.talk_time_s == round(6.4 - 0.2 - 1.15 - 2.0, 3)  # the click is not talk time
    assert by_sound.words_per_minute == round(5 / (6.4 - 0.2) * 60, 1)


async def test_pauses_and_fillers_of_a_recording_are_counted(transcriber, espeak_wav, tmp_path):
    from candidatex.speech.pipeline import transcribe_recording
    from candidatex.speech.vocabulary import Vocabulary

    data = synthesised(["Um, I think we should use Redis", 1.6, "because, um, it is fast.", 2.5,
                        "And it is simple."], tmp_path)
    final = await transcribe_recording(transcriber, data, vocabulary=Vocabulary(("Redis",)))
    metrics = final.metrics
    # The truth is what the recording holds: espeak-ng ends each utterance with ~0.4 s of its own silence, so
    # the 2.5 s gap is ~2.9 s of silence. Measured on the sound, the metric lands within a VAD window or so of it.
    true_pauses = silent_runs(decode_audio_file(data))
    assert len(true_pauses) == 2 and metrics.pause_count == 2, (true_pauses, metrics)
    assert abs(metrics.longest_pause_s - max(true_pauses)) <= 0.3, (true_pauses, metrics)
    assert sum(metrics.filler_words.values()) >= 2, (final.text, metrics.filler_words)
    assert "um" not in final.text.lower().split(), final.text
    assert metrics.talk_time_s <= metrics.duration_s - 4.0  # the silences are not talk


def test_a_decoding_loop_is_cut_back_to_one_word_but_a_real_repetition_stays():
    """Whisper sometimes repeats a prompt word to the end of a segment (seen in the bench: "api" nine times);
    that is not what the candidate said. Three times in a row can be speech ("no, no, no") and is kept."""
    from candidatex.speech.transcriber import without_loops

    def words_of(text: str) -> list[Word]:
        return [Word(text=token, start=i * 0.3, end=i * 0.3 + 0.2) for i, token in enumerate(text.split())]

    looped = "We expose the API, api api api api api api api."
    text, words = without_loops(looped, words_of(looped))
    assert text == "We expose the API." and [w.text for w in words] == ["We", "expose", "the", "API,"]
    spoken = "No, no, no, that is wrong."
    assert without_loops(spoken, words_of(spoken)) == (spoken, words_of(spoken))
