"""Upload checks for resume documents: the type comes from the bytes, never from the file name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Literal

DocumentKind = Literal["pdf", "docx", "txt"]

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
}

_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
# Where the PDF header may start: the format tolerates a little leading junk.
_PDF_HEADER_WINDOW = 1024
# A complete PDF ends with %%EOF (some writers append a few bytes after it).
_PDF_TRAILER_WINDOW = 2048
_DOCX_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")


class DocumentError(Exception):
    """A document the platform cannot accept, with a stable ``code`` for API clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"DocumentError({self.code!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_bytes: int = 10 * 1024 * 1024
    # DOCX archives: declared sizes are checked before any part is decompressed.
    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_compression_ratio: float = 100.0
    max_archive_entries: int = 2000
    max_pdf_pages: int = 50
    # Extracted text: a long resume is ~30,000 characters; far more is a dump, not a resume, and would make
    # parsing slow enough to look stuck.
    max_text_chars: int = 200_000
    # The main DOCX part alone (the XML that python-docx loads into memory).
    max_docx_xml_bytes: int = 8 * 1024 * 1024


def sniff_document(data: bytes, filename: str | None = None, limits: UploadLimits = UploadLimits()) -> DocumentKind:
    """Decide what an upload is by its content and reject anything unsafe or unsupported.

    ``filename`` only appears in error messages: a ``.pdf`` that holds a Word document is a DOCX.
    Raises DocumentError with code ``empty``, ``too_large``, ``unsupported_type``, ``corrupt``, ``zip_bomb`` or
    ``password_protected``.
    """
    label = f"'{filename}'" if filename else "the file"
    if not data or not data.strip():
        raise DocumentError("empty", f"{label} is empty")
    if len(data) > limits.max_bytes:
        raise DocumentError(
            "too_large", f"{label} is {len(data) / 1048576:.1f} MB; the limit is {limits.max_bytes / 1048576:.0f} MB"
        )
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        if b"%%EOF" not in data[-_PDF_TRAILER_WINDOW:]:
            raise DocumentError("corrupt", f"{label} is an incomplete PDF (it has no end-of-file marker)")
        if b"/Encrypt" in data and _pdf_needs_password(data):
            raise DocumentError("password_protected",
                                f"{label} is password-protected; save it without a password and upload it again")
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        _check_docx_archive(data, label, limits)
        return "docx"
    if _is_plain_text(data):
        if len(data) > limits.max_text_chars * 4 or len(decode_text(data)) > limits.max_text_chars:
            raise DocumentError("too_large", f"{label} holds more than {limits.max_text_chars:,} characters of "
                                             "text; a resume has far fewer")
        return "txt"
    raise DocumentError("unsupported_type", f"{label} is not a PDF, DOCX or UTF-8 text document")


def _check_docx_archive(data: bytes, label: str, limits: UploadLimits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise DocumentError("corrupt", f"{label} is a damaged ZIP/DOCX archive") from exc
    names = {entry.filename for entry in entries}
    if not all(part in names for part in _DOCX_REQUIRED_PARTS):
        raise DocumentError("unsupported_type", f"{label} is a ZIP archive but not a Word (DOCX) document")
    if len(entries) > limits.max_archive_entries:
        raise DocumentError("zip_bomb", f"{label} holds {len(entries)} parts, more than a resume ever needs")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise DocumentError(
            "zip_bomb", f"{label} would expand to {total / 1048576:.0f} MB; refusing to decompress it"
        )
    main_part = next(entry for entry in entries if entry.filename == "word/document.xml")
    if main_part.file_size > limits.max_docx_xml_bytes:
        raise DocumentError("zip_bomb", f"{label} holds {main_part.file_size / 1048576:.0f} MB of document text; "
                                        "refusing to decompress it")
    for entry in entries:
        # zipfile stops reading at the declared size and checks the CRC, so a lying header fails as corrupt.
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_compression_ratio and entry.file_size > 1024 * 1024:
            raise DocumentError(
                "zip_bomb", f"{label} has a part compressed {ratio:.0f}:1 ({entry.filename}); refusing to decompress it"
            )


def _pdf_needs_password(data: bytes) -> bool:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return bool(reader.is_encrypted) and not reader.decrypt("")
    except Exception:  # noqa: BLE001 - a damaged file is reported when it is read
        return False


def decode_text(data: bytes) -> str:
    """Text of a TXT upload: UTF-8 (with or without BOM), or UTF-16 when it starts with a BOM
    (what Windows Notepad saves as "Unicode"). Raises UnicodeDecodeError otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), data.index(b"\x00") + 1, "NUL byte")
    return data.decode("utf-8-sig")


def _is_plain_text(data: bytes) -> bool:
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return "\x00" not in text and controls <= len(text) // 100
