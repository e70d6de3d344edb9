"""The screening audit as files for a bias auditor, made of matching/fairness.py's CSV and PDF reports: one
section each for the people's selection, the AI's recommendations and the overrides."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfWriter

from candidatex.matching.fairness import report_csv, report_pdf

TITLES = {"human": "Selection by the recruiter (advanced)", "ai": "AI recommendations (advance)",
          "override": "Overrides of the AI's recommendation (rate = share of decisions against it)"}


def _heading(audit: dict[str, Any]) -> list[str]:
    rate = audit["override_rate"]
    return [f"Screening audit: {audit['job_title']} ({audit['job_id']})",
            f"Decisions from {audit['since'] or 'the start'} to {audit['until'] or 'now'}: {audit['decisions']}; "
            f"with an AI recommendation: {audit['with_ai_recommendation']}; overridden: {audit['overrides']}"
            + (f" ({rate:.0%})" if rate is not None else ""),
            f"Groups smaller than {audit['min_group_size']} are suppressed."]


def audit_csv(audit: dict[str, Any]) -> str:
    parts = [f"# {line}\n" for line in _heading(audit)]
    for name, section in audit["sections"].items():
        parts.append(f"# {TITLES[name]}\n")
        parts.append(report_csv(section))
    return "".join(parts)


def audit_pdf(audit: dict[str, Any]) -> bytes:
    writer = PdfWriter()
    heading = " / ".join(_heading(audit)[1:])
    for name, section in audit["sections"].items():
        page = report_pdf({**section, "job_title": f"{audit['job_title']} - {TITLES[name]}",
                           "shortlist": f"{section['shortlist']}. {heading}"})
        writer.append(io.BytesIO(page))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
