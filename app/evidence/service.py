"""Capturing evidence against the proposals, the evidence board with triangulation, the day's summary."""

from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from app.db import bulk_insert
from app import personal_data
from app.audit.service import Actor, record, record_many
from app.errors import NotFound, ValidationFailed
from app import forms_contract
from app.evidence.contract import TEXT_LIMIT, evidence_contract  # noqa: F401 (TEXT_LIMIT: the survey cuts to it)
from app.evidence.models import EvidenceItem, Judgement, SourceType
from app.fieldwork import service as fieldwork
from app.forms_common import new_id
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import utcnow

class EvidenceForm(BaseModel):
    text: str = ""
    proposal: str = ""
    aspect: str = ""
    judgement: str = ""
    strands: list[str] = []
    source_type: str = ""  # derived from source_id when that is an activity or file review
    source_id: str = ""
    source_label: str = ""


def _errors(session: Session, inspection: Inspection, form: EvidenceForm,
            source_kinds: dict[str, str] | None = None) -> tuple[dict[str, str], dict]:
    """Errors and cleaned values: the form's contract first (the rules the tablet applies too), then what only
    the database knows. `source_kinds` (id -> activity kind or "file_review") saves a query per item when many
    are checked at once."""
    profile = inspections.profile_of(inspection)
    contract = evidence_contract(profile)
    values = form.model_dump()
    proposal = str(form.proposal).strip()
    if proposal.isdigit():
        values["proposal"] = str(int(proposal))
    elif not proposal:  # a device may send the aspect alone: its proposal is the aspect's
        try:
            values["proposal"] = str(profile.aspect(form.aspect)[0].number)
        except KeyError:
            pass
    errors = forms_contract.check(contract, values)
    clean: dict = {"proposal": None if "proposal" in errors else int(values["proposal"]),
                   "strands": sorted(set(form.strands))}
    clean["source_type"], clean["source_id"], clean["source_label"] = SourceType.none.value, None, None
    if form.source_id.strip():
        source_id = form.source_id.strip()
        if source_kinds is None:
            source_kinds = fieldwork.source_kinds(session=session, inspection=inspection, ids=[source_id])
        kind = source_kinds.get(source_id)
        # A source is a case file only when the form says so; otherwise it must be an activity.
        if kind is None or (kind == SourceType.file_review) != (form.source_type == SourceType.file_review):
            errors["source_id"] = "The source must be an activity or case file of this inspection"
        else:
            clean["source_type"], clean["source_id"] = kind, source_id
    elif form.source_type in (SourceType.document, SourceType.survey):
        clean["source_type"], clean["source_label"] = form.source_type, form.source_label.strip()
    elif form.source_type and form.source_type not in (SourceType.none, SourceType.document, SourceType.survey):
        errors.setdefault("source_id", contract.field("source_id").required or "")
    return errors, clean


def _content(form: EvidenceForm, clean: dict) -> dict:
    """What a capture says: the columns an edit changes too."""
    text = form.text.strip()
    return {"text": text, "personal_data": personal_data.kinds(text), "proposal": clean["proposal"],
            "aspect": form.aspect, "judgement": form.judgement, "strands": clean["strands"],
            "source_type": clean["source_type"], "source_id": clean["source_id"], "source_label": clean["source_label"]}


def _row(*, actor: Actor, inspection: Inspection, form: EvidenceForm, clean: dict, item_id: str, captured_on: date,
         now: datetime) -> dict:
    """A new item's stored columns: the one place an evidence row is built, for one capture (through the ORM)
    and for a device's batch (one bulk insert) alike."""
    return {"id": item_id, "inspection_id": inspection.id, "author_id": actor.user_id, **_content(form, clean),
            "captured_on": captured_on, "version": 1, "created_at": now, "updated_at": now,
            "updated_by_id": actor.user_id}


def _apply(item: EvidenceItem, form: EvidenceForm, clean: dict) -> None:
    for name, value in _content(form, clean).items():
        setattr(item, name, value)


def _created(session: Session, actor: Actor, inspection: Inspection, rows: list[dict]) -> None:
    record_many(session=session, actor=actor, action="evidence.created", object_type="evidence_item",
                inspection_id=inspection.id,
                objects=[(row["id"], {"proposal": row["proposal"], "aspect": row["aspect"], "judgement": row["judgement"]})
                         for row in rows])


