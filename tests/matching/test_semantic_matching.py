"""Matching for every profession, and gaming that loses: prepared profiles scored with the shared
embedding model (all-MiniLM-L6-v2, real weights) and the taxonomy."""

from __future__ import annotations

from datetime import date

import pytest

from candidatex.embeddings import get_embedder
from candidatex.matching.engine import JobContext, rank, recommendation, score_profiles
from candidatex.matching.profile import build_profile
from candidatex.resumes.ats import ats_analysis
from candidatex.resumes.parsing import parse_resume

TODAY = date(2024, 6, 1)
ICU_JOB = dict(title="ICU Nurse", required=["BLS", "ACLS", "Epic", "Critical Care"], preferred=["Phlebotomy"],
               min_years=3, education_level="bachelor",
               description="Care for critically ill patients in our ICU. Perform patient assessment and medication "
                           "administration. Chart in Epic. BLS and ACLS required. 3+ years of ICU experience.")
NURSE = """Ana Lopez
Experience
ICU Registered Nurse, St. Mary's Hospital - Jan 2018 - Present
Cared for ventilated patients in a 20-bed ICU; charted in Epic; hemodynamic monitoring.
Led BLS and ACLS refreshers for new nurses.
Education
Bachelor of Science in Nursing, University of Iowa, 2014"""
ENGINEER = """Tom Ray
Experience
Senior Java Engineer, Acme Inc. - Jan 2012 - Present
Built Spring Boot microservices on Kubernetes and PostgreSQL.
Education
Master of Science in Computer Science, University of Leeds, 2011"""
PASTED = "Summary\n" + ICU_JOB["description"] + "\n15+ years of experience\nSkills\nBLS, ACLS, Epic, Critical Care"
DUMP = "Skills\n" + ", ".join(["BLS", "ACLS", "Epic", "Critical Care", "Patient Assessment", "Phlebotomy", "PALS",
                                "Cerner", "HIPAA", "Wound Care", "Infection Control", "Care Planning", "Triage",
                                "Python", "Java", "GAAP", "Payroll", "Welding", "HVAC", "Zendesk", "ITIL"] * 5)
ACCOUNTANT = """Priya Shah
Experience
Senior Accountant, Northwind Traders Inc. - Mar 2017 - Present
Prepared monthly bank and balance sheet reconciliations and led the month-end close under US GAAP in NetSuite.
Staff Accountant, Contoso Ltd. - Jun 2014 - Feb 2017
Accounts payable, general ledger journal entries and variance analysis.
Education
Bachelor of Commerce in Accounting, University of Toronto, 2014
Certifications
CPA"""


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def profile_of(text: str, embedder) -> dict:
    return build_profile(text, parse_resume(text, today=TODAY), embedder)


def context(embedder, **job) -> JobContext:
    job = {**ICU_JOB, **job}
    return JobContext.build(job["title"], job["description"], job["required"], job["preferred"], job["min_years"],
                            job["education_level"], embedder)


def scored(embedder, texts: dict[str, str], **job):
    items = [(name, profile_of(text, embedder), None) for name, text in texts.items()]
    return {entry.key: entry for entry in score_profiles(context(embedder, **job), items)}


def test_clinical_skills_count_and_experience_must_be_relevant(embedder) -> None:
    result = scored(embedder, {"nurse": NURSE, "engineer": ENGINEER})
    nurse, engineer = result["nurse"], result["engineer"]
    assert {"Basic Life Support", "Advanced Cardiac Life Support", "Epic", "Critical Care"} <= set(nurse.matched_skills)
    assert nurse.missing_required == [] and nurse.missing_preferred == ["Phlebotomy"]
    assert nurse.breakdown["experience"] == 100.0
    assert engineer.breakdown["experience"] == 0.0  # twelve years of Java are not ICU years
    assert nurse.total > engineer.total + 50


def test_an_accountant_is_matched_on_finance_skills(embedder) -> None:
    job = dict(title="Senior Accountant", required=["GAAP", "Account Reconciliation", "Month-End Close"],
               preferred=["NetSuite", "CPA"], min_years=5, education_level="bachelor",
               description="Own reconciliations and the month-end close under GAAP. NetSuite a plus.")
    result = scored(embedder, {"accountant": ACCOUNTANT, "nurse": NURSE}, **job)
    assert result["accountant"].missing_required == []
    assert {"NetSuite", "CPA"} <= set(result["accountant"].matched_skills)
    assert result["accountant"].breakdown["experience"] == 100.0
    assert result["accountant"].total > 80 > 30 > result["nurse"].total


