"""The resume endpoints: real PDF and DOCX uploads parsed in the background, bad files refused clearly,
and who may read or download a resume."""

from __future__ import annotations

import io
import zipfile

from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import Account, register
from tests.resumes.api_helpers import DOCX_TYPE, apply, create_job, upload, uploaded_resume, wait_resume
from tests.resumes.conftest import RESUME_LINES, make_docx, make_pdf


async def test_pdf_upload_is_stored_parsed_and_listed(client: AsyncTestClient, candidate: Account,
                                                      db: Database) -> None:
    pdf = make_pdf(RESUME_LINES)
    response = await upload(client, candidate, pdf, "maria.pdf")
    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert created["status"] == "pending" and created["kind"] == "pdf" and created["size"] == len(pdf)
    data = await wait_resume(client, candidate, created["id"])
    assert data["status"] == "processed" and data["error"] is None
    assert {"Kubernetes", "Python", "Terraform", "PostgreSQL"} <= set(data["skills"])
    assert data["parsed"]["contact"]["email"] == "maria.garcia@example.org"
    assert data["parsed"]["highest_degree"] == "bachelor" and data["parsed"]["years_experience"] >= 7
    assert "Northwind" in data["text"]
    stored = db.resumes.find_one({"owner_id": candidate.id})
    assert "skill:kubernetes" in stored["keywords"]
    assert db["resumes.files"].find_one({"_id": stored["gridfs_id"]})["length"] == len(pdf)  # the file is in GridFS
    listed = (await client.get("/resume", headers=candidate.headers)).json()["data"]
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"] and listed["items"][0]["text"] is None
    download = await client.get(f"/resume/{created['id']}/download", headers=candidate.headers)
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["content-type"] == "application/pdf" and "maria.pdf" in download.headers["content-disposition"]


async def test_docx_named_pdf_is_read_as_word(client: AsyncTestClient, candidate: Account) -> None:
    document = make_docx(RESUME_LINES[2:], header=" ".join(RESUME_LINES[:2]))
    data = await uploaded_resume(client, candidate, document, "renamed.pdf")
    assert data["kind"] == "docx" and data["content_type"] == DOCX_TYPE
    assert data["parsed"]["contact"]["email"] == "maria.garcia@example.org"  # read from the page header
    assert "Kubernetes" in data["skills"]


async def test_bad_files_get_clear_errors(client: AsyncTestClient, candidate: Account) -> None:
    async def refused(content: bytes, name: str) -> tuple[int, str, str]:
        response = await upload(client, candidate, content, name)
        error = response.json()["error"]
        return response.status_code, error["code"], error["message"]

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    assert (await refused(png, "photo.pdf"))[:2] == (415, "UNSUPPORTED_TYPE")  # renamed image
    oversize = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n"
    status, code, message = await refused(oversize, "big.pdf")
    assert (status, code) == (413, "TOO_LARGE") and "10 MB" in message
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    assert (await refused(bomb.getvalue(), "cv.docx"))[:2] == (422, "ZIP_BOMB")
    assert (await refused(make_pdf(RESUME_LINES)[:-300], "cut.pdf"))[:2] == (422, "CORRUPT")  # truncated
    assert (await refused(b"PK\x03\x04" + b"\x01" * 500, "cv.docx"))[:2] == (422, "CORRUPT")
    assert (await refused(b"   \n  ", "empty.txt"))[:2] == (422, "EMPTY")
    missing = await client.post("/resume/upload", headers=candidate.headers, data={"note": "no file"})
    assert missing.status_code in (400, 422) and missing.json()["success"] is False
    assert (await client.get("/resume", headers=candidate.headers)).json()["data"]["total"] == 0


async def test_damaged_pdf_body_fails_in_the_background_with_a_reason(client: AsyncTestClient,
                                                                      candidate: Account) -> None:
    damaged = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    response = await upload(client, candidate, damaged, "damaged.pdf")
    assert response.status_code == 201
    data = await wait_resume(client, candidate, response.json()["data"]["id"])
    assert data["status"] == "failed" and data["error"]["code"] in {"corrupt", "empty"} and data["error"]["message"]
    analyze = await client.post(f"/resume/{data['id']}/analyze", json={"job_title": "Engineer"},
                                headers=candidate.headers)
    assert analyze.status_code == 409 and analyze.json()["error"]["code"] == "RESUME_NOT_READY"


async def test_only_candidates_upload(client: AsyncTestClient, recruiter: Account) -> None:
    response = await upload(client, recruiter, make_pdf(RESUME_LINES))
    assert response.status_code == 403
    assert (await client.post("/resume/upload", files={"data": ("a.pdf", b"x")})).status_code == 401


