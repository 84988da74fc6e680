"""What the area owes after publication, by when, and where each thing stands.

The letter's publication brings the profile's rules into force (app/frameworks/after_publication.py): each one
whose `when` the team's decision meets is recorded with its due date (working days after the publication date,
England's bank holidays skipped) and its source, the first time anyone looks after publication, so the record
does not depend on which path published the letter. The area uploads each through the portal; where the
inspectorates judge it (a statement fit for purpose or not), the lead records their decision."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.audit.service import Actor, record
from app.clock import day_in_england
from app.errors import Forbidden, NotFound, ValidationFailed
from app.forms_common import text_problem
from app.frameworks import working_days
from app.frameworks.after_publication import (
    AfterPublication,
    ObligationRule,
    VisitRule,
    after_publication,
    decision_facts,
)
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import service as letters
from app.models_base import utcnow
from app.obligations.models import Obligation
from app.portal import documents
from app.portal.storage import Storage
from app.portal.uploads import Upload
from app.users.models import User

OBLIGATION_DOCUMENT = "after_inspection"  # the area document an obligation's upload is filed under

Status = Literal["due", "submitted", "accepted", "not_accepted", "overdue"]
STATUSES: dict[str, tuple[str, str]] = {  # status: (label, GOV.UK tag colour)
    "due": ("Due", "blue"),
    "submitted": ("Submitted", "yellow"),
    "accepted": ("Accepted", "green"),
    "not_accepted": ("Not accepted", "red"),
    "overdue": ("Overdue", "red"),
}


def status_of(obligation: Obligation, today: date) -> Status:
    if obligation.decision == "accepted":
        return "accepted"
    if obligation.decision == "not_accepted":
        return "not_accepted"
    if obligation.submitted_at is not None:
        return "submitted"
    return "overdue" if today > obligation.due_date else "due"


@dataclass(frozen=True)
class ObligationView:
    obligation: Obligation
    status: Status
    rule: ObligationRule | None  # None if the profile no longer has the rule it was recorded under
    reminder: bool  # shown on the lead's and the officer's pages: due soon, overdue, or to be sent again

    @property
    def label(self) -> str:
        if self.rule and self.status == "accepted":
            return self.rule.accepted_label
        if self.rule and self.status == "not_accepted":
            return self.rule.not_accepted_label
        return STATUSES[self.status][0]

    @property
    def tag(self) -> str:
        return STATUSES[self.status][1]

    @property
    def awaits_area(self) -> bool:
        return self.status in {"due", "overdue", "not_accepted"}

    @property
    def awaits_decision(self) -> bool:
        return self.status == "submitted" and self.obligation.decided


def _view(obligation: Obligation, rules: AfterPublication, today: date) -> ObligationView:
    status = status_of(obligation, today)
    soon = working_days.add_working_days(today, rules.reminder_working_days)
    reminder = status in {"overdue", "not_accepted"} or (status == "due" and obligation.due_date <= soon)
    return ObligationView(obligation, status, rules.obligation(obligation.code), reminder)


def _record_due(session: Session, inspection: Inspection, published: letters.Published,
                existing: list[Obligation]) -> list[Obligation]:
    """The obligations the published letter brings, recorded once (a racing request's insert wins, this one
    reads it)."""
    rules = after_publication(inspections.profile_of(inspection))
    have = {o.code for o in existing}
    facts = decision_facts(wsoa_required=published.wsoa_required, outcome=published.outcome)
    for rule in rules.obligations_for(facts):
        if rule.code in have:
            continue
        obligation = Obligation(inspection_id=inspection.id, code=rule.code, title=rule.title,
                                due_date=rule.due_after(published.published_on), source=rule.source,
                                decided=rule.decided)
        try:
            with session.begin_nested():
                session.add(obligation)
        except IntegrityError:
            continue
        existing.append(obligation)
    return existing


def _stored(session: Session, inspection_ids: list[int]) -> dict[int, list[Obligation]]:
    found: dict[int, list[Obligation]] = {i: [] for i in inspection_ids}
    for obligation in session.exec(select(Obligation).where(col(Obligation.inspection_id).in_(inspection_ids))
                                   .order_by(col(Obligation.due_date), col(Obligation.id))).all():
        found[obligation.inspection_id].append(obligation)
    return found


def obligations_for(*, session: Session, inspections_: list[Inspection],
                    today: date | None = None) -> dict[int, list[ObligationView]]:
    """Each inspection's obligations (none before its letter is published), recording any not yet recorded."""
    today = today or clock.today_in_england()
    ids = [i.id for i in inspections_]
    published = letters.published(session=session, inspection_ids=ids)
    stored = _stored(session, ids)
    views: dict[int, list[ObligationView]] = {}
    for inspection in inspections_:
        rows = stored.get(inspection.id, [])
        if inspection.id in published:
            rows = _record_due(session, inspection, published[inspection.id], rows)
        rules = after_publication(inspections.profile_of(inspection))
        views[inspection.id] = [_view(o, rules, today) for o in sorted(rows, key=lambda o: (o.due_date, o.code))]
    return views


