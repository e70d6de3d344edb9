"""Candidate-job match scores with an explainable breakdown, rankings and job recommendations.

Components, each scored 0-100:

- ``skills``: share of the job's skills the candidate has; required skills weigh 1, preferred skills and
  skills the description merely mentions weigh 0.5. Synonyms count ("k8s" is Kubernetes).
- ``experience``: years in roles whose titles relate to the job title (all years when the title has only
  seniority words, the stated total when no position is dated) against the job's minimum, linear up to
  it. No penalty above it: "overqualified" is a common proxy for age.
- ``education``: 100 at or above the required degree, 50 one level below, 0 further below.
- ``text_similarity``: TF-IDF cosine between resume and job description (sublinear term frequency,
  smoothed IDF over the documents being compared), scaled so ``SIMILARITY_FOR_FULL_MARKS`` reads as 100.
- ``career_consistency``: half average tenure (24 months or more per position is full marks), half the
  share of past titles related to the job title. Gaps between jobs are deliberately not penalised: they
  follow caregiving, illness and layoffs, so they would encode bias rather than ability.
- ``interview``: the candidate's interview score, when there is one.

Weighting: the job may give no basis for a component (no listed skills, no minimum years, no required
degree, no dated positions); such a component is left out and the other weights are renormalised, so
it neither helps nor hurts anyone. An interview score, when present, takes exactly ``weights.interview``
of the total and the other components share the rest in their configured proportions.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat

import numpy as np

from candidatex.resumes.parsing import (
    DEGREE_RANK,
    DegreeLevel,
    ParsedResume,
    Position,
    month_span,
    stated_years,
    years_covered_by,
)
from candidatex.resumes.taxonomy import STOPWORDS, SkillTaxonomy, analyse_text, default_taxonomy, document_terms, stem

SIMILARITY_FOR_FULL_MARKS = 0.5
FULL_TENURE_MONTHS = 24
PREFERRED_SKILL_WEIGHT = 0.5
BASE_COMPONENTS = ("skills", "experience", "education", "text_similarity", "career_consistency")
# Titles that name the same kind of work: a "Software Developer" has done a "Backend Engineer"'s job.
_ROLE_SYNONYMS = {"developer": "engineer", "programmer": "engineer", "dev": "engineer", "swe": "engineer"}
_SENIORITY_WORDS = frozenset(
    "senior junior lead principal staff head chief intern sr jr associate mid level i ii iii iv".split()
)


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


@dataclass(slots=True)
class JobProfile:
    job_id: Hashable
    title: str
    description: str
    required_skills: list[str] = field(default_factory=list)
    preferred_skills: list[str] = field(default_factory=list)
    min_years_experience: float | None = None
    education_level: DegreeLevel = "none"

    @classmethod
    def from_posting(
        cls,
        job_id: Hashable,
        title: str,
        description: str,
        required_skills: Sequence[str] = (),
        preferred_skills: Sequence[str] = (),
        min_years_experience: float | None = None,
        education_level: DegreeLevel = "none",
    ) -> JobProfile:
        """A profile whose minimum years default to what the description states ("5+ years")."""
        if min_years_experience is None:
            min_years_experience = stated_years(description)
        return cls(job_id, title, description, list(required_skills), list(preferred_skills),
                   min_years_experience, education_level)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}"


@dataclass(slots=True)
class CandidateProfile:
    candidate_id: Hashable
    resume_text: str
    skills: list[str] = field(default_factory=list)
    years_experience: float | None = None
    education_level: DegreeLevel = "none"
    positions: list[Position] = field(default_factory=list)
    interview_score: float | None = None  # 0-100
    # Text analysis of resume_text (terms, skills mentioned), computed on first use and reused while the
    # text and the taxonomy stay the same objects/values; see prepare().
    _analysis: _TextAnalysis | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_resume(
        cls, candidate_id: Hashable, parsed: ParsedResume, resume_text: str, interview_score: float | None = None
    ) -> CandidateProfile:
        return cls(candidate_id, resume_text, list(parsed.skills), parsed.years_experience,
                   parsed.highest_degree, list(parsed.positions), interview_score)

    def prepare(self, taxonomy: SkillTaxonomy | None = None) -> CandidateProfile:
        """Analyse the resume text now (tokens for TF-IDF, skills it mentions) so rankings reuse it."""
        _text_analysis(self, taxonomy or default_taxonomy())
        return self


@dataclass(slots=True)
class _TextAnalysis:
    text: str
    taxonomy: SkillTaxonomy
    bag: Counter[str]  # document_terms(text) counted
    mentioned: list[str]  # taxonomy.extract(text)
    have_key: tuple[str, ...] | None = None  # the profile's skills that ``have`` was computed from
    have: frozenset[str] = frozenset()  # casefolded canonical skills: listed ones plus mentioned ones
    career: _Career | None = None  # facts about the profile's positions


@dataclass(frozen=True, slots=True)
class _Career:
    """Job-independent facts about a profile's dated positions (those with a non-zero length)."""

    key: tuple[Position, ...]  # the profile's positions these were computed from
    spans: tuple[tuple[int, int], ...]  # month_span of each dated position
    title_stems: tuple[frozenset[str], ...]  # _title_stems of each dated position's title
    dated_years: float | None  # covered_years of the dated positions
    tenure: float  # mean of min(1, months / FULL_TENURE_MONTHS)
    average_months: float

    @classmethod
    def of(cls, positions: Sequence[Position]) -> _Career:
        key = tuple(positions)
        dated = [p for p in key if p.months]
        spans = tuple(span for span in map(month_span, dated) if span is not None)
        if not dated:
            return cls(key, spans, (), None, 0.0, 0.0)
        return cls(
            key, spans, tuple(_title_stems(p.title or "") for p in dated), years_covered_by(spans),
            sum(min(1.0, p.months / FULL_TENURE_MONTHS) for p in dated) / len(dated),
            sum(p.months for p in dated) / len(dated),
        )

    def related(self, job_words: frozenset[str]) -> list[int]:
        """Indexes of the dated positions whose titles relate to the job's (all when it has no words)."""
        if not job_words:
            return list(range(len(self.title_stems)))
        return [i for i, words in enumerate(self.title_stems) if job_words & words]


