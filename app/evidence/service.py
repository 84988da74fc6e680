"""Capturing evidence against the headings, the evidence board with triangulation, the day's summary."""

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, String, and_, bindparam, case, cast, exists, literal, true, union, union_all
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, col, func, select

from app import forms_contract, personal_data
from app.audit.service import Actor, record, record_many
from app.casetracking import service as casetracking
from app.clock import today_in_england
from app.db import bulk_insert
from app.errors import NotFound, ValidationFailed
from app.evidence.contract import evidence_contract
from app.evidence.models import EvidenceItem, Judgement, SourceType
from app.fieldwork import service as fieldwork
from app.forms_common import new_id, parse_iso_date
from app.frameworks.service import Profile
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import table_of, utcnow


class EvidenceForm(BaseModel):
    text: str = ""
    heading: str = ""
    aspect: str = ""
    judgement: str = ""
    strands: list[str] = []
    source_type: str = ""  # derived from source_id when that is an activity or file review
    source_id: str = ""
    source_label: str = ""
    observed_on: str = ""  # ISO date; empty: the source's day, otherwise today's day on site (default_day)


def default_day(on_site: list[date], source_day: date | None, captured_on: date) -> date:
    """The day evidence was observed when the inspector does not say: the day of the activity it came from (or of
    the activity its case file was seen during), otherwise the day on site it was captured on. Captured after the
    week (written up on Monday), it is the last day on site; before it, the first."""
    if source_day is not None:
        return source_day
    return max((day for day in on_site if day <= captured_on), default=on_site[0] if on_site else captured_on)


@dataclass(frozen=True)
class _Sources:
    """What the database knows of some sources, read once for many items: id -> activity kind, "file_review" or
    "tracked_case", and id -> the day it happened (a tracked case, met over several days, has none of its own)."""

    kinds: dict[str, str]
    days: dict[str, date]

    @classmethod
    def of(cls, session: Session, inspection: Inspection, ids: list[str]) -> "_Sources":
        if not ids:
            return cls({}, {})
        return cls(_source_kinds(session, inspection, ids),
                   fieldwork.source_days(session=session, inspection=inspection, ids=ids))


def _errors(session: Session, inspection: Inspection, form: EvidenceForm, sources: _Sources | None = None,
            on_site: list[date] | None = None, kept_day: date | None = None, profile: Profile | None = None,
            plain_contract: forms_contract.Contract | None = None,
            text_apart: bool = False) -> tuple[dict[str, str], dict[str, Any]]:
    """Errors and cleaned values: the form's contract first (the rules the tablet applies too), then what only
    the database knows. `sources`, `on_site`, `profile` and `plain_contract` (the contract with no other day
    allowed) save work when many items are checked at once; `kept_day` is the day an item being edited has, which
    stays allowed. `text_apart`: the text is left unchecked (the caller checks it: see prepare_many), so the
    answer holds for every form that differs from this one only in its text."""
    profile = profile or inspections.profile_of(inspection)
    source_id = form.source_id.strip()
    if sources is None:
        sources = _Sources.of(session, inspection, [source_id] if source_id else [])
    if on_site is None:
        on_site = inspections.schedule_of(inspection).on_site_days
    source_day = sources.days.get(source_id) if source_id else None
    also = {day for day in (source_day, kept_day) if day is not None}
    # A batch's items without a source share one contract, found once (its days hashed once, not per item).
    contract = plain_contract if plain_contract is not None and not also else evidence_contract(profile, on_site, also)
    values = dict(vars(form))  # the form's fields (a flat model: model_dump's dict, without its walk)
    heading = str(form.heading).strip()
    if heading.isdigit():
        values["heading"] = str(int(heading))
    elif not heading:  # a device may send the aspect alone: its heading is the aspect's
        with contextlib.suppress(KeyError):
            values["heading"] = str(profile.aspect(form.aspect)[0].number)
    errors = forms_contract.check(contract, values, apart=("text",) if text_apart else ())
    clean: dict[str, Any] = {"heading": None if "heading" in errors else int(values["heading"]),
                   "strands": sorted(set(form.strands)), "source_day": source_day,
                   "observed_on": None if "observed_on" in errors else parse_iso_date(form.observed_on),
                   "on_site": on_site}
    clean["source_type"], clean["source_id"], clean["source_label"] = SourceType.none.value, None, None
    if source_id:
        kind = sources.kinds.get(source_id)
        # A source is a case file or a tracked case only when the form says so; otherwise it must be an activity.
        named = kind in NAMED_SOURCES or form.source_type in NAMED_SOURCES
        if kind is None or (named and kind != form.source_type):
            errors["source_id"] = "The source must be an activity or case file of this inspection"
        else:
            clean["source_type"], clean["source_id"] = kind, source_id
    elif form.source_type in (SourceType.document, SourceType.survey):
        clean["source_type"], clean["source_label"] = form.source_type, form.source_label.strip()
    elif form.source_type and form.source_type not in (SourceType.none, SourceType.document, SourceType.survey):
        errors.setdefault("source_id", contract.field("source_id").required or "")
    return errors, clean


