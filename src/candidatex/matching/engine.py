"""Scoring jobs against prepared profiles (see profile.py): vectorised over a chunk of applicants.

Components, each 0-100, weighted by ``MatchWeights`` (a component the job gives no basis for is left out):

- ``skills``: the job's requirements (required weigh 1, preferred 0.5, others the description names 0.25;
  the title names none: whether past titles fit the job is experience's question).
  A requirement counts in full when a dated position or a project shows it, in part when it is only listed
  (0.5; 0.25 when the resume has no dated position at all: a claim with nothing behind it), and at 0.6 when
  no taxonomy skill matches but an evidence line is semantically close (sentence-vector cosine >= 0.5).
  A resume whose dated positions show the work of the job's profession or a neighbouring one (``roles`` in
  skills.json: two of its skills or more, a help desk's Zendesk and Active Directory for a backend job) has
  at least ``NEIGHBOUR_SKILLS``: some evidence toward the job, which an unrelated resume (a barista's) lacks.
  It opens no gate below (every neighbour with nothing more scores the same), and a title alone earns nothing.
- ``experience``: years in dated positions relevant to the job, against the job's minimum. A position is
  relevant when its own lines show two of the job's skills, or one with a related title (a shared title word
  or title vectors with cosine >= 0.45), or when its title is very close (cosine >= 0.75). Titles alone
  mislead ("Accountant" and "Account Executive" share a word and score 0.64). Claimed years with no dated
  position count 0.
- ``education``: the job's required degree against the resume's highest: 100 at or above, 50 one below.
- ``text_similarity``: semantic closeness of the resume's evidence lines to the job (the mean cosine of the
  three closest lines to the job's title and description vector), 0.10 -> 0, 0.50 -> 100. Lines that copy the
  job description (cosine >= 0.9 to one of its sentences and most of their five-word runs taken from it, the
  ATS check's rule) earn nothing anywhere and are flagged; so do skills only listed in a line that copies
  the description (a pasted job text in the summary).
- Education and text similarity say little on their own (a nurse's degree, a barista's wording that happens
  to sit near a backend job's): each is scaled by the resume's relevance, the larger of its skills and
  experience shares, full from half of either (``FULL_RELEVANCE``). An unrelated resume scores ~0.
- A resume flagged as a keyword list (many skills, no dated position) earns nothing for the skills it lists.
- ``career_consistency``: a quarter each tenure in related positions (24 months is full marks) and the share
  of related positions, half seniority: related years past the job's minimum, full at five more.
- ``interview``: the candidate's interview score, when there is one.

Every reason quotes the resume line it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from candidatex.matching.profile import dequantise
from candidatex.matching.weights import FULL_TENURE_MONTHS, MatchWeights, effective_weights, title_stems
from candidatex.resumes.ats import CopySource, is_copied
from candidatex.resumes.parsing import DEGREE_RANK, years_covered_by
from candidatex.resumes.taxonomy import SkillTaxonomy, default_taxonomy

REQUIRED, PREFERRED, MENTIONED = 1.0, 0.5, 0.25
LISTED_CREDIT, UNBACKED_CREDIT, SEMANTIC_CREDIT = 0.5, 0.25, 0.6
SEMANTIC_EVIDENCE = 0.5
RELATED_TITLE, SAME_TITLE = 0.45, 0.75
COPIED_SENTENCE = 0.9
SIMILARITY_FLOOR, SIMILARITY_FULL = 0.10, 0.50
MAX_JOB_SENTENCES = 40
SENIOR_EXTRA_YEARS = 5.0  # related years past the job's minimum at which seniority is full
FULL_RELEVANCE = 0.5  # the skills or experience share at which education and wording count in full
GAMING_FLAGS = frozenset({"hidden_text", "copied_job_description", "keyword_list", "unbacked_years"})
NEIGHBOUR_SKILLS = 15.0  # the skills score of a resume in the job's or a neighbouring profession, at least
NEIGHBOUR_EVIDENCE = 2  # skills shown in dated positions that place a resume in a profession
MAX_COPY_CHECKS = 20_000


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str
    weight: float
    kind: str  # required | preferred | mentioned


@dataclass(slots=True)
class JobContext:
    """What scoring needs from one job, worked out once per ranking."""

    title: str
    requirements: list[Requirement]
    min_years: float | None
    education_level: str
    title_stems: frozenset[str]
    matrix: np.ndarray | None  # rows: job vector, title vector, requirement vectors, description sentences
    sentence_rows: slice = field(default_factory=lambda: slice(0, 0))
    description: CopySource = field(default_factory=lambda: CopySource.of(""))
    # the job's profession and its neighbours (taxonomy roles), with the taxonomy that places resumes in them
    professions: frozenset[str] = frozenset()
    taxonomy: SkillTaxonomy | None = None
    profession_skills: frozenset[str] = frozenset()  # the skills of those professions, casefolded
    copied_claims: dict[str, bool] = field(default_factory=dict)  # listed line -> copies the description

    def copies_description(self, line: str) -> bool:
        """The ATS check's rule for a listed line (a summary, a skills line); remembered per line, as most
        applicants' skills lines recur, up to ``MAX_COPY_CHECKS`` lines per job."""
        known = self.copied_claims.get(line)
        if known is None:
            known = is_copied(line, self.description)
            if len(self.copied_claims) < MAX_COPY_CHECKS:
                self.copied_claims[line] = known
        return known

    @classmethod
    def build(cls, title: str, description: str, required: Sequence[str], preferred: Sequence[str],
              min_years: float | None, education_level: str, embedder: Any | None,
              taxonomy: SkillTaxonomy | None = None) -> JobContext:
        taxonomy = taxonomy or default_taxonomy()
        requirements: dict[str, Requirement] = {}
        for names, weight, kind in ((required, REQUIRED, "required"), (preferred, PREFERRED, "preferred"),
                                    (taxonomy.extract(description), MENTIONED, "mentioned")):
            for raw in names:
                name = taxonomy.normalize(raw)
                requirements.setdefault(name.casefold(), Requirement(name, weight, kind))
        sentences = [s.strip() for s in re.split(r"(?<=[.!?;])\s+|\n+", description) if len(s.split()) >= 4]
        sentences = list(dict.fromkeys(sentences))[:MAX_JOB_SENTENCES]
        reqs = list(requirements.values())
        matrix = None
        if embedder is not None:
            matrix = embedder.embed([f"{title}. {description}"[:2000], title, *(r.name for r in reqs), *sentences])
        start = 2 + len(reqs)
        professions = taxonomy.neighbouring(taxonomy.professions_of(
            r.name for r in reqs if r.kind != "mentioned"))
        return cls(title, reqs, min_years, education_level, title_stems(title), matrix,
                   slice(start, start + len(sentences)), CopySource.of(description), professions, taxonomy,
                   frozenset().union(*(taxonomy.role_skills(p) for p in professions)))