def _career(candidate: CandidateProfile, analysis: _TextAnalysis) -> _Career:
    career = analysis.career
    if career is None or career.key != tuple(candidate.positions):
        career = analysis.career = _Career.of(candidate.positions)
    return career


def _text_analysis(candidate: CandidateProfile, taxonomy: SkillTaxonomy) -> _TextAnalysis:
    analysis = candidate._analysis
    if analysis is None or analysis.taxonomy is not taxonomy or analysis.text != candidate.resume_text:
        terms, mentioned = analyse_text(candidate.resume_text, taxonomy)
        analysis = _TextAnalysis(candidate.resume_text, taxonomy, Counter(terms), mentioned)
        candidate._analysis = analysis
    return analysis


def _candidate_skills(candidate: CandidateProfile, analysis: _TextAnalysis) -> frozenset[str]:
    key = tuple(candidate.skills)
    if analysis.have_key != key:
        taxonomy = analysis.taxonomy
        have = {taxonomy.normalize(s).casefold() for s in key}
        have.update(s.casefold() for s in analysis.mentioned)
        analysis.have_key, analysis.have = key, frozenset(have)
    return analysis.have


@dataclass(frozen=True, slots=True)
class MatchScore:
    total: float  # 0-100
    breakdown: dict[str, float]  # component -> 0-100, only the components that counted
    weights: dict[str, float]  # the effective weights used
    matched_skills: list[str]
    missing_skills: list[str]  # required skills first
    explanation: list[str]


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    candidate_id: Hashable
    score: MatchScore
    rank: int  # 1 is best; equal totals share a rank
    percentile: float  # share of the other candidates with a lower total, 0-100
    recommendation: str