# Sources whose kind the form states (an activity's kind is found from its id).
NAMED_SOURCES = (SourceType.file_review.value, SourceType.tracked_case.value)


def _source_kinds(session: Session, inspection: Inspection, ids: list[str]) -> dict[str, str]:
    return {**fieldwork.source_kinds(session=session, inspection=inspection, ids=ids),
            **casetracking.source_kinds(session=session, inspection=inspection, ids=ids)}


def _content(form: EvidenceForm, clean: dict[str, Any], found: list[str] | None = None) -> dict[str, Any]:
    """What a capture says: the columns an edit changes too. `found`: the guard's kinds in its text, when they were
    looked for with a batch's (personal_data.kinds_many)."""
    text = form.text.strip()
    return {"text": text, "personal_data": personal_data.kinds(text) if found is None else found,
            "heading": clean["heading"],
            "aspect": form.aspect, "judgement": form.judgement, "strands": clean["strands"],
            "source_type": clean["source_type"], "source_id": clean["source_id"], "source_label": clean["source_label"]}


def _row(*, actor: Actor, inspection: Inspection, form: EvidenceForm, clean: dict[str, Any], item_id: str,
         captured_on: date, now: datetime, found: list[str] | None = None) -> dict[str, Any]:
    """A new item's stored columns: the one place an evidence row is built, for one capture (through the ORM)
    and for a device's batch (one bulk insert) alike."""
    observed_on = clean["observed_on"] or default_day(clean["on_site"], clean["source_day"], captured_on)
    return {"id": item_id, "inspection_id": inspection.id, "author_id": actor.user_id, **_content(form, clean, found),
            "captured_on": captured_on, "observed_on": observed_on, "version": 1, "created_at": now,
            "updated_at": now, "updated_by_id": actor.user_id}


def _apply(item: EvidenceItem, form: EvidenceForm, clean: dict[str, Any]) -> None:
    for name, value in _content(form, clean).items():
        setattr(item, name, value)
    # An edit that leaves the day out (an older device's) keeps the day the item has: evidence never moves day
    # unless someone moves it.
    if clean["observed_on"] is not None:
        item.observed_on = clean["observed_on"]


def _created(session: Session, actor: Actor, inspection: Inspection, rows: list[dict[str, Any]]) -> None:
    record_many(session=session, actor=actor, action="evidence.created", object_type="evidence_item",
                inspection_id=inspection.id,
                objects=[(row["id"], {key: row[key] for key in ("heading", "aspect", "judgement")}) for row in rows])


def capture(*, session: Session, actor: Actor, inspection: Inspection, form: EvidenceForm,
            item_id: str | None = None, captured_on: date | None = None) -> EvidenceItem:
    errors, clean = _errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    row = _row(actor=actor, inspection=inspection, form=form, clean=clean, item_id=new_id(item_id),
               captured_on=captured_on or today_in_england(), now=utcnow())
    item = EvidenceItem(**row)
    session.add(item)
    session.flush()
    _created(session, actor, inspection, [row])
    return item