@dataclass(frozen=True, slots=True)
class Reason:
    component: str
    text: str
    evidence: str | None = None  # the resume line it rests on

    def as_dict(self) -> dict[str, Any]:
        return {"component": self.component, "text": self.text, "evidence": self.evidence}


@dataclass(slots=True)
class Scored:
    key: Hashable
    total: float
    breakdown: dict[str, float]
    weights: dict[str, float]
    matched_skills: list[str]
    missing_required: list[str]
    missing_preferred: list[str]
    reasons: list[Reason]
    flags: list[dict[str, Any]] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {"total": self.total, "breakdown": self.breakdown, "weights": self.weights,
                "matched_skills": self.matched_skills, "missing_skills": self.missing_required + self.missing_preferred,
                "missing_required": self.missing_required, "missing_preferred": self.missing_preferred,
                "explanation": [r.text for r in self.reasons], "reasons": [r.as_dict() for r in self.reasons],
                "flags": self.flags}


def recommendation(scored: Scored) -> str:
    gaming = [f["code"] for f in scored.flags if f["code"] in GAMING_FLAGS]
    if gaming:
        return "Review by hand - the resume " + ", ".join(code.replace("_", " ") for code in gaming)
    if scored.total >= 80:
        return "Strong match - consider for interview"
    if scored.total >= 65:
        probe = scored.missing_required[:3]
        return "Good match - worth a screening call" + (f"; probe {', '.join(probe)}" if probe else "")
    if scored.total >= 50:
        gaps = scored.missing_required[:3] or scored.missing_preferred[:3]
        return "Partial match" + (f" - missing {', '.join(gaps)}" if gaps else " - review manually")
    return "Weak match - not recommended for this role"


def _quote(line: str | None) -> str:
    return f"\u201c{line[:120]}\u201d" if line else ""