@dataclass(frozen=True, slots=True)
class JobRecommendation:
    job_id: Hashable
    score: MatchScore
    rank: int


# ----------------------------------------------------------------------------------------- TF-IDF


def tfidf_cosine(query: str, documents: Sequence[str], taxonomy: SkillTaxonomy | None = None) -> list[float]:
    """Cosine similarity of ``query`` with each document, IDF computed over the query and the documents."""
    return _cosine_of_bags(
        Counter(document_terms(query, taxonomy)), [Counter(document_terms(text, taxonomy)) for text in documents]
    )


def _cosine_of_bags(query_bag: Counter[str], bags: Sequence[Counter[str]]) -> list[float]:
    """TF-IDF cosine of one term bag with each of ``bags``: sublinear TF, smoothed IDF over all the bags.

    Vectorised: every document's terms are laid end to end in flat arrays, so the per-document norms and
    dot products are two ``np.bincount`` calls instead of Python loops over ~100 terms per document.
    """
    if not bags:
        return []
    doc_count = len(bags) + 1
    document_frequency = Counter(query_bag.keys())
    for bag in bags:
        document_frequency.update(bag.keys())
    idf = {term: math.log((1 + doc_count) / (1 + df)) + 1 for term, df in document_frequency.items()}

    query_vector = {term: (1 + math.log(count)) * idf[term] for term, count in query_bag.items()}
    query_norm = math.sqrt(sum(v * v for v in query_vector.values())) or 1.0
    query_weight = {term: v / query_norm for term, v in query_vector.items()}

    lengths = np.fromiter(map(len, bags), dtype=np.int64, count=len(bags))
    total = int(lengths.sum())
    terms = list(chain.from_iterable(bags))
    counts = np.fromiter(chain.from_iterable(bag.values() for bag in bags), dtype=np.float64, count=total)
    term_idf = np.fromiter(map(idf.__getitem__, terms), dtype=np.float64, count=total)
    in_query = np.fromiter(map(query_weight.get, terms, repeat(0.0)), dtype=np.float64, count=total)
    owner = np.repeat(np.arange(len(bags)), lengths)

    values = (1 + np.log(counts)) * term_idf
    norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=len(bags)))
    norms[norms == 0] = 1.0
    dots = np.bincount(owner, weights=values * in_query, minlength=len(bags))
    return (dots / norms).tolist()


# ----------------------------------------------------------------------------------------- scoring


def _job_skill_weights(job: JobProfile, taxonomy: SkillTaxonomy) -> dict[str, float]:
    weights: dict[str, float] = {}
    for skill in job.required_skills:
        weights[taxonomy.normalize(skill)] = 1.0
    for skill in [*job.preferred_skills, *taxonomy.extract(job.text)]:
        weights.setdefault(taxonomy.normalize(skill), PREFERRED_SKILL_WEIGHT)
    return weights


@lru_cache(maxsize=4096)
def _title_stems(title: str) -> frozenset[str]:
    words = (w.strip(".,/()-").lower() for w in title.split())
    words = (_ROLE_SYNONYMS.get(w, w) for w in words)
    return frozenset(stem(w) for w in words if w and w not in STOPWORDS and w not in _SENIORITY_WORDS)


def _relevant_years(
    job_words: frozenset[str], candidate: CandidateProfile, career: _Career, related: list[int]
) -> tuple[float, str]:
    """Years in roles whose titles relate to the job's; a stated total when no position is dated.

    Five years as a barista are not five years of backend engineering.
    """
    if not career.title_stems:
        years = candidate.years_experience or 0.0
        return years, f"{years:g} years stated" if candidate.years_experience else "no dated experience"
    years = years_covered_by(career.spans[i] for i in related) or 0.0
    return years, f"{years:g} years in related roles (of {career.dated_years:g} dated)"