def prepare_many(*, session: Session, actor: Actor, inspection: Inspection,
                 entries: list[tuple[str, EvidenceForm, date]]) -> list[dict[str, Any] | ValidationFailed]:
    """Validate many captures at once (a device's sync batch): a row ready to insert, or why not, for each."""
    sources = _Sources.of(session, inspection, [form.source_id.strip() for _, form, _ in entries
                                                if form.source_id.strip()])
    on_site = inspections.schedule_of(inspection).on_site_days
    profile = inspections.profile_of(inspection)
    plain = evidence_contract(profile, on_site)
    now = utcnow()
    # The guard looks at the batch's texts together (most have nothing it needs to look at closely).
    found = personal_data.kinds_many([form.text.strip() for _, form, _ in entries])
    # A batch's captures differ in their text, seldom in their other answers (heading, aspect, judgement, source,
    # day): those are judged once for each way they are answered, the text for each capture, and the errors put
    # together in the form's order (the text is the form's first field, and checked alone).
    apart = plain.fields[0].name == "text" and forms_contract.alone(plain, "text")
    judged: dict[tuple[Any, ...], tuple[dict[str, str], dict[str, Any]]] = {}
    out: list[dict[str, Any] | ValidationFailed] = []
    for (item_id, form, day), kinds in zip(entries, found, strict=True):
        # Every answer of the form (so a field added to it is judged too), the text only when it is not apart.
        answers = tuple(tuple(value) if type(value) is list else value for name, value in form
                        if not (apart and name == "text"))
        if answers not in judged:
            judged[answers] = _errors(session, inspection, form, sources, on_site, profile=profile,
                                      plain_contract=plain, text_apart=apart)
        errors, clean = judged[answers]
        if apart and (text := forms_contract.check(plain, {"text": form.text}, fields=("text",))):
            errors = {**text, **errors}
        out.append(ValidationFailed(dict(errors)) if errors else
                   _row(actor=actor, inspection=inspection, form=form, clean=clean, item_id=item_id, captured_on=day,
                        now=now, found=kinds))
    return out


def insert_prepared(*, session: Session, actor: Actor, inspection: Inspection, rows: list[dict[str, Any]]) -> None:
    """Insert rows from prepare_many in one statement, each with its audit event. The caller writes the
    sync change log, which the ORM's flush would otherwise have written."""
    if not rows:
        return
    bulk_insert(session, table_of(EvidenceItem), rows)  # Core: no ORM bookkeeping per row
    _created(session, actor, inspection, rows)


def edit(*, session: Session, actor: Actor, inspection: Inspection, item: EvidenceItem,
         form: EvidenceForm) -> EvidenceItem:
    errors, clean = _errors(session, inspection, form, kept_day=item.observed_on)
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


def items_for_heading(*, session: Session, inspection: Inspection, heading: int) -> list[EvidenceItem]:
    return list(session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id,
                                                        EvidenceItem.heading == heading)
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
                             .order_by(col(EvidenceItem.created_at))).all())


# --- The board -------------------------------------------------------------------------------------------


@dataclass
class BoardFilters:
    judgement: str = ""
    strand: str = ""
    inspector: int | None = None
    day: date | None = None
    source_type: str = ""
    aspect: str = ""  # one aspect's items in full, rather than the latest few of each

    def values(self) -> dict[str, object]:
        """The filters in use, by name (the aspect is not one: it chooses what is shown, not what is counted)."""
        return {name: getattr(self, name) for name in _FILTERED if getattr(self, name) not in ("", None)}


_FILTERED: dict[str, Any] = {
    "judgement": EvidenceItem.judgement, "strand": EvidenceItem.strands, "inspector": EvidenceItem.author_id,
    "day": EvidenceItem.observed_on, "source_type": EvidenceItem.source_type}


def _conditions(names: tuple[str, ...], dialect: str) -> list[ColumnElement[bool]]:
    """SQL conditions for these filters, their values bound by the filters' names."""
    out: list[ColumnElement[bool]] = []
    for name in names:
        if name != "strand":
            out.append(_FILTERED[name] == bindparam(name))
        elif dialect == "postgresql":  # strands are a JSON list: the item's include this one
            out.append(cast(EvidenceItem.strands, JSONB).has_key(bindparam(name, type_=String)))
        else:
            element = func.json_each(EvidenceItem.strands).table_valued("value")
            out.append(exists(select(literal(1)).select_from(element).where(element.c.value == bindparam(name))))
    return out


