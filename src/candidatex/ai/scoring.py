"""Semantic answer scoring: how many of the question's reference key points an answer covers.

Each key point is compared by sentence embedding with every sentence of the answer (and every pair of
neighbouring sentences, since a point is often made across two, and the whole answer). The best similarity becomes a credit from
0 to 1; the answer's score is mostly the share of key points it earns. A sentence that asserts one of the
question's known misconceptions is a factual error. The guards in `guards.py` then cap the score.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from candidatex.ai.bank import Bank, KeyPoint, load_bank
from candidatex.ai.cues import Cues, load_cues
from candidatex.ai.guards import GuardFinding, apply_caps, check, cosine_rows, find_injection, measure
from candidatex.ai.schemas import AnswerEvaluation, GeneratedQuestion
from candidatex.ai.text import normalise, sentences, shorten, words

DEBUG_ERRORS = bool(os.environ.get('DEBUG_ERRORS'))
FOLLOW_UP_SUFFIX = "--follow-up"
# Similarity below LOW earns nothing for a key point, above HIGH earns it fully (all-MiniLM-L6-v2 cosines).
LOW_SIMILARITY = 0.22
HIGH_SIMILARITY = 0.50
# Earning this share of the key point credit is a complete answer: strong answers rarely say everything.
FULL_COVERAGE = 0.75
WORDS_PER_POINT = 8
SHARED_EVIDENCE_MARGIN = 0.08
# One sentence cannot make every point: a point whose best evidence is a single sentence much closer to
# another point earns this share of its credit (pairs and the whole answer may carry several points).
SHARED_CREDIT = 0.5
COVERED = 0.6
MISCONCEPTION_SIMILARITY = 0.62
# A clause is short and matches loosely: it must be a near paraphrase of the misconception.
CLAUSE_MISCONCEPTION_SIMILARITY = 0.75
# A factual error costs this much and caps the score, whichever provider scored the answer.
FACTUAL_ERROR_PENALTY = 25.0
FACTUAL_ERROR_CAP = 40.0
WEIGHTS: dict[str, float] = {"key_points": 0.8, "specificity": 0.1, "clarity": 0.1}
CRITERION_MEANING: dict[str, str] = {
    "key_points": "share of the question's reference key points the answer covers, by meaning, not wording",
    "specificity": "numbers (written or spelled out), names and concrete examples",
    "clarity": "complete sentences, enough length to explain, few filler words",
}
THIN_SCORE = 60.0
DELIVERY_NEEDS_COVERAGE = 40.0
# An answer is compared as at most this many pieces (neighbouring short sentences merged): a long spoken answer
# costs a bounded number of embeddings (pieces, pairs, clauses), not one per sentence. The labelled set's longest
# answers have 7 sentences, so this bounds transcripts and pasted essays only.
MAX_PIECES = 16


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str
    key_points: tuple[KeyPoint, ...]
    misconceptions: tuple[str, ...] = ()
    # The role family's title ("Teaching and education"): the subjects answers drift to are set in it too.
    setting: str = ""
    # The bank question's own wording (without the level's additions), in which the subjects are also set.
    topic: str = ""

    def other_subjects(self, cues: Cues | None = None) -> list[str]:
        """The subjects answers drift to, set in the question's profession: an answer about the staff football
        team shares the profession's words with the key points and with these alike, so they cancel out."""
        subjects = (cues or load_cues()).other_subjects
        return [f"{s} ({self.setting})" if self.setting else s for s in subjects]

    def task_subjects(self, cues: Cues | None = None) -> list[str]:
        """The same subjects set in the question itself: an answer that borrows the question's own nouns ("the
        month-end close", "the cache") shares them with the question and with these alike. Such an answer is
        nearer to one of these than to the question, since all it adds is the subject; one on the task adds
        the task."""
        topic = self.topic or self.text
        setting = f"{self.setting}: {topic}" if self.setting else topic
        return [f"{s} ({setting})" for s in (cues or load_cues()).other_subjects] if topic else []

    def subject_texts(self, cues: Cues | None = None) -> list[str]:
        """Both sets of subjects, embedded with the plan like the key points."""
        return [*self.other_subjects(cues), *self.task_subjects(cues)]

    def reference_texts(self) -> list[str]:
        """Every text an answer to this question is compared with: the key points (both wordings) and the
        misconceptions; embedded when the session is planned, so scoring an answer embeds only the answer."""
        return [*(r for p in self.key_points for r in p.references), *self.misconceptions]


