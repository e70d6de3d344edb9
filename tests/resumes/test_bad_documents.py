"""Bad documents fail loudly: a clear error on upload, or `failed` with the reason within seconds, never
pending forever; failures do not count against the resume cap. ATS self-checks stay private."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from bson import ObjectId
from fpdf import FPDF
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.resumes.service import MAX_RESUMES_PER_USER
from tests.conftest import Account, register
from tests.resumes.api_helpers import apply, create_job, upload, uploaded_resume, wait_resume
from tests.resumes.conftest import RESUME_LINES, make_docx, make_pdf


def docx_with_huge_body(megabytes: int) -> bytes:
    """A valid DOCX archive whose main part expands to ``megabytes`` MB (it compresses to almost nothing)."""
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    body += b"<w:p><w:r><w:t>" + b"A" * (megabytes * 1024 * 1024) + b"</w:t></w:r></w:p></w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


async def test_oversized_text_and_expanding_docx_are_refused_at_upload(client: AsyncTestClient,
                                                                      candidate: Account) -> None:
    text = ("Python developer with Django experience. " * 250_000).encode()  # ~10 MB of text, under the byte limit
    response = await upload(client, candidate, text[: 9 * 1024 * 1024], "cv.txt")
    assert response.status_code == 413 and response.json()["error"]["code"] == "TOO_LARGE"
    assert "characters" in response.json()["error"]["message"]
    bomb = await upload(client, candidate, docx_with_huge_body(12), "cv.docx")
    assert bomb.status_code == 422 and bomb.json()["error"]["code"] == "ZIP_BOMB"


async def test_password_protected_pdfs_are_refused_with_the_reason(client: AsyncTestClient,
                                                                   candidate: Account) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "Maria Garcia, platform engineer")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    response = await upload(client, candidate, bytes(pdf.output()), "locked.pdf")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "PASSWORD_PROTECTED"
    assert "password" in response.json()["error"]["message"]


async def test_an_empty_pdf_fails_with_a_reason_and_does_not_count_against_the_cap(
        client: AsyncTestClient, db: Database) -> None:
    person = await register(client, "candidate")
    blank = FPDF()
    blank.add_page()
    response = await upload(client, person, bytes(blank.output()), "blank.pdf")
    assert response.status_code == 201
    failed = await wait_resume(client, person, response.json()["data"]["id"])
    assert failed["status"] == "failed" and failed["error"]["code"] == "empty"
    assert "no text" in failed["error"]["message"]
    # a full shelf of failed uploads still leaves room for a readable resume
    now = datetime.now(UTC)
    db.resumes.insert_many([{"owner_id": person.id, "filename": f"bad{i}.pdf", "content_type": "application/pdf",
                             "kind": "pdf", "size": 10, "gridfs_id": ObjectId(), "status": "failed",
                             "error": {"code": "empty", "message": "no text"}, "created_at": now, "updated_at": now}
                            for i in range(MAX_RESUMES_PER_USER)])
    good = await upload(client, person, make_pdf(RESUME_LINES), "cv.pdf")
    assert good.status_code == 201, good.text


async def test_ats_self_checks_are_private_to_the_candidate(client: AsyncTestClient, recruiter: Account,
                                                            candidate: Account) -> None:
    resume = await uploaded_resume(client, candidate, make_docx(RESUME_LINES), "cv.docx")
    job = await create_job(client, recruiter, title="Platform Engineer", required_skills=["Kubernetes", "Python"],
                           preferred_skills=["Apache Kafka"])
    analysed = await client.post(f"/resume/{resume['id']}/analyze", json={"job_id": job["id"]},
                                 headers=candidate.headers)
    assert analysed.status_code == 200, analysed.text
    report = analysed.json()["data"]["ats_report"]
    assert report["job_title"] == "Platform Engineer" and report["missing_required"] == []
    assert report["missing_preferred"] == ["Apache Kafka"] and report["experience_years"] > 5
    assert report["highest_degree"] == "bachelor"
    await apply(client, candidate, job["id"], resume["id"])
    seen = await client.get(f"/resume/{resume['id']}", headers=recruiter.headers)
    assert seen.status_code == 200 and seen.json()["data"]["ats_report"] is None  # the recruiter sees the resume only
    mine = await client.get(f"/resume/{resume['id']}", headers=candidate.headers)
    assert mine.json()["data"]["ats_report"]["score"] == report["score"]
    # with no job named, the check is against the job of the candidate's latest application
    latest = await client.post(f"/resume/{resume['id']}/analyze", json={}, headers=candidate.headers)
    assert latest.status_code == 200 and latest.json()["data"]["ats_report"]["job_title"] == "Platform Engineer"
