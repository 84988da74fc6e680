"""The visit that follows an inspection, linked to it: a revisit (2016) once the written statement of action is
accepted, a monitoring inspection (2023) after widespread and/or systemic failings. It is set up from the original,
in the same area, under its own profile (app/frameworks/visits.py), and carries the original's significant
weaknesses or areas for priority action; the team judges the progress on each with its evidence, and its letter
says so in the profile's words."""

from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.errors import Forbidden, NotFound, ValidationFailed
from app.evidence import service as evidence_items
from app.forms_common import text_problem
from app.frameworks.visits import VisitProfile, visit_profile
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import service as letters
from app.letters import visit as visit_letter
from app.letters.visit import LetterPart
from app.models_base import utcnow
from app.obligations import service
from app.obligations.models import CarriedItem, CarriedItemEvidence
from app.users.models import User

EVIDENCE_LIMIT = 5000


@dataclass(frozen=True)
class Due:
    """The visit the original's outcome brings, when it is due, and whether it can be set up yet."""

    visit: VisitProfile
    next_visit: service.NextVisit
    published: letters.Published

    @property
    def ready(self) -> bool:
        return self.next_visit.due is not None  # a revisit waits for the statement to be accepted


def due_for(*, session: Session, inspection: Inspection) -> Due | None:
    """The revisit or monitoring inspection this (published, full) inspection leads to, if any."""
    if inspection.visit_kind:
        return None
    published = letters.published(session=session, inspection_ids=[inspection.id]).get(inspection.id)
    if published is None:
        return None
    views = service.obligations_of(session=session, inspection=inspection)
    for next_visit in service.next_visits(inspection, published, views):
        visit = visit_profile(inspection.framework, next_visit.rule.code)
        if visit is not None:
            return Due(visit, next_visit, published)
    return None


def follow_up_of(*, session: Session, inspection: Inspection) -> Inspection | None:
    return session.exec(select(Inspection).where(Inspection.follows_id == inspection.id)
                        .order_by(col(Inspection.id))).first()


class FollowUpForm(BaseModel):
    start_date: str = ""  # ISO; the form's boxes joined


def set_up(*, session: Session, actor: Actor, user: User, original: Inspection, form: FollowUpForm) -> Inspection:
    """The visit, set up from the original by its lead (or an administrator): same area and framework, the visit's
    timing, the original's list carried forward. The one who sets it up leads it, as for any inspection."""
    if not inspections.can_manage(session=session, user=user, inspection=original):
        raise Forbidden()
    due = due_for(session=session, inspection=original)
    if due is None:
        raise ValidationFailed({"start_date": "No revisit or monitoring inspection follows this inspection"})
    if not due.ready:
        raise ValidationFailed({"start_date": f"The {due.visit.title.lower()} can be set up once the "
                                              f"{due.next_visit.wording.split(' after the ', 1)[-1]}"})
    if follow_up_of(session=session, inspection=original) is not None:
        raise ValidationFailed({"start_date": f"The {due.visit.short_title} has been set up already"})
    visit = inspections.create_inspection(session=session, actor=actor, creator=user, form=inspections.InspectionForm(
        local_area=original.local_area, la_code=original.la_code, framework=original.framework,
        start_date=form.start_date, visit_kind=due.visit.kind))
    visit.visit_kind, visit.follows_id = due.visit.kind, original.id
    schedule = inspections.schedule_of(visit)  # now with the visit's notice and days on site
    visit.notification_date, visit.last_on_site_date = schedule.notification_date, schedule.on_site_days[-1]
    session.add(visit)
    carried = (due.published.significant_weaknesses if due.visit.carries == "significant_weaknesses"
               else due.published.priority_actions)
    for position, text in enumerate(carried, start=1):
        session.add(CarriedItem(inspection_id=visit.id, position=position, text=text))
    session.flush()
    record(session=session, actor=actor, action="inspection.follow_up_set_up", object_type="inspection",
           object_id=visit.id, inspection_id=visit.id,
           detail={"follows": original.id, "kind": due.visit.kind, "carried": len(carried)})
    return visit


