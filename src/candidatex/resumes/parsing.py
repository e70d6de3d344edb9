"""Resume text extraction (PDF, DOCX, TXT) and parsing into skills, experience, education and contact.

Everything here is synchronous CPU work: call it through ``asyncio.to_thread`` or a worker.
"""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

from candidatex.resumes.files import DocumentError, DocumentKind, UploadLimits, decode_text, sniff_document
from candidatex.resumes.pdftext import HiddenSpan, pdf_visible_text
from candidatex.resumes.taxonomy import SkillTaxonomy, default_taxonomy

DegreeLevel = Literal["none", "associate", "bachelor", "master", "phd"]
DEGREE_RANK: dict[str, int] = {"none": 0, "associate": 1, "bachelor": 2, "master": 3, "phd": 4}


@dataclass(frozen=True, slots=True)
class Contact:
    email: str | None = None
    phone: str | None = None
    links: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Education:
    degree_level: DegreeLevel
    field: str | None = None
    institution: str | None = None
    graduation_year: int | None = None


@dataclass(frozen=True, slots=True)
class Position:
    title: str | None
    company: str | None
    start: date | None
    end: date | None  # the last month worked; "Present" becomes the current month with current=True
    current: bool = False
    line: int | None = None  # index of the text line holding the dates, so reasons can quote it

    @property
    def months(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return _month_index(self.end) - _month_index(self.start) + 1


@dataclass(frozen=True, slots=True)
class ParsedResume:
    skills: list[str]
    skill_evidence: dict[str, list[str]]  # canonical skill -> spellings found in the text
    years_experience: float | None
    education: list[Education]
    contact: Contact
    positions: list[Position]
    word_count: int = 0
    sections: list[str] = field(default_factory=list)
    hidden_text: list[dict[str, str]] = field(default_factory=list)  # {text, reason} a reader cannot see

    @property
    def highest_degree(self) -> DegreeLevel:
        levels = [entry.degree_level for entry in self.education]
        return max(levels, key=DEGREE_RANK.__getitem__, default="none")


# --------------------------------------------------------------------------------------- extraction


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str  # what a reader sees
    hidden: list[HiddenSpan] = field(default_factory=list)  # text a reader cannot see (PDF), left out of ``text``


def extract_document(data: bytes, kind: DocumentKind, limits: UploadLimits = UploadLimits()) -> Extracted:
    """The visible text of a document whose kind ``sniff_document`` decided, and what was hidden. Raises
    DocumentError."""
    hidden: list[HiddenSpan] = []
    if kind == "pdf":
        text, hidden = pdf_visible_text(data, limits.max_pdf_pages)
    elif kind == "docx":
        text = _docx_text(data)
    else:
        text = decode_text(data)
    text = _tidy(text)
    if len(text) > limits.max_text_chars:
        raise DocumentError("too_large", f"the document holds {len(text):,} characters of text; a resume has far "
                                         f"fewer (the limit is {limits.max_text_chars:,})")
    if not text.strip():
        if hidden:
            raise DocumentError("empty", "all the text in this document is hidden (white, tiny or off the page)")
        raise DocumentError("empty", "no text could be extracted (a scanned image needs OCR, which is not supported)")
    return Extracted(text, hidden)


def extract_text(data: bytes, kind: DocumentKind, limits: UploadLimits = UploadLimits()) -> str:
    """Plain visible text of a document whose kind ``sniff_document`` decided. Raises DocumentError."""
    return extract_document(data, kind, limits).text


def read_resume(
    data: bytes, filename: str | None = None, limits: UploadLimits = UploadLimits(), today: date | None = None
) -> tuple[DocumentKind, str, ParsedResume]:
    """Sniff, extract and parse an upload in one call (what a background task runs). Hidden PDF text is not
    parsed; it is reported in ``ParsedResume.hidden_text``."""
    kind = sniff_document(data, filename, limits)
    extracted = extract_document(data, kind, limits)
    parsed = parse_resume(extracted.text, today=today)
    if extracted.hidden:
        parsed = dataclasses.replace(parsed, hidden_text=[span.as_dict() for span in extracted.hidden])
    return kind, extracted.text, parsed


def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx surfaces zip, XML and missing-part errors alike
        raise DocumentError("corrupt", f"the Word document could not be read: {exc}") from exc
    lines: list[str] = []
    for section in document.sections:  # contact details often sit in the page header
        lines.extend(p.text for p in section.header.paragraphs)
    # Paragraphs and tables in the order they appear: many templates lay positions out as table rows.
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and text not in cells:  # merged cells repeat their text
                        cells.append(text)
                lines.append(" | ".join(cells))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    return "\n".join(line.rstrip() for line in text.split("\n"))


# --------------------------------------------------------------------------------------- parsing

_SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        "experience", "work experience", "professional experience", "employment", "employment history",
        "work history", "career history", "relevant experience", "professional background", "clinical experience",
        "teaching experience",
        "experiencia", "experiencia laboral", "experiencia profesional", "trayectoria profesional",
        "experience professionnelle", "experiences professionnelles", "parcours professionnel",
        "berufserfahrung", "berufliche erfahrung", "beruflicher werdegang", "werdegang", "berufspraxis",
    ),
    "education": (
        "education", "academic background", "education and training", "academic qualifications",
        "educacion", "formacion", "formacion academica", "estudios", "formation", "diplomes",
        "ausbildung", "bildung", "bildungsweg", "studium", "akademischer werdegang",
    ),
    "skills": (
        "skills", "technical skills", "core competencies", "technologies", "skills and tools", "expertise",
        "clinical skills", "key skills", "habilidades", "competencias", "conocimientos", "aptitudes",
        "competences", "competences techniques", "kenntnisse", "fahigkeiten", "kompetenzen", "fachkenntnisse",
    ),
    "projects": ("projects", "personal projects", "selected projects", "proyectos", "projets", "projekte"),
    "summary": (
        "summary", "profile", "professional summary", "about me", "objective", "career objective",
        "perfil", "resumen", "perfil profesional", "profil", "a propos", "zusammenfassung", "uber mich",
    ),
    "certifications": (
        "certifications", "certificates", "licenses and certifications", "licenses", "certificaciones",
        "zertifikate", "zertifizierungen",
    ),
    "languages": ("languages", "idiomas", "langues", "sprachen"),
    "contact": ("contact", "contact information", "contacto", "kontakt"),
}
_HEADING_TO_SECTION = {heading: name for name, headings in _SECTION_HEADINGS.items() for heading in headings}

