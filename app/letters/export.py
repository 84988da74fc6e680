"""The letter as Word (python-docx: real heading styles, bullet and numbered lists, the sign-off table) and as PDF
(WeasyPrint, from an HTML template), both from one layout of the team's current text (or the draft, before anyone
edits it). Neither carries citations or internal ids.

Everything a download needs beyond the text is its Frame (title, addressees, date, sections, outcome, signatures):
a published letter keeps its frame, so a correction is rendered from the letter as published, never from the
evidence, the team or the profile as they are now."""

import io
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from docx import Document
from docx.shared import Mm, Pt

from app.letters.editing import Block, blocks, generated_text, sections_of
from app.letters.service import Draft, long_date
from app.web import text
from app.web.templating import templates


@dataclass(frozen=True)
class Frame:
    """The letter around its sections' text, as it stands (a draft) or as it was published."""

    title: str
    addressees: tuple[str, ...]
    dated: date
    sections: tuple[tuple[str, str], ...]  # (key, heading) in the letter's order
    outcome_wording: str | None
    sign_off: str
    signatures: tuple[tuple[str, str], ...]  # (organisation, "name, role")
    corrections: tuple[tuple[date, str], ...] = field(default=())  # (when, what was corrected), after publication
    # The whole letter in the profile's order (app/letters/service.py, Part); a frame stored before it had parts
    # is laid out as the 2016 letter it was.
    parts: tuple[tuple[str, Any], ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["dated"] = self.dated.isoformat()
        data["corrections"] = [[when.isoformat(), what] for when, what in self.corrections]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Frame":
        return cls(title=data["title"], addressees=tuple(data["addressees"]), dated=date.fromisoformat(data["dated"]),
                   sections=tuple((k, h) for k, h in data["sections"]), outcome_wording=data["outcome_wording"],
                   sign_off=data["sign_off"], signatures=tuple((o, s) for o, s in data["signatures"]),
                   corrections=tuple((date.fromisoformat(w), t) for w, t in data.get("corrections", [])),
                   parts=tuple((kind, value) for kind, value in data.get("parts", [])))

    def corrected(self, when: date, what: str) -> "Frame":
        return replace(self, corrections=(*self.corrections, (when, what)))


def frame_of(draft: Draft) -> Frame:
    return Frame(title=draft.title, addressees=tuple(draft.addressees), dated=draft.dated,
                 sections=tuple((info.key, info.heading) for info in sections_of(draft)),
                 outcome_wording=draft.outcome_wording, sign_off=draft.sign_off,
                 signatures=tuple(draft.signatures), parts=tuple(draft.parts))


def _frame(letter: Draft | Frame) -> Frame:
    return letter if isinstance(letter, Frame) else frame_of(letter)


def layout(letter: Draft | Frame, texts: dict[str, str] | None = None) -> list[Block]:
    """The whole letter as blocks: ("p"|"h1"|"h2"|"h3", text), ("bullets"|"numbers", [text]), ("table", [[cell]])
    with the first row its header."""
    if texts is None:
        if not isinstance(letter, Draft):
            raise ValueError("a published letter's frame needs its text")
        texts = generated_text(letter)
    frame = _frame(letter)
    # Cleaned before the lines are split: a vertical tab or a file separator would otherwise start a new line.
    texts = {key: text.clean(value) for key, value in texts.items()}
    out: list[Block] = []
    for kind, value in frame.parts or _parts_before_profiles(frame):
        if kind == "section":
            key, heading = value
            if heading:
                out.append(("h2", heading))
            out += [("h3" if kind == "h" else kind, value) for kind, value in blocks(texts.get(key, ""))]
        else:
            out.append((kind, value))
    # A correction after publication is said in the letter itself: a public record says when it changed.
    out += [("p", f"Corrected on {long_date(when)}: {what}") for when, what in frame.corrections]
    # Exports clean on output as well as on input: no stored text, however old, can break a download (Word
    # refuses a control character anywhere in the document).
    return [(kind, _clean(value)) for kind, value in out]


def _clean(value: Any) -> Any:
    return [_clean(v) for v in value] if isinstance(value, list | tuple) else text.clean(value)


def _parts_before_profiles(frame: Frame) -> list[tuple[str, Any]]:
    """A letter published before the profile gave its structure, laid out as it was then."""
    out: list[tuple[str, Any]] = [("p", long_date(frame.dated)), *(("p", a) for a in frame.addressees),
                                  ("p", "Dear Sir or Madam"), ("h1", frame.title)]
    for key, heading in frame.sections:
        if key == "main_findings" and frame.outcome_wording:
            out += [("h2", "Inspection outcome"), ("p", frame.outcome_wording)]
        out.append(("section", (key, "" if key == "opening" else heading)))
    return [*out, ("p", frame.sign_off)]


def to_docx(letter: Draft | Frame, texts: dict[str, str] | None = None) -> bytes:
    draft = _frame(letter)
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
    for kind, value in layout(letter, texts):
        if kind == "table":  # the first row its header
            rows = document.add_table(rows=len(value), cols=len(value[0]))
            rows.style = "Table Grid"
            for r, row in enumerate(value):
                for c, cell in enumerate(row):
                    rows.cell(r, c).text = cell
                    if r == 0:
                        for run in rows.cell(r, c).paragraphs[0].runs:
                            run.bold = True
        elif isinstance(value, list):  # bullets or numbers
            for item in value:
                document.add_paragraph(item, style="List Bullet" if kind == "bullets" else "List Number")
        elif kind in levels:
            document.add_heading(value, level=levels[kind])
        else:
            document.add_paragraph(value)
    if draft.signatures:  # a letter's sign-off; a report names its team in the text
        table = document.add_table(rows=2, cols=len(draft.signatures))
        table.style = "Table Grid"
        for column, (organisation, signatory) in enumerate(draft.signatures):
            table.cell(0, column).text = text.clean(organisation)
            table.cell(1, column).text = text.clean(signatory)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(letter: Draft | Frame, texts: dict[str, str] | None = None) -> bytes:
    from weasyprint import HTML  # imported here: its system libraries load only when a PDF is asked for

    html = templates.env.get_template("letters/letter_pdf.html").render(
        draft=_frame(letter), blocks=layout(letter, texts))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
