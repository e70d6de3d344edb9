from __future__ import annotations

from datetime import date

from candidatex.resumes.ats import ats_analysis, copied_lines
from candidatex.resumes.parsing import parse_resume, read_resume

JOB_TITLE = "Senior Platform Engineer"
JOB_DESCRIPTION = """We are hiring a Senior Platform Engineer to run our Kubernetes infrastructure.
You will automate provisioning with Terraform, operate PostgreSQL and Apache Kafka, and improve
observability with Prometheus and Grafana. Requirements: 5+ years of experience, Python, on-call."""
REQUIRED = ["python", "k8s", "terraform", "kafka"]

UNRELATED = """Sam Lee
Pastry chef at Le Petit Four, 2017 - 2023.
Baked croissants, managed the morning shift and ordered supplies."""


def test_a_matching_resume_scores_higher_and_gaps_are_named(resume_docx: bytes, today: date) -> None:
    _, text, parsed = read_resume(resume_docx, "cv.docx", today=today)
    good = ats_analysis(parsed, text, JOB_TITLE, JOB_DESCRIPTION, REQUIRED)
    poor = ats_analysis(parse_resume(UNRELATED, today=today), UNRELATED, JOB_TITLE, JOB_DESCRIPTION, REQUIRED)

    assert good.score > poor.score + 30
    assert 0 <= poor.score <= good.score <= 100
    assert {"Python", "Kubernetes", "Terraform", "PostgreSQL", "Prometheus"} <= set(good.matched_skills)
    # Kafka is required and absent: listed first and named in a suggestion.
    assert good.missing_skills[0] == "Apache Kafka"
    assert any("Apache Kafka" in tip for tip in good.suggestions)
    assert "Grafana" in good.missing_skills
    assert {"Python", "Kubernetes", "Terraform", "Apache Kafka"} <= set(poor.missing_skills)
    assert "infrastructure" in good.missing_keywords


def test_a_synonym_match_suggests_the_full_term(resume_docx: bytes, today: date) -> None:
    _, text, parsed = read_resume(resume_docx, "cv.docx", today=today)
    report = ats_analysis(parsed, text, JOB_TITLE, JOB_DESCRIPTION, REQUIRED)
    # The resume writes "postgres" only; it matches, and the report asks for the exact term.
    assert "PostgreSQL" in report.matched_skills
    assert any('"PostgreSQL"' in tip and '"postgres"' in tip for tip in report.suggestions)


def test_structure_problems_produce_concrete_fixes(today: date) -> None:
    report = ats_analysis(parse_resume(UNRELATED, today=today), UNRELATED, JOB_TITLE, JOB_DESCRIPTION)
    checks = {check.name: check.passed for check in report.section_checks}
    assert checks == {
        "contact": False, "experience_dates": True, "education": False, "skills_section": False, "length": False,
    }
    joined = " ".join(report.suggestions)
    assert "email and phone" in joined
    assert "Education section" in joined
    assert '"Skills" section' in joined
    assert f'"{JOB_TITLE}"' in joined


def test_too_little_visible_experience_is_pointed_out(today: date) -> None:
    text = "Platform engineer. Python, Kubernetes, Terraform, Kafka.\nEngineer, Initech 2022 - 2024"
    report = ats_analysis(parse_resume(text, today=today), text, JOB_TITLE, JOB_DESCRIPTION, REQUIRED)
    assert any("asks for 5+ years; your resume shows 2 years" in tip for tip in report.suggestions)


def test_copied_lines_are_runs_of_the_description_not_the_skills_it_asks_for() -> None:
    job = "Build Python services on PostgreSQL and run them on Kubernetes. Experience with Python, PostgreSQL and Kubernetes."
    resume = ("Build Python services on PostgreSQL and run them on Kubernetes.\n"
              "Built Python services on PostgreSQL, deployed on Kubernetes with Helm.\n"
              "Python, PostgreSQL and Kubernetes")
    assert copied_lines(resume, job) == ["Build Python services on PostgreSQL and run them on Kubernetes."]
