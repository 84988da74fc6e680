"""A published letter is a public record and never changes: publication keeps the final text, the frame around it
(the date it bears among it), the team as it stood and the rendered Word and PDF files with their SHA-256, and every
later download serves those bytes. A correction after publication is a new, dated, audited publication rendered
from the one before it, never an edit of it."""

import hashlib
from typing import cast

from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.clock import today_in_england
from app.errors import Forbidden, NotFound, ValidationFailed
from app.forms_common import text_problem
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import editing, export, service, visit
from app.letters.models import LetterPublication
from app.letters.states import LetterStatus
from app.users.models import User

KINDS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}
REASON_LIMIT = 300


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _store(session: Session, actor: Actor, inspection: Inspection, *, number: int, frame: export.Frame,
           texts: dict[str, str], team: list[dict[str, str]], note: str, action: str,
           detail: dict[str, object]) -> LetterPublication:
    docx, pdf = export.to_docx(frame, texts), export.to_pdf(frame, texts)
    latest = editing.current(session=session, inspection=inspection)
    row = LetterPublication(inspection_id=inspection.id, number=number, dated=frame.dated, sections=dict(texts),
                            frame=frame.to_json(), team=team, letter_version=latest.number if latest else None,
                            note=note, docx=docx, docx_sha256=sha256(docx), pdf=pdf, pdf_sha256=sha256(pdf),
                            published_by_id=actor.user_id)
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action=action, object_type="letter_publication", object_id=str(row.number),
           inspection_id=inspection.id, detail={**detail, "number": row.number, "dated": row.dated.isoformat(),
                                                "docx_sha256": row.docx_sha256, "pdf_sha256": row.pdf_sha256})
    return row


def publish(*, session: Session, actor: Actor, inspection: Inspection) -> LetterPublication:
    """Freeze the letter as it is now, dated today in England. Called by the workflow's publish step, inside its
    transaction: if rendering fails, nothing is published."""
    if latest(session=session, inspection=inspection) is not None:
        raise ValidationFailed({"workflow": "This letter has already been published"})
    draft = service.draft(session=session, inspection=inspection, today=today_in_england())
    version = editing.current(session=session, inspection=inspection)
    frame, texts = export.frame_of(draft), dict(version.sections) if version else editing.generated_text(draft)
    if (of_visit := visit.letter(session=session, inspection=inspection, draft=draft)) is not None:
        frame, texts = of_visit  # a revisit or monitoring inspection: its own letter, from the carried items
    team = [{"name": user.name, "team_role": member.team_role, "inspector_kind": user.inspector_kind or ""}
            for member, user in inspections.team_of(session=session, inspection=inspection)]
    return _store(session, actor, inspection, number=1, frame=frame, texts=texts, team=team,
                  note="Published", action="letter.publication_stored", detail={})


def publications(*, session: Session, inspection: Inspection) -> list[LetterPublication]:
    """Every publication of the letter, newest first, without their files (the page lists them)."""
    files = [defer(cast("QueryableAttribute[bytes]", c)) for c in (LetterPublication.docx, LetterPublication.pdf)]
    return list(session.exec(select(LetterPublication).options(*files)
                             .where(LetterPublication.inspection_id == inspection.id)
                             .order_by(col(LetterPublication.number).desc())).all())


def latest(*, session: Session, inspection: Inspection) -> LetterPublication | None:
    return session.exec(select(LetterPublication).where(LetterPublication.inspection_id == inspection.id)
                        .order_by(col(LetterPublication.number).desc()).limit(1)).first()


def get(*, session: Session, inspection: Inspection, number: int) -> LetterPublication:
    found = session.exec(select(LetterPublication).where(LetterPublication.inspection_id == inspection.id,
                                                         LetterPublication.number == number)).first()
    if found is None:
        raise NotFound()
    return found


def file_of(row: LetterPublication, kind: str) -> tuple[bytes, str]:
    """(the bytes as published, their SHA-256) of one of the publication's files."""
    if kind == "docx":
        return row.docx, row.docx_sha256
    if kind == "pdf":
        return row.pdf, row.pdf_sha256
    raise NotFound()


def correct(*, session: Session, actor: Actor, user: User, inspection: Inspection, section: str, text: str,
            reason: str) -> LetterPublication:
    """A correction after publication: the section's new text and why, as a new publication that says in the
    letter when and what was corrected. The one before it stays, byte for byte."""
    if not inspections.can_manage(session=session, user=user, inspection=inspection):
        raise Forbidden()
    before = latest(session=session, inspection=inspection)
    if before is None or service.status_of(session=session, inspection=inspection) != LetterStatus.published:
        raise ValidationFailed({"correction": "Only a published letter is corrected this way: "
                                              "before publication, edit the draft"})
    frame = export.Frame.from_json(before.frame)
    headings = dict(frame.sections)
    errors = {}
    if section not in headings:
        errors["section"] = "Select the section to correct"
    if problem := text_problem(text, required="Enter the corrected text of the section", limit=editing.SECTION_LIMIT,
                               what="A section"):
        errors["text"] = problem
    if problem := text_problem(reason, required="Say what the correction is and why", limit=REASON_LIMIT,
                               what="The reason"):
        errors["reason"] = problem
    text = text.replace("\r\n", "\n").strip()
    if not errors and before.sections.get(section, "") == text:
        errors["text"] = "The text is the same as published: change it, or leave the letter as it is"
    if errors:
        raise ValidationFailed(errors)
    texts = {**before.sections, section: text}
    reason = " ".join(reason.split())
    frame = frame.corrected(today_in_england(), f"{headings[section]}. {reason}")
    # The team's working text follows the public record, as a version of its own.
    editing.add_version(session=session, actor=actor, inspection=inspection, sections=texts,
                        note=f"Corrected after publication: {section}")
    return _store(session, actor, inspection, number=before.number + 1, frame=frame, texts=texts, team=before.team,
                  note=reason, action="letter.corrected", detail={"section": section})
