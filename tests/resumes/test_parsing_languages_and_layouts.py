"""Resumes in Spanish, French and German; DOCX tables read in document order; titles kept whole at
abbreviations; hidden PDF text set apart."""

from __future__ import annotations

import io
from datetime import date

import docx
from fpdf import FPDF

from candidatex.resumes.parsing import parse_resume, read_resume
from candidatex.resumes.taxonomy import extract_skills

TODAY = date(2024, 6, 1)

SPANISH = """María Fernández
Experiencia profesional
Ingeniera de Software Senior, Telefónica - enero 2018 - actualidad
Desarrollo de microservicios en Python y Kubernetes.
Desarrolladora, Indra - marzo 2014 - diciembre 2017
Educación
Máster en Ingeniería Informática, Universidad Politécnica de Madrid, 2013
Habilidades
Python, Docker, PostgreSQL"""
FRENCH = """Julien Martin
Expérience professionnelle
Comptable, Société Générale - janv. 2016 - aujourd'hui
Rapprochements bancaires et clôture mensuelle.
Formation
Licence en Comptabilité, Université de Lyon, 2015"""
GERMAN = """Lena Schmidt
Berufserfahrung
Krankenpflegerin, Charité Berlin - 03.2017 - heute
Intensivpflege, Beatmung, Dokumentation.
Ausbildung
Bachelor of Science Pflege, Hochschule Fulda, 2016"""


def test_spanish_resume_dates_degrees_and_sections() -> None:
    parsed = parse_resume(SPANISH, today=TODAY)
    assert {"experience", "education", "skills"} <= set(parsed.sections)
    titles = [p.title for p in parsed.positions]
    assert titles == ["Ingeniera de Software Senior", "Desarrolladora"]
    assert parsed.positions[0].start == date(2018, 1, 1) and parsed.positions[0].current
    assert parsed.positions[1].end == date(2017, 12, 1)
    assert parsed.years_experience == 10.3
    assert parsed.highest_degree == "master"
    assert parsed.education[0].institution == "Universidad Politécnica de Madrid"


def test_french_and_german_resumes() -> None:
    french = parse_resume(FRENCH, today=TODAY)
    assert french.positions[0].title == "Comptable" and french.positions[0].start == date(2016, 1, 1)
    assert french.positions[0].current and french.highest_degree == "bachelor"
    assert "Account Reconciliation" in french.skills
    german = parse_resume(GERMAN, today=TODAY)
    assert german.positions[0].title == "Krankenpflegerin" and german.positions[0].start == date(2017, 3, 1)
    assert german.positions[0].current and german.highest_degree == "bachelor"
    assert {"experience", "education"} <= set(german.sections)
    assert "Critical Care" in extract_skills(GERMAN)


def test_titles_are_not_cut_at_abbreviations() -> None:
    parsed = parse_resume("Experience\nCharge Nurse at St. Mary's Hospital, 2015 - 2020\n"
                          "Senior Accountant, Acme Inc. - 2020 - 2024", today=TODAY)
    assert [(p.title, p.company) for p in parsed.positions] == [
        ("Charge Nurse", "St. Mary's Hospital"), ("Senior Accountant", "Acme Inc.")]


def test_docx_tables_are_read_in_document_order() -> None:
    document = docx.Document()
    document.add_paragraph("Sam Rivera")
    document.add_paragraph("Experience")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("Electrician", "Bright Power Ltd.", "Jan 2019 - Present"),
                                       ("Apprentice Electrician", "City Works", "2015 - 2018")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("Education")
    document.add_paragraph("Associate of Applied Science in Electrical Technology, Austin Community College, 2015")
    buffer = io.BytesIO()
    document.save(buffer)
    _, text, parsed = read_resume(buffer.getvalue(), "cv.docx", today=TODAY)
    assert text.index("Electrician") < text.index("Education")  # the table sits where it was, not at the end
    assert [p.title for p in parsed.positions] == ["Electrician", "Apprentice Electrician"]
    assert parsed.positions[0].company == "Bright Power Ltd."
    assert parsed.highest_degree == "associate"


def test_hidden_pdf_text_is_set_apart_and_not_read_as_skills() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "Barista, Corner Cafe - Jan 2019 - Present", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(255, 255, 255)
    pdf.cell(0, 6, "Kubernetes Terraform Python AWS", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=2)
    pdf.cell(0, 3, "Golang Rust Kafka", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.text(-400, 60, "Apache Spark Hadoop")
    pdf.cell(0, 6, "Made coffee and trained new staff.", new_x="LMARGIN", new_y="NEXT")
    _, text, parsed = read_resume(bytes(pdf.output()), "cv.pdf", today=TODAY)
    assert "Kubernetes" not in text and "Rust" not in text and "Spark" not in text
    assert "Made coffee" in text and parsed.positions[0].title == "Barista"
    assert not {"Kubernetes", "Go", "Rust", "Apache Spark"} & set(parsed.skills)
    reasons = {span["reason"] for span in parsed.hidden_text}
    assert reasons == {"white_text", "tiny_text", "off_page"}