def items_of(*, session: Session, inspection: Inspection) -> list[CarriedItem]:
    return visit_letter.items_of(session=session, inspection=inspection)


def visit_of(inspection: Inspection) -> VisitProfile:
    visit = visit_profile(inspection.framework, inspection.visit_kind or "")
    if visit is None:
        raise NotFound()  # a full inspection has no progress to judge
    return visit


class ProgressForm(BaseModel):
    progress: str = ""
    evidence: str = ""
    evidence_ids: list[str] = []  # evidence items of the visit behind the judgement


def evidence_ids_of(*, session: Session, items: list[CarriedItem]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {item.id: set() for item in items}
    rows = session.exec(select(CarriedItemEvidence.carried_item_id, CarriedItemEvidence.evidence_item_id).where(
        col(CarriedItemEvidence.carried_item_id).in_(list(found)))).all() if found else []
    for item_id, evidence_id in rows:
        found[item_id].add(evidence_id)
    return found


def judge(*, session: Session, actor: Actor, user: User, inspection: Inspection, item_id: int,
          form: ProgressForm) -> CarriedItem:
    """The team's judgement of the progress on one carried item, with the evidence for it."""
    visit = visit_of(inspection)
    item = session.get(CarriedItem, item_id)
    if item is None or item.inspection_id != inspection.id:
        raise NotFound()
    inspections.refuse_changes_if_purged(session=session, inspection_id=inspection.id)
    errors: dict[str, str] = {}
    if visit.judgement(form.progress) is None:
        errors["progress"] = "Select the progress made"
    evidence = form.evidence.strip()
    if problem := text_problem(evidence, required="Enter the evidence for the judgement", limit=EVIDENCE_LIMIT,
                               what="The evidence"):
        errors["evidence"] = problem
    wanted = list(dict.fromkeys(i for i in form.evidence_ids if i))
    known = evidence_items.known_ids(session=session, inspection=inspection, ids=wanted)
    if len(known) != len(wanted):
        errors["evidence_ids"] = "Select evidence items of this visit"
    if errors:
        raise ValidationFailed(errors)
    item.progress, item.evidence, item.judged_at, item.judged_by_id = form.progress, evidence, utcnow(), user.id
    session.add(item)
    for link in session.exec(select(CarriedItemEvidence).where(CarriedItemEvidence.carried_item_id == item.id)).all():
        session.delete(link)
    session.flush()
    session.add_all(CarriedItemEvidence(carried_item_id=item.id, evidence_item_id=i) for i in sorted(known))
    session.flush()
    record(session=session, actor=actor, action="inspection.progress_judged", object_type="carried_item",
           object_id=item.id, inspection_id=inspection.id, detail={"position": item.position,
                                                                  "progress": item.progress,
                                                                  "evidence_items": sorted(known)})
    return item


def progress_letter(*, session: Session, inspection: Inspection) -> list[LetterPart]:
    """The visit's letter in its profile's words (app/letters/visit.py, which its Word and PDF files use too)."""
    return visit_letter.parts(session=session, inspection=inspection, visit=visit_of(inspection))


# --- Retention -------------------------------------------------------------------------------------------------


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """A visit's links from its judgements of progress to its evidence items go, as the evidence does (fieldwork);
    the carried items, their judgements and reasons stay: they are the published letter's words. (The obligations,
    with their dates, statuses and decisions, are the public record and stay whole.)"""
    links = session.exec(select(CarriedItemEvidence).join(
        CarriedItem, col(CarriedItem.id) == CarriedItemEvidence.carried_item_id)
        .where(CarriedItem.inspection_id == inspection_id)).all()
    if not dry_run:
        for link in links:
            session.delete(link)
        session.flush()
    return {"progress_evidence_links": len(links)}