def score_profiles(context: JobContext, items: Sequence[tuple[Hashable, dict[str, Any], float | None]],
                   weights: MatchWeights = MatchWeights(), explain: bool = True) -> list[Scored]:
    """Score (key, profile, interview score or None) items for one job. ``explain=False`` leaves the reasons
    out (the same numbers, about a third faster): a ranking stores scores and explains the page it shows."""
    dim = context.matrix.shape[1] if context.matrix is not None else 0
    unit_sims, title_sims = _similarities(context, items, dim)
    return [_score_one(context, key, profile, interview, unit_sims[i], title_sims[i], weights, explain)
            for i, (key, profile, interview) in enumerate(items)]


def _similarities(context: JobContext, items: Sequence[tuple[Hashable, dict[str, Any], float | None]],
                  dim: int) -> tuple[list[np.ndarray | None], list[np.ndarray | None]]:
    """Per item: its evidence lines x job rows cosine matrix, and its titles x job-title cosines."""
    if context.matrix is None:
        return [None] * len(items), [None] * len(items)
    units = [dequantise(profile.get("unit_vectors"), dim) for _, profile, _ in items]
    titles = [dequantise(profile.get("title_vectors"), dim) for _, profile, _ in items]
    unit_all = np.concatenate(units) if units else np.zeros((0, dim), np.float32)
    title_all = np.concatenate(titles) if titles else np.zeros((0, dim), np.float32)
    unit_matrix = unit_all @ context.matrix.T
    title_vector = title_all @ context.matrix[1]
    unit_out, title_out, u, t = [], [], 0, 0
    for unit_rows, title_rows in zip(units, titles, strict=True):
        unit_out.append(unit_matrix[u:u + len(unit_rows)])
        title_out.append(title_vector[t:t + len(title_rows)])
        u, t = u + len(unit_rows), t + len(title_rows)
    return unit_out, title_out


