"""`GET /jobs/{id}/candidates`: one document per ranked applicant, pages, sorting, progress, flags the
recruiter must see, and who may ask."""

from __future__ import annotations

from fpdf import FPDF
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import Account, register
from tests.resumes.api_helpers import apply, create_job, poll_ready, uploaded_resume

JOB = dict(title="Staff Accountant", required_skills=["GAAP", "Account Reconciliation"],
           preferred_skills=["NetSuite"], min_years_experience=2, education_level="bachelor",
           description="Prepare reconciliations and support the month-end close under GAAP.")


def accountant(years: int) -> bytes:
    extra = {6: "Closed the books in NetSuite.\n", 9: "Closed the books in NetSuite and ran the month-end close.\n"}
    return (f"Experience\nStaff Accountant, Firm {years} Inc. - Jan {2020 - years} - Dec 2019\n"
            "Prepared bank reconciliations and journal entries under US GAAP.\n" + extra.get(years, "")
            + "Education\nBachelor of Commerce, University of Toronto, 2010\n").encode()


def hidden_keywords_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ("Experience", "Barista, Corner Cafe - Jan 2018 - Present", "Made coffee and trained staff."):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(255, 255, 255)
    pdf.cell(0, 6, "GAAP reconciliations NetSuite month-end close staff accountant", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


async def test_pages_sorting_documents_and_flags(client: AsyncTestClient, recruiter: Account, db: Database) -> None:
    job = await create_job(client, recruiter, **JOB)
    people = []
    for years in (1, 3, 6, 9):
        person = await register(client, "candidate")
        resume = await uploaded_resume(client, person, accountant(years), "cv.txt")
        await apply(client, person, job["id"], resume["id"])
        people.append((person, years))
    barista = await register(client, "candidate")
    hidden = await uploaded_resume(client, barista, hidden_keywords_pdf(), "cv.pdf")
    assert {flag["code"] for flag in hidden["flags"]} == {"hidden_text"}
    assert "GAAP" not in hidden["skills"]
    await apply(client, barista, job["id"], hidden["id"])

    url = f"/jobs/{job['id']}/candidates"
    first = await poll_ready(client, recruiter, f"{url}?limit=2")
    assert first["total"] == 5 and first["pages"] == 3 and len(first["items"]) == 2 and first["progress"] is None
    assert [item["rank"] for item in first["items"]] == [1, 2]
    assert first["items"][0]["candidate_id"] == people[3][0].id  # nine years, NetSuite and the month-end close
    rest = (await client.get(url, params={"limit": 2, "page": 3}, headers=recruiter.headers)).json()["data"]
    assert [item["rank"] for item in rest["items"]] == [5]
    last = rest["items"][0]
    assert last["candidate_id"] == barista.id and last["total"] < 25
    assert any(flag["code"] == "hidden_text" and "GAAP" in flag["message"] for flag in last["flags"])
    assert last["recommendation"].startswith("Review by hand")
    # the one-year accountant ranks below the others: a year against the two required
    everyone = (await client.get(url, params={"sort": "experience"}, headers=recruiter.headers)).json()["data"]["items"]
    assert [item["breakdown"]["experience"] for item in everyone[:3]] == [100.0, 100.0, 100.0]
    assert everyone[3]["breakdown"]["experience"] == 50.0
    worst = (await client.get(url, params={"sort": "-rank", "limit": 1}, headers=recruiter.headers)).json()["data"]
    assert worst["items"][0]["candidate_id"] == barista.id
    # one document per applicant, none left over from earlier runs; the legacy path serves the same data
    assert db.ranking_entries.count_documents({"job_id": job["id"]}) == 5
    legacy = await poll_ready(client, recruiter, f"/matching/jobs/{job['id']}/candidates?limit=50")
    assert [i["application_id"] for i in legacy["items"]] == [i["application_id"] for i in everyone] or \
        sorted(i["rank"] for i in legacy["items"]) == [1, 2, 3, 4, 5]
    # a reason quotes the resume line it came from
    top = first["items"][0]
    gaap = next(r for r in top["reasons"] if r["text"].startswith("GAAP (required)"))
    assert gaap["evidence"] == "Prepared bank reconciliations and journal entries under US GAAP."

    other = await register(client, "recruiter")
    assert (await client.get(url, headers=other.headers)).status_code == 403
    assert (await client.get(url, headers=people[0][0].headers)).status_code == 403
    assert (await client.get(url, params={"sort": "salary"}, headers=recruiter.headers)).status_code in (400, 422)
    assert (await client.get(url, params={"limit": 5000}, headers=recruiter.headers)).status_code in (400, 422)


async def test_a_new_application_makes_the_ranking_stale_and_rerun(client: AsyncTestClient,
                                                                  recruiter: Account) -> None:
    job = await create_job(client, recruiter, **JOB)
    url = f"/jobs/{job['id']}/candidates"
    assert (await poll_ready(client, recruiter, url))["total"] == 0
    person = await register(client, "candidate")
    resume = await uploaded_resume(client, person, accountant(4), "cv.txt")
    await apply(client, person, job["id"], resume["id"])
    answer = (await client.get(url, headers=recruiter.headers)).json()["data"]
    assert answer["status"] in ("pending", "running") or answer["total"] == 1
    ranked = await poll_ready(client, recruiter, url)
    assert ranked["total"] == 1 and ranked["items"][0]["candidate_id"] == person.id