def _career_consistency(job_words: frozenset[str], career: _Career, related: list[int]) -> tuple[float, str] | None:
    dated = len(career.title_stems)
    if not dated:
        return None
    tenure = career.tenure
    related_count = len(related) if job_words else 0
    relevance = related_count / dated if job_words else tenure
    detail = f"average tenure {career.average_months:.0f} months; {related_count} of {dated} past titles relate to the role"
    return 100 * (tenure + relevance) / 2, detail


@lru_cache(maxsize=256)
def _effective_weights(weights: MatchWeights, components: tuple[str, ...]) -> tuple[dict[str, float], dict[str, float]]:
    """``weights.effective(components)`` and its rounded copy; few distinct component sets ever occur."""
    effective = weights.effective(components)
    return effective, {name: round(w, 4) for name, w in effective.items()}


@dataclass(frozen=True, slots=True)
class _JobContext:
    """What scoring needs from a job, worked out once per ranking rather than once per candidate."""

    job: JobProfile
    skill_weights: dict[str, float]
    title_words: frozenset[str]

    @classmethod
    def of(cls, job: JobProfile, taxonomy: SkillTaxonomy) -> _JobContext:
        return cls(job, _job_skill_weights(job, taxonomy), _title_stems(job.title))


def score_candidate(
    job: JobProfile,
    candidate: CandidateProfile,
    weights: MatchWeights = MatchWeights(),
    *,
    similarity: float | None = None,
    taxonomy: SkillTaxonomy | None = None,
) -> MatchScore:
    """Score one candidate for one job. ``similarity`` is a precomputed TF-IDF cosine (ranking passes it)."""
    taxonomy = taxonomy or default_taxonomy()
    return _score(_JobContext.of(job, taxonomy), candidate, weights, similarity, taxonomy)


def _score(
    context: _JobContext,
    candidate: CandidateProfile,
    weights: MatchWeights,
    similarity: float | None,
    taxonomy: SkillTaxonomy,
) -> MatchScore:
    job = context.job
    components: dict[str, float] = {}
    explanation: list[str] = []

    skill_weights = context.skill_weights
    analysis = _text_analysis(candidate, taxonomy)
    have = _candidate_skills(candidate, analysis)
    career = _career(candidate, analysis)
    related = career.related(context.title_words)
    matched = [s for s in skill_weights if s.casefold() in have]
    missing = sorted((s for s in skill_weights if s.casefold() not in have), key=lambda s: -skill_weights[s])
    if skill_weights:
        components["skills"] = 100 * sum(skill_weights[s] for s in matched) / sum(skill_weights.values())
        required_total = sum(1 for w in skill_weights.values() if w == 1.0)
        required_hit = sum(1 for s in matched if skill_weights[s] == 1.0)
        explanation.append(
            f"Skills: {len(matched)} of {len(skill_weights)} job skills"
            + (f" ({required_hit} of {required_total} required)" if required_total else "")
            + (f"; missing {', '.join(missing[:5])}" if missing else "")
        )

    if job.min_years_experience:
        years, shown = _relevant_years(context.title_words, candidate, career, related)
        components["experience"] = 100 * min(1.0, years / job.min_years_experience)
        explanation.append(f"Experience: {shown} against {job.min_years_experience:g} required")

    required_rank = DEGREE_RANK[job.education_level]
    if required_rank:
        shortfall = required_rank - DEGREE_RANK[candidate.education_level]
        components["education"] = 100.0 if shortfall <= 0 else 50.0 if shortfall == 1 else 0.0
        explanation.append(f"Education: {candidate.education_level} against {job.education_level} required")

    if similarity is None:
        similarity = _cosine_of_bags(Counter(document_terms(job.text, taxonomy)), [analysis.bag])[0]
    components["text_similarity"] = 100 * min(1.0, similarity / SIMILARITY_FOR_FULL_MARKS)
    explanation.append(f"Text similarity: cosine {similarity:.2f} between resume and job description")

    consistency = _career_consistency(context.title_words, career, related)
    if consistency is not None:
        components["career_consistency"], detail = consistency
        explanation.append(f"Career consistency: {detail}")

    if candidate.interview_score is not None:
        components["interview"] = max(0.0, min(100.0, candidate.interview_score))
        explanation.append(f"Interview: {components['interview']:g}/100")

    effective, rounded_weights = _effective_weights(weights, tuple(components))
    total = sum(components[name] * w for name, w in effective.items())
    return MatchScore(
        total=round(total, 1),
        breakdown={name: round(value, 1) for name, value in components.items()},
        weights=dict(rounded_weights),
        matched_skills=matched,
        missing_skills=missing,
        explanation=explanation,
    )