def test_keyword_dumps_and_pasted_job_descriptions_score_low_and_are_flagged(embedder) -> None:
    result = scored(embedder, {"nurse": NURSE, "pasted": PASTED, "dump": DUMP})
    ordered = [entry.key for entry, _, _ in rank(list(result.values()))]
    assert ordered[0] == "nurse"
    for name in ("pasted", "dump"):
        assert result[name].total < 30, (name, result[name].total)
        assert result[name].breakdown["experience"] == 0.0
        assert recommendation(result[name]).startswith("Review by hand")
    assert {f["code"] for f in result["pasted"].flags} >= {"unbacked_years"}
    assert {f["code"] for f in result["dump"].flags} >= {"keyword_list"}


def test_copied_job_description_lines_inside_experience_earn_nothing(embedder) -> None:
    dated_copy = ("Experience\nNurse, Clinic - Jan 2015 - Present\n" + ICU_JOB["description"].replace(". ", ".\n")
                  + "\nEducation\nBachelor of Science in Nursing, University of Iowa, 2014")
    result = scored(embedder, {"copy": dated_copy, "nurse": NURSE})
    assert "copied_job_description" in {f["code"] for f in result["copy"].flags}
    assert result["copy"].breakdown["text_similarity"] < result["nurse"].breakdown["text_similarity"]
    assert result["copy"].total < result["nurse"].total


def test_repetition_adds_nothing(embedder) -> None:
    stuffed = NURSE + ("\nLed BLS and ACLS refreshers for new nurses." * 50)
    once, fifty = scored(embedder, {"once": NURSE, "fifty": stuffed}).values()
    assert once.total == fifty.total and once.breakdown == fifty.breakdown
    assert "repeated_lines" in {f["code"] for f in profile_of(stuffed, embedder)["flags"]}


def test_reasons_quote_the_resume_line_and_education_uses_the_required_degree(embedder) -> None:
    nurse = scored(embedder, {"nurse": NURSE}, education_level="master")["nurse"]
    epic = next(r for r in nurse.reasons if r.text.startswith("Epic (required)"))
    assert epic.evidence == "Cared for ventilated patients in a 20-bed ICU; charted in Epic; hemodynamic monitoring."
    assert epic.evidence in NURSE.split("\n")
    education = next(r for r in nurse.reasons if r.component == "education")
    assert "bachelor against master required" in education.text and nurse.breakdown["education"] == 50.0
    assert education.evidence.startswith("Bachelor of Science in Nursing")
    assert not any("required" in r.text and "Phlebotomy" in r.text and "not required" not in r.text
                   for r in nurse.reasons)  # preferred is never reported as required


def test_the_ats_score_follows_the_same_rules(embedder) -> None:
    def ats(text: str) -> int:
        parsed = parse_resume(text, today=TODAY)
        return ats_analysis(parsed, text, ICU_JOB["title"], ICU_JOB["description"], ICU_JOB["required"],
                            preferred_skills=ICU_JOB["preferred"], profile=build_profile(text, parsed, embedder)).score

    honest, pasted, dump = ats(NURSE), ats(PASTED), ats(DUMP)
    assert honest > pasted + 15 and honest > dump + 15
    assert ats(NURSE + "\nEpic, BLS, ACLS" * 40) <= honest + 2  # repeating the keywords earns (almost) nothing


def test_an_unrelated_career_earns_nothing_for_its_degree_or_wording(embedder) -> None:
    """A Java engineer's master's degree and a keyword dump's listed skills do not make them part of an ICU
    nurse match: education and text similarity count only as far as the resume shows the job's skills or
    related years, and a keyword list earns no skill credit."""
    result = scored(embedder, {"nurse": NURSE, "engineer": ENGINEER, "dump": DUMP})
    engineer, dump, nurse = result["engineer"], result["dump"], result["nurse"]
    assert engineer.breakdown["education"] == 0.0 and engineer.breakdown["text_similarity"] == 0.0
    assert engineer.total < 5 < nurse.total
    assert "counted at 0%" in next(r.text for r in engineer.reasons if r.component == "education")
    assert nurse.breakdown["education"] == 100.0  # the nurse's own degree counts in full
    assert dump.breakdown["skills"] == 0.0 and "Epic" in dump.missing_required
    assert any("keyword list" in r.text and r.text.startswith("Epic (required)") for r in dump.reasons)


