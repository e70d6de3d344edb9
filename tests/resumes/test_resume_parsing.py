from __future__ import annotations

from datetime import date

import pytest

from candidatex.resumes.parsing import parse_resume, read_resume, stated_years


@pytest.mark.parametrize("fixture_name, kind", [("resume_pdf", "pdf"), ("resume_docx", "docx")])
def test_a_real_resume_file_is_parsed(fixture_name: str, kind: str, request, today: date) -> None:
    detected, text, parsed = read_resume(request.getfixturevalue(fixture_name), f"cv.{kind}", today=today)

    assert detected == kind
    # "k8s" and "postgres" are synonyms; "Go" only counts with its capital letter.
    for skill in ("Python", "Kubernetes", "PostgreSQL", "Terraform", "Django", "CI/CD", "Go", "Docker"):
        assert skill in parsed.skills
    assert "k8s" in parsed.skill_evidence["Kubernetes"]
    # "2016 - 2020" reads as four years (Jan 2016 - Dec 2019), then Mar 2020 - Jun 2024 (present)
    # is 52 months: 100 months in all.
    assert parsed.years_experience == pytest.approx(8.3)
    assert parsed.highest_degree == "bachelor"
    assert parsed.education[0].field == "Computer Science"
    assert parsed.education[0].institution == "University of Leeds"
    assert parsed.contact.email == "maria.garcia@example.org"
    assert parsed.contact.phone == "+44 20 7946 0958"
    assert "linkedin.com/in/mariagarcia" in parsed.contact.links
    titles = [(p.title, p.company, p.current) for p in parsed.positions]
    assert titles == [
        ("Senior Platform Engineer", "Northwind Traders", True),
        ("Software Engineer", "Contoso", False),
    ]


def test_month_ranges_with_dashes_and_present(today: date) -> None:
    text = "Experience\nData Analyst — Fabrikam\nJan 2019 – Present\nIntern, Fabrikam, 06/2018 - 08/2018\n"
    parsed = parse_resume(text, today=today)
    # Jan 2019 .. Jun 2024 = 66 months, plus Jun .. Aug 2018 = 3 months.
    assert parsed.years_experience == pytest.approx(5.8)
    assert parsed.positions[0].title == "Data Analyst"
    assert parsed.positions[0].company == "Fabrikam"


def test_overlapping_jobs_are_counted_once(today: date) -> None:
    text = "Consultant, A 2015 - 2020\nAdvisor, B 2018 - 2020\n"
    assert parse_resume(text, today=today).years_experience == pytest.approx(5.0)


def test_a_stated_number_of_years_counts_when_no_dates_are_given() -> None:
    assert parse_resume("Frontend developer with 5+ years building React apps.").years_experience == 5.0
    assert parse_resume("I enjoy hiking and chess.").years_experience is None


def test_study_periods_are_not_work_experience(today: date) -> None:
    text = "Education\nMSc in Data Science, University of Edinburgh, 2019 - 2020\nBSc in Mathematics 2015 - 2019\n"
    parsed = parse_resume(text, today=today)
    assert parsed.years_experience is None
    assert [e.degree_level for e in parsed.education] == ["master", "bachelor"]
    assert parsed.education[0].graduation_year == 2020
    assert parsed.highest_degree == "master"


@pytest.mark.parametrize(
    "line, level",
    [
        ("PhD in Physics, Imperial College London", "phd"),
        ("Master of Business Administration (MBA), INSEAD", "master"),
        ("B.A. in History", "bachelor"),
        ("Associate Degree in Nursing, Miami Dade College", "associate"),
        ("Certified Scrum Master", None),
    ],
)
def test_degree_levels(line: str, level: str | None) -> None:
    levels = [entry.degree_level for entry in parse_resume(line).education]
    assert levels == ([level] if level else [])


def test_words_that_only_look_like_skills_are_ignored() -> None:
    parsed = parse_resume("Led R&D and the go-to-market plan; a C-level sponsor. Let's go!")
    assert not {"R", "Go", "C"} & set(parsed.skills)


def test_years_required_by_a_job_description() -> None:
    assert stated_years("We want 3-5 years of backend experience") == 3
    assert stated_years("At least 4 years with Python") == 4
    assert stated_years("No experience needed") is None
