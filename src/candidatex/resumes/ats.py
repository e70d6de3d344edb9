"""ATS analysis: how well a resume would pass an applicant-tracking screen for one job, and how to fix it.

Score (0-100) = skills coverage 45 + job-description keywords 25 + structure checks 20 + job title 10.
Skills the recruiter listed as required weigh twice as much as preferred ones and others the description
mentions. The rules are the ranking's (matching/engine.py): with a prepared profile, a skill a dated position
or project shows counts in full, one that is only listed counts half (a quarter with no dated position at
all); lines that copy the job description count for nothing; hidden PDF text was never read; repeating a
word adds nothing (everything is counted as a set).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from candidatex.resumes.parsing import ParsedResume, covered_years, stated_years
from candidatex.resumes.taxonomy import STOPWORDS, SkillTaxonomy, default_taxonomy, stem

SKILLS_POINTS = 45.0
KEYWORD_POINTS = 25.0
STRUCTURE_POINTS = 20.0
TITLE_POINTS = 10.0
MAX_JOB_KEYWORDS = 20
GOOD_LENGTH_WORDS = (200, 1200)

# Words every job ad uses; matching them says nothing about fit.
_JOB_AD_WORDS = frozenset(
    ["company", "companies", "opportunity", "opportunities", "benefit", "benefits", "salary", "apply", "applicant", "applicants", "offer", "offers", "position", "positions", "seeking", "seek", "hire", "hiring", "environment", "culture", "mission", "world", "help", "people", "day", "days", "based", "remote", "hybrid", "office", "full", "time", "part", "equal", "employer", "within", "across", "ensure", "responsible", "successful", "skill", "skills", "knowledge", "understanding", "familiarity", "proficiency", "proficient", "degree", "bachelor", "master", "qualification", "qualifications", "must", "nice", "have", "has", "what", "who", "want", "wants", "get", "make", "makes", "build", "builds"]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z+#.\-]*[A-Za-z+#]|[A-Za-z]")


@dataclass(frozen=True, slots=True)
class SectionCheck:
    name: str  # contact | experience_dates | education | skills_section | length
    passed: bool
    detail: str


@dataclass(frozen=True, slots=True)
class AtsReport:
    score: int
    keyword_matches: list[str]
    missing_keywords: list[str]
    matched_skills: list[str]
    missing_skills: list[str]  # required skills first
    section_checks: list[SectionCheck]
    suggestions: list[str]
    score_breakdown: dict[str, float] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)
    missing_preferred: list[str] = field(default_factory=list)
    experience_years: float | None = None  # covered by dated positions
    highest_degree: str = "none"
    flags: list[dict[str, str]] = field(default_factory=list)  # hidden text, copied lines, keyword lists


def _surface_terms(text: str, taxonomy: SkillTaxonomy) -> Counter[str]:
    """Stem -> count of the description's content words, skill names excluded (they are scored as skills)."""
    for spellings in taxonomy.find_mentions(text).values():
        for spelling in spellings:
            text = re.sub(re.escape(spelling), " ", text, flags=re.IGNORECASE)
    counts: Counter[str] = Counter()
    for word in _WORD.findall(text):
        lowered = word.lower().strip(".-")
        if len(lowered) < 3 or lowered in STOPWORDS or lowered in _JOB_AD_WORDS:
            continue
        counts[lowered] += 1
    return counts


def job_keywords(job_title: str, job_description: str, taxonomy: SkillTaxonomy | None = None) -> list[str]:
    """The description's most telling words (title words count double), most frequent first."""
    taxonomy = taxonomy or default_taxonomy()
    counts = _surface_terms(job_description, taxonomy)
    for word, count in _surface_terms(job_title, taxonomy).items():
        counts[word] += 2 * count
    by_stem: dict[str, tuple[int, str]] = {}
    for word, count in counts.items():
        total, surface = by_stem.get(stem(word), (0, word))
        by_stem[stem(word)] = (total + count, surface)
    ranked = sorted(by_stem.values(), key=lambda item: (-item[0], item[1]))
    return [surface for _, surface in ranked[:MAX_JOB_KEYWORDS]]


def _resume_stems(text: str) -> set[str]:
    return {stem(word.lower().strip(".-")) for word in _WORD.findall(text)}


def _plain(name: str) -> str:
    """Spelling-insensitive form, so "REST APIs" counts as writing "REST API" in full."""
    return re.sub(r"[\s.\-]", "", name.casefold()).removesuffix("s")


def _names(skills: list[str]) -> str:
    return skills[0] if len(skills) == 1 else ", ".join(skills[:-1]) + " and " + skills[-1]