# Each aspect shows its latest items; "show all" opens that aspect alone. A heading can hold a thousand items
# by Friday, and a tablet should not be sent them all at once.
ITEMS_PER_ASPECT = 8


# What the board shows of an item (evidence/_items.html), read as plain rows: a board's few dozen items as
# model instances cost more than the queries that find them.
# (Typed as Any, as the statements built from them below: SQLModel types select() for four columns at most.)
SHOWN_COLUMNS: tuple[Any, ...] = (
    EvidenceItem.id, EvidenceItem.aspect, EvidenceItem.text, EvidenceItem.judgement, EvidenceItem.strands,
    EvidenceItem.author_id, EvidenceItem.captured_on, EvidenceItem.observed_on, EvidenceItem.version,
    EvidenceItem.updated_at,
    EvidenceItem.source_type, EvidenceItem.source_id, EvidenceItem.source_label, EvidenceItem.personal_data,
    EvidenceItem.created_at, EvidenceItem.inspection_id)


@dataclass
class AspectColumn:
    code: str
    text: str
    items: list[Any] = field(default_factory=list)  # rows of SHOWN_COLUMNS and source_title, newest first
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
    heading: int
    title: str
    statement: str
    aspects: list[AspectColumn]
    total: int  # items for this heading before filters
    shown: int  # items that match the filters
    counts: dict[str, int]  # judgement -> items that match the filters
    per_heading: dict[int, int]  # all items per heading, for the tabs

    @property
    def sources(self) -> dict[str, str]:
        """The titles of the activities and case files the shown items link to, by id (as source_titles gives)."""
        return {item.source_id: item.source_title for column in self.aspects for item in column.items
                if item.source_title is not None}


# The board's statements are built once for each shape (which filters, how many aspects) and then only run with
# other values: building and keying them cost more than running them.
_OF_HEADING = (EvidenceItem.inspection_id == bindparam("inspection_id"),
                EvidenceItem.heading == bindparam("heading"))
_BY_KIND: tuple[Any, ...] = (EvidenceItem.aspect, EvidenceItem.judgement, EvidenceItem.source_type)
_NEWEST_FIRST = (col(EvidenceItem.created_at).desc(), col(EvidenceItem.id))


@lru_cache(maxsize=64)
def _counts_statement(headings: int, filtered: tuple[str, ...], dialect: str) -> Any:
    """In one statement, each heading's items (bound as tab_0, tab_1 ...) beside the chosen heading's items by
    aspect, judgement and kind of source, with how many of them match the filters, all counted along
    ix_evidence_items_kinds: a row for each kind, or one row of the tabs alone when the heading has no items."""
    tabs = select(*(select(func.count()).where(EvidenceItem.inspection_id == bindparam("inspection_id"),
                                               EvidenceItem.heading == bindparam(f"tab_{n}"))
                    .scalar_subquery().label(f"tab_{n}") for n in range(headings))).subquery()
    matched = func.count(case((and_(*_conditions(filtered, dialect)), 1))) if filtered else func.count()
    # Five columns: past the four SQLModel's select() is typed for (the call is SQLAlchemy's, which takes any).
    kinds = (select(*_BY_KIND, func.count().label("items"), matched.label("matched"))  # type: ignore[call-overload]
             .where(*_OF_HEADING).group_by(*_BY_KIND).subquery())
    return select(*tabs.c, *kinds.c).select_from(tabs.outerjoin(kinds, true()))


@lru_cache(maxsize=256)
def _shown_statement(filtered: tuple[str, ...], dialect: str, aspects: int | None) -> Any:
    """The items shown, each with its source's title: the newest few of each of `aspects` aspects (bound as aspect_0,
    aspect_1 ...), each a short walk down ix_evidence_items_newest, or all of one aspect (bound as aspect) when
    `aspects` is None."""
    matching = (*_OF_HEADING, *_conditions(filtered, dialect))
    if aspects is None:
        items = select(*SHOWN_COLUMNS).where(*matching, EvidenceItem.aspect == bindparam("aspect")).subquery()
    else:
        items = union_all(*(select(*SHOWN_COLUMNS).where(*matching, EvidenceItem.aspect == bindparam(f"aspect_{n}"))
                            .order_by(*_NEWEST_FIRST).limit(ITEMS_PER_ASPECT).subquery().select()
                            for n in range(aspects))).subquery()
    title, joined = fieldwork.titled_sources(items)
    # A subquery's columns and one more: past what SQLModel's select() is typed for (SQLAlchemy's takes any).
    return (select(*items.c, title.label("source_title"))  # type: ignore[call-overload]
            .select_from(joined).order_by(items.c.created_at.desc(), items.c.id))


