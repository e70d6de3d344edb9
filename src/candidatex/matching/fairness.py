"""Fairness audit of a job's shortlist against voluntarily disclosed demographic data.

Demographic data is optional and is never an input to scoring; it is only read here, after the fact,
to check whether the shortlist selects some groups at much lower rates than others.

- selection rate of a group = shortlisted members / members
- impact ratio of a group = its selection rate / the highest group's rate (as NYC Local Law 144 bias audits
  report per category); the "four-fifths rule" (US EEOC Uniform Guidelines) treats a ratio below 0.8 as
  evidence of adverse impact. For a ranking, the scoring rate (share of the group scoring above the pool's
  median) and its impact ratio are reported too, as LL144 asks of scoring tools.
- demographic parity difference = highest rate - lowest rate

Protecting individuals: candidates who did not disclose are left out (``excluded_without_data``). A group
with fewer than ``min_group_size`` members (at least 3, default 5) is suppressed: no counts, no rates, not
part of any ratio or warning; only how many groups and people were suppressed is reported (and that count
too is hidden when it is below the minimum). Intersectional groups (sex x ethnicity) follow the same rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterable
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

FOUR_FIFTHS = 0.8
DEFAULT_MIN_GROUP_SIZE = 5
LOWEST_MIN_GROUP_SIZE = 3
UNDISCLOSED = frozenset({"", "prefer not to say", "prefer_not_to_say", "declined", "undisclosed", "unknown"})


@dataclass(frozen=True, slots=True)
class GroupStats:
    selected: int
    total: int
    selection_rate: float
    impact_ratio: float | None = None
    scoring_rate: float | None = None  # share scoring above the pool's median
    scoring_impact_ratio: float | None = None


@dataclass(frozen=True, slots=True)
class FairnessReport:
    attribute: str
    groups: dict[str, GroupStats]
    disparate_impact_ratio: float | None  # None when fewer than two groups or nobody was selected
    four_fifths_pass: bool | None
    demographic_parity_difference: float | None
    highest_rate_group: str | None
    lowest_rate_group: str | None
    excluded_without_data: int
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    suppressed_groups: int = 0
    suppressed_candidates: int | None = 0  # None: fewer than min_group_size people, so not shown either
    warning: str | None = None
    notes: list[str] = field(default_factory=list)


def snap_top_n(requested: int, min_group_size: int) -> int:
    """Shortlists come in steps of the minimum group size, so comparing the top k with the top k-1 (the
    differencing attack) gives the same report, or one that differs by a whole group of people."""
    step = max(LOWEST_MIN_GROUP_SIZE, min_group_size)
    return max(step, requested - requested % step)


def _label(group: str | None) -> str | None:
    label = group.strip() if isinstance(group, str) else None
    return None if not label or label.casefold() in UNDISCLOSED else label


def fairness_audit(
    shortlisted: Iterable[Hashable],
    candidates: Iterable[tuple[Hashable, str | None]],
    attribute: str,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    scores: dict[Hashable, float] | None = None,
) -> FairnessReport:
    """Audit one shortlist. ``candidates`` holds every applicant considered: (id, group or None);
    ``scores`` (id -> total) adds scoring rates."""
    min_group_size = max(LOWEST_MIN_GROUP_SIZE, min_group_size)
    selected_ids = set(shortlisted)
    members: dict[str, list[Hashable]] = {}
    excluded = 0
    for candidate_id, group in candidates:
        label = _label(group)
        if label is None:
            excluded += 1
            continue
        members.setdefault(label, []).append(candidate_id)
    kept = {name: ids for name, ids in members.items() if len(ids) >= min_group_size}
    suppressed = {name: ids for name, ids in members.items() if name not in kept}
    suppressed_people = sum(map(len, suppressed.values()))

    rates = {name: sum(i in selected_ids for i in ids) / len(ids) for name, ids in kept.items()}
    scoring: dict[str, float] = {}
    if scores:
        cut = median(scores.values())
        scoring = {name: sum(scores.get(i, float("-inf")) > cut for i in ids) / len(ids) for name, ids in kept.items()}
    best = max(rates.values(), default=0.0)
    best_scoring = max(scoring.values(), default=0.0)
    groups = {
        name: GroupStats(
            selected=sum(i in selected_ids for i in ids), total=len(ids), selection_rate=round(rates[name], 4),
            impact_ratio=round(rates[name] / best, 4) if best > 0 else None,
            scoring_rate=round(scoring[name], 4) if name in scoring else None,
            scoring_impact_ratio=round(scoring[name] / best_scoring, 4) if name in scoring and best_scoring > 0
            else None)
        for name, ids in sorted(kept.items())
    }

    ratio = parity = None
    highest = lowest = None
    warnings: list[str] = []
    notes: list[str] = []
    if len(groups) >= 2:
        highest = max(groups, key=lambda name: groups[name].selection_rate)
        lowest = min(groups, key=lambda name: groups[name].selection_rate)
        top, bottom = groups[highest].selection_rate, groups[lowest].selection_rate
        parity = round(top - bottom, 4)
        if top > 0:
            ratio = round(bottom / top, 4)
            if ratio < FOUR_FIFTHS:
                warnings.append(
                    f"Possible adverse impact by {attribute}: group '{lowest}' is selected at {bottom:.0%} "
                    f"against {top:.0%} for '{highest}' "
                    f"(ratio {ratio:.2f}, below the four-fifths threshold of {FOUR_FIFTHS})."
                )
    passes = None if ratio is None else ratio >= FOUR_FIFTHS

    if suppressed:
        notes.append(f"{len(suppressed)} group(s) with fewer than {min_group_size} people are suppressed to protect "
                     "individuals; they are in no rate or ratio.")
    if len(groups) < 2:
        warnings.append(f"Fewer than two groups of at least {min_group_size} people disclosed {attribute}; "
                        "no comparison is possible.")
    return FairnessReport(
        attribute=attribute,
        groups=groups,
        disparate_impact_ratio=ratio,
        four_fifths_pass=passes,
        demographic_parity_difference=parity,
        highest_rate_group=highest,
        lowest_rate_group=lowest,
        excluded_without_data=excluded,
        min_group_size=min_group_size,
        suppressed_groups=len(suppressed),
        suppressed_candidates=suppressed_people if suppressed_people == 0 or suppressed_people >= min_group_size
        else None,
        warning=" ".join(warnings) or None,
        notes=notes,
    )


def audit_report(selected: set[Hashable], candidates: list[tuple[Hashable, str | None]], attribute: str,
                 min_group_size: int, scores: dict[Hashable, float] | None = None,
                 intersection: list[tuple[Hashable, str | None, str | None]] | None = None) -> dict[str, Any]:
    """The API's audit: one attribute, plus the sex x ethnicity intersection when it is given."""
    report = asdict(fairness_audit(selected, candidates, attribute, min_group_size, scores))
    if intersection is not None:
        combined = [(cid, f"{_label(sex)} \u00d7 {_label(ethnicity)}" if _label(sex) and _label(ethnicity) else None)
                    for cid, sex, ethnicity in intersection]
        crossed = asdict(fairness_audit(selected, combined, "gender \u00d7 ethnicity", min_group_size, scores))
        report["intersectional"] = crossed
    return report


