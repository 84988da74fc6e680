"""The letter as Word (python-docx: real heading styles, numbered lists, the sign-off table) and as PDF
(WeasyPrint, from an HTML template). Neither carries citations or internal ids."""

import io

from docx import Document
from docx.shared import Pt

from app.letters.service import Draft
from app.web.templating import templates


def _long_date(value) -> str:
    return f"{value.day} {value:%B %Y}"


def to_docx(draft: Draft) -> bytes:
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.add_paragraph(_long_date(draft.dated))
    for addressee in draft.addressees:
        document.add_paragraph(addressee)
    document.add_paragraph("Dear Sir or Madam")
    document.add_heading(draft.title, level=1)
    for statement in draft.opening:
        document.add_paragraph(statement.text)
    if draft.outcome_wording:
        document.add_heading("Inspection outcome", level=2)
        document.add_paragraph(draft.outcome_wording)
    document.add_heading("Main findings", level=2)
    for statement in draft.main_findings:
        document.add_paragraph(statement.text, style="List Bullet")
    for section in draft.sections:
        document.add_heading(section.heading, level=2)
        for title, points in (("Strengths", section.strengths), ("Areas for development", section.areas)):
            if points:
                document.add_heading(title, level=3)
                for statement in points:
                    document.add_paragraph(statement.text, style="List Bullet")
    if draft.wsoa_intro:
        document.add_heading("Written statement of action", level=2)
        document.add_paragraph(draft.wsoa_intro)
        for weakness in draft.weaknesses:
            document.add_paragraph(weakness, style="List Number")
    document.add_paragraph(draft.sign_off)
    table = document.add_table(rows=2, cols=len(draft.signatures))
    table.style = "Table Grid"
    for column, (organisation, signatory) in enumerate(draft.signatures):
        table.cell(0, column).text = organisation
        table.cell(1, column).text = signatory
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(draft: Draft) -> bytes:
    from weasyprint import HTML  # imported here: its system libraries load only when a PDF is asked for

    html = templates.env.get_template("letters/letter_pdf.html").render(draft=draft, long_date=_long_date)
    return HTML(string=html).write_pdf()