# Month names (accents folded, see fold()) -> month number: English, Spanish, French, German.
_MONTH_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate((
        "jan january ene enero janv janvier januar",
        "feb february febrero fev fevr fevrier februar",
        "mar march marzo mars marz mrz",
        "apr april abr abril avr avril",
        "may mayo mai",
        "jun june junio juin juni",
        "jul july julio juil juillet juli",
        "aug august ago agosto aout",
        "sep sept september septiembre setiembre septembre",
        "oct october octubre octobre okt oktober",
        "nov november noviembre novembre",
        "dec december dic diciembre decembre dez dezember",
    ), start=1)
    for name in names.split()
}
_MONTH = "(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + ")"
_DATE = rf"(?:{_MONTH}\.?,?\s+(?:de\s+)?\d{{4}}|\d{{1,2}}[/.]\d{{4}}|\d{{4}}[-/.]\d{{1,2}}(?!\d)|\d{{4}})"
_PRESENT = (
    r"(?:present|current(?:ly)?|now|today|to date|ongoing|actualidad|actualmente|actual|presente|hoy"
    r"|aujourd'hui|aujourd’hui|en cours|heute|jetzt|derzeit|aktuell|laufend)"
)
_DATE_RANGE = re.compile(
    rf"(?<![\w/])(?:(?:de|desde|von|du|seit)\s+)?(?P<start>{_DATE})\s*"
    rf"(?:-|–|—|to|until|till|a|al|hasta|au|a|bis(?:\s+zum)?|jusqu'(?:a|au|en))\s*"
    rf"(?P<end>{_DATE}|{_PRESENT})(?![\w/])",
    re.IGNORECASE,
)
_YEARS_CLAIM = re.compile(
    r"(?:(?P<plus_n>\d{1,2}(?:\.\d)?)\s*\+\s*(?:years?|yrs?)"
    r"|(?P<n>\d{1,2}(?:\.\d)?)\s*(?:years?|yrs?)(?=(?:\s+(?:of|in))?(?:\s+[\w/+#.-]+){0,3}?\s+"
    r"(?:experience|expertise|industry|professional)))",
    re.IGNORECASE,
)
_YEARS_RANGE = re.compile(r"\b(\d{1,2})\s*(?:-|–|to)\s*\d{1,2}\s*(?:years?|yrs?)\b", re.IGNORECASE)
_AT_LEAST_YEARS = re.compile(r"\b(?:at least|minimum of|min\.?|over|more than)\s+(\d{1,2})\s*(?:years?|yrs?)\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]\d{2,5}){1,4}(?![\w])")
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()]+|(?<![\w@.])(?:linkedin\.com|github\.com|gitlab\.com)/[^\s|,;<>()]+",
    re.IGNORECASE,
)