def capture(*, session: Session, actor: Actor, inspection: Inspection, form: EvidenceForm,
            item_id: str | None = None, captured_on: date | None = None) -> EvidenceItem:
    errors, clean = _errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    row = _row(actor=actor, inspection=inspection, form=form, clean=clean, item_id=new_id(item_id),
               captured_on=captured_on or date.today(), now=utcnow())
    item = EvidenceItem(**row)
    session.add(item)
    session.flush()
    _created(session, actor, inspection, [row])
    return item


def prepare_many(*, session: Session, actor: Actor, inspection: Inspection,
                 entries: list[tuple[str, EvidenceForm, date]]) -> list[dict | ValidationFailed]:
    """Validate many captures at once (a device's sync batch): a row ready to insert, or why not, for each."""
    source_ids = [form.source_id.strip() for _, form, _ in entries if form.source_id.strip()]
    kinds = fieldwork.source_kinds(session=session, inspection=inspection, ids=source_ids) if source_ids else {}
    now = utcnow()
    out: list[dict | ValidationFailed] = []
    for item_id, form, day in entries:
        errors, clean = _errors(session, inspection, form, kinds)
        out.append(ValidationFailed(errors) if errors else
                   _row(actor=actor, inspection=inspection, form=form, clean=clean, item_id=item_id, captured_on=day,
                        now=now))
    return out


def insert_prepared(*, session: Session, actor: Actor, inspection: Inspection, rows: list[dict]) -> None:
    """Insert rows from prepare_many in one statement, each with its audit event. The caller writes the
    sync change log, which the ORM's flush would otherwise have written."""
    if not rows:
        return
    bulk_insert(session, EvidenceItem.__table__, rows)  # Core: no ORM bookkeeping per row
    _created(session, actor, inspection, rows)


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


def items_for_proposal(*, session: Session, inspection: Inspection, proposal: int) -> list[EvidenceItem]:
    return list(session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id,
                                                        EvidenceItem.proposal == proposal)
                             .order_by(EvidenceItem.aspect, col(EvidenceItem.created_at).desc())).all())


def known_ids(*, session: Session, inspection: Inspection, ids: list[str]) -> set[str]:
    """Which of these ids are evidence items of this inspection."""
    if not ids:
        return set()
    return set(session.exec(select(EvidenceItem.id).where(EvidenceItem.inspection_id == inspection.id,
                                                          col(EvidenceItem.id).in_(ids))).all())


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
    aspect: str = ""  # one aspect's items in full, rather than the latest few of each

    def matches(self, row) -> bool:
        return ((not self.judgement or row.judgement == self.judgement)
                and (not self.strand or self.strand in row.strands)
                and (self.inspector is None or row.author_id == self.inspector)
                and (self.day is None or row.captured_on == self.day)
                and (not self.source_type or row.source_type == self.source_type))

    @property
    def active(self) -> bool:
        return bool(self.judgement or self.strand or self.inspector or self.day or self.source_type)


# Each aspect shows its latest items; "show all" opens that aspect alone. A proposal can hold a thousand items
# by Friday, and a tablet should not be sent them all at once.
ITEMS_PER_ASPECT = 8


@dataclass
class AspectColumn:
    code: str
    text: str
    items: list[EvidenceItem] = field(default_factory=list)  # shown, newest first
    matched: int = 0  # items that match the filters
    counts: dict[str, int] = field(default_factory=dict)  # judgement -> items that match the filters
    strength_sources: set[str] = field(default_factory=set)
    development_sources: set[str] = field(default_factory=set)

    @property
    def more(self) -> int:
        return self.matched - len(self.items)

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
    shown: int  # items that match the filters
    counts: dict[str, int]  # judgement -> items that match the filters
    per_proposal: dict[int, int]  # all items per proposal, for the tabs


