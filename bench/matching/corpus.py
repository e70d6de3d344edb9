"""Builds the labelled matching corpus: real PDF and DOCX resumes across nine professions and four
languages, including gaming ones, plus the labels (what parsing must find) and the relevance grades that
order each job's applicants (a recruiter's judgement written down before any score was seen).

Run: PYTHONPATH=src python bench/matching/corpus.py   (writes tests/data/matching_corpus/)

Grades per job (a careful recruiter's ordering): 4 a senior of the profession, 3 mid-level meeting the
job's minimum years, 2 the profession but short of them, 1.5 a first-year junior, 1 a neighbouring
profession, 0 unrelated work or a resume built to game the screen.
"""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import docx
from fpdf import FPDF

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "matching_corpus"

JOBS = {
    "software": dict(title="Senior Backend Engineer", required=["Python", "PostgreSQL", "Kubernetes"],
                     preferred=["Apache Kafka"], min_years=5, education="bachelor",
                     description="Build Python services on PostgreSQL and run them on Kubernetes. Kafka a plus. "
                                 "5+ years of backend experience."),
    "nursing": dict(title="ICU Registered Nurse", required=["BLS", "ACLS", "Epic", "Critical Care"],
                    preferred=["Phlebotomy"], min_years=3, education="bachelor",
                    description="Care for critically ill patients in our ICU: patient assessment, medication "
                                "administration and charting in Epic. BLS and ACLS required. 3+ years of ICU nursing."),
    "accounting": dict(title="Senior Accountant", required=["GAAP", "Account Reconciliation", "Month-End Close"],
                       preferred=["NetSuite", "CPA"], min_years=4, education="bachelor",
                       description="Own reconciliations and the month-end close under GAAP; NetSuite preferred. "
                                   "4+ years of accounting experience."),
    "teaching": dict(title="High School Math Teacher", required=["Lesson Planning", "Classroom Management"],
                     preferred=["Differentiated Instruction", "Google Classroom"], min_years=2, education="bachelor",
                     description="Teach algebra and geometry: plan lessons, manage the classroom and assess students. "
                                 "Teaching license and 2+ years of classroom experience."),
    "electrical": dict(title="Journeyman Electrician", required=["Electrical Wiring", "National Electrical Code",
                                                                 "Blueprint Reading"],
                       preferred=["PLC Programming", "OSHA Safety"], min_years=4, education="none",
                       description="Install and repair commercial wiring to the NEC, read blueprints, keep sites safe. "
                                   "4+ years as an electrician."),
    "sales": dict(title="Account Executive", required=["B2B Sales", "Salesforce", "Pipeline Management"],
                  preferred=["Lead Generation", "Contract Negotiation"], min_years=3, education="none",
                  description="Own a B2B pipeline in Salesforce from first call to signed contract; 3+ years of "
                              "quota-carrying sales."),
    "support": dict(title="Technical Support Specialist", required=["Technical Support", "Zendesk", "Troubleshooting"],
                    preferred=["ITIL", "Active Directory"], min_years=2, education="none",
                    description="Resolve customer tickets in Zendesk, troubleshoot accounts and devices, escalate "
                                "well. 2+ years in a help desk."),
    "data": dict(title="Data Analyst", required=["SQL", "Tableau", "Data Analysis"],
                 preferred=["Python", "A/B Testing"], min_years=2, education="bachelor",
                 description="Turn product data into decisions: SQL, dashboards in Tableau, experiment analysis. "
                             "2+ years as an analyst."),
    "hospitality": dict(title="Cafe Shift Supervisor", required=["Customer Service", "Inventory Management"],
                        preferred=["Food Safety"], min_years=2, education="none",
                        description="Run the cafe floor on your shift: serve guests, train baristas, handle the till, "
                                    "closing inventory and food safety checks. 2+ years in a cafe or restaurant."),
    # added 1 December (third pass) as a holdout ordering: no rule was designed on it
    "logistics": dict(title="Warehouse Supervisor", required=["Inventory Management", "Warehouse Management Systems",
                                                              "Shipping and Receiving"],
                      preferred=["Forklift Operation", "OSHA Safety"], min_years=3, education="none",
                      description="Lead the warehouse shift: receiving and shipping, inventory counts in the WMS, "
                                  "pick and pack accuracy, forklift safety. 3+ years in a warehouse."),
}


