"""Capturing evidence against the proposals, the evidence board with triangulation, the day's summary."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.evidence.models import EvidenceItem, Judgement, SourceType, Strand
from app.fieldwork import service as fieldwork
from app.forms_common import choice_problem, new_id, text_problem
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import utcnow

TEXT_LIMIT = 10_000


class EvidenceForm(BaseModel):
    text: str = ""
    proposal: str = ""
    aspect: str = ""
    judgement: str = ""
    strands: list[str] = []
    source_type: str = ""  # derived from source_id when that is an activity or file review
    source_id: str = ""
    source_label: str = ""


def _errors(session: Session, inspection: Inspection, form: EvidenceForm) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    clean: dict = {}
    if problem := text_problem(form.text, required="Enter what you saw or heard", limit=TEXT_LIMIT, what="Evidence"):
        errors["text"] = problem
    profile = inspections.profile_of(inspection)
    try:
        proposal_of_aspect, _ = profile.aspect(form.aspect)
    except KeyError:
        proposal_of_aspect = None
    try:
        proposal = int(form.proposal) if str(form.proposal).strip() else (proposal_of_aspect.number if proposal_of_aspect else None)
    except ValueError:
        proposal = None
    if proposal not in {p.number for p in profile.proposals}:
        errors["proposal"] = "Select the proposal (1 to 4) this evidence is about"
    elif proposal_of_aspect is None:
        errors["aspect"] = "Select the aspect this evidence is about"
    elif proposal_of_aspect.number != proposal:
        errors["aspect"] = f"Select an aspect of proposal {proposal}"
    clean["proposal"] = proposal
    if problem := choice_problem(form.judgement, Judgement, "Select whether this is a strength, an area for development or context"):
        errors["judgement"] = problem
    strands = sorted(set(form.strands))
    if not strands:
        errors["strands"] = "Select at least one service: education, health or social care"
    elif not set(strands) <= {s.value for s in Strand}:
        errors["strands"] = "Select education, health or social care"
    clean["strands"] = strands
    clean["source_type"], clean["source_id"], clean["source_label"] = SourceType.none.value, None, None
    if form.source_id.strip():
        source_id = form.source_id.strip()
        try:
            if form.source_type == SourceType.file_review:
                fieldwork.get_file_review(session=session, inspection=inspection, review_id=source_id)
                clean["source_type"] = SourceType.file_review.value
            else:
                clean["source_type"] = fieldwork.activity_kind_of(session=session, inspection=inspection,
                                                                  activity_id=source_id)
            clean["source_id"] = source_id
        except NotFound:
            errors["source_id"] = "The source must be an activity or case file of this inspection"
    elif form.source_type == SourceType.document:
        if problem := text_problem(form.source_label, required="Enter the document's title", limit=200,
                                   what="Document title"):
            errors["source_label"] = problem
        clean["source_type"], clean["source_label"] = SourceType.document.value, form.source_label.strip()
    elif form.source_type and form.source_type not in (SourceType.none, SourceType.document):
        errors["source_id"] = "Select the activity or case file this evidence comes from"
    return errors, clean


def _apply(item: EvidenceItem, form: EvidenceForm, clean: dict) -> None:
    item.text = form.text.strip()
    item.proposal = clean["proposal"]
    item.aspect = form.aspect
    item.judgement = form.judgement
    item.strands = clean["strands"]
    item.source_type = clean["source_type"]
    item.source_id = clean["source_id"]
    item.source_label = clean["source_label"]


def capture(*, session: Session, actor: Actor, inspection: Inspection, form: EvidenceForm,
            item_id: str | None = None, captured_on: date | None = None) -> EvidenceItem:
    errors, clean = _errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    item = EvidenceItem(id=new_id(item_id), inspection_id=inspection.id, author_id=actor.user_id, text="", proposal=0,
                        aspect="", judgement="", captured_on=captured_on or date.today(), updated_by_id=actor.user_id)
    _apply(item, form, clean)
    session.add(item)
    session.flush()
    record(session=session, actor=actor, action="evidence.created", object_type="evidence_item", object_id=item.id,
           inspection_id=inspection.id, detail={"proposal": item.proposal, "aspect": item.aspect,
                                                "judgement": item.judgement})
    return item


def edit(*, session: Session, actor: Actor, inspection: Inspection, item: EvidenceItem, form: EvidenceForm) -> EvidenceItem:
    errors, clean = _errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    _apply(item, form, clean)
    item.version += 1
    item.updated_at = utcnow()
    item.updated_by_id = actor.user_id
    session.add(item)
    record(session=session, actor=actor, action="evidence.updated", object_type="evidence_item", object_id=item.id,
           inspection_id=inspection.id, detail={"version": item.version})
    return item


def delete(*, session: Session, actor: Actor, inspection: Inspection, item: EvidenceItem) -> None:
    record(session=session, actor=actor, action="evidence.deleted", object_type="evidence_item", object_id=item.id,
           inspection_id=inspection.id, detail={"text": item.text[:200], "version": item.version})
    session.delete(item)


def get_item(*, session: Session, inspection: Inspection, item_id: str) -> EvidenceItem:
    item = session.get(EvidenceItem, str(item_id))
    if item is None or item.inspection_id != inspection.id:
        raise NotFound()
    return item


def items_from_source(*, session: Session, inspection: Inspection, source_id: str) -> list[EvidenceItem]:
    return list(session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id,
                                                         EvidenceItem.source_id == source_id)
                             .order_by(EvidenceItem.created_at)).all())


# --- The board -------------------------------------------------------------------------------------------


@dataclass
class BoardFilters:
    judgement: str = ""
    strand: str = ""
    inspector: int | None = None
    day: date | None = None
    source_type: str = ""

    def matches(self, item: EvidenceItem) -> bool:
        return ((not self.judgement or item.judgement == self.judgement)
                and (not self.strand or self.strand in item.strands)
                and (self.inspector is None or item.author_id == self.inspector)
                and (self.day is None or item.captured_on == self.day)
                and (not self.source_type or item.source_type == self.source_type))

    @property
    def active(self) -> bool:
        return bool(self.judgement or self.strand or self.inspector or self.day or self.source_type)


@dataclass
class AspectColumn:
    code: str
    text: str
    items: list[EvidenceItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # judgement -> items shown
    strength_sources: set[str] = field(default_factory=set)
    development_sources: set[str] = field(default_factory=set)

    @property
    def single_source(self) -> bool:
        """Findings that rest on one kind of source only: not yet triangulated."""
        return any(len(s) == 1 for s in (self.strength_sources, self.development_sources))


@dataclass
class Board:
    proposal: int
    title: str
    statement: str
    aspects: list[AspectColumn]
    total: int  # items for this proposal before filters
    shown: int
    counts: dict[str, int]  # judgement -> items shown
    per_proposal: dict[int, int]  # all items per proposal, for the tabs


def board(*, session: Session, inspection: Inspection, proposal: int, filters: BoardFilters) -> Board:
    profile = inspections.profile_of(inspection)
    chosen = profile.proposal(proposal)
    rows = session.exec(
        select(EvidenceItem.proposal, EvidenceItem.id).where(EvidenceItem.inspection_id == inspection.id)
    ).all()
    per_proposal = defaultdict(int)
    for number, _ in rows:
        per_proposal[number] += 1
    items = session.exec(
        select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id, EvidenceItem.proposal == proposal)
        .order_by(col(EvidenceItem.created_at).desc())
    ).all()
    columns = {a.code: AspectColumn(a.code, a.text, counts={j.value: 0 for j in Judgement}) for a in chosen.aspects}
    counts = {j.value: 0 for j in Judgement}
    shown = 0
    for item in items:
        column = columns.get(item.aspect)
        if column is None:  # an aspect the profile no longer has: keep it visible rather than lose it
            column = columns.setdefault(item.aspect, AspectColumn(item.aspect, item.aspect,
                                                                  counts={j.value: 0 for j in Judgement}))
        # Triangulation looks at every item of the aspect, whatever the filters show.
        if item.judgement == Judgement.strength:
            column.strength_sources.add(item.source_type)
        elif item.judgement == Judgement.area_for_development:
            column.development_sources.add(item.source_type)
        if filters.matches(item):
            column.items.append(item)
            column.counts[item.judgement] += 1
            counts[item.judgement] += 1
            shown += 1
    return Board(proposal, chosen.title, chosen.statement, list(columns.values()), len(items), shown, counts,
                 dict(per_proposal))


@dataclass
class DaySummary:
    day: date
    by_proposal: list[tuple[int, str, list[EvidenceItem], list[EvidenceItem]]]  # number, title, strengths, AFDs


def day_summary(*, session: Session, inspection: Inspection, day: date) -> DaySummary:
    items = session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id,
                                                    EvidenceItem.captured_on == day)
                         .order_by(EvidenceItem.aspect, EvidenceItem.created_at)).all()
    out = []
    for proposal in inspections.profile_of(inspection).proposals:
        mine = [i for i in items if i.proposal == proposal.number]
        out.append((proposal.number, proposal.title,
                    [i for i in mine if i.judgement == Judgement.strength],
                    [i for i in mine if i.judgement == Judgement.area_for_development]))
    return DaySummary(day, out)