def board(*, session: Session, inspection: Inspection, heading: int, filters: BoardFilters) -> Board:
    """A heading's items by aspect. A heading holds a thousand items or more by Friday: the database counts
    them and picks the few shown, so that only those few are loaded (a fixed number of queries, whatever the
    number of items)."""
    profile = inspections.profile_of(inspection)
    chosen = profile.heading(heading)
    dialect = session.get_bind().dialect.name
    values = filters.values()
    filtered = tuple(values)
    keys = {"inspection_id": inspection.id, "heading": heading, **values}
    numbers = [p.number for p in profile.headings]
    # Triangulation looks at every item of the aspect whatever the filters show: the items that match the filters
    # are counted alongside, in the same pass over the heading.
    rows = session.exec(_counts_statement(len(numbers), filtered, dialect), params={
        **keys, **{f"tab_{n}": number for n, number in enumerate(numbers)}}).all()
    per_heading = dict(zip(numbers, rows[0][:len(numbers)], strict=True))
    kinds = [row[len(numbers):] for row in rows if row[len(numbers)] is not None]
    empty = {j.value: 0 for j in Judgement}
    columns = {a.code: AspectColumn(a.code, a.text, counts=dict(empty)) for a in chosen.aspects}
    # An aspect the profile no longer has stays visible rather than lost, after the profile's, latest first.
    retired = sorted({row[0] for row in kinds} - set(columns))
    if retired:
        latest = dict(session.exec(select(EvidenceItem.aspect, func.max(EvidenceItem.created_at))
                                   .where(*_OF_HEADING, col(EvidenceItem.aspect).in_(retired))
                                   .group_by(EvidenceItem.aspect), params=keys).all())
        retired.sort(key=lambda aspect: (latest.get(aspect) is not None, latest.get(aspect)), reverse=True)
        for aspect in retired:
            columns[aspect] = AspectColumn(aspect, aspect, counts=dict(empty))
    counts, shown = dict(empty), 0
    for aspect, judgement, source_type, _, matched in kinds:
        # (an aspect first seen since the profile was read still finds its place)
        column = columns.get(aspect) or columns.setdefault(aspect, AspectColumn(aspect, aspect, counts=dict(empty)))
        if judgement == Judgement.strength:
            column.strength_sources.add(source_type)
        elif judgement == Judgement.area_for_development:
            column.development_sources.add(source_type)
        if matched:
            column.matched += matched
            column.counts[judgement] = column.counts.get(judgement, 0) + matched
            counts[judgement] = counts.get(judgement, 0) + matched
            shown += matched
    if filters.aspect:
        statement, keys["aspect"] = _shown_statement(filtered, dialect, None), filters.aspect
    else:
        with_items = [code for code, column in columns.items() if column.matched]
        statement = _shown_statement(filtered, dialect, len(with_items)) if with_items else None
        keys.update({f"aspect_{n}": code for n, code in enumerate(with_items)})
    for item in session.exec(statement, params=keys) if statement is not None else ():
        if item.aspect in columns:
            columns[item.aspect].items.append(item)
    aspects = [c for c in columns.values() if not filters.aspect or c.code == filters.aspect]
    return Board(heading, chosen.title, chosen.statement, aspects, per_heading.get(heading, 0), shown, counts,
                 per_heading)


def aspects_beyond_the_board(*, session: Session, inspection: Inspection) -> list[tuple[int, str]]:
    """(heading, aspect) of every aspect holding more items than the board shows of it: those whose "Show all"
    opens a page of its own (which a tablet saves to go offline with the week's evidence in full)."""
    return [(heading, aspect) for heading, aspect in session.exec(
        select(EvidenceItem.heading, EvidenceItem.aspect).where(EvidenceItem.inspection_id == inspection.id)
        .group_by(col(EvidenceItem.heading), col(EvidenceItem.aspect))
        .having(func.count() > ITEMS_PER_ASPECT)
        .order_by(col(EvidenceItem.heading), col(EvidenceItem.aspect))).all()]