def _score_one(context: JobContext, key: Hashable, profile: dict[str, Any], interview: float | None,
               unit_sims: np.ndarray | None, title_sims: np.ndarray | None, weights: MatchWeights,
               explain: bool = True) -> Scored:
    components: dict[str, float] = {}
    reasons: list[Reason] = []
    flags = list(profile.get("flags", []))
    units: list[str] = profile.get("units", [])
    positions: list[dict[str, Any]] = profile.get("positions", [])

    copied: set[int] = set()
    if unit_sims is not None and len(unit_sims) and context.sentence_rows.stop > context.sentence_rows.start:
        # close in meaning is not copied: an engineer's "Built Python services on PostgreSQL" sits at 0.91 to
        # "Build Python services on PostgreSQL"; a copy also shares its runs of words (the ATS check's rule)
        close = np.flatnonzero(unit_sims[:, context.sentence_rows].max(axis=1) >= COPIED_SENTENCE).tolist()
        copied = {i for i in close if i < len(units) and is_copied(units[i], context.description, short_lines=True)}
    copied_lines = {units[i] for i in copied if i < len(units)}
    usable = [i for i in range(len(units)) if i not in copied]

    # ---- skills
    have = {s["name"].casefold(): s for s in profile.get("skills", [])}
    dated = bool(positions)
    keyword_list = any(flag["code"] == "keyword_list" for flag in flags)  # a list, not a career: earns nothing
    matched, missing_required, missing_preferred = [], [], []
    earned = possible = 0.0
    first_row = 2
    for index, requirement in enumerate(context.requirements):
        possible += requirement.weight
        found = have.get(requirement.name.casefold())
        credit, evidence, how = 0.0, None, ""
        if found is not None:
            evidence = found["line"]
            if found["evidenced"] and evidence not in copied_lines:
                credit, how = 1.0, "shown in"
            elif evidence in copied_lines or context.copies_description(evidence):
                copied_lines.add(evidence)  # a pasted job text claims what the job asks for: nothing
            else:
                credit = LISTED_CREDIT if dated else 0.0 if keyword_list else UNBACKED_CREDIT
                how = "only listed in" if dated else "listed, with no dated position behind it, in"
        elif unit_sims is not None and usable:
            column = unit_sims[usable, first_row + index]
            best = int(np.argmax(column))
            if column[best] >= SEMANTIC_EVIDENCE:
                credit, evidence, how = SEMANTIC_CREDIT, units[usable[best]], "close in meaning to"
        if credit:
            earned += requirement.weight * credit
            matched.append(requirement.name)
            if explain and (requirement.kind != "mentioned" or credit == 1.0):
                reasons.append(Reason("skills", f"{requirement.name} ({requirement.kind}): {how} {_quote(evidence)}",
                                      evidence))
        else:
            if explain and found is not None and requirement.kind != "mentioned":
                where = ("a line copying the job description" if evidence in copied_lines
                         else "a keyword list with no dated position behind it")
                reasons.append(Reason("skills", f"{requirement.name} ({requirement.kind}): earns nothing, only in "
                                                f"{where}: {_quote(evidence)}", evidence))
            if requirement.kind == "required":
                missing_required.append(requirement.name)
            elif requirement.kind == "preferred":
                missing_preferred.append(requirement.name)
    if copied_lines:
        example = units[min(copied)] if copied else sorted(copied_lines)[0]
        flags.append({"code": "copied_job_description",
                      "message": f"{len(copied_lines)} line(s) repeat the job description nearly word for word and "
                                 f"earn nothing, e.g. {_quote(example)}"})
    neighbour = None
    if possible:
        components["skills"] = 100 * earned / possible
        if components["skills"] < NEIGHBOUR_SKILLS and context.professions and dated and not keyword_list:
            neighbour = _neighbouring_work(context, profile, copied_lines)
        required_total = sum(1 for r in context.requirements if r.kind == "required")
        if explain and missing_required:
            reasons.append(Reason("skills", f"Missing required: {', '.join(missing_required)} "
                                            f"({required_total - len(missing_required)} of {required_total} "
                                            "required skills found)"))
        if explain and missing_preferred:
            reasons.append(Reason("skills", f"Missing preferred (not required): {', '.join(missing_preferred)}"))

    # ---- experience and career
    related = []
    job_skills = {r.name.casefold() for r in context.requirements}
    for index, position in enumerate(positions):
        shown = len(job_skills & {s.casefold() for s in position.get("skills", [])})
        words_shared = bool(context.title_stems & title_stems(position.get("title") or ""))
        similarity = float(title_sims[index]) if title_sims is not None and index < len(title_sims) else 0.0
        if (shown >= 2 or (shown and (words_shared or similarity >= RELATED_TITLE)) or similarity >= SAME_TITLE
                or (words_shared and title_sims is None) or not context.title_stems):
            related.append(index)
    spans = [_span(positions[i]) for i in related]
    years = years_covered_by(s for s in spans if s) or 0.0
    if context.min_years:
        components["experience"] = 100 * min(1.0, years / context.min_years)
        if related:
            best = max(related, key=lambda i: positions[i].get("months") or 0)
            if explain:
                reasons.append(Reason("experience", f"{years:g} years in related roles against {context.min_years:g} "
                                                    f"required, e.g. {_quote(positions[best].get('line'))}",
                                      positions[best].get("line")))
        elif positions:
            if explain:
                reasons.append(Reason("experience", f"None of the {len(positions)} dated positions relates to "
                                                    f"\u201c{context.title}\u201d ({context.min_years:g} years required)"))
        else:
            claimed = profile.get("stated_years")
            if explain:
                reasons.append(Reason("experience", (f"{claimed:g} years claimed, but no dated position shows them"
                                                     if claimed else "No dated positions")
                                      + f" ({context.min_years:g} years required)"))
    if positions:
        # only related positions speak for a career in this role: their tenure, their share, and seniority
        tenure = sum(min(1.0, (positions[i].get("months") or 0) / FULL_TENURE_MONTHS) for i in related) / len(positions)
        relevance = len(related) / len(positions)
        # seniority: related years past the job's minimum, full at SENIOR_EXTRA_YEARS more (a senior above
        # someone who just meets it, whatever the minimum); half of the component
        past = years - (context.min_years or 0.0)
        seniority = min(1.0, max(0.0, past) / SENIOR_EXTRA_YEARS)
        components["career_consistency"] = 100 * (tenure / 4 + relevance / 4 + seniority / 2)
        average = sum(p.get("months") or 0 for p in positions) / len(positions)
        if explain:
            reasons.append(Reason("career_consistency", f"Average tenure {average:.0f} months; {len(related)} of "
                                                        f"{len(positions)} positions relate to the role; {years:g} "
                                                        "related years"))

    # ---- education: the job's required degree
    required_rank = DEGREE_RANK.get(context.education_level, 0)
    if required_rank:
        degree = profile.get("degree") or "none"
        shortfall = required_rank - DEGREE_RANK.get(degree, 0)
        level = 100.0 if shortfall <= 0 else 50.0 if shortfall == 1 else 0.0
        # a degree speaks for a career in this work: an unrelated resume's degree is not part of a match
        relevance = _relevance(components)
        components["education"] = level * relevance
        line = profile.get("degree_line")
        counted = f" (counted at {relevance:.0%}: the resume shows little of this job's work)" if relevance < 1 else ""
        if explain:
            reasons.append(Reason("education", f"Education: {degree} against {context.education_level} required{counted}"
                                               + (f" - {_quote(line)}" if line else ""), line))

    # ---- semantic similarity of the evidence
    if unit_sims is not None:
        if usable:
            closest = np.sort(unit_sims[usable, 0])[::-1][:3]
            similarity = float(closest.mean())
            best_line = units[usable[int(np.argmax(unit_sims[usable, 0]))]]
            components["text_similarity"] = 100 * float(np.clip((similarity - SIMILARITY_FLOOR)
                                                                / (SIMILARITY_FULL - SIMILARITY_FLOOR), 0, 1)) * _relevance(components)
            if explain:
                reasons.append(Reason("text_similarity", f"Evidence close to the job (cosine {similarity:.2f}), closest: "
                                                         f"{_quote(best_line)}", best_line))
        else:
            components["text_similarity"] = 0.0
            if explain:
                reasons.append(Reason("text_similarity", "No position or project line to compare with the job"))

    if interview is not None:
        components["interview"] = max(0.0, min(100.0, interview))
        if explain:
            reasons.append(Reason("interview", f"Interview: {components['interview']:g}/100"))
    for flag in flags:
        if explain:
            reasons.append(Reason("flags", flag["message"]))

    if neighbour is not None:
        # after the gates: a neighbour's evidence is some toward the job, too little to make its degree or
        # its wording count
        profession, line = neighbour
        components["skills"] = NEIGHBOUR_SKILLS
        if explain:
            reasons.append(Reason("skills", f"Dated positions show the work of a neighbouring profession "
                                            f"({profession.replace('_', ' ')}), e.g. {_quote(line)}", line))
    effective, rounded = effective_weights(weights, tuple(components))
    total = sum(components[name] * w for name, w in effective.items())
    return Scored(key, round(total, 1), {k: round(v, 1) for k, v in components.items()}, dict(rounded), matched,
                  missing_required, missing_preferred, reasons, flags)