# Matched against fold()ed lines, so "Máster" and "Maestría" need no accents here.
_DEGREE_PATTERNS: tuple[tuple[DegreeLevel, re.Pattern[str]], ...] = (
    ("phd", re.compile(
        r"\b(?:ph\.?\s?d\b\.?|doctor of philosophy|doctorate|d\.phil\b|doctorado|doctorat|doktor|promotion\b"
        r"|dr\.\s?rer)", re.I)),
    ("master", re.compile(
        r"(?<!scrum )\b(?:master(?:'s|s)?(?: degree)?\b|m\.?sc\b\.?|m\.s\.|ms (?=in\b|of\b)|mba\b|m\.b\.a\."
        r"|m\.?eng\b\.?|m\.?tech\b|m\.a\.|ma (?=in\b)|msn\b|maestria|magister|diplom(?:-ingenieur|-kauf\w+)?\b"
        r"|dipl\.-\w+|diplome d'ingenieur|staatsexamen|ingenier[oa] superior\b)", re.I)),
    ("bachelor", re.compile(
        r"\b(?:bachelor(?:'s|s)?\b|b\.?sc\b\.?|b\.s\.|bs (?=in\b|of\b)|b\.a\.|ba (?=in\b|of\b)|b\.?eng\b\.?"
        r"|b\.?tech\b|b\.e\.|bsn\b|b\.?com\b|b\.?ed\b|undergraduate degree|licenciatura|licenciad[oa]\b"
        r"|grado (?:en|de)\b|ingenier[oa] tecnic[oa]\b|licence\b)", re.I)),
    ("associate", re.compile(
        r"\b(?:associate(?:'s)? degree|associate of (?:arts|science|applied science)|a\.a\.s?\.|a\.s\.(?= in\b)"
        r"|adn\b|tecnico superior|bts\b|dut\b)", re.I)),
)
_FIELD_IN = re.compile(r"\b(?:in|en)\s+([A-ZÀ-Ý][^\W\d_]*(?:[ &/\-]+[^\W\d_]+)*?)"
    r"(?=\s*(?:,|;|\||—|–| - |\(|\bat\b|\bfrom\b|\d|$))")