def days_observed(*, session: Session, inspection: Inspection,
                  also: date | None = None) -> list[tuple[int | None, date]]:
    """The days the board's day filter and the evening summary offer, in order: the days on site by number, and
    any other day an item of the inspection was observed on (None for its number): items captured in the week
    before, or from an activity whose day was kept when the inspection's dates moved, are then found by day too.
    `also`: the day being shown, so that the select shows it even when no item has it."""
    on_site = inspections.schedule_of(inspection).on_site_days
    first, last = on_site[0], on_site[-1]
    # Before the week, after it, or a day between that is not on site (a bank holiday): each a range of
    # ix_evidence_items_observed, rather than a walk over the inspection's thousands of items (SQLite would walk
    # them for one condition joined by OR).
    between = [day for day in (first + timedelta(days=n) for n in range((last - first).days)) if day not in on_site]
    outside = [col(EvidenceItem.observed_on) < first, col(EvidenceItem.observed_on) > last,
               *([col(EvidenceItem.observed_on).in_(between)] if between else [])]
    # (Any: SQLModel's exec() is typed for a plain select, not a union; SQLAlchemy's runs either.)
    days: Any = union(*(select(col(EvidenceItem.observed_on)).where(EvidenceItem.inspection_id == inspection.id,
                                                                    condition) for condition in outside))
    others = session.exec(days).scalars().all()
    numbers = {day: n for n, day in enumerate(on_site, start=1)}
    return [(numbers.get(day), day) for day in sorted({*on_site, *others, *([also] if also else [])})]


@dataclass
class DaySummary:
    day: date
    by_heading: list[tuple[int, str, list[EvidenceItem], list[EvidenceItem]]]  # number, title, strengths, AFDs


def day_summary(*, session: Session, inspection: Inspection, day: date) -> DaySummary:
    items = session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id,
                                                    EvidenceItem.observed_on == day)
                         .order_by(col(EvidenceItem.aspect), col(EvidenceItem.created_at))).all()
    out = []
    for heading in inspections.profile_of(inspection).headings:
        mine = [i for i in items if i.heading == heading.number]
        out.append((heading.number, heading.title,
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
    """What stays after the purge: items per heading and judgement (what the letter's statements counted)."""
    rows = session.exec(select(EvidenceItem.heading, EvidenceItem.judgement, func.count())
                        .where(EvidenceItem.inspection_id == inspection_id)
                        .group_by(col(EvidenceItem.heading), col(EvidenceItem.judgement))).all()
    return dict(sorted((f"heading_{p}_{j}", n) for p, j, n in rows))


# --- What other domains read of the evidence (through here, never its table) ---------------------------------


def all_items(*, session: Session, inspection: Inspection) -> list[EvidenceItem]:
    """Every item of the inspection, oldest first (the letter drafts from them)."""
    return list(session.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id)
                             .order_by(col(EvidenceItem.created_at))).all())


def document_sources(*, session: Session, inspection: Inspection) -> list[tuple[str, str | None]]:
    """(item id, title) of each item citing a document or data set the team read."""
    rows = session.exec(select(EvidenceItem.id, EvidenceItem.source_label).where(
        EvidenceItem.inspection_id == inspection.id, EvidenceItem.source_type == SourceType.document)).all()
    return [(item_id, label) for item_id, label in rows]


def source_kinds_by_heading(*, session: Session, inspection: Inspection) -> dict[int, set[str]]:
    """For each heading, the kinds of source its evidence came from (no source: not counted)."""
    kinds: dict[int, set[str]] = {}
    for heading, source_type in session.exec(select(EvidenceItem.heading, EvidenceItem.source_type).where(
            EvidenceItem.inspection_id == inspection.id)).all():
        if source_type != SourceType.none:
            kinds.setdefault(heading, set()).add(source_type)
    return kinds


def flagged_count(*, session: Session, inspection: Inspection) -> int:
    """Items still flagged by the personal-data guard."""
    return sum(1 for found in session.exec(select(EvidenceItem.personal_data).where(
        EvidenceItem.inspection_id == inspection.id)).all() if found)