def test_a_german_icu_nurse_is_as_strong_a_match_as_her_english_twin(embedder) -> None:
    """The sentence model is English-only; the taxonomy's German aliases carry the line's meaning to it, so the
    German nurse's evidence is as close to the job as the English one's."""
    german = ("Lena Schmidt\nBerufserfahrung\nKrankenpflegerin Intensivstation, Charité Berlin - März 2018 - heute\n"
              "Intensivpflege, Beatmung, Dokumentation in Epic; BLS und ACLS.\n"
              "Ausbildung\nBachelor of Science Pflege, Hochschule Fulda, 2017")
    result = scored(embedder, {"de": german, "en": NURSE})
    assert result["de"].breakdown["experience"] == 100.0  # the title is a nurse's: related years
    assert recommendation(result["de"]).startswith("Strong match")
    assert result["de"].breakdown["text_similarity"] > 80 and result["en"].total - result["de"].total < 5
    assert result["de"].reasons[0].evidence in german.split("\n")  # reasons quote her own line, not the gloss


BACKEND_JOB = dict(title="Senior Backend Engineer", required=["Python", "PostgreSQL", "Kubernetes"],
                   preferred=["Apache Kafka"], min_years=5, education_level="bachelor",
                   description="Build Python services on PostgreSQL and run them on Kubernetes. Kafka a plus.")


def test_a_line_close_to_the_job_in_meaning_is_not_a_copy(embedder) -> None:
    # 0.91 to the job's sentence in the model, but in the engineer's own words: evidence, not a paste
    engineer = """Alex Kim
Experience
Senior Backend Engineer, Northwind Traders Inc. - Jan 2015 - Present
Built Python services on PostgreSQL, deployed on Kubernetes with Helm.
Education
Bachelor of Science in Computer Science, University of Leeds, 2014"""
    result = scored(embedder, {"engineer": engineer}, **BACKEND_JOB)["engineer"]
    assert "copied_job_description" not in {f["code"] for f in result.flags}
    shown = [r.text for r in result.reasons if r.text.startswith(("Python (", "PostgreSQL (", "Kubernetes ("))]
    assert len(shown) == 3 and all("shown in" in text for text in shown), shown


def test_positions_listed_together_share_the_lines_below_them(embedder) -> None:
    # a common layout: the positions first, then what was done in them
    grouped = """Julie Martin
Experience
Senior Accountant | Societe Generale | Jan 2016 - Present
Accountant | BNP Paribas | Sep 2012 - Oct 2015
Bank reconciliations and the month-end close under GAAP in NetSuite.
Education
Bachelor of Commerce in Accounting, University of Lyon, 2012"""
    job = dict(title="Controller", required=["GAAP", "Account Reconciliation", "Month-End Close"], preferred=[],
               min_years=10, education_level="bachelor", description="Own the close under GAAP.")
    result = scored(embedder, {"grouped": grouped}, **job)["grouped"]
    assert "11.7 years in related roles" in next(r.text for r in result.reasons if r.component == "experience")


def test_seniority_keeps_counting_past_twice_the_minimum(embedder) -> None:
    def nurse(start: int) -> str:
        return NURSE.replace("Jan 2018", f"Jan {start}").replace("2014", str(start - 1))

    result = scored(embedder, {"six years": nurse(2018), "nine years": nurse(2015)})
    six, nine = result["six years"], result["nine years"]
    assert six.breakdown["experience"] == nine.breakdown["experience"] == 100.0  # both meet the three asked
    assert nine.breakdown["career_consistency"] > six.breakdown["career_consistency"]
    assert nine.total > six.total


def test_scores_without_reasons_are_the_same_numbers(embedder) -> None:
    texts = {"nurse": NURSE, "engineer": ENGINEER, "pasted": PASTED, "dump": DUMP, "accountant": ACCOUNTANT}
    items = [(name, profile_of(text, embedder), None) for name, text in texts.items()]
    explained = score_profiles(context(embedder), items)
    bare = score_profiles(context(embedder), items, explain=False)
    assert [(s.total, s.breakdown, s.flags, s.missing_required, recommendation(s)) for s in bare] == \
        [(s.total, s.breakdown, s.flags, s.missing_required, recommendation(s)) for s in explained]
    assert all(s.reasons for s in explained) and not any(s.reasons for s in bare)