_SHINGLE = 5
COPIED_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class CopySource:
    """A text's runs of five words, and its words joined, for telling copies of it."""

    shingles: frozenset[tuple[str, ...]]
    words: str

    @classmethod
    def of(cls, text: str) -> CopySource:
        words = _words(text)
        return cls(frozenset(tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)),
                   f" {' '.join(words)} ")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def is_copied(line: str, source: CopySource, short_lines: bool = False) -> bool:
    """Most of the line's runs of five words come from the source; with ``short_lines``, a line of three or
    four words that the source holds whole (matching checks only lines already near-identical in meaning:
    a skills line such as "Python, PostgreSQL and Kubernetes" is no copy of the job that asks for them)."""
    words = _words(line)
    if len(words) < _SHINGLE:
        return short_lines and len(words) >= 3 and f" {' '.join(words)} " in source.words
    own = {tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}
    return len(own & source.shingles) / len(own) >= COPIED_SHARE


def copied_lines(resume_text: str, job_description: str) -> list[str]:
    """Resume lines that mostly repeat the job description word for word."""
    source = CopySource.of(job_description)
    return [line.strip() for line in resume_text.split("\n") if source.words.strip() and is_copied(line, source)]


def ats_analysis(
    parsed_resume: ParsedResume,
    resume_text: str,
    job_title: str,
    job_description: str,
    required_skills: list[str] | None = None,
    taxonomy: SkillTaxonomy | None = None,
    preferred_skills: list[str] | None = None,
    profile: dict[str, Any] | None = None,
) -> AtsReport:
    taxonomy = taxonomy or default_taxonomy()
    required = list(dict.fromkeys(taxonomy.normalize(s) for s in required_skills or [] if s.strip()))
    preferred = [s for s in dict.fromkeys(taxonomy.normalize(s) for s in preferred_skills or [] if s.strip())
                 if s not in required]
    mentioned = [s for s in taxonomy.extract(job_title + "\n" + job_description) if s not in required + preferred]
    copied = copied_lines(resume_text, job_description)
    if copied:  # a pasted job description is not the candidate's evidence
        kept = set(copied)
        resume_text = "\n".join(line for line in resume_text.split("\n") if line.strip() not in kept)
    credit: dict[str, float] = {}
    if profile is not None:
        dated = bool(profile.get("positions"))
        for skill in profile.get("skills", []):
            shown = skill["evidenced"] and skill["line"] not in copied
            credit[skill["name"].casefold()] = 1.0 if shown else 0.5 if dated else 0.25
        present = {s.casefold() for s in taxonomy.extract(resume_text)}
        credit = {name: value for name, value in credit.items() if name in present}
    else:
        credit = {s.casefold(): 1.0 for s in [*parsed_resume.skills, *taxonomy.extract(resume_text)]}

    def split(skills: list[str]) -> tuple[list[str], list[str]]:
        return [s for s in skills if s.casefold() in credit], [s for s in skills if s.casefold() not in credit]

    required_hit, required_miss = split(required)
    preferred_hit, preferred_miss = split(preferred)
    mentioned_hit, mentioned_miss = split(mentioned)
    skill_weight_total = 2 * len(required) + len(preferred) + len(mentioned)
    earned = (2 * sum(credit[s.casefold()] for s in required_hit)
              + sum(credit[s.casefold()] for s in preferred_hit + mentioned_hit))
    skills_points = SKILLS_POINTS * earned / skill_weight_total if skill_weight_total else SKILLS_POINTS

    wanted_words = job_keywords(job_title, job_description, taxonomy)
    resume_stems = _resume_stems(resume_text)
    keyword_matches = [w for w in wanted_words if stem(w) in resume_stems]
    missing_keywords = [w for w in wanted_words if stem(w) not in resume_stems]
    keyword_points = KEYWORD_POINTS * len(keyword_matches) / len(wanted_words) if wanted_words else KEYWORD_POINTS

    checks = _section_checks(parsed_resume)
    structure_points = STRUCTURE_POINTS * sum(c.passed for c in checks) / len(checks)

    title_words = {stem(w.lower()) for w in _WORD.findall(job_title) if w.lower() not in STOPWORDS}
    title_hits = title_words & resume_stems
    title_points = TITLE_POINTS * len(title_hits) / len(title_words) if title_words else TITLE_POINTS

    suggestions = _suggestions(
        parsed_resume, job_title, job_description, required_miss, preferred_miss + mentioned_miss, missing_keywords,
        checks, title_words - title_hits, required_hit + preferred_hit + mentioned_hit,
    )
    flags = list((profile or {}).get("flags", []))
    if copied:
        flags.append({"code": "copied_job_description",
                      "message": f"{len(copied)} line(s) copy the job description and count for nothing"})
        suggestions.insert(0, "Describe your own work instead of repeating the job description: copied lines "
                              "count for nothing.")
    listed_only = [s for s in required_hit + preferred_hit if credit[s.casefold()] < 1.0]
    if profile is not None and listed_only:
        suggestions.insert(0, f"{_names(listed_only[:4])} {'is' if len(listed_only) == 1 else 'are'} only listed; "
                              "show where you used them in a dated position or project to get full credit.")
    breakdown = {
        "skills": round(skills_points, 1),
        "keywords": round(keyword_points, 1),
        "structure": round(structure_points, 1),
        "title": round(title_points, 1),
    }
    return AtsReport(
        score=round(sum(breakdown.values())),
        keyword_matches=keyword_matches,
        missing_keywords=missing_keywords,
        matched_skills=required_hit + preferred_hit + mentioned_hit,
        missing_skills=required_miss + preferred_miss + mentioned_miss,
        section_checks=checks,
        suggestions=suggestions,
        score_breakdown=breakdown,
        missing_required=required_miss,
        missing_preferred=preferred_miss,
        experience_years=covered_years(parsed_resume.positions),
        highest_degree=parsed_resume.highest_degree,
        flags=flags,
    )