@dataclass
class Position:
    title: str
    company: str
    start: str  # "Jan 2018" in the resume's language
    end: str
    start_key: str  # "2018-01" for the labels
    bullets: list[str] = field(default_factory=list)


@dataclass
class Spec:
    id: str
    profession: str
    language: str
    fmt: str  # pdf | docx | docx_table
    name: str
    email: str
    headings: dict[str, str]
    positions: list[Position]
    degree: str  # the line
    degree_level: str
    skills_line: str
    skills: list[str]  # canonical skills the visible text shows (label)
    grades: dict[str, float]
    summary: str = ""
    gaming: str | None = None
    hidden: str = ""  # text drawn invisibly (PDF only)


EN = {"experience": "Experience", "education": "Education", "skills": "Skills", "summary": "Summary"}
ES = {"experience": "Experiencia profesional", "education": "Formación académica", "skills": "Habilidades",
      "summary": "Perfil"}
FR = {"experience": "Expérience professionnelle", "education": "Formation", "skills": "Compétences",
      "summary": "Profil"}
DE = {"experience": "Berufserfahrung", "education": "Ausbildung", "skills": "Kenntnisse", "summary": "Profil"}
MONTHS = {"en": ["Jan", "Mar", "May", "Jun", "Sep", "Oct"], "es": ["enero", "marzo", "mayo", "junio", "septiembre", "octubre"],
          "fr": ["janvier", "mars", "mai", "juin", "septembre", "octobre"], "de": ["Januar", "März", "Mai", "Juni", "September", "Oktober"]}
MONTH_NUMBER = [1, 3, 5, 6, 9, 10]
PRESENT = {"en": "Present", "es": "actualidad", "fr": "aujourd'hui", "de": "heute"}


def pos(lang: str, title: str, company: str, start: tuple[int, int], end: tuple[int, int] | None,
        bullets: list[str]) -> Position:
    def show(month_index: int, year: int) -> str:
        return f"{MONTHS[lang][month_index]} {year}"

    return Position(title, company, show(*start), show(*end) if end else PRESENT[lang],
                    f"{start[1]}-{MONTH_NUMBER[start[0]]:02d}", bullets)


def grades(profession: str, level: float, neighbours: tuple[str, ...] = ()) -> dict[str, float]:
    return {job: (level if job == profession else 1 if job in neighbours else 0) for job in JOBS}