CSV_COLUMNS = ("section", "group", "total", "selected", "selection_rate", "impact_ratio", "scoring_rate",
               "scoring_impact_ratio")


def report_csv(report: dict[str, Any]) -> str:
    """The audit as CSV: one row per reported group, then the summary lines."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    sections = [(report["attribute"], report)]
    if report.get("intersectional"):
        sections.append(("gender x ethnicity", report["intersectional"]))
    for name, section in sections:
        for group, stats in section["groups"].items():
            writer.writerow([name, group, *(stats[c] for c in CSV_COLUMNS[2:])])
        writer.writerow([name, "(suppressed groups)", section["suppressed_groups"], "", "", "", "", ""])
        writer.writerow([name, "(impact ratio, lowest / highest)", "", "", "", section["disparate_impact_ratio"], "",
                         ""])
    writer.writerow(["summary", "shortlist", report["shortlist"], report["selected"], "", "", "", ""])
    writer.writerow(["summary", "pool", report["pool_size"], "", "", "", "", ""])
    writer.writerow(["summary", "excluded without data", report["excluded_without_data"], "", "", "", "", ""])
    return out.getvalue()


def report_pdf(report: dict[str, Any]) -> bytes:
    """The audit as a one-page PDF (fpdf2, core fonts: Latin-1 text only)."""
    from fpdf import FPDF

    def latin(text: Any) -> str:
        return str(text).replace("\u00d7", "x").encode("latin-1", "replace").decode("latin-1")

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, latin(f"Bias audit - {report.get('job_title', report['job_id'])}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in (f"Shortlist: {report['shortlist']} ({report['selected']} of {report['pool_size']} applicants)",
                 f"Groups smaller than {report['min_group_size']} are suppressed; "
                 f"{report['excluded_without_data']} applicants did not disclose.",
                 "Demographic data is voluntary and never used in scoring."):
        pdf.multi_cell(0, 5, latin(line), new_x="LMARGIN", new_y="NEXT")
    sections = [(report["attribute"], report)]
    if report.get("intersectional"):
        sections.append(("gender x ethnicity", report["intersectional"]))
    for name, section in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, latin(f"By {name}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        widths = (60, 20, 20, 28, 28, 30)
        for label, width in zip(("Group", "Total", "Selected", "Selection rate", "Impact ratio", "Scoring ratio"),
                                widths, strict=True):
            pdf.cell(width, 6, label, border=1)
        pdf.ln()
        for group, stats in section["groups"].items():
            values = (group, stats["total"], stats["selected"], f"{stats['selection_rate']:.2f}",
                      "-" if stats["impact_ratio"] is None else f"{stats['impact_ratio']:.2f}",
                      "-" if stats["scoring_impact_ratio"] is None else f"{stats['scoring_impact_ratio']:.2f}")
            for value, width in zip(values, widths, strict=True):
                pdf.cell(width, 6, latin(value), border=1)
            pdf.ln()
        summary = [f"Suppressed groups: {section['suppressed_groups']}"]
        if section["warning"]:
            summary.append(section["warning"])
        for line in summary:
            pdf.multi_cell(0, 5, latin(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