def _section_checks(parsed: ParsedResume) -> list[SectionCheck]:
    contact = parsed.contact
    missing_contact = [name for name, value in (("email", contact.email), ("phone", contact.phone)) if not value]
    dated = [p for p in parsed.positions if p.start is not None]
    low, high = GOOD_LENGTH_WORDS
    return [
        SectionCheck(
            "contact",
            not missing_contact,
            "email and phone found" if not missing_contact else f"missing {' and '.join(missing_contact)}",
        ),
        SectionCheck(
            "experience_dates",
            bool(dated),
            f"{len(dated)} dated position(s)" if dated else "no position has a readable date range",
        ),
        SectionCheck(
            "education",
            bool(parsed.education),
            f"highest degree: {parsed.highest_degree}" if parsed.education else "no degree found",
        ),
        SectionCheck(
            "skills_section",
            "skills" in parsed.sections,
            "a Skills heading is present" if "skills" in parsed.sections else "no Skills heading",
        ),
        SectionCheck("length", low <= parsed.word_count <= high, f"{parsed.word_count} words (aim for {low}-{high})"),
    ]


def _suggestions(
    parsed: ParsedResume,
    job_title: str,
    job_description: str,
    required_missing: list[str],
    other_missing: list[str],
    missing_keywords: list[str],
    checks: list[SectionCheck],
    missing_title_words: set[str],
    matched_skills: list[str],
) -> list[str]:
    tips: list[str] = []
    if required_missing:
        tips.append(
            f"The job requires {_names(required_missing)}, which your resume does not mention. If you have used "
            f"{'it' if len(required_missing) == 1 else 'them'}, name "
            f"{'it' if len(required_missing) == 1 else 'each one'} in the position or project where you did."
        )
    if other_missing:
        tips.append(f"The description also mentions {_names(other_missing[:6])}; add any you have real experience with.")
    synonym_only = [
        skill for skill in matched_skills
        if skill in parsed.skill_evidence
        and all(_plain(spelling) != _plain(skill) for spelling in parsed.skill_evidence[skill])
    ]
    for skill in synonym_only[:3]:
        spelling = parsed.skill_evidence[skill][0]
        tips.append(f"Write \"{skill}\" in full next to \"{spelling}\": some ATS filters match only the exact term.")
    if missing_keywords:
        quoted = ", ".join(f'"{word}"' for word in missing_keywords[:8])
        tips.append(f"Where it is true for you, use the description's own words: {quoted}.")
    if missing_title_words:
        tips.append(f'Name the target role "{job_title.strip()}" in your summary or headline.')
    wanted_years = stated_years(job_description)
    if wanted_years and (parsed.years_experience or 0) < wanted_years:
        shown = f"{parsed.years_experience:g}" if parsed.years_experience else "no"
        tips.append(
            f"The job asks for {wanted_years:g}+ years; your resume shows {shown} years. "
            "Give every relevant position a date range so the full span is counted."
        )
    failed = {check.name: check for check in checks if not check.passed}
    if "contact" in failed:
        tips.append(f"Add your {failed['contact'].detail.removeprefix('missing ')} at the top of the resume.")
    if "experience_dates" in failed:
        tips.append('Give every position a date range such as "Jan 2020 – Mar 2023"; ATS parsers compute experience from it.')
    if "education" in failed:
        tips.append("Add an Education section with degree, field, institution and year (or relevant certifications).")
    if "skills_section" in failed:
        tips.append('Add a "Skills" section listing your tools and technologies; ATS parsers look for that heading.')
    if "length" in failed:
        low, high = GOOD_LENGTH_WORDS
        if parsed.word_count < low:
            tips.append(
                f"At {parsed.word_count} words the resume is thin: describe what you built and its results "
                f"(aim for {low}-{high} words)."
            )
        else:
            tips.append(f"At {parsed.word_count} words the resume is long: keep the most relevant roles (under {high}).")
    return tips