PROFESSIONS = {
    # profession: (titles by seniority, companies, bullet lines, skills those lines show, skills line, degree)
    "software": (["Senior Backend Engineer", "Backend Engineer", "Junior Software Developer"],
                 ["Northwind Traders Inc.", "Contoso Ltd.", "Fabrikam"],
                 ["Built Python services on PostgreSQL, deployed on Kubernetes with Helm.",
                  "Moved billing events onto Apache Kafka and cut latency by half."],
                 ["Python", "PostgreSQL", "Kubernetes", "Helm", "Apache Kafka"], "Python, PostgreSQL, Docker, Git",
                 ("Bachelor of Science in Computer Science, University of Leeds, {y}", "bachelor")),
    "nursing": (["ICU Registered Nurse", "Registered Nurse, Critical Care", "Graduate Nurse"],
                ["St. Mary's Hospital", "Mercy Medical Center", "Boston General Hospital"],
                ["Cared for ventilated patients in a 20-bed ICU and charted every shift in Epic.",
                 "Renewed BLS and ACLS every two years; precepted new graduate nurses."],
                ["Epic", "Basic Life Support", "Advanced Cardiac Life Support", "Critical Care",
                 "Ventilator Management"], "Patient Assessment, Wound Care, Infection Control",
                ("Bachelor of Science in Nursing, University of Iowa, {y}", "bachelor")),
    "accounting": (["Senior Accountant", "Staff Accountant", "Junior Accountant"],
                   ["Northwind Traders Inc.", "Fabrikam Ltd.", "Tailspin Toys"],
                   ["Prepared bank and balance sheet reconciliations and led the month-end close under US GAAP.",
                    "Closed the books in NetSuite and explained variances to the controller."],
                   ["Account Reconciliation", "Month-End Close", "GAAP", "NetSuite", "Variance Analysis"],
                   "Accounts Payable, General Ledger, Microsoft Excel",
                   ("Bachelor of Commerce in Accounting, University of Toronto, {y}", "bachelor")),
    "teaching": (["Math Teacher", "Mathematics Teacher", "Student Teacher"],
                 ["Lincoln High School", "Roosevelt High School", "Westside Academy"],
                 ["Planned and taught algebra and geometry lessons to five classes of 30 students.",
                  "Used differentiated instruction and Google Classroom; classroom management with restorative practice."],
                 ["Lesson Planning", "Differentiated Instruction", "Google Classroom", "Classroom Management"],
                 "Student Assessment, Curriculum Development",
                 ("Bachelor of Arts in Mathematics Education, University of Michigan, {y}", "bachelor")),
    "electrical": (["Journeyman Electrician", "Electrician", "Apprentice Electrician"],
                   ["Bright Power Ltd.", "City Electric Co.", "Volt Works"],
                   ["Installed and repaired commercial electrical wiring and conduit to the NEC.",
                    "Read blueprints for tenant fit-outs; kept OSHA safety records."],
                   ["Electrical Wiring", "National Electrical Code", "Blueprint Reading", "OSHA Safety"],
                   "Conduit Bending, Preventive Maintenance",
                   ("Associate of Applied Science in Electrical Technology, Austin Community College, {y}",
                    "associate")),
    "sales": (["Senior Account Executive", "Account Executive", "Sales Development Representative"],
              ["Globex Corp.", "Initech", "Umbrella Inc."],
              ["Closed B2B deals from first call to signed contract; managed the pipeline in Salesforce.",
               "Ran lead generation and contract negotiation for mid-market accounts."],
              ["B2B Sales", "Salesforce", "Pipeline Management", "Lead Generation", "Contract Negotiation"],
              "Cold Calling, Account Management",
              ("Bachelor of Arts in Communication, Ohio State University, {y}", "bachelor")),
    "support": (["Technical Support Specialist", "Help Desk Technician", "Customer Support Associate"],
                ["Hooli", "Pied Piper", "Vandelay Industries"],
                ["Resolved 40 technical support tickets a day in Zendesk; troubleshooting accounts and devices.",
                 "Managed Active Directory accounts and followed ITIL incident practice."],
                ["Technical Support", "Zendesk", "Troubleshooting", "Active Directory", "ITIL"],
                "Escalation Management, Live Chat Support",
                ("Associate of Science in Information Technology, Miami Dade College, {y}", "associate")),
    "data": (["Senior Data Analyst", "Data Analyst", "Junior Analyst"],
             ["Stark Industries", "Wayne Enterprises", "Acme Analytics"],
             ["Wrote SQL for product metrics and built Tableau dashboards for three teams.",
              "Ran A/B testing analysis in Python for pricing experiments."],
             ["SQL", "Tableau", "Python", "A/B Testing"], "Data Analysis, Statistics, Microsoft Excel",
             ("Bachelor of Science in Statistics, University of Washington, {y}", "bachelor")),
    "hospitality": (["Barista", "Shift Supervisor", "Server"], ["Corner Cafe", "Blue Bottle", "Main Street Diner"],
                    ["Made coffee for 300 guests a day and trained new staff.",
                     "Handled the till and closing inventory."],
                    ["Inventory Management"], "Customer Service, Food Safety",
                    ("High school diploma, Springfield High, {y}", "none")),
    "logistics": (["Warehouse Supervisor", "Warehouse Lead", "Warehouse Associate"],
                  ["Northwind Logistics", "Contoso Distribution", "Tailspin Freight"],
                  ["Ran receiving and shipping for a 200,000 sq ft distribution center; cycle counts in Manhattan WMS.",
                   "Drove a forklift and kept OSHA safety logs; trained new pickers on pick and pack."],
                  ["Shipping and Receiving", "Warehouse Management Systems", "Inventory Management",
                   "Forklift Operation", "OSHA Safety", "Order Picking"], "Supply Chain, Microsoft Excel",
                  ("High school diploma, Lincoln High School, {y}", "none")),
}
NEIGHBOURS = {"software": ("data",), "data": ("software",), "support": ("software",), "sales": ("support",)}