@dataclass
class PointMatch:
    point: KeyPoint
    similarity: float
    credit: float
    evidence: str
    shared: bool = False

    @property
    def covered(self) -> bool:
        return self.credit >= COVERED and not self.shared


@dataclass
class Analysis:
    word_count: int
    matches: list[PointMatch]
    coverage: float
    factual_errors: list[tuple[str, str]]  # (misconception, the candidate's sentence)
    guards: list[GuardFinding]
    criteria: dict[str, float] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    score: float = 0.0
    language: str = "en"


def spec_for(question: GeneratedQuestion, bank: Bank | None = None) -> QuestionSpec:
    """Key points and misconceptions behind a question, also for questions another provider wrote."""
    bank = bank or load_bank()
    entry = bank.by_id.get(question.id.split(FOLLOW_UP_SUFFIX)[0])
    wanted = [c for c in question.expected_concepts if c.strip()]
    if entry is not None:
        points = tuple(p for p in entry.key_points if p.text in wanted) if question.is_follow_up else ()
        family = bank.family(entry.family)
        return QuestionSpec(
            question.text,
            question.kind,
            points or entry.key_points,
            entry.misconceptions,
            family.title if family else "",
            entry.text,
        )
    points = tuple(KeyPoint.model_construct(text=c, probe=None) for c in wanted)
    return QuestionSpec(
        question.text, question.kind, points or (KeyPoint.model_construct(text=question.text, probe=None),)
    )


def bounded_pieces(answer_sentences: list[str], limit: int = MAX_PIECES) -> list[str]:
    """The sentences, with the shortest neighbouring pair merged again and again until at most ``limit`` remain."""
    pieces = list(answer_sentences)
    lengths = [len(p.split()) for p in pieces]
    while len(pieces) > max(1, limit):
        k = min(range(len(pieces) - 1), key=lambda i: lengths[i] + lengths[i + 1])
        pieces[k : k + 2] = [f"{pieces[k]} {pieces[k + 1]}"]
        lengths[k : k + 2] = [lengths[k] + lengths[k + 1]]
    return pieces


def _units(answer_sentences: list[str]) -> list[str]:
    """Sentences, neighbouring pairs and the whole answer: a story makes its points across sentences.

    Only the sentences and the whole answer are embedded: a pair's vector is its two sentences' mean
    (`pair_vectors`), which scored the labelled set as well as embedding the pair's text, at 40 % less CPU.
    """
    pairs = [f"{a} {b}" for a, b in zip(answer_sentences, answer_sentences[1:], strict=False)]
    whole = [" ".join(answer_sentences)] if len(answer_sentences) > 2 else []
    return answer_sentences + pairs + whole