_FIELD_OF = re.compile(
    r"\bof\s+((?!Science\b|Arts\b|Engineering\b|Technology\b|Philosophy\b)[A-Z][A-Za-z&/\- ]*?[A-Za-z])"
    r"(?=\s*(?:,|;|\||—|–| - |\(|\bat\b|\bfrom\b|\d|$))"
)
_INSTITUTION = re.compile(
    r"((?:[A-Z][\w&.'\-]*\s+)*(?:University|College|Institute|School|Academy|Polytechnic|Universit[éy]|Universidad"
    r"|Universität|Hochschule|Fachhochschule|École|Escuela|Instituto|Institut|Colegio|Lycée)"
    r"(?:\s+(?:(?:of|de|del|de la|du|des|für|der)\s+)?[A-ZÀ-Ý][\w&.'\-]*)*)"
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|analyst|scientist|designer|lead|director|consultant|intern"
    r"|architect|specialist|administrator|officer|head|vp|president|coordinator|assistant|associate"
    r"|technician|researcher|teacher|writer|recruiter|founder|owner|cto|ceo|sre|devops|tester|qa"
    r"|nurse|rn|accountant|auditor|controller|bookkeeper|pharmacist|therapist|physician|paramedic|midwife"
    r"|technologist|instructor|tutor|lecturer|professor|educator|supervisor|foreman|apprentice|electrician"
    r"|plumber|carpenter|welder|mechanic|journeyman|representative|agent|clerk|cashier|executive|advisor"
    r"|adviser|planner|chef|cook|driver|operator|barista|salesperson|account|enfermer[oa]|contador[a]?"
    r"|contable|ingenier[oa]|desarrollador[a]?|profesor[a]?|maestr[oa]|gerente|infirmier|infirmiere|comptable"
    r"|ingenieur|developpeur|enseignant[e]?|krankenpfleger\w*|pflegefachkraft|buchhalter\w*|entwickler\w*"
    r"|lehrer\w*|elektriker\w*|berater\w*)\b",
    re.I,
)
# A sentence ends at a full stop, except after abbreviations that sit inside names ("St. Mary's", "Acme Inc.").
_SENTENCE_END = re.compile(
    r"(?<!St)(?<!Inc)(?<!Ltd)(?<!Corp)(?<!Co)(?<!Jr)(?<!Sr)(?<!Dr)(?<!Mt)(?<!Ft)(?<!Bros)(?<!No)"
    r"(?<=[a-z0-9)])\.\s+"
)
_TITLE_COMPANY_SPLIT = re.compile(r"\s+(?:at|@)\s+|\s*[|,•·]\s*|\s+[-–—]\s+")


def parse_resume(text: str, *, today: date | None = None, taxonomy: SkillTaxonomy | None = None) -> ParsedResume:
    """Structure a resume's text. ``today`` stands in for "Present" in date ranges (default: today)."""
    today = today or date.today()
    taxonomy = taxonomy or default_taxonomy()
    lines = text.split("\n")
    line_sections = _assign_sections(lines)
    evidence = taxonomy.find_mentions(text)
    education = _parse_education(lines, line_sections)
    positions = _parse_positions(lines, line_sections, today)
    return ParsedResume(
        skills=list(evidence),
        skill_evidence=evidence,
        years_experience=_years_of_experience(text, positions),
        education=education,
        contact=_parse_contact(text),
        positions=positions,
        word_count=len(text.split()),
        sections=sorted({section for section in line_sections if section}),
    )


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1]
    return base if base.isascii() and base.isalpha() else ch