def obligations_of(*, session: Session, inspection: Inspection, today: date | None = None) -> list[ObligationView]:
    return obligations_for(session=session, inspections_=[inspection], today=today)[inspection.id]


def reminders(views: list[ObligationView]) -> list[ObligationView]:
    return [view for view in views if view.reminder]


def get_obligation(*, session: Session, inspection: Inspection, code: str) -> ObligationView:
    for view in obligations_of(session=session, inspection=inspection):
        if view.obligation.code == code:
            return view
    raise NotFound()


def submit(*, session: Session, actor: Actor, storage: Storage, inspection: Inspection, code: str,
           upload: Upload) -> Obligation:
    """The area's upload for an obligation: a portal document (checked by content, versioned), and the obligation
    submitted; sending it again after a decision asks for a new decision."""
    view = get_obligation(session=session, inspection=inspection, code=code)
    obligation = view.obligation
    if view.status == "accepted":
        raise ValidationFailed({"file": f"The {obligation.title.lower()} has been accepted: nothing more to send"})
    file_type = documents.checked_type(upload, documents.DOCUMENT_TYPES, documents.TYPES_SENTENCE)
    document = (documents.get_document(session=session, inspection=inspection, document_id=obligation.document_id)
                if obligation.document_id else
                documents.new_document(session=session, inspection=inspection, requested=OBLIGATION_DOCUMENT))
    version = documents.store_version(session=session, actor=actor, storage=storage, inspection=inspection,
                                      upload=upload, file_type=file_type, document=document)
    obligation.document_id = document.id
    obligation.submitted_at = version.uploaded_at
    obligation.decision, obligation.decision_note = None, ""  # sent again: it waits for a new decision
    obligation.decided_at, obligation.decided_by_id = None, None
    session.add(obligation)
    session.flush()
    record(session=session, actor=actor, action="obligation.submitted", object_type="obligation",
           object_id=obligation.id, inspection_id=inspection.id,
           detail={"code": obligation.code, "document": document.id, "version": version.number})
    return obligation


class DecisionForm(BaseModel):
    decision: str = ""  # accepted | not_accepted
    note: str = ""


def decide(*, session: Session, actor: Actor, user: User, inspection: Inspection, code: str,
           form: DecisionForm) -> Obligation:
    """The inspectorates' decision on what the area sent, recorded by the lead (or an administrator)."""
    if not inspections.can_manage(session=session, user=user, inspection=inspection):
        raise Forbidden()
    view = get_obligation(session=session, inspection=inspection, code=code)
    obligation = view.obligation
    errors: dict[str, str] = {}
    if not obligation.decided:
        errors["decision"] = f"The inspectorates do not judge the {obligation.title.lower()}"
    elif view.status != "submitted":
        errors["decision"] = f"The area has not sent the {obligation.title.lower()} yet"
    elif form.decision not in {"accepted", "not_accepted"}:
        errors["decision"] = "Select the decision"
    if problem := text_problem(form.note.strip(), required=None, limit=2000, what="The reasons"):
        errors["note"] = problem
    if errors:
        raise ValidationFailed(errors)
    obligation.decision, obligation.decision_note = form.decision, form.note.strip()
    obligation.decided_at, obligation.decided_by_id = utcnow(), user.id
    session.add(obligation)
    session.flush()
    record(session=session, actor=actor, action="obligation.decided", object_type="obligation",
           object_id=obligation.id, inspection_id=inspection.id,
           detail={"code": obligation.code, "decision": obligation.decision})
    return obligation


# --- The visits that follow ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextVisit:
    rule: VisitRule
    due: date | None  # None while what it counts from has not happened (a statement not yet accepted)

    @property
    def wording(self) -> str:
        if self.due is None:
            start = self.rule.after.split(":", 1)[-1].replace("_", " ")
            return f"{self.rule.months} months after the {start} is accepted"
        return f"{'about' if self.rule.approximate else 'by'} {self.due:%B %Y}"


def next_visits(inspection: Inspection, published: letters.Published,
                obligations: list[ObligationView]) -> list[NextVisit]:
    rules = after_publication(inspections.profile_of(inspection))
    facts = decision_facts(wsoa_required=published.wsoa_required, outcome=published.outcome)
    visits = []
    for rule in rules.visits_for(facts):
        start: date | None = published.published_on
        if rule.after.startswith("accepted:"):
            code = rule.after.split(":", 1)[1]
            accepted = next((v.obligation for v in obligations
                             if v.obligation.code == code and v.status == "accepted"), None)
            start = day_in_england(accepted.decided_at) if accepted and accepted.decided_at else None
        visits.append(NextVisit(rule, rule.due_after(start) if start else None))
    return visits
