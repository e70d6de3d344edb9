"""The hiring side in a browser on real API data: the recruiter's ranking (scores, breakdowns, reasons that
quote the resume, gaming flags), the fairness audit with charts and exports, and the candidate's ATS check
against a chosen job, recommended jobs and voluntary self-identification."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Account, docs_screenshot, screenshot, sign_in

pytestmark = pytest.mark.browser

JOB = {
    "title": "ICU Nurse", "company": "St. Mary's Hospital", "location": "Boston, MA", "publish": True,
    "required_skills": ["BLS", "ACLS", "Epic", "Critical Care"], "preferred_skills": ["Phlebotomy"],
    "min_years_experience": 3, "education_level": "bachelor",
    "description": "Care for critically ill patients in our ICU. Perform patient assessment and medication "
                   "administration and chart in Epic. BLS and ACLS required. 3+ years of ICU nursing experience.",
}


def nurse(name: str, years: int) -> str:
    start = 2024 - years
    return "\n".join([
        name, f"{name.split()[0].lower()}@example.org | +1 617 555 01{years:02d}", "", "Experience",
        f"ICU Registered Nurse, Boston General Hospital - Jan {start} - Present",
        "Cared for ventilated patients in a 24-bed ICU and charted every shift in Epic.",
        "Renewed BLS and ACLS every two years; precepted new graduate nurses.",
        "", "Education", "Bachelor of Science in Nursing, University of Massachusetts, 2012",
    ])


ENGINEER = "\n".join([
    "Chris Coder", "chris@example.org", "", "Experience", "Senior Java Engineer, Acme Inc. - Jan 2014 - Present",
    "Built Spring Boot services on Kubernetes.", "", "Education", "BSc in Computer Science, University of Leeds, 2013",
])
PASTED = "Summary\n" + JOB["description"] + "\n15+ years of experience\nSkills\nBLS, ACLS, Epic, Critical Care"


def upload_resume(account: Account, text: str) -> str:
    response = account.api.post("/resume/upload", files={"data": ("cv.txt", text.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"]


def wait_processed(account: Account, resume_id: str) -> None:
    for _ in range(600):
        if account.call("GET", f"/resume/{resume_id}")["status"] != "pending":
            return
        time.sleep(0.1)
    raise AssertionError("the resume was never processed")


@pytest.fixture(scope="module")
def hiring(server_url: str) -> dict:
    """A recruiter's ICU job with twelve applicants who disclosed sex and ethnicity, one a pasted job ad."""
    recruiter = Account(server_url, "recruiter")
    job = recruiter.call("POST", "/jobs", json=JOB)
    people = []
    plan = [("female", "hispanic", nurse(f"Ana Nurse{i}", 4 + i)) for i in range(5)]
    plan += [("male", "white", nurse(f"Ben Nurse{i}", 2 + i)) for i in range(5)]
    plan += [("male", "white", ENGINEER), ("female", "hispanic", PASTED)]
    for sex, ethnicity, text in plan:
        person = Account(server_url, "candidate")
        resume_id = upload_resume(person, text)
        person.call("PUT", "/users/me/demographics", json={"gender": sex, "ethnicity": ethnicity})
        people.append((person, resume_id, text))
    for person, resume_id, _ in people:
        wait_processed(person, resume_id)
        person.call("POST", f"/jobs/{job['id']}/apply", json={"resume_id": resume_id})
    return {"recruiter": recruiter, "job": job, "people": people}


def test_the_ranking_shows_scores_breakdowns_and_reasons_from_the_resume(page, hiring) -> None:
    recruiter, job = hiring["recruiter"], hiring["job"]
    sign_in(page, recruiter.email, recruiter.password)
    expect(page).to_have_url(re.compile(r"/recruiter$"))
    page.goto(f"/recruiter/jobs/{job['id']}")
    expect(page.get_by_test_id("ranking-status")).to_have_attribute("data-status", "ready")
    cards = page.get_by_test_id("ranked-candidate")
    expect(cards).to_have_count(12)
    scores = [int(text) for text in page.get_by_test_id("candidate-score").all_inner_texts()]  # not "NaN"
    assert scores == sorted(scores, reverse=True) and scores[0] >= 70
    first = cards.first
    expect(first.get_by_test_id("breakdown-bar")).to_have_count(5)
    # each reason quotes the line of the resume it rests on; preferred skills are not called required
    expect(first.get_by_test_id("match-reasons")).to_contain_text("charted every shift in Epic")
    expect(first.get_by_test_id("match-reasons")).to_contain_text("Missing preferred (not required): Phlebotomy")
    # the pasted job description and the engineer sit at the bottom; the pasted one is flagged
    last_two = [cards.nth(10), cards.nth(11)]
    assert all(int(card.get_by_test_id("candidate-score").inner_text()) < 35 for card in last_two)
    expect(page.locator('[data-flag="unbacked_years"]')).to_have_count(1)
    screenshot(page, "recruiter-ranking")
    docs_screenshot(page, "recruiter-ranking")

    # reversed: the last rank first (equal totals share a rank, so it is the largest shown, not the count)
    last_rank = max(int(text) for text in page.get_by_test_id("candidate-rank").all_inner_texts())
    page.get_by_test_id("ranking-sort").select_option("-rank")
    expect(cards.first.get_by_test_id("candidate-rank")).to_have_text(str(last_rank))
    expect(cards.last.get_by_test_id("candidate-rank")).to_have_text("1")