def fold(text: str) -> str:
    """Lowercase text with accents removed ("Experiencia Profesional" vs "Expérience" meet "experience"),
    one character for one, so match offsets still index the original text."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lowered if lowered.isascii() else "".join(map(_fold_char, lowered))


def _heading_of(line: str) -> str | None:
    words = re.sub(r"[^a-z& ]", " ", fold(line)).replace("&", "and").split()
    if not words or len(words) > 4:
        return None
    return _HEADING_TO_SECTION.get(" ".join(words))


def _assign_sections(lines: list[str]) -> list[str | None]:
    """The section every line belongs to (None before the first recognised heading)."""
    current: str | None = None
    sections: list[str | None] = []
    for line in lines:
        heading = _heading_of(line)
        if heading:
            current = heading
        sections.append(current)
    return sections


def _parse_contact(text: str) -> Contact:
    email_match = _EMAIL.search(text)
    links = list(dict.fromkeys(link.rstrip(".") for link in _LINK.findall(text)))
    phone = None
    for match in _PHONE.finditer(_EMAIL.sub(" ", text)):
        candidate = match.group().strip()
        digits = re.sub(r"\D", "", candidate)
        if 7 <= len(digits) <= 15 and not _looks_like_dates(candidate):
            phone = candidate
            break
    return Contact(email=email_match.group() if email_match else None, phone=phone, links=links)


def _looks_like_dates(candidate: str) -> bool:
    groups = re.findall(r"\d+", candidate)
    return all(len(group) == 4 and 1950 <= int(group) <= 2100 for group in groups) or bool(
        re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", candidate)
    )


def _parse_education(lines: list[str], sections: list[str | None]) -> list[Education]:
    has_education_section = "education" in sections
    entries: list[Education] = []
    for index, line in enumerate(lines):
        if has_education_section and sections[index] != "education":
            continue
        folded = fold(line)
        level = next((lvl for lvl, pattern in _DEGREE_PATTERNS if pattern.search(folded)), None)
        if level is None:
            continue
        # Details may wrap onto the next lines, up to the next degree or heading.
        block = [line]
        for following in lines[index + 1 : index + 3]:
            if _heading_of(following) or any(pattern.search(fold(following)) for _, pattern in _DEGREE_PATTERNS):
                break
            block.append(following)
        field_match = _FIELD_IN.search(line) or _FIELD_OF.search(line)
        institution = next((m for m in map(_INSTITUTION.search, block) if m), None)
        year = next((max(map(int, years)) for years in map(_YEAR.findall, block) if years), None)
        entries.append(
            Education(
                degree_level=level,
                field=field_match.group(1).strip() if field_match else None,
                institution=institution.group(1).strip() if institution else None,
                graduation_year=year,
            )
        )
    return entries


def _parse_date(raw: str, today: date) -> tuple[date, bool] | None:
    """A date and whether the month was given; None if it is not a plausible date."""
    raw = fold(raw.strip()).rstrip(".")
    if re.fullmatch(_PRESENT, raw, re.IGNORECASE):
        return date(today.year, today.month, 1), True
    year_match = re.search(r"\d{4}", raw)
    if year_match is None:
        return None
    year = int(year_match.group())
    month: int | None = None
    month_name = re.match(r"[a-z]+", raw)
    if month_name:
        month = _MONTH_NAMES.get(month_name.group()) or _MONTH_NAMES.get(month_name.group()[:3])
    elif re.match(r"\d{1,2}[/.]\d{4}", raw):  # 03/2019, 03.2019
        month = int(re.split(r"[/.]", raw)[0])
    elif re.fullmatch(r"\d{4}[-/.]\d{1,2}", raw):  # 2019-03
        month = int(re.split(r"[-/.]", raw)[1])
    if not 1950 <= year <= today.year + 1 or (month is not None and not 1 <= month <= 12):
        return None
    return date(year, month or 1, 1), month is not None


def _month_index(value: date) -> int:
    return value.year * 12 + value.month - 1


def _split_title_company(text: str) -> tuple[str | None, str | None]:
    parts = [re.sub(r"^(?:at|@)\s+", "", part.strip(" ()[]:-–—")) for part in _TITLE_COMPANY_SPLIT.split(text)]
    parts = [part for part in parts if part and len(part) > 1]
    if not parts:
        return None, None
    titled = [part for part in parts if _TITLE_WORDS.search(part)]
    title = titled[0] if titled else parts[0]
    others = [part for part in parts if part != title]
    return title, others[0] if others else None


def _parse_positions(lines: list[str], sections: list[str | None], today: date) -> list[Position]:
    positions: list[Position] = []
    for index, line in enumerate(lines):
        if sections[index] in ("education", "certifications"):
            continue
        folded = fold(line)
        degree_spans = [m.span() for _, pattern in _DEGREE_PATTERNS for m in pattern.finditer(folded)]
        for match in _DATE_RANGE.finditer(folded):
            if any(_near(span, match.span()) for span in degree_spans):
                continue  # a study period, not a job
            start = _parse_date(match.group("start"), today)
            end = _parse_date(match.group("end"), today)
            if start is None or end is None or end[0] < start[0]:
                continue
            current = bool(re.fullmatch(_PRESENT, match.group("end").strip(), re.IGNORECASE))
            end_date = end[0] if end[1] else _year_only_end(start[0], end[0])
            # The label is the rest of the sentence around the dates ("Engineer, Acme — 2019 – 2021").
            before = _SENTENCE_END.split(line[: match.start()])[-1]
            after = _SENTENCE_END.split(line[match.end() :])[0]
            label = (before + " " + after).strip(" |,()-–—:\t")
            if not label:
                previous = next((lines[j] for j in range(index - 1, max(index - 3, -1), -1) if lines[j].strip()), "")
                label = previous if not _heading_of(previous) else ""
            title, company = _split_title_company(label)
            positions.append(Position(title, company, start[0], end_date, current, index))
    return positions


def _near(degree: tuple[int, int], dates: tuple[int, int]) -> bool:
    """Whether a degree mention belongs to a date range: shortly before it or right after it."""
    return 0 <= dates[0] - degree[1] <= 80 or 0 <= degree[0] - dates[1] <= 15


def _year_only_end(start: date, end_year: date) -> date:
    """Last month of a range whose end gave only a year: "2018 - 2023" spans five years, not six."""
    last_month = date(end_year.year - 1, 12, 1)
    return max(start, last_month)


def covered_years(positions: list[Position]) -> float | None:
    """Years covered by dated positions, overlapping ones counted once; None when none is dated."""
    return years_covered_by(
        (_month_index(p.start), _month_index(p.end)) for p in positions if p.start is not None and p.end is not None
    )


def month_span(position: Position) -> tuple[int, int] | None:
    """(first month, last month) of a position as month indexes, for ``years_covered_by``."""
    if position.start is None or position.end is None:
        return None
    return _month_index(position.start), _month_index(position.end)


def years_covered_by(spans: Iterable[tuple[int, int]]) -> float | None:
    """``covered_years`` over precomputed ``month_span``s."""
    intervals = sorted(spans)
    if not intervals:
        return None
    months = 0
    covered_until = -1
    for start, end in intervals:
        if end > covered_until:
            months += end - max(start, covered_until + 1) + 1
            covered_until = end
    return round(months / 12, 1)


def _years_of_experience(text: str, positions: list[Position]) -> float | None:
    """Years covered by the dated positions, or a stated "N+ years" if that is larger."""
    candidates = [years for years in (covered_years(positions), stated_years(text)) if years]
    return max(candidates) if candidates else None


def stated_years(text: str) -> float | None:
    """The largest "N+ years" / "N years of experience" a text states; a range "3-5 years" counts as 3.

    Works for resumes ("6+ years of experience") and job descriptions ("3-5 years", "at least 4 years").
    """
    values = [float(m.group(1)) for m in _YEARS_RANGE.finditer(text)]
    remainder = _YEARS_RANGE.sub(" ", text)
    values += [float(m.group(1)) for m in _AT_LEAST_YEARS.finditer(remainder)]
    values += [float(m.group("plus_n") or m.group("n")) for m in _YEARS_CLAIM.finditer(remainder)]
    values = [value for value in values if 0 < value <= 50]
    return max(values) if values else None


def line_sections(text: str) -> list[str | None]:
    """The section (experience, education, skills, ...) each line of ``text`` belongs to."""
    return _assign_sections(text.split("\n"))


def is_heading(line: str) -> bool:
    return _heading_of(line) is not None
