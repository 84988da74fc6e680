"""The letter as Word (python-docx: real heading styles, bullet and numbered lists, the sign-off table) and as PDF
(WeasyPrint, from an HTML template), both from one layout of the team's current text (or the draft, before anyone
edits it). Neither carries citations or internal ids."""

import io

from docx import Document
from docx.shared import Mm, Pt

from app.letters.editing import Block, blocks, generated_text, sections_of
from app.letters.service import Draft, long_date
from app.web import text
from app.web.templating import templates


def layout(draft: Draft, texts: dict[str, str] | None = None) -> list[Block]:
    """The whole letter as blocks: ("p"|"h1"|"h2"|"h3", text), ("bullets"|"numbers", [text])."""
    # Cleaned before the lines are split: a vertical tab or a file separator would otherwise start a new line.
    texts = {key: text.clean(value) for key, value in (texts or generated_text(draft)).items()}
    out: list[Block] = [("p", long_date(draft.dated)), *(("p", a) for a in draft.addressees),
                        ("p", "Dear Sir or Madam"), ("h1", draft.title)]
    for info in sections_of(draft):
        if info.key == "main_findings" and draft.outcome_wording:
            out += [("h2", "Inspection outcome"), ("p", draft.outcome_wording)]
        if info.key != "opening":
            out.append(("h2", info.heading))
        out += [("h3" if kind == "h" else kind, value) for kind, value in blocks(texts.get(info.key, ""))]
    out.append(("p", draft.sign_off))
    # Exports clean on output as well as on input: no stored text, however old, can break a download (Word
    # refuses a control character anywhere in the document).
    return [(kind, [text.clean(v) for v in value] if isinstance(value, list) else text.clean(value))
            for kind, value in out]


def to_docx(draft: Draft, texts: dict[str, str] | None = None) -> bytes:
    document = Document()
    # python-docx's blank document is US Letter with "python-docx" as its author: an English letter is on A4,
    # from the inspectorates, titled as the letter is.
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25)
    document.core_properties.author = " and ".join(organisation for organisation, _ in draft.signatures)
    document.core_properties.title = text.clean(draft.title)
    document.core_properties.last_modified_by = document.core_properties.author
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    levels = {"h1": 1, "h2": 2, "h3": 3}
    for kind, value in layout(draft, texts):
        if isinstance(value, list):  # bullets or numbers
            for item in value:
                document.add_paragraph(item, style="List Bullet" if kind == "bullets" else "List Number")
        elif kind in levels:
            document.add_heading(value, level=levels[kind])
        else:
            document.add_paragraph(value)
    table = document.add_table(rows=2, cols=len(draft.signatures))
    table.style = "Table Grid"
    for column, (organisation, signatory) in enumerate(draft.signatures):
        table.cell(0, column).text = text.clean(organisation)
        table.cell(1, column).text = text.clean(signatory)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(draft: Draft, texts: dict[str, str] | None = None) -> bytes:
    from weasyprint import HTML  # imported here: its system libraries load only when a PDF is asked for

    html = templates.env.get_template("letters/letter_pdf.html").render(
        draft=draft, blocks=layout(draft, texts))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
