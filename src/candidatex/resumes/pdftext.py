"""PDF text as a reader sees it: text drawn in white (or near-white), in a font too small to read, with the
invisible render mode, or off the page is set apart instead of being read as part of the resume.

Hiding keywords this way is the classic trick against keyword-matching screens; the recruiter is told, and
the hidden words earn nothing. pypdf reports every text run with its matrices and font size; the fill colour
and render mode come from the content stream's operators, tracked here with the graphics-state stack.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from candidatex.resumes.files import DocumentError

MIN_READABLE_POINTS = 4.5  # effective font size below which text is unreadable in print or on screen
NEAR_WHITE = 0.92  # luminance of a fill colour that does not show on a white page
PAGE_MARGIN_POINTS = 2.0
MAX_REPORTED_SPANS = 20


@dataclass(frozen=True, slots=True)
class HiddenSpan:
    text: str
    reason: str  # white_text | tiny_text | invisible_text | off_page

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "reason": self.reason}


def _luminance(operator: bytes, operands: list[Any]) -> float | None:
    try:
        values = [float(v) for v in operands]
    except (TypeError, ValueError):
        return None
    if operator == b"g" and len(values) == 1:
        return values[0]
    if operator == b"rg" and len(values) == 3:
        r, g, b = values
        return 0.299 * r + 0.587 * g + 0.114 * b
    if operator == b"k" and len(values) == 4:
        c, m, y, k = values
        return (1 - k) * (1 - (0.299 * c + 0.587 * m + 0.114 * y))
    return None


class _PageReader:
    """Collects one page's text runs, visible and hidden, in drawing order."""

    def __init__(self, width: float, height: float, left: float, bottom: float) -> None:
        self.bounds = (left - PAGE_MARGIN_POINTS, bottom - PAGE_MARGIN_POINTS, left + width + PAGE_MARGIN_POINTS,
                       bottom + height + PAGE_MARGIN_POINTS)
        self.fill = 0.0  # luminance; black by default
        self.render_mode = 0
        self.stack: list[tuple[float, int]] = []
        self.visible: list[str] = []
        self.hidden: list[HiddenSpan] = []
        self._last_hidden = False

    def before(self, operator: bytes, operands: list[Any], cm: list[float], tm: list[float]) -> None:
        if operator == b"q":
            self.stack.append((self.fill, self.render_mode))
        elif operator == b"Q" and self.stack:
            self.fill, self.render_mode = self.stack.pop()
        elif operator in (b"g", b"rg", b"k"):
            luminance = _luminance(operator, operands)
            if luminance is not None:
                self.fill = luminance
        elif operator == b"Tr" and operands:
            try:
                self.render_mode = int(operands[0])
            except (TypeError, ValueError):
                pass

    def text(self, text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text:
            return
        if not text.strip():  # spaces and line breaks belong with the run before them
            if not self._last_hidden:
                self.visible.append(text)
            return
        # the run's matrix on the page: text matrix times the current transformation matrix
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size) * (a * a + b * b) ** 0.5
        left, bottom, right, top = self.bounds
        reason = None
        if self.render_mode in (3, 7):
            reason = "invisible_text"
        elif self.fill >= NEAR_WHITE:
            reason = "white_text"
        elif 0 < size < MIN_READABLE_POINTS:
            reason = "tiny_text"
        elif not (left <= x <= right and bottom <= y <= top):
            reason = "off_page"
        self._last_hidden = reason is not None
        if reason is None:
            self.visible.append(text)
        else:
            self.hidden.append(HiddenSpan(" ".join(text.split())[:200], reason))
            self.visible.append("\n")  # keep the words on either side apart


def pdf_visible_text(data: bytes, max_pages: int) -> tuple[str, list[HiddenSpan]]:
    """(visible text, hidden spans) of a PDF. Raises DocumentError for encrypted or unreadable files."""
    from pypdf import PdfReader

    # pypdf reports damaged files through many exception types (its own, ValueError, KeyError, ...).
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("password_protected", "the PDF is password-protected; upload it without a password")
        pages, hidden = [], []
        for page in reader.pages[:max_pages]:
            box = page.mediabox
            collector = _PageReader(float(box.width), float(box.height), float(box.left), float(box.bottom))
            page.extract_text(visitor_operand_before=collector.before, visitor_text=collector.text)
            pages.append("".join(collector.visible))
            hidden.extend(collector.hidden)
        return "\n".join(pages), _merged(hidden)
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError("corrupt", f"the PDF could not be read: {exc}") from exc


def _merged(spans: list[HiddenSpan]) -> list[HiddenSpan]:
    """Neighbouring runs hidden the same way read as one span; at most MAX_REPORTED_SPANS are kept."""
    merged: list[HiddenSpan] = []
    for span in spans:
        if merged and merged[-1].reason == span.reason and len(merged[-1].text) < 200:
            merged[-1] = HiddenSpan(f"{merged[-1].text} {span.text}"[:200], span.reason)
        else:
            merged.append(span)
    return merged[:MAX_REPORTED_SPANS]
