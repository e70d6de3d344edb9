from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from candidatex.resumes.files import DocumentError, UploadLimits, sniff_document
from candidatex.resumes.parsing import extract_text, read_resume


def rejects(data: bytes, code: str, filename: str = "resume.pdf", **limits: int) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        sniff_document(data, filename, UploadLimits(**limits))
    assert caught.value.code == code
    return caught.value


def test_each_supported_type_is_recognised_by_content(resume_pdf: bytes, resume_docx: bytes) -> None:
    assert sniff_document(resume_pdf, "cv.pdf") == "pdf"
    assert sniff_document(resume_docx, "cv.docx") == "docx"
    assert sniff_document("Zoë Müller\nPython developer\n".encode(), "cv.txt") == "txt"


def test_text_saved_as_utf16_by_windows_notepad_is_read(today) -> None:
    data = "Zoë Müller\r\nGo and k8s since Jan 2020 – Present\r\n".encode("utf-16")
    kind, text, parsed = read_resume(data, "cv.txt", today=today)
    assert kind == "txt"
    assert text.startswith("Zoë Müller\n")
    assert parsed.skills == ["Go", "Kubernetes"]


def test_a_word_document_named_pdf_is_read_as_word(resume_docx: bytes, today) -> None:
    kind, text, parsed = read_resume(resume_docx, "resume.pdf", today=today)
    assert kind == "docx"
    assert "Northwind Traders" in text
    assert parsed.contact.email == "maria.garcia@example.org"


def test_a_pdf_named_txt_is_read_as_pdf(resume_pdf: bytes) -> None:
    assert sniff_document(resume_pdf, "notes.txt") == "pdf"


def test_images_and_executables_are_rejected() -> None:
    png = io.BytesIO()
    Image.linear_gradient("L").save(png, format="PNG")  # a real 256x256 PNG photo stand-in
    error = rejects(png.getvalue(), "unsupported_type", filename="photo.pdf")
    assert "photo.pdf" in error.message
    rejects(Path("/bin/ls").read_bytes(), "unsupported_type", filename="resume.docx")


def test_a_truncated_pdf_is_corrupt(resume_pdf: bytes) -> None:
    rejects(resume_pdf[: len(resume_pdf) // 2], "corrupt")


def test_a_damaged_archive_is_corrupt(resume_docx: bytes) -> None:
    rejects(resume_docx[:200], "corrupt", filename="cv.docx")


def test_a_zip_that_is_not_a_word_document_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    rejects(buffer.getvalue(), "unsupported_type", filename="cv.docx")


def _docx_with_extra_part(resume_docx: bytes, name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(resume_docx)) as source, zipfile.ZipFile(
        buffer, "w", compression=zipfile.ZIP_DEFLATED
    ) as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        target.writestr(name, payload)
    return buffer.getvalue()


def test_a_highly_compressed_part_is_refused_as_a_zip_bomb(resume_docx: bytes) -> None:
    bomb = _docx_with_extra_part(resume_docx, "word/media/image1.bin", bytes(20 * 1024 * 1024))
    assert len(bomb) < 200_000  # tiny upload, 20 MB once expanded
    error = rejects(bomb, "zip_bomb", filename="cv.docx")
    assert "compressed" in error.message


def test_an_archive_expanding_past_the_limit_is_refused(resume_docx: bytes) -> None:
    padded = _docx_with_extra_part(resume_docx, "word/media/big.bin", b"x" * 300_000)
    rejects(padded, "zip_bomb", filename="cv.docx", max_uncompressed_bytes=200_000)


def test_oversized_and_empty_uploads_are_refused() -> None:
    rejects(b"a" * (10 * 1024 * 1024 + 1), "too_large", filename="cv.txt")
    rejects(b"", "empty")
    rejects(b"  \n\t ", "empty")


def test_a_pdf_without_any_text_says_so(pdf_from_lines) -> None:
    blank = pdf_from_lines([])
    assert sniff_document(blank) == "pdf"
    with pytest.raises(DocumentError) as caught:
        extract_text(blank, "pdf")
    assert caught.value.code == "empty"
