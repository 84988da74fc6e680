"""The factual accuracy check: after quality assurance the lead sends the draft to the area. Its officers (the
nominated officer and the further contacts the lead invited, each bound to this inspection) see the draft read-only
until the last day for comments (working days from the profile) and comment on a section: the words quoted, the
correction proposed, the evidence offered and a file. A comment after that day is refused with the date. The team
accepts or declines each with a reason; an accepted one changes the text as a new letter version that cites it.
The letter cannot be made final while a comment is unanswered. Every step is audited."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.clock import today_in_england
from app.errors import NotFound, ValidationFailed
from app.forms_common import text_problem
from app.frameworks.factual_accuracy import FactualAccuracyRules, rules_of
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import editing, service
from app.letters.models import AccuracyCheck, AccuracyComment
from app.letters.service import long_date
from app.letters.states import LetterStatus
from app.models_base import utcnow
from app.portal import documents, invitations
from app.portal.storage import Storage
from app.portal.uploads import Upload
from app.users.models import User

QUOTE_LIMIT, TEXT_LIMIT = 2_000, 5_000
ANSWERS = {"accepted": "Accepted", "declined": "Declined"}
EVIDENCE_DOCUMENT = "factual_accuracy"  # what an AreaDocument holding a comment's file answers


def rules(inspection: Inspection) -> FactualAccuracyRules | None:
    """The profile's rules for the check, or None where its framework has none (a revisit's, say)."""
    return rules_of(inspections.profile_of(inspection))


def current_check(*, session: Session, inspection: Inspection) -> AccuracyCheck | None:
    return session.exec(select(AccuracyCheck).where(AccuracyCheck.inspection_id == inspection.id)
                        .order_by(col(AccuracyCheck.id).desc()).limit(1)).first()


@dataclass(frozen=True)
class Window:
    """Whether the area may see and comment on the draft now, and the sentence that says why not."""
    check: AccuracyCheck | None
    open: bool
    why_closed: str = ""


def window(*, session: Session, inspection: Inspection, today: date | None = None) -> Window:
    today = today or today_in_england()
    check = current_check(session=session, inspection=inspection)
    if check is None or service.status_of(session=session, inspection=inspection) != LetterStatus.factual_accuracy:
        if check is not None and check.closed_at is not None:
            return Window(check, False, f"The factual accuracy check closed on {long_date(check.closed_at.date())}.")
        return Window(check, False, "The draft report is not open for a factual accuracy check.")
    if today > check.deadline:
        return Window(check, False, f"Comments were due by {check.deadline:%A} {long_date(check.deadline)}: "
                                    "the factual accuracy check is closed.")
    return Window(check, True)


def open_check(*, session: Session, actor: Actor, inspection: Inspection) -> AccuracyCheck:
    """The draft goes to the area: the deadline is the profile's working days after today, in England."""
    found = rules(inspection)
    if found is None:
        raise ValidationFailed({"workflow": "This framework has no factual accuracy check"})
    if not invitations.officers_of(session=session, inspection=inspection):
        raise ValidationFailed({"workflow": "Invite the area's nominated officer before sending the draft for a "
                                            "factual accuracy check: nobody in the area could see it"})
    version = editing.current(session=session, inspection=inspection)
    if version is None:
        raise ValidationFailed({"workflow": "Start the letter before sending it to the area"})
    draft = service.draft(session=session, inspection=inspection)
    sent_on = today_in_england()
    check = AccuracyCheck(inspection_id=inspection.id, sent_on=sent_on, deadline=found.deadline(sent_on),
                          letter_version=version.number, sent_by_id=actor.user_id,
                          sections=[[info.key, info.heading] for info in editing.sections_of(draft)
                                    if info.key in version.sections])
    session.add(check)
    session.flush()
    record(session=session, actor=actor, action="letter.accuracy_check_sent", object_type="factual_accuracy_check",
           object_id=str(check.id), inspection_id=inspection.id,
           detail={"sent_on": sent_on.isoformat(), "deadline": check.deadline.isoformat(),
                   "working_days": found.working_days, "letter_version": version.number})
    return check


