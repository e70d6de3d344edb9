"""Whatever bytes arrive, the upload path answers with a DocumentError, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidatex.resumes.files import DocumentError
from candidatex.resumes.parsing import parse_resume, read_resume

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_cleanly_or_read(data: bytes) -> None:
    try:
        read_resume(data, "upload.bin")
    except DocumentError as error:
        assert error.code in {"unsupported_type", "too_large", "corrupt", "zip_bomb", "empty"}


@FAST
@given(st.binary(max_size=2048))
def test_damaged_pdfs_are_refused_cleanly(garbage: bytes) -> None:
    try:
        read_resume(b"%PDF-1.7\n" + garbage + b"\n%%EOF\n", "cv.pdf")
    except DocumentError as error:
        assert error.code in {"corrupt", "empty", "unsupported_type", "password_protected"}


@FAST
@given(st.integers(min_value=1, max_value=3000))
def test_any_truncation_of_a_real_docx_is_refused_cleanly(resume_docx: bytes, cut: int) -> None:
    try:
        read_resume(resume_docx[: len(resume_docx) - cut], "cv.docx")
    except DocumentError as error:
        assert error.code in {"corrupt", "unsupported_type", "empty"}


@FAST
@given(st.text(max_size=2000))
def test_parsing_any_text_gives_a_consistent_result(text: str) -> None:
    parsed = parse_resume(text)
    assert parsed.years_experience is None or 0 <= parsed.years_experience <= 80
    assert len(parsed.skills) == len(set(parsed.skills)) == len(parsed.skill_evidence)