def _neighbouring_work(context: JobContext, profile: dict[str, Any], copied: set[str]) -> tuple[str, str] | None:
    """(profession, a line showing it) when the skills the resume's dated positions show place it in the
    job's profession or a neighbouring one; claims (a skills list, a summary) place it nowhere, and a job
    title alone ("Help Desk Technician") neither: a line describing the work must show one of the skills."""
    taxonomy = context.taxonomy or default_taxonomy()
    if len(context.profession_skills & {s["name"].casefold() for s in profile.get("skills", [])}) < NEIGHBOUR_EVIDENCE:
        return None  # most unrelated resumes: too few of those professions' skills even listed
    shown = {s["name"]: s["line"] for s in profile.get("skills", []) if s["evidenced"] and s["line"] not in copied}
    titles = {position.get("line") for position in profile.get("positions", [])}
    for profession in sorted(taxonomy.professions_of(shown, NEIGHBOUR_EVIDENCE) & context.professions):
        lines = [line for name, line in shown.items() if name.casefold() in taxonomy.role_skills(profession)]
        described = [line for line in lines if line not in titles]
        if described:
            return profession, described[0]
    return None


def _relevance(components: dict[str, float]) -> float:
    """How far the resume shows the job's skills or related experience, as a 0-1 gate for what says little
    on its own (a degree, wording close to the job): full from half the skills or half the years."""
    shown = [components[name] for name in ("skills", "experience") if name in components]
    return min(1.0, max(shown) / (100 * FULL_RELEVANCE)) if shown else 1.0


def _span(position: dict[str, Any]) -> tuple[int, int] | None:
    start, end = position.get("start"), position.get("end")
    if not start or not end:
        return None
    sy, sm, ey, em = int(start[:4]), int(start[5:7]), int(end[:4]), int(end[5:7])
    return sy * 12 + sm - 1, ey * 12 + em - 1


def rank(scored: list[Scored]) -> list[tuple[Scored, int, float]]:
    """(scored, competition rank, percentile) best first; ties broken by key for a stable order."""
    ordered = sorted(scored, key=lambda s: (-s.total, str(s.key)))
    totals = np.array(sorted(s.total for s in scored))
    out = []
    for item in ordered:
        better = len(totals) - int(np.searchsorted(totals, item.total, side="right"))
        lower = int(np.searchsorted(totals, item.total, side="left"))
        percentile = 100.0 if len(scored) == 1 else round(100 * lower / (len(scored) - 1), 1)
        out.append((item, better + 1, percentile))
    return out