def unanswered(*, session: Session, inspection: Inspection) -> int:
    check = current_check(session=session, inspection=inspection)
    if check is None:
        return 0
    return session.exec(select(func.count()).select_from(AccuracyComment).where(
        AccuracyComment.check_id == check.id, col(AccuracyComment.answer).is_(None))).one()


def close_check(*, session: Session, inspection: Inspection, finalising: bool) -> None:
    """The letter leaves the check: made final (only once every comment is answered) or sent back to draft."""
    check = current_check(session=session, inspection=inspection)
    if check is None or check.closed_at is not None:
        return
    if finalising and (n := unanswered(session=session, inspection=inspection)):
        raise ValidationFailed({"workflow": f"{n} factual accuracy comment{'s' if n != 1 else ''} not yet answered: "
                                            "accept or decline each, with a reason, before the letter is final"})
    check.closed_at = utcnow()
    session.add(check)
    session.flush()


@dataclass
class CommentForm:
    section: str = ""
    quote: str = ""
    correction: str = ""
    evidence: str = ""


def comment(*, session: Session, actor: Actor, user: User, inspection: Inspection, form: CommentForm,
            storage: Storage | None = None, upload: Upload | None = None,
            today: date | None = None) -> AccuracyComment:
    """An officer's comment on one section. Refused, with the date, once the last day for comments has passed."""
    inspections.refuse_changes_if_purged(session=session, inspection_id=inspection.id)
    now = window(session=session, inspection=inspection, today=today)
    if not now.open or now.check is None:
        raise ValidationFailed({"comment": now.why_closed})
    check = now.check
    errors: dict[str, str] = {}
    if form.section not in {key for key, _ in check.sections}:
        errors["section"] = "Select the section your comment is about"
    for field, required, limit, what in (
            ("quote", "Quote the words in the draft that are not accurate", QUOTE_LIMIT, "The quotation"),
            ("correction", "Enter the correction you propose", TEXT_LIMIT, "The correction"),
            ("evidence", None, TEXT_LIMIT, "The evidence")):
        if problem := text_problem(getattr(form, field), required=required, limit=limit, what=what):
            errors[field] = problem
    file_type = None
    if upload is not None and upload.chosen:
        try:
            file_type = documents.checked_type(upload, documents.DOCUMENT_TYPES, documents.TYPES_SENTENCE)
        except ValidationFailed as failure:
            errors.update(failure.errors)
    if errors:
        raise ValidationFailed(errors)  # before anything is kept: no comment, no file
    document_id = None
    if file_type and upload is not None and storage is not None:
        document = documents.new_document(session=session, inspection=inspection, requested=EVIDENCE_DOCUMENT)
        documents.store_version(session=session, actor=actor, storage=storage, inspection=inspection, upload=upload,
                                file_type=file_type, document=document)
        document_id = document.id
    row = AccuracyComment(check_id=check.id, inspection_id=inspection.id, section=form.section,
                          quote=form.quote.strip(), correction=form.correction.strip(),
                          evidence=form.evidence.strip(), document_id=document_id, author_id=user.id)
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action="letter.accuracy_commented", object_type="factual_accuracy_comment",
           object_id=str(row.id), inspection_id=inspection.id,
           detail={"section": row.section, "document_id": document_id, "deadline": check.deadline.isoformat()})
    return row


@dataclass
class CommentRow:
    comment: AccuracyComment
    number: int  # 1, 2, ... in the order they came, within the check
    heading: str
    author: str
    contact: str  # who the author is for the area: "Nominated officer", "Integrated care board", ...
    answered_by: str