async def test_download_authorisation(client: AsyncTestClient, candidate: Account, recruiter: Account,
                                      admin: Account, db: Database) -> None:
    resume = await uploaded_resume(client, candidate, make_pdf(RESUME_LINES))
    rid = resume["id"]
    other_recruiter = await register(client, "recruiter")
    other_candidate = await register(client, "candidate")
    for stranger in (other_recruiter, other_candidate, recruiter):
        assert (await client.get(f"/resume/{rid}/download", headers=stranger.headers)).status_code == 404
        assert (await client.get(f"/resume/{rid}", headers=stranger.headers)).status_code == 404
    job = await create_job(client, recruiter)
    await apply(client, candidate, job["id"], rid)
    allowed = await client.get(f"/resume/{rid}/download", headers=recruiter.headers)
    assert allowed.status_code == 200 and allowed.content.startswith(b"%PDF")
    assert (await client.get(f"/resume/{rid}", headers=recruiter.headers)).json()["data"]["skills"]
    assert (await client.get(f"/resume/{rid}/download", headers=other_recruiter.headers)).status_code == 404
    assert (await client.get(f"/resume/{rid}/download", headers=admin.headers)).status_code == 200
    audit = list(db.audit_logs.find({"action": "resume.download", "target_id": rid}))
    assert {entry["actor_id"] for entry in audit} == {recruiter.id, admin.id}  # staff downloads are audited
    # only the owner deletes
    assert (await client.delete(f"/resume/{rid}", headers=recruiter.headers)).status_code == 403
    assert (await client.delete(f"/resume/{rid}", headers=other_candidate.headers)).status_code == 404
    assert (await client.delete(f"/resume/{rid}", headers=candidate.headers)).status_code == 200
    assert (await client.get(f"/resume/{rid}", headers=candidate.headers)).status_code == 404
    assert db["resumes.files"].count_documents({"metadata.owner_id": candidate.id}) == 0


async def test_ats_analysis_by_text_and_by_job(client: AsyncTestClient, candidate: Account,
                                               recruiter: Account) -> None:
    resume = await uploaded_resume(client, candidate, make_pdf(RESUME_LINES))
    rid = resume["id"]
    by_text = await client.post(f"/resume/{rid}/analyze", headers=candidate.headers, json={
        "job_title": "Platform Engineer",
        "job_description": "Kubernetes, Terraform and Python on AWS; Rust is a plus. 5+ years of experience."})
    assert by_text.status_code == 200, by_text.text
    report = by_text.json()["data"]["ats_report"]
    assert 0 <= report["score"] <= 100 and "Kubernetes" in report["matched_skills"]
    assert "Rust" in report["missing_skills"] and report["suggestions"]
    job = await create_job(client, recruiter, title="Data Engineer", required_skills=["Spark", "python"],
                           description="Batch pipelines on Spark and Airflow.")
    by_job = (await client.post(f"/resume/{rid}/analyze", json={"job_id": job["id"]},
                                headers=candidate.headers)).json()["data"]["ats_report"]
    assert by_job["job_id"] == job["id"] and "Apache Spark" in by_job["missing_skills"] and "Python" in by_job["matched_skills"]
    stored = (await client.get(f"/resume/{rid}", headers=candidate.headers)).json()["data"]
    assert stored["ats_report"]["job_id"] == job["id"]  # the latest report stays on the resume
    invalid = await client.post(f"/resume/{rid}/analyze", json={"job_description": "x"}, headers=candidate.headers)
    assert invalid.status_code == 422
    extra = await client.post(f"/resume/{rid}/analyze", json={"job_title": "x y", "evil": 1}, headers=candidate.headers)
    assert extra.status_code == 422
    draft = await create_job(client, recruiter, publish=False)
    hidden = await client.post(f"/resume/{rid}/analyze", json={"job_id": draft["id"]}, headers=candidate.headers)
    assert hidden.status_code == 404


async def test_ats_analysis_without_a_target_checks_the_latest_application(client: AsyncTestClient,
                                                                            candidate: Account,
                                                                            recruiter: Account) -> None:
    """No job named: a general check until the candidate applies, then the job last applied to; the message
    names the score the report holds."""
    rid = (await uploaded_resume(client, candidate, make_pdf(RESUME_LINES)))["id"]
    general = await client.post(f"/resume/{rid}/analyze", json={}, headers=candidate.headers)
    assert general.status_code == 200, general.text
    report = general.json()["data"]["ats_report"]
    assert report["job_id"] is None and report["job_title"] == "General ATS check"
    assert general.json()["message"] == f"ATS score {report['score']}/100"
    job = await create_job(client, recruiter, title="Data Engineer", required_skills=["Spark"])
    await apply(client, candidate, job["id"], rid)
    latest = (await client.post(f"/resume/{rid}/analyze", headers=candidate.headers)).json()["data"]["ats_report"]
    assert latest["job_id"] == job["id"] and latest["job_title"] == "Data Engineer"
    assert "Apache Spark" in latest["missing_skills"]