def test_the_fairness_audit_has_charts_suppression_and_exports(page, hiring) -> None:
    recruiter, job = hiring["recruiter"], hiring["job"]
    sign_in(page, recruiter.email, recruiter.password)
    expect(page).to_have_url(re.compile(r"/recruiter$"))
    page.goto(f"/recruiter/jobs/{job['id']}")
    page.get_by_test_id("open-fairness").click()
    page.get_by_test_id("fairness-top-n").fill("6")
    expect(page.get_by_test_id("fairness-shortlist-text")).to_contain_text("the top 5 of 12")  # snapped to 5
    expect(page.get_by_test_id("chart-selection-rates")).to_be_visible()
    expect(page.get_by_test_id("chart-impact-ratios")).to_be_visible()
    expect(page.get_by_test_id("fairness-group")).to_have_count(2)
    expect(page.locator('[data-testid="fairness-group"][data-group="female"]')).to_contain_text("6")
    # sex x ethnicity: two groups of six
    expect(page.get_by_test_id("fairness-intersection-group")).to_have_count(2)
    screenshot(page, "recruiter-fairness")
    docs_screenshot(page, "recruiter-fairness")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "selection_rate" in content and "female" in content
    with page.expect_download() as download:
        page.get_by_test_id("export-pdf").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    # raising the minimum group size above six suppresses both groups
    page.get_by_test_id("fairness-min-group").fill("7")
    expect(page.get_by_test_id("fairness-suppressed")).to_contain_text("2 group(s) suppressed")


def test_a_candidate_checks_the_resume_against_a_chosen_job_and_sees_recommendations(page, hiring) -> None:
    person, _, _ = hiring["people"][0]
    sign_in(page, person.email, person.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto("/candidate/resume")
    report = page.get_by_test_id("ats-report")
    expect(report).to_be_visible()
    page.get_by_test_id("ats-job-select").select_option(label=f"{JOB['title']} · {JOB['company']}")
    page.get_by_test_id("ats-analyze").click()
    expect(page.get_by_test_id("ats-job")).to_contain_text("ICU Nurse")
    score = page.get_by_test_id("ats-score")
    expect(score).to_have_text(re.compile(r"^\d+$"))
    assert int(score.inner_text()) >= 60
    expect(page.get_by_test_id("ats-experience")).to_have_text(re.compile(r"\d+(\.\d)? years"))
    expect(page.get_by_test_id("ats-education")).to_have_text("Bachelor")
    expect(page.get_by_test_id("ats-missing-preferred")).to_contain_text("Phlebotomy")
    screenshot(page, "candidate-ats")

    page.get_by_test_id("main-nav").get_by_role("link", name="For you").click()
    jobs = page.get_by_test_id("recommended-job")
    expect(jobs.first).to_be_visible()
    expect(page.get_by_test_id("recommended-title").first).to_have_text("ICU Nurse")
    expect(jobs.first.get_by_test_id("recommended-reasons")).to_contain_text("Epic")


def test_self_identification_is_voluntary_and_can_be_removed(page, new_candidate) -> None:
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto("/candidate/demographics")
    page.get_by_test_id("demographics-gender").fill("Woman")
    page.get_by_test_id("demographics-age").select_option("35_44")
    page.get_by_test_id("demographics-save").click()
    expect(page.get_by_test_id("demographics-saved")).to_be_visible()
    assert new_candidate.call("GET", "/users/me/demographics")["gender"] == "woman"
    page.reload()
    expect(page.get_by_test_id("demographics-gender")).to_have_value("woman")
    expect(page.get_by_test_id("demographics-age")).to_have_value("35_44")
    page.get_by_test_id("demographics-delete").click()
    expect(page.get_by_test_id("demographics-gender")).to_have_value("")
    assert new_candidate.call("GET", "/users/me/demographics")["gender"] is None
