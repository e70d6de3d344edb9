"""Prepared profiles: what ranking needs from a resume, worked out once when the resume is parsed.

A profile holds, per canonical skill, the resume line that shows it and whether that line is evidence
(a dated position or a project) or only a claim (a skills list, a summary); the dated positions with their
lines; the highest degree with its line; and sentence vectors of the evidence lines and position titles
(int8, 384 dims), so ranking 10,000 applicants reads stored numbers and embeds nothing. An evidence line is
embedded with the canonical names of the skills it shows in other words ("Beatmung" -> Ventilator
Management): the sentence model is English-only, and the taxonomy's Spanish, French and German aliases carry
a non-English line's meaning to it (an English line naming its skills gets nothing added).

Gaming signals are found here too: hidden PDF text (already left out of the text), lines repeated to
stuff keywords (counted once), and long keyword lists with no dated position behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np

from candidatex.resumes.parsing import (
    DEGREE_RANK,
    ParsedResume,
    covered_years,
    is_heading,
    line_sections,
    stated_years,
)
from candidatex.resumes.taxonomy import SkillTaxonomy, default_taxonomy

PROFILE_VERSION = 5  # 3: non-English evidence lines glossed; 4: verb-first skills, grouped positions share lines;
# 5: taxonomy aliases for B2B deals, financial models, budgets, Spanish A/B tests
MAX_UNITS = 16  # evidence lines embedded per resume
MIN_UNIT_WORDS = 4
EVIDENCE_SECTIONS = frozenset({"experience", "projects"})
POSITION_BLOCK_LINES = 8  # lines after a dated position that describe it
KEYWORD_DUMP_SKILLS = 20  # this many skills with no dated position is a list, not a career
REPEATED_LINE_TIMES = 3

def quantise(vectors: np.ndarray) -> bytes:
    """Unit vectors as int8 (x127): a quarter of the size, cosine error below 0.01."""
    return np.clip(np.round(vectors * 127), -127, 127).astype(np.int8).tobytes()

def dequantise(data: bytes | None, dim: int) -> np.ndarray:
    if not data:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(data, dtype=np.int8).reshape(-1, dim).astype(np.float32) / 127.0

@dataclass(frozen=True, slots=True)
class _Line:
    index: int
    text: str
    section: str | None
    position_line: int | None  # the line of the dated position whose block this line is in

    @property
    def in_position(self) -> bool:
        return self.position_line is not None

def _lines(text: str, parsed: ParsedResume) -> tuple[list[_Line], dict[int, list[int]]]:
    """The resume's lines with the dated position each describes, and the positions listed one under the
    other with no line of their own between them (their description lines describe them all)."""
    raw = text.split("\n")
    sections = line_sections(text)
    position_lines = {p.line for p in parsed.positions if p.line is not None and p.months}
    owners: list[int | None] = []
    groups: dict[int, list[int]] = {}
    owner = None
    for index, line in enumerate(raw):
        if index in position_lines:
            group: list[int] = groups.pop(owner, [owner]) if owner is not None and owner == index - 1 else []
            owner = index
            groups[owner] = [*group, index]
        elif owner is not None and (is_heading(line) or index - owner > POSITION_BLOCK_LINES):
            owner = None
        owners.append(owner)
    return [_Line(i, line.strip(), sections[i], owners[i]) for i, line in enumerate(raw)], groups

def _is_evidence(line: _Line) -> bool:
    return line.in_position or line.section in EVIDENCE_SECTIONS

def build_profile(text: str, parsed: ParsedResume, embedder: Any | None,
                  taxonomy: SkillTaxonomy | None = None) -> dict[str, Any]:
    """The stored profile of one resume (plain BSON-ready values)."""
    taxonomy = taxonomy or default_taxonomy()
    lines, groups = _lines(text, parsed)
    seen_lines: dict[str, int] = {}
    skills: dict[str, dict[str, Any]] = {}
    units: list[str] = []
    glossed: list[str] = []  # what is embedded: the line and the names of the skills it shows in other words
    position_skills: dict[int, set[str]] = {}
    for line in lines:
        if not line.text or is_heading(line.text):
            continue
        key = " ".join(line.text.lower().split())
        seen_lines[key] = seen_lines.get(key, 0) + 1
        if seen_lines[key] > 1:
            continue  # a repeated line adds nothing
        evidence = _is_evidence(line)
        found = taxonomy.extract(line.text)
        if line.position_line is not None:
            for position_line in groups.get(line.position_line, [line.position_line]):
                position_skills.setdefault(position_line, set()).update(found)
        for name in found:
            known = skills.get(name)
            if known is None or (evidence and not known["evidenced"]):
                skills[name] = {"name": name, "line": line.text[:300], "line_no": line.index,
                                "section": line.section, "evidenced": evidence}
        if evidence and len(line.text.split()) >= MIN_UNIT_WORDS and len(units) < MAX_UNITS:
            units.append(line.text[:300])
            named = [name for name in found if name.casefold() not in line.text.casefold()]
            glossed.append(f"{line.text[:300]} ({', '.join(named)})" if named else line.text[:300])

    dated = [p for p in parsed.positions if p.months]
    raw_lines = text.split("\n")
    positions = [{"title": p.title, "company": p.company, "start": p.start.isoformat() if p.start else None,
                  "end": p.end.isoformat() if p.end else None, "months": p.months,
                  "line": raw_lines[p.line].strip()[:300] if p.line is not None else None,
                  "skills": sorted(position_skills.get(p.line, set())) if p.line is not None else []}
                 for p in dated]
    degree = max(parsed.education, key=lambda e: DEGREE_RANK[e.degree_level], default=None)
    degree_line = None
    if degree is not None:
        degree_line = next((ln.text for ln in lines if ln.section == "education" and ln.text
                            and (degree.institution or degree.field or "\0") in ln.text), None)
    flags = _flags(parsed, skills, seen_lines, dated)
    titles = [p["title"] or "" for p in positions]
    vectors = titles_vectors = b""
    model = None
    if embedder is not None:
        model = embedder.model_name
        if units:
            vectors = quantise(embedder.embed(glossed))
        if titles:
            titles_vectors = quantise(embedder.embed(titles))
    return {
        "version": PROFILE_VERSION,
        "skills": list(skills.values()),
        "positions": positions,
        "dated_years": covered_years(dated),
        "stated_years": stated_years(text),
        "degree": degree.degree_level if degree else "none",
        "degree_line": degree_line,
        "units": units,
        "unit_vectors": vectors,
        "title_vectors": titles_vectors,
        "embedding_model": model,
        "flags": flags,
    }

def _flags(parsed: ParsedResume, skills: dict[str, dict[str, Any]], seen_lines: dict[str, int],
           dated: list[Any]) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    if parsed.hidden_text:
        reasons = sorted({span["reason"] for span in parsed.hidden_text})
        sample = "; ".join(span["text"] for span in parsed.hidden_text[:3])
        flags.append({"code": "hidden_text", "message": f"Hidden text ({', '.join(reasons)}) was ignored: "
                                                        f"\u201c{sample[:160]}\u201d"})
    repeated = [line for line, times in seen_lines.items() if times >= REPEATED_LINE_TIMES]
    if repeated:
        flags.append({"code": "repeated_lines", "message": f"{len(repeated)} line(s) repeated "
                                                           f"{max(seen_lines.values())} times; counted once"})
    claimed = [s for s in skills.values() if not s["evidenced"]]
    if not dated and len(skills) >= KEYWORD_DUMP_SKILLS:
        flags.append({"code": "keyword_list", "message": f"{len(skills)} skills listed but no dated position "
                                                         "or project shows them"})
    elif len(claimed) >= 2 * KEYWORD_DUMP_SKILLS:
        flags.append({"code": "keyword_list", "message": f"{len(claimed)} skills are only listed, "
                                                         "not shown in any position or project"})
    if not dated and (stated_years_or_zero := (parsed.years_experience or 0)) >= 1:
        flags.append({"code": "unbacked_years", "message": f"{stated_years_or_zero:g} years claimed with no dated "
                                                           "position to show them"})
    return flags

def profile_is_current(profile: dict[str, Any] | None, embedder: Any | None) -> TypeGuard[dict[str, Any]]:
    if not profile or profile.get("version") != PROFILE_VERSION:
        return False
    return embedder is None or profile.get("embedding_model") == embedder.model_name