def board(*, session: Session, inspection: Inspection, proposal: int, filters: BoardFilters) -> Board:
    profile = inspections.profile_of(inspection)
    chosen = profile.proposal(proposal)
    per_proposal = dict(session.exec(
        select(EvidenceItem.proposal, func.count()).where(EvidenceItem.inspection_id == inspection.id)
        .group_by(EvidenceItem.proposal)).all())
    # Counting and triangulation need every item of the proposal, but only these few columns of each.
    rows = session.exec(
        select(EvidenceItem.id, EvidenceItem.aspect, EvidenceItem.judgement, EvidenceItem.source_type,
               EvidenceItem.strands, EvidenceItem.author_id, EvidenceItem.captured_on)
        .where(EvidenceItem.inspection_id == inspection.id, EvidenceItem.proposal == proposal)
        .order_by(col(EvidenceItem.created_at).desc(), col(EvidenceItem.id))
    ).all()
    empty = {j.value: 0 for j in Judgement}
    columns = {a.code: AspectColumn(a.code, a.text, counts=dict(empty)) for a in chosen.aspects}
    counts, shown, to_show = dict(empty), 0, {}
    limit = None if filters.aspect else ITEMS_PER_ASPECT
    for row in rows:
        # An aspect the profile no longer has stays visible rather than lost.
        column = columns.get(row.aspect) or columns.setdefault(row.aspect, AspectColumn(row.aspect, row.aspect,
                                                                                       counts=dict(empty)))
        # Triangulation looks at every item of the aspect, whatever the filters show.
        if row.judgement == Judgement.strength:
            column.strength_sources.add(row.source_type)
        elif row.judgement == Judgement.area_for_development:
            column.development_sources.add(row.source_type)
        if filters.matches(row):
            column.matched += 1
            column.counts[row.judgement] += 1
            counts[row.judgement] += 1
            shown += 1
            if (not filters.aspect or row.aspect == filters.aspect) and (limit is None or column.matched <= limit):
                to_show[row.id] = row.aspect
    if to_show:
        loaded = {item.id: item for item in session.exec(select(EvidenceItem).where(col(EvidenceItem.id).in_(to_show)))}
        for item_id, aspect in to_show.items():  # in the rows' order: newest first
            columns[aspect].items.append(loaded[item_id])
    aspects = [c for c in columns.values() if not filters.aspect or c.code == filters.aspect]
    return Board(proposal, chosen.title, chosen.statement, aspects, len(rows), shown, counts, per_proposal)


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


# --- Retention -------------------------------------------------------------------------------------------------


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """Every evidence item of the inspection goes, through the ORM, so each leaves a tombstone in the change feed
    and the tablets drop it (claim links go with them, by the foreign key)."""
    items = session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection_id)).all()
    if not dry_run:
        for item in items:
            session.delete(item)
        session.flush()
    return {"evidence_items": len(items)}


def kept_figures(*, session: Session, inspection_id: int) -> dict[str, int]:
    """What stays after the purge: items per proposal and judgement (what the letter's statements counted)."""
    rows = session.exec(select(EvidenceItem.proposal, EvidenceItem.judgement, func.count())
                        .where(EvidenceItem.inspection_id == inspection_id)
                        .group_by(EvidenceItem.proposal, EvidenceItem.judgement)).all()
    return dict(sorted((f"proposal_{p}_{j}", n) for p, j, n in rows))


# --- What other domains read of the evidence (through here, never its table) ---------------------------------


def all_items(*, session: Session, inspection: Inspection) -> list[EvidenceItem]:
    """Every item of the inspection, oldest first (the letter drafts from them)."""
    return list(session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id)
                             .order_by(EvidenceItem.created_at)).all())


def document_sources(*, session: Session, inspection: Inspection) -> list[tuple[str, str]]:
    """(item id, title) of each item citing a document or data set the team read."""
    return [(item_id, label) for item_id, label in session.exec(select(EvidenceItem.id, EvidenceItem.source_label).where(
        EvidenceItem.inspection_id == inspection.id, EvidenceItem.source_type == SourceType.document)).all()]


def source_kinds_by_proposal(*, session: Session, inspection: Inspection) -> dict[int, set[str]]:
    """For each proposal, the kinds of source its evidence came from (no source: not counted)."""
    kinds: dict[int, set[str]] = {}
    for proposal, source_type in session.exec(select(EvidenceItem.proposal, EvidenceItem.source_type).where(
            EvidenceItem.inspection_id == inspection.id)).all():
        if source_type != SourceType.none:
            kinds.setdefault(proposal, set()).add(source_type)
    return kinds


def flagged_count(*, session: Session, inspection: Inspection) -> int:
    """Items still flagged by the personal-data guard."""
    return sum(1 for found in session.exec(select(EvidenceItem.personal_data).where(
        EvidenceItem.inspection_id == inspection.id)).all() if found)