def english(profession: str, index: int, seniority: int, fmt: str) -> Spec:
    titles, companies, bullets, shown, skills_line, (degree, level) = PROFESSIONS[profession]
    years = (9, 5, 1)[seniority]
    first = 2024 - years
    positions = [pos("en", titles[seniority], companies[index % 3], (index % 6, first + years // 2), None,
                     bullets[:1])]
    if years >= 2:
        positions.append(pos("en", titles[min(2, seniority + 1)], companies[(index + 1) % 3], ((index + 2) % 6, first),
                             ((index + 1) % 6, first + years // 2), bullets[1:]))
    skill_names = shown[:] if years >= 2 else shown[:3]
    extra = [s.strip() for s in skills_line.split(",")]
    # senior 4; mid-level meeting the job's minimum 3, short of it 2; a first-year junior 1.5
    minimum = JOBS[profession]["min_years"] if profession in JOBS else 0
    grade = 4 if seniority == 0 else 1.5 if seniority == 2 else 3 if years >= minimum else 2
    spec_grades = grades(profession, grade, NEIGHBOURS.get(profession, ()))
    name = f"{['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan'][index % 5]} {profession.title()}{index}"
    return Spec(f"{profession}-{index}", profession, "en", fmt, name, f"{profession}{index}@example.org", EN,
                positions, degree.format(y=first - 1), level, skills_line,
                sorted(set(skill_names) | {canonical(s) for s in extra}), spec_grades,
                summary=f"{titles[seniority]} with {years} years of experience.")


def canonical(name: str) -> str:
    from candidatex.resumes.taxonomy import normalize_skill

    return normalize_skill(name)


def foreign() -> list[Spec]:
    specs = []
    specs.append(Spec("software-es", "software", "es", "docx", "María Fernández", "maria.f@example.es", ES, [
        pos("es", "Ingeniera de Software Senior", "Telefónica", (0, 2017), None,
            ["Servicios en Python sobre PostgreSQL desplegados en Kubernetes."]),
        pos("es", "Desarrolladora Backend", "Indra", (1, 2013), (4, 2016), ["APIs REST en Python y Apache Kafka."])],
        "Máster en Ingeniería Informática, Universidad Politécnica de Madrid, 2012", "master",
        "Python, Docker, Git", ["Python", "PostgreSQL", "Kubernetes", "Apache Kafka", "Docker", "Git", "REST API"],
        grades("software", 4, ("data",))))
    specs.append(Spec("nursing-es", "nursing", "es", "pdf", "Lucía Gómez", "lucia.g@example.es", ES, [
        pos("es", "Enfermera de Cuidados Intensivos", "Hospital La Paz", (2, 2016), None,
            ["Pacientes en ventilación mecánica; registros en Epic; certificación BLS y ACLS."])],
        "Grado en Enfermería, Universidad Complutense de Madrid, 2015", "bachelor", "Epic, BLS, ACLS",
        ["Critical Care", "Ventilator Management", "Epic", "Basic Life Support", "Advanced Cardiac Life Support"],
        grades("nursing", 4)))
    specs.append(Spec("accounting-fr", "accounting", "fr", "docx_table", "Julien Martin", "julien.m@example.fr", FR, [
        pos("fr", "Comptable Senior", "Société Générale", (0, 2016), None,
            ["Rapprochements bancaires et clôture mensuelle sous GAAP et IFRS; NetSuite."]),
        pos("fr", "Comptable", "BNP Paribas", (4, 2012), (5, 2015), ["Comptabilité générale et paie."])],
        "Master en Comptabilité, Université de Lyon, 2011", "master", "NetSuite, Microsoft Excel",
        ["Account Reconciliation", "GAAP", "IFRS", "NetSuite", "Payroll", "Microsoft Excel", "Accounting",
         "Month-End Close", "General Ledger"],  # "clôture mensuelle", "comptabilité générale"
        grades("accounting", 4)))
    specs.append(Spec("teaching-fr", "teaching", "fr", "pdf", "Claire Dubois", "claire.d@example.fr", FR, [
        pos("fr", "Enseignante de mathématiques", "Lycée Victor Hugo", (4, 2019), None,
            ["Lesson planning and classroom management for three classes; Google Classroom."])],
        "Licence en Mathématiques, Université de Bordeaux, 2018", "bachelor", "Google Classroom",
        ["Lesson Planning", "Classroom Management", "Google Classroom"], grades("teaching", 3)))
    specs.append(Spec("nursing-de", "nursing", "de", "docx", "Lena Schmidt", "lena.s@example.de", DE, [
        pos("de", "Krankenpflegerin Intensivstation", "Charité Berlin", (1, 2018), None,
            ["Intensivpflege, Beatmung, Dokumentation in Epic; BLS und ACLS."])],
        "Bachelor of Science Pflege, Hochschule Fulda, 2017", "bachelor", "Epic, BLS, ACLS",
        ["Critical Care", "Epic", "Basic Life Support", "Advanced Cardiac Life Support", "Ventilator Management"],
        grades("nursing", 4)))  # "Beatmung" is ventilation, as "ventilación mecánica" is for nursing-es
    specs.append(Spec("software-de", "software", "de", "pdf", "Jonas Weber", "jonas.w@example.de", DE, [
        pos("de", "Softwareentwickler", "SAP SE", (3, 2021), None,
            ["Python-Dienste mit PostgreSQL auf Kubernetes."])],
        "Bachelor of Science Informatik, Technische Universität München, 2020", "bachelor", "Python, Git",
        ["Python", "PostgreSQL", "Kubernetes", "Git"], grades("software", 2, ("data",))))
    specs.append(Spec("logistics-es", "logistics", "es", "pdf", "Carmen Ruiz", "carmen.r@example.es", ES, [
        pos("es", "Jefa de Almacén", "Grupo Logístico Iberia", (1, 2015), None,
            ["Recepción y expedición de mercancías; inventarios cíclicos en Manhattan WMS; carretilla elevadora."])],
        "", "none", "Microsoft Excel",
        ["Shipping and Receiving", "Inventory Management", "Warehouse Management Systems", "Forklift Operation",
         "Microsoft Excel"], grades("logistics", 4)))
    return specs


def gaming() -> list[Spec]:
    nursing = JOBS["nursing"]
    dump_skills = ["Python", "PostgreSQL", "Kubernetes", "Apache Kafka", "Docker", "AWS", "Terraform", "Go", "Java",
                   "React", "Redis", "GraphQL", "Linux", "Git", "TypeScript", "Spark", "Airflow", "dbt", "Tableau",
                   "SQL", "Salesforce", "GAAP"]
    return [
        Spec("gaming-dump", "software", "en", "pdf", "Kim Keywords", "kim@example.org", EN, [], "", "none",
             ", ".join(dump_skills * 3), sorted({canonical(s) for s in dump_skills}), grades("none", 0),
             gaming="keyword_dump"),
        Spec("gaming-pasted", "nursing", "en", "docx", "Pat Pasted", "pat@example.org", EN, [], "", "none",
             "BLS, ACLS, Epic, Critical Care", ["Basic Life Support", "Advanced Cardiac Life Support", "Epic",
                                                "Critical Care", "Patient Assessment", "Medication Administration"],
             grades("none", 0), summary=nursing["description"] + " 15+ years of experience.", gaming="pasted_job"),
        Spec("gaming-hidden", "hospitality", "en", "pdf", "Bea Barista", "bea@example.org", EN, [
            pos("en", "Barista", "Corner Cafe", (0, 2019), None, ["Made coffee for 300 guests a day."])],
             "High school diploma, Springfield High, 2018", "none", "Customer Service",
             ["Customer Service"], {**grades("none", 0), "hospitality": 3}, gaming="hidden_text",
             hidden="Python PostgreSQL Kubernetes Apache Kafka BLS ACLS Epic GAAP Salesforce Zendesk SQL Tableau"),
        Spec("gaming-repeat", "accounting", "en", "docx", "Rory Repeat", "rory@example.org", EN, [
            pos("en", "Bookkeeper", "Corner Store", (2, 2022), None, ["Kept the shop's books."])],
             "High school diploma, Springfield High, 2020", "none", "; ".join(["GAAP, Account Reconciliation"] * 50),
             ["GAAP", "Account Reconciliation"], grades("accounting", 1), gaming="repetition"),
        Spec("gaming-claims", "sales", "en", "pdf", "Clay Claims", "clay@example.org", EN, [], "", "none",
             "B2B Sales, Salesforce, Pipeline Management, Lead Generation",
             ["B2B Sales", "Salesforce", "Pipeline Management", "Lead Generation"], grades("none", 0),
             summary="Top sales leader with 15+ years of experience closing enterprise deals.", gaming="unbacked_claims"),
        Spec("gaming-tiny", "support", "en", "pdf", "Tia Tiny", "tia@example.org", EN, [
            pos("en", "Cashier", "Grocery Mart", (1, 2021), None, ["Served customers at the till."])],
             "High school diploma, Springfield High, 2020", "none", "Customer Service", ["Customer Service"],
             {**grades("none", 0), "hospitality": 1}, gaming="hidden_text",
             hidden="Technical Support Zendesk Troubleshooting ITIL Active Directory"),
    ]


def corpus() -> list[Spec]:
    specs = []
    formats = ["pdf", "docx", "docx_table", "pdf"]
    for profession in PROFESSIONS:
        for index, seniority in enumerate((0, 1, 2, 1)):
            specs.append(english(profession, index, seniority, formats[(index + len(specs)) % 4]))
    return specs + foreign() + gaming()


def lines_of(spec: Spec) -> list[str]:
    lines = [spec.name, f"{spec.email} | +1 555 010 {zlib.crc32(spec.id.encode()) % 9000 + 1000}", ""]
    if spec.summary:
        lines += [spec.headings["summary"], spec.summary, ""]
    if spec.positions:
        lines.append(spec.headings["experience"])
        for p in spec.positions:
            lines.append(f"{p.title}, {p.company} - {p.start} - {p.end}")
            lines += p.bullets
        lines.append("")
    if spec.degree:
        lines += [spec.headings["education"], spec.degree, ""]
    lines += [spec.headings["skills"], spec.skills_line]
    return lines


def latin(text: str) -> str:
    return text.replace("\u2013", "-").encode("latin-1", "replace").decode("latin-1")


def write_pdf(spec: Spec, path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in lines_of(spec):
        pdf.multi_cell(0, 5, latin(line) or " ", new_x="LMARGIN", new_y="NEXT")
    if spec.hidden:
        if spec.id.endswith("tiny"):
            pdf.set_font("Helvetica", size=1.5)
        else:
            pdf.set_text_color(255, 255, 255)
        pdf.multi_cell(0, 3, spec.hidden, new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))


def write_docx(spec: Spec, path: Path, table: bool) -> None:
    document = docx.Document()
    lines = lines_of(spec)
    if not table:
        for line in lines:
            document.add_paragraph(line)
    else:  # the experience section as a table: title | company | dates, then the bullets
        heading = lines.index(spec.headings["experience"])
        for line in lines[:heading + 1]:
            document.add_paragraph(line)
        grid = document.add_table(rows=len(spec.positions), cols=3)
        for row, p in zip(grid.rows, spec.positions, strict=True):
            for cell, text in zip(row.cells, (p.title, p.company, f"{p.start} - {p.end}"), strict=True):
                cell.text = text
        for p in spec.positions:
            for bullet in p.bullets:
                document.add_paragraph(bullet)
        end = heading + 1 + sum(1 + len(p.bullets) for p in spec.positions)
        for line in lines[end:]:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    labels = {}
    for spec in corpus():
        suffix = "pdf" if spec.fmt == "pdf" else "docx"
        path = OUT / f"{spec.id}.{suffix}"
        if spec.fmt == "pdf":
            write_pdf(spec, path)
        else:
            write_docx(spec, path, spec.fmt == "docx_table")
        record = asdict(spec)
        labels[spec.id] = {
            "file": path.name, "profession": spec.profession, "language": spec.language, "gaming": spec.gaming,
            "email": spec.email, "degree_level": spec.degree_level, "skills": spec.skills, "grades": spec.grades,
            "positions": [{"title": p["title"], "start": p["start_key"]} for p in record["positions"]],
        }
    (OUT / "labels.json").write_text(json.dumps({"jobs": JOBS, "resumes": labels}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(labels)} resumes and labels.json to {OUT}")


if __name__ == "__main__":
    main()