def comments_of(*, session: Session, inspection: Inspection, check: AccuracyCheck | None = None) -> list[CommentRow]:
    check = check or current_check(session=session, inspection=inspection)
    if check is None:
        return []
    headings = {pair[0]: pair[1] for pair in check.sections}
    rows = session.exec(select(AccuracyComment).where(AccuracyComment.check_id == check.id)
                        .order_by(col(AccuracyComment.created_at), col(AccuracyComment.id))).all()
    ids = {r.author_id for r in rows} | {r.answered_by_id for r in rows}
    names = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_([i for i in ids if i]))).all()}
    contacts = invitations.contacts_of(session=session, inspection=inspection)
    return [CommentRow(r, n, headings.get(r.section, r.section), names.get(r.author_id or 0, "Unknown"),
                       invitations.CONTACTS.get(contacts.get(r.author_id or 0, ""), ""),
                       names.get(r.answered_by_id or 0, "")) for n, r in enumerate(rows, 1)]


def get_comment(*, session: Session, inspection: Inspection, comment_id: int) -> AccuracyComment:
    row = session.get(AccuracyComment, comment_id)
    if row is None or row.inspection_id != inspection.id:
        raise NotFound()
    return row


def answer(*, session: Session, actor: Actor, inspection: Inspection, comment_id: int, decision: str, reason: str,
           text: str = "") -> AccuracyComment:
    """The team's answer: accepted (with the section's corrected text, saved as a new version citing the comment)
    or declined, each with its reason; once only, and only while the letter is in its factual accuracy check."""
    row = get_comment(session=session, inspection=inspection, comment_id=comment_id)
    if service.status_of(session=session, inspection=inspection) != LetterStatus.factual_accuracy:
        raise ValidationFailed({"answer": "Comments are answered while the letter is in its factual accuracy check"})
    if row.answer is not None:
        raise ValidationFailed({"answer": "This comment has already been answered"})
    errors = {}
    if decision not in ANSWERS:
        errors["answer"] = "Select whether you accept or decline the comment"
    if problem := text_problem(reason, required="Give the reason for your answer", limit=TEXT_LIMIT,
                               what="The reason"):
        errors["reason"] = problem
    latest = editing.current(session=session, inspection=inspection, lock=True)
    text = text.replace("\r\n", "\n").strip()
    if decision == "accepted":
        if problem := text_problem(text, required="Enter the section's corrected text",
                                   limit=editing.SECTION_LIMIT, what="A section"):
            errors["text"] = problem
        elif latest is not None and latest.sections.get(row.section, "") == text:
            errors["text"] = "Correct the section's text as you accept, or decline the comment"
    if errors:
        raise ValidationFailed(errors)
    number = next(c.number for c in comments_of(session=session, inspection=inspection)
                  if c.comment.id == row.id)
    if decision == "accepted" and latest is not None:
        # The version's note cites the comment ("Factual accuracy comment 3 accepted: <section>").
        version = editing.add_version(session=session, actor=actor, inspection=inspection,
                                      sections={**latest.sections, row.section: text},
                                      note=f"Factual accuracy comment {number} accepted: {row.section}")
        row.letter_version = version.number
    row.answer, row.reason = decision, reason.strip()
    row.answered_by_id, row.answered_at = actor.user_id, utcnow()
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action=f"letter.accuracy_comment_{decision}",
           object_type="factual_accuracy_comment", object_id=str(row.id), inspection_id=inspection.id,
           detail={"number": number, "section": row.section, "letter_version": row.letter_version})
    return row


def draft_for_area(*, session: Session, inspection: Inspection) -> list[tuple[str, str, list[editing.Block]]]:
    """The draft as the area reads it: (key, heading, blocks) for each section sent, with the text as it is now
    (accepted corrections included)."""
    check = current_check(session=session, inspection=inspection)
    version = editing.current(session=session, inspection=inspection)
    if check is None or version is None:
        return []
    return [(key, heading, editing.blocks(version.sections.get(key, ""))) for key, heading in check.sections]