def pair_vectors(sentence_vecs: np.ndarray) -> np.ndarray:
    """Unit vectors of neighbouring sentence pairs: the normalised sum of the two sentences' vectors."""
    sums = sentence_vecs[:-1] + sentence_vecs[1:]
    return (sums / np.clip(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


IF_WORD = re.compile(r"\bif\b", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+(?:so|because|but|and then|which|since)\s+", re.IGNORECASE)


def clauses(sentence: str) -> list[str]:
    parts = [p.strip() for p in CLAUSE_BREAK.split(sentence) if len(p.split()) >= 3]
    return parts if len(parts) > 1 else []


def _credit(similarity: float) -> float:
    return float(np.clip((similarity - LOW_SIMILARITY) / (HIGH_SIMILARITY - LOW_SIMILARITY), 0.0, 1.0))


def analyse(
    spec: QuestionSpec,
    answer: str,
    embedder: Any,
    speaking_metrics: dict[str, Any] | None = None,
    cues: Cues | None = None,
) -> Analysis:
    cues = cues or load_cues()
    injected = find_injection(answer, cues)
    # Text aimed at the grader is not evidence of anything; repeated sentences count once.
    kept: list[str] = []
    seen: set[str] = set()
    for sentence in sentences(answer):
        key = normalise(sentence)
        if sentence in injected or key in seen:
            continue
        seen.add(key)
        kept.append(sentence)
    kept = bounded_pieces(kept)
    units = _units(kept)
    # Misconceptions are checked clause by clause: "X is fine, so don't worry" asserts X whatever follows.
    # `claim_of[k]` is the sentence a clause came from (or the sentence itself).
    claims: list[str] = []
    claim_of: list[int] = []
    # `supposed[k]`: the claim is a clause that proposes an action to show where it leads ("if you reward
    # tickets closed per hour, agents…"), followed by its consequent in the same sentence.
    supposed: list[bool] = []
    if spec.misconceptions:
        claims, claim_of, supposed = list(kept), list(range(len(kept))), [False] * len(kept)
        for k, sentence in enumerate(kept):
            parts = clauses(sentence)
            claims += parts
            claim_of += [k] * len(parts)
            supposed += [bool(cues.hypothesis.search(p)) and i < len(parts) - 1 for i, p in enumerate(parts)]
    point_texts = [p.text for p in spec.key_points]
    # Each key point is compared in both its wordings (`owner[r]` is the point of reference r), and credited
    # with the closer one.
    references = [r for p in spec.key_points for r in p.references]
    owner = np.array([i for i, p in enumerate(spec.key_points) for _ in p.references], dtype=np.int64)
    # One embedding call: the key points' and misconceptions' vectors come from the cache after the plan's.
    whole = units[2 * len(kept) - 1 :]
    others = spec.other_subjects(cues)
    tasks = spec.task_subjects(cues)
    vectors = (
        embedder.embed([*references, *spec.misconceptions, spec.text, *others, *tasks, *kept, *whole, *claims])
        if units
        else None
    )
    matches: list[PointMatch] = []
    errors: list[tuple[str, str]] = []
    best = point_similarity = other_subject = task_subject = question_similarity = 0.0
    if vectors is not None:
        n_points, n_mis, n_kept = len(references), len(spec.misconceptions), len(kept)
        point_vecs, mis_vecs = vectors[:n_points], vectors[n_points : n_points + n_mis]
        question_vec = vectors[n_points + n_mis]
        start = n_points + n_mis + 1
        other_vecs, start = vectors[start : start + len(others)], start + len(others)
        task_vecs, start = vectors[start : start + len(tasks)], start + len(tasks)
        sentence_vecs = vectors[start : start + n_kept]
        whole_vecs = vectors[start + n_kept : start + n_kept + len(whole)]
        claim_vecs = vectors[start + n_kept + len(whole) :]
        unit_vecs = np.concatenate([sentence_vecs, pair_vectors(sentence_vecs), whole_vecs])
        reference_sims = cosine_rows(point_vecs, unit_vecs)
        sims = np.full((len(point_texts), unit_vecs.shape[0]), -1.0, dtype=np.float32)
        np.maximum.at(sims, owner, reference_sims)
        unit_top = sims.max(axis=0)
        has_whole = int(len(kept) > 2)  # the whole answer (last unit) may carry every point of a story
        for i, point in enumerate(spec.key_points):
            j = int(np.argmax(sims[i]))
            evidence = (
                units[j]
                if j < len(kept) * 2 - 1 or len(kept) <= 2
                else kept[int(np.argmax(sims[i, : len(kept)]))]
            )
            # One sentence cannot make every point: feedback calls a point covered only where its evidence is
            # not much closer to another key point (the score still counts the similarity).
            shared = j < len(units) - has_whole and bool(sims[i, j] < unit_top[j] - SHARED_EVIDENCE_MARGIN)
            credit = _credit(float(sims[i, j]))
            if shared and j < len(kept):
                credit *= SHARED_CREDIT
            matches.append(PointMatch(point, float(sims[i, j]), credit, evidence, shared))
        # Relevance: the best key point match, or the whole answer against the question.
        point_similarity = float(sims.max()) if sims.size else 0.0
        question_similarity = float(unit_vecs[-1] @ question_vec)
        best = max(point_similarity, question_similarity)
        # The last unit is the whole answer (or, for one or two sentences, their mean).
        other_subject = float((other_vecs @ unit_vecs[-1]).max()) if len(other_vecs) else 0.0
        task_subject = float((task_vecs @ unit_vecs[-1]).max()) if len(task_vecs) else 0.0
        if n_mis and claims:
            errors = _factual_errors(spec, kept, claims, claim_of, supposed, mis_vecs, point_vecs, claim_vecs, cues)
    else:
        matches = [PointMatch(p, 0.0, 0.0, "") for p in spec.key_points]

    rubric_text = " ".join(point_texts)
    if spec.kind == "behavioral":
        # A story template stuffed with the STAR cue phrases is still stuffing.
        rubric_text += " " + " ".join(p for phrases in cues.story_parts.values() for p in phrases)
        rubric_text += " " + " ".join(cues.template_labels)
    features = measure(
        answer, spec.text, rubric_text, best, cues, point_similarity, other_subject, task_subject, question_similarity
    )
    guards = check(features, injected, cues)
    analysis = Analysis(
        word_count=features.word_count,
        matches=matches,
        coverage=sum(m.credit for m in matches) / max(1, len(matches)),
        factual_errors=errors,
        guards=guards,
        language=features.language,
    )
    _score(analysis, answer, speaking_metrics, cues)
    return analysis


def _factual_errors(
    spec: QuestionSpec,
    kept: list[str],
    claims: list[str],
    claim_of: list[int],
    supposed: list[bool],
    mis_vecs: np.ndarray,
    point_vecs: np.ndarray,
    claim_vecs: np.ndarray,
    cues: Cues,
) -> list[tuple[str, str]]:
    """The misconceptions the answer asserts, each with the statement that asserts it.

    Statements are the sentences and their clauses. An answer that rejects a misconception in so many words in
    one statement ("Training accuracy is misleading on its own") is not taken to assert it in another ("The
    accuracy that shows a model is good is the accuracy on held-out data"): it is elaborating on the subject
    it has just rejected.
    """
    mis_sims = cosine_rows(mis_vecs, claim_vecs)
    point_best = cosine_rows(point_vecs, claim_vecs).max(axis=0)

    def threshold(j: int) -> float:
        return MISCONCEPTION_SIMILARITY if j < len(kept) else CLAUSE_MISCONCEPTION_SIMILARITY

    errors: list[tuple[str, str]] = []
    for m, misconception in enumerate(spec.misconceptions):
        conditional = bool(cues.hypothesis.search(misconception) or IF_WORD.search(misconception))
        near = [j for j in np.argsort(-mis_sims[m]) if mis_sims[m, j] >= threshold(int(j))]
        # An answer that rejects the misconception in so many words does not also assert it: its other
        # statements on the subject elaborate on the rejection.
        if any(_rejects(misconception, claims[j], cues) for j in near):
            continue
        for j in near:
            similarity = float(mis_sims[m, j])
            # Negation has the scope of a clause: a sentence asserts only if its clause nearest the
            # misconception agrees too ("99 % accuracy is meaningless here: a model that says 'not fraud' gets
            # that" negates twice as a sentence, once where it matters).
            own = [c for c in range(len(kept), len(claims)) if claim_of[c] == claim_of[j]] if j < len(kept) else []
            scopes = [claims[j]]
            nearest = int(j)
            if own:
                nearest = max(own, key=lambda c: mis_sims[m, c])
                scopes.append(claims[nearest])
            # A supposition names the misconception to show where it leads; it claims nothing.
            if supposed[nearest] and not conditional:
                continue
            if all(
                _asserts(misconception, scope, similarity, float(point_best[j]), cues, threshold(int(j)))
                for scope in scopes
            ):
                errors.append((misconception, claims[j]))
                break
    return errors


def _rejects(misconception: str, sentence: str, cues: Cues) -> bool:
    """Rejected in so many words: reported as someone else's idea, or with a rejecting predicate or framing the
    misconception lacks ("…is misleading here", "…doesn't mean…"). A bare negation does not count here:
    "don't bother reconciling" agrees with "reconciliations are optional"."""
    return bool(
        (cues.reported_claim.search(sentence) and not cues.reported_claim.search(misconception))
        or (cues.denial.search(sentence) and not cues.denial.search(misconception))
    )


def _same_polarity(misconception: str, sentence: str, cues: Cues) -> bool:
    """Is the clause turned the same way as the misconception? Embeddings barely see "not", so this reads words.

    Not when it reports the claim as someone else's ("the idea that…"), nor when it has a rejecting predicate
    the misconception lacks ("indexing every column is overrated" against "…with no downside"; "escalating
    doesn't mean the ticket stops being mine" against "…no longer my responsibility"); otherwise when it is
    turned around as often: "never store it without a salt" negates twice and does not claim "no salt is
    needed"; "It's not wrong to use SHA-1" does claim "SHA-1 is fine". Against a misconception about what is
    needed, words that remove what they name count as a turn ("a strong hash doesn't take away the need for a
    salt" turns twice, "a salt is not needed" once).
    """
    if _rejects(misconception, sentence, cues):
        return False
    polarity = cues.need_polarity if cues.need.search(misconception) else cues.polarity
    return len(polarity.findall(sentence)) % 2 == len(polarity.findall(misconception)) % 2


def _asserts(
    misconception: str,
    sentence: str,
    similarity: float,
    best_point: float,
    cues: Cues,
    threshold: float = 0.62,
) -> bool:
    """Does the clause claim the misconception? Embeddings barely see "not", so the polarity must agree.

    Near in meaning to the misconception, nearer to it than to any correct key point, not reported as someone
    else's idea ("the idea that…"), and turned around as often as the misconception is: "never store it
    without a salt" negates twice and does not claim "no salt is needed"; "It's not wrong to use SHA-1" does
    claim "SHA-1 is fine"; "training accuracy is meaningless" rejects "training accuracy proves…". A rejecting
    predicate the misconception lacks rejects it outright (suppositions are skipped by the caller).
    """
    if similarity < threshold or similarity < best_point:
        return False
    return _same_polarity(misconception, sentence, cues)


def _score(analysis: Analysis, answer: str, speaking_metrics: dict[str, Any] | None, cues: Cues) -> None:
    count = analysis.word_count
    if count == 0:
        analysis.criteria = dict.fromkeys(WEIGHTS, 0.0)
        analysis.explanations = dict.fromkeys(WEIGHTS, "no answer was given")
        analysis.score = 0.0
        return
    # A few words cannot make several points, however close each is to one of them.
    length_factor = min(1.0, count / (WORDS_PER_POINT * max(1, len(analysis.matches))))
    coverage_value = 100 * min(1.0, analysis.coverage / FULL_COVERAGE) * length_factor
    covered = [m for m in analysis.matches if m.covered]
    numbers = len(cues.number.findall(answer))
    names = sum(1 for w in words(answer)[1:] if w[:1].isupper() and len(w) > 2)
    specificity = min(100.0, 25.0 * numbers + 10.0 * min(names, 5)) * min(1.0, count / 40)
    fillers = len(cues.filler.findall(answer))
    if speaking_metrics:
        # The speech pipeline hears fillers the transcript drops ("um" is often not written down).
        fillers = max(fillers, int(speaking_metrics.get("filler_word_count") or 0))
    filler_rate = fillers / count
    clarity = max(0.0, 100 - filler_rate * 800) * min(1.0, count / 50)
    analysis.criteria = {
        "key_points": round(coverage_value, 1),
        "specificity": round(specificity, 1),
        "clarity": round(clarity, 1),
    }
    analysis.explanations = {
        "key_points": f"covered {len(covered)} of {len(analysis.matches)} key points"
        + (f": {'; '.join(shorten(m.point.text, 60) for m in covered)}" if covered else ""),
        "specificity": f"{numbers} numbers, {names} names",
        "clarity": f"{count} words, {fillers} filler words ({filler_rate:.0%})",
    }
    # Numbers, names and fluent sentences about something else earn nothing: the delivery criteria count in
    # proportion to the key-point credit until it reaches DELIVERY_NEEDS_COVERAGE.
    relevance = min(1.0, coverage_value / DELIVERY_NEEDS_COVERAGE)
    score = analysis.criteria["key_points"] * WEIGHTS["key_points"] + relevance * sum(
        analysis.criteria[c] * w for c, w in WEIGHTS.items() if c != "key_points"
    )
    if analysis.factual_errors:
        score = min(score - FACTUAL_ERROR_PENALTY * len(analysis.factual_errors), FACTUAL_ERROR_CAP)
        analysis.explanations["factual_accuracy"] = "asserts: " + "; ".join(
            m for m, _ in analysis.factual_errors
        )
    analysis.score = round(max(0.0, apply_caps(score, analysis.guards)), 1)


# --- feedback -------------------------------------------------------------------------------------


def story_parts_present(answer: str, cues: Cues | None = None) -> dict[str, bool]:
    cues = cues or load_cues()
    parts = {part: bool(pattern.search(answer)) for part, pattern in cues.story.items()}
    # A number in the closing sentences is a result, whether written "3" or "three".
    closing = " ".join(sentences(answer)[-2:])
    parts["result"] = parts["result"] or bool(cues.number.search(closing))
    return parts


def _quote(text: str) -> str:
    return f"“{shorten(text, 100).rstrip(' .!?;,:')}”"


def feedback(
    spec: QuestionSpec, analysis: Analysis, answer: str, cues: Cues | None = None
) -> tuple[list[str], list[str], list[str]]:
    """Strengths, weaknesses and recommendations in a coach's words, quoting the candidate."""
    cues = cues or load_cues()
    strengths: list[str] = []
    weaknesses: list[str] = []
    recommendations: list[str] = []
    if analysis.word_count == 0:
        return (
            [],
            ["No answer was given."],
            ["Even a partial answer earns credit: say what you know and reason aloud."],
        )
    for guard in analysis.guards:
        weaknesses.append(guard.explanation)
    if any(g.name in {"other_language", "question_copy"} for g in analysis.guards):
        return strengths, weaknesses, ["Answer the question in your own words, in English."]
    for misconception, sentence in analysis.factual_errors:
        weaknesses.append(
            f"Factual error: you said {_quote(sentence)}, but that is a known misconception ({misconception.rstrip('.')} is not true)."
        )
    ranked = sorted(analysis.matches, key=lambda m: -m.credit)
    for match in ranked:
        if match.covered and not analysis.guards:
            strengths.append(f"Covered “{match.point.text.rstrip('.')}” — you said {_quote(match.evidence)}")
    missed = sorted((m for m in analysis.matches if not m.covered), key=lambda m: m.credit)
    for match in missed[:3]:
        weaknesses.append(f"Not covered: {match.point.text}")
    if missed:
        recommendations.append(f"Add this next time: {missed[0].point.text}")
    if spec.kind == "behavioral" and not analysis.guards:
        parts = story_parts_present(answer, cues)
        if not parts["result"]:
            weaknesses.append("The story does not say how it ended.")
            recommendations.append(
                'Close with the outcome, and put a number on it if you can ("cut the backlog from 40 to 12").'
            )
        if not parts["action"]:
            recommendations.append(
                'Say what you did yourself, in the first person ("I called…", "I proposed…").'
            )
    if analysis.criteria.get("specificity", 0) < 30 and not analysis.guards:
        recommendations.append("Make it concrete: a real example with names, numbers and what happened.")
    if analysis.factual_errors:
        recommendations.insert(0, "Check the facts behind your answer: one claim is a common misconception.")
    return strengths[:4], weaknesses[:5], recommendations[:4]


def follow_up(
    question: GeneratedQuestion, analysis: Analysis, answer: str, reveal_rubric: bool
) -> GeneratedQuestion | None:
    """One probing question that reacts to what the candidate said and asks about what they missed."""
    if question.is_follow_up or analysis.word_count == 0 or analysis.guards:
        return None
    if analysis.score >= THIN_SCORE:
        return None
    missed = sorted((m for m in analysis.matches if not m.covered), key=lambda m: m.credit)[:2]
    if not missed:
        return None
    said = max(analysis.matches, key=lambda m: m.credit).evidence or sentences(answer)[0]
    if reveal_rubric:
        probe = (
            missed[0].point.probe
            or f"Could you also talk about this: {missed[0].point.text[0].lower()}{missed[0].point.text[1:]}"
        )
    else:
        probe = (
            missed[0].point.probe or "Can you take me through that in more detail, with a concrete example?"
        )
    text = f"You said {_quote(said)}. {probe}"
    return GeneratedQuestion(
        id=question.id.split(FOLLOW_UP_SUFFIX)[0] + FOLLOW_UP_SUFFIX,
        text=text,
        kind=question.kind,
        category=question.category,
        difficulty=question.difficulty,
        expected_concepts=[m.point.text for m in missed],
        time_limit_seconds=max(60, question.time_limit_seconds // 2),
        is_follow_up=True,
    )


def evaluation_from(
    question: GeneratedQuestion,
    spec: QuestionSpec,
    analysis: Analysis,
    answer: str,
    reveal_rubric: bool = True,
) -> AnswerEvaluation:
    strengths, weaknesses, recommendations = feedback(spec, analysis, answer)
    probe = follow_up(question, analysis, answer, reveal_rubric)
    return AnswerEvaluation(
        score=analysis.score,
        rubric=analysis.criteria,
        rubric_weights=dict(WEIGHTS),
        rubric_explanations=analysis.explanations,
        strengths=strengths,
        weaknesses=weaknesses,
        recommendations=recommendations,
        needs_follow_up=probe is not None,
        follow_up_question=probe,
        covered_key_points=[m.point.text for m in analysis.matches if m.covered],
        missed_key_points=[m.point.text for m in analysis.matches if not m.covered],
        factual_errors=[m for m, _ in analysis.factual_errors],
        guards=[g.name for g in analysis.guards],
        language=analysis.language,
    )


def enforce(
    evaluation: AnswerEvaluation, spec: QuestionSpec, analysis: Analysis, answer: str
) -> AnswerEvaluation:
    """Apply the guards and the factual-error rule to another provider's evaluation."""
    score = evaluation.score
    if analysis.factual_errors:
        score = min(score - FACTUAL_ERROR_PENALTY * len(analysis.factual_errors), FACTUAL_ERROR_CAP)
    score = max(0.0, apply_caps(score, analysis.guards))
    extra = [g.explanation for g in analysis.guards] + [
        f"Factual error: you said {_quote(s)}, but that is a known misconception."
        for _, s in analysis.factual_errors
    ]
    update: dict[str, Any] = {
        "score": round(score, 1),
        "weaknesses": [*extra, *evaluation.weaknesses],
        "covered_key_points": evaluation.covered_key_points
        or [m.point.text for m in analysis.matches if m.covered],
        "missed_key_points": evaluation.missed_key_points
        or [m.point.text for m in analysis.matches if not m.covered],
        "factual_errors": sorted({*evaluation.factual_errors, *(m for m, _ in analysis.factual_errors)}),
        "guards": sorted({*evaluation.guards, *(g.name for g in analysis.guards)}),
        "language": analysis.language,
    }
    if analysis.guards:
        # A capped answer earns no follow-up or praise from the rubric it failed.
        update |= {"strengths": [], "needs_follow_up": False, "follow_up_question": None}
    return evaluation.model_copy(update=update)
