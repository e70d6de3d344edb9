"""Real resume documents built in the test run: a PDF written by fpdf2 and a DOCX by python-docx."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pymongo import MongoClient

TODAY = date(2024, 6, 15)

# Latin-1 only: the PDF core fonts cannot encode an en dash, so the PDF uses hyphens.
RESUME_LINES = [
    "Maria Garcia",
    "maria.garcia@example.org | +44 20 7946 0958 | linkedin.com/in/mariagarcia",
    "",
    "Summary",
    "Platform engineer with 7+ years of experience running Python services on k8s.",
    "",
    "Experience",
    "Senior Platform Engineer, Northwind Traders - Mar 2020 - Present",
    "Operated Kubernetes clusters with Terraform and Helm; built REST APIs on postgres.",
    "Software Engineer at Contoso (2016 - 2020)",
    "Python and Django services; CI/CD with Jenkins; Redis caching.",
    "",
    "Education",
    "Bachelor of Science in Computer Science, University of Leeds, 2016",
    "",
    "Skills",
    "Python, Go, Docker, AWS, Prometheus",
]


def make_pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(lines: list[str], header: str | None = None) -> bytes:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def today() -> date:
    """Stands in for "Present" in date ranges, so years of experience do not drift."""
    return TODAY


@pytest.fixture(scope="session")
def pdf_from_lines():
    return make_pdf


@pytest.fixture(scope="session")
def resume_pdf() -> bytes:
    return make_pdf(RESUME_LINES)


@pytest.fixture(scope="session")
def resume_docx() -> bytes:
    # Contact details in the page header, where many templates put them.
    return make_docx(RESUME_LINES[2:], header=" ".join(RESUME_LINES[:2]))


@pytest.fixture(scope="session")
def secantus_url(tmp_path_factory):
    """A throwaway SecantusDB server (MongoDB wire protocol, no text indexes) for search tests."""
    executable = Path(sys.executable).parent / "secantusd-py"
    if not executable.exists():
        pytest.skip("secantusd-py is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path_factory.mktemp("secantus") / "server.log").open("w")
    server = subprocess.Popen(
        [str(executable), "--host", "127.0.0.1", "--port", str(port), "--storage-path", ":memory:", "--standalone"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"mongodb://127.0.0.1:{port}"
    client = MongoClient(url, serverSelectionTimeoutMS=30_000)
    try:
        client.admin.command("ping")
        yield url
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)
        log.close()