def recommendation_line(score: MatchScore, required_skills: Iterable[str] = ()) -> str:
    required = set(required_skills)
    missing_required = [s for s in score.missing_skills if s in required][:3]
    if score.total >= 80:
        return "Strong match - consider for interview"
    if score.total >= 65:
        suffix = f"; probe {', '.join(missing_required)}" if missing_required else ""
        return f"Good match - worth a screening call{suffix}"
    if score.total >= 50:
        gaps = missing_required or score.missing_skills[:3]
        return "Partial match" + (f" - missing {', '.join(gaps)}" if gaps else " - review manually")
    return "Weak match - not recommended for this role"


def rank_candidates(
    job: JobProfile,
    candidates: Sequence[CandidateProfile],
    weights: MatchWeights = MatchWeights(),
    taxonomy: SkillTaxonomy | None = None,
) -> list[RankedCandidate]:
    """Candidates best first, with competition ranks (1, 2, 2, 4) and percentiles."""
    taxonomy = taxonomy or default_taxonomy()
    bags = [_text_analysis(candidate, taxonomy).bag for candidate in candidates]
    similarities = _cosine_of_bags(Counter(document_terms(job.text, taxonomy)), bags)
    context = _JobContext.of(job, taxonomy)
    scored = [
        (candidate, _score(context, candidate, weights, sim, taxonomy))
        for candidate, sim in zip(candidates, similarities, strict=True)
    ]
    scored.sort(key=lambda item: (-item[1].total, str(item[0].candidate_id)))
    totals = sorted(score.total for _, score in scored)
    required = [taxonomy.normalize(s) for s in job.required_skills]
    ranked = []
    for candidate, score in scored:
        better = len(totals) - bisect.bisect_right(totals, score.total)  # candidates with a higher total
        lower = bisect.bisect_left(totals, score.total)
        percentile = 100.0 if len(scored) == 1 else round(100 * lower / (len(scored) - 1), 1)
        ranked.append(
            RankedCandidate(candidate.candidate_id, score, better + 1, percentile, recommendation_line(score, required))
        )
    return ranked


def recommend_jobs(
    candidate: CandidateProfile,
    jobs: Sequence[JobProfile],
    limit: int = 10,
    weights: MatchWeights = MatchWeights(),
    taxonomy: SkillTaxonomy | None = None,
) -> list[JobRecommendation]:
    """The jobs that fit a candidate best. The interview score is left out: it belongs to one job's process."""
    taxonomy = taxonomy or default_taxonomy()
    profile = CandidateProfile(
        candidate.candidate_id, candidate.resume_text, candidate.skills, candidate.years_experience,
        candidate.education_level, candidate.positions, None,
    )
    query_bag = _text_analysis(candidate, taxonomy).bag
    similarities = _cosine_of_bags(query_bag, [Counter(document_terms(job.text, taxonomy)) for job in jobs])
    profile._analysis = candidate._analysis
    scored = [
        (job, score_candidate(job, profile, weights, similarity=sim, taxonomy=taxonomy))
        for job, sim in zip(jobs, similarities, strict=True)
    ]
    scored.sort(key=lambda item: (-item[1].total, str(item[0].job_id)))
    return [JobRecommendation(job.job_id, score, index + 1) for index, (job, score) in enumerate(scored[:limit])]
