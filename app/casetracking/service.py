"""Case tracking and case sampling: the area's person-level list (only the columns selection needs, and never a
column that identifies a child directly), random selection within the inspectors' criteria that anyone can
re-run from what is recorded, and each selected case's consent, documents, conversation and tracking meeting."""

import hashlib
import random
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter
from sqlmodel import Session, col, delete, select

from app import clock, forms_contract, personal_data
from app.audit.service import Actor, record
from app.casetracking.contract import (
    ANSWERED,
    SERVICES,
    consent_contract,
    conversation_contract,
    meeting_contract,
    received_contract,
    request_contract,
)
from app.casetracking.models import (
    CaseDocumentRequest,
    CaseSelection,
    PersonLevelChild,
    PersonLevelList,
    TrackedCase,
)
from app.db import bulk_insert
from app.errors import NotFound, ValidationFailed
from app.forms_common import CellProblem, CellsInvalid, new_id
from app.frameworks.case_tracking import CaseTracking, Column, PersonLevel, case_tracking_of, heading_key
from app.frameworks.service import Profile
from app.frameworks.working_days import add_working_days
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import table_of, utcnow
from app.web.text import plural

MAX_CHILDREN = 50_000  # a large county's children with EHC plans and on SEN support together, with room
MAX_TEXT = 100  # characters of a kept text cell (a setting's type)
MAX_IDENTIFIER = 40
MAX_PROBLEMS_SHOWN = 50
MAX_SELECTION = 30
PURPOSES = {"tracking": "Case tracking", "sampling": "Case sampling"}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def tracking_of(inspection: Inspection) -> CaseTracking:
    """The inspection's case tracking; NotFound under a framework without it (its pages do not exist there)."""
    spec = case_tracking_of(inspections.profile_of(inspection))
    if spec is None:
        raise NotFound()
    return spec


def has_tracking(inspection: Inspection) -> bool:
    profile = inspections.profile_of(inspection)
    return isinstance(profile, Profile) and case_tracking_of(profile) is not None  # a visit has none


def _hash(identifiers: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(identifiers).encode()).hexdigest()


# --- The person-level list ---------------------------------------------------------------------------------------

class ListInvalid(CellsInvalid):
    pass


@dataclass
class CheckedList:
    children: list[dict[str, Any]] = field(default_factory=list)  # identifier, age, details
    kept: list[str] = field(default_factory=list)  # the template's labels of the columns kept
    dropped: list[str] = field(default_factory=list)  # the file's headings of the columns not kept


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": f"{message} Nothing was saved."})


def _identifying_columns(header: list[str], spec: PersonLevel) -> list[str]:
    return [f"{get_column_letter(i + 1)} (‘{h[:40]}’)" for i, h in enumerate(header)
            if h and heading_key(h) in spec.refused_headings]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_list(spec: PersonLevel, rows: Sequence[tuple[int, Sequence[object]]]) -> CheckedList:
    """The list's children, or why not: ValidationFailed for the file as a whole (a column that identifies a child
    directly, a needed column missing), ListInvalid with every cell's problem. `rows` are the rows that hold
    anything, numbered as the officer sees them; the first is the headings."""
    if not rows:
        raise _refuse("The file is empty: use the template.")
    _, header_cells = rows[0]
    header = [_text(c) for c in header_cells]
    if identifying := _identifying_columns(header, spec):
        several = len(identifying) > 1
        raise _refuse(f"Column{'s' if several else ''} {_listed(identifying)} would identify a child directly: "
                      "inspectors need only the area's pseudonymous identifier for each child, never names, "
                      "addresses, dates of birth or NHS numbers. Delete "
                      f"{'those columns' if several else 'that column'} and upload the file again.")
    found: dict[str, int] = {}  # column key -> index
    dropped: list[tuple[int, str]] = []
    for index, heading in enumerate(header):
        key = heading_key(heading)
        column = next((c for c in spec.columns if key in c.headings), None)
        if column is None:
            if heading:
                dropped.append((index, heading))
        elif column.key in found:
            raise _refuse(f"Columns {get_column_letter(found[column.key] + 1)} and {get_column_letter(index + 1)} "
                          f"are both {column.label}: keep one and upload the file again.")
        else:
            found[column.key] = index
    missing = [c for c in spec.columns if c.required and c.key not in found]
    if missing:
        raise _refuse(f"The first row must hold the column headings, including "
                      f"{_listed([f'‘{c.label}’' for c in missing])}: use the template's headings.")
    if len(rows) - 1 > MAX_CHILDREN:
        raise _refuse(f"The list must hold {MAX_CHILDREN:,} children or fewer.")
    _refuse_identifying_content(rows[1:], spec, found, dropped)
    checked = CheckedList(kept=[c.label for c in spec.columns if c.key in found],
                          dropped=[heading for _, heading in dropped])
    problems: list[CellProblem] = []
    first_row: dict[str, int] = {}
    id_index = found["identifier"]
    for number, cells in rows[1:]:
        identifier = _text(cells[id_index] if id_index < len(cells) else None)
        if identifier and identifier in first_row:
            problems.append(CellProblem(number, get_column_letter(id_index + 1), header[id_index],
                                       f"‘{identifier[:40]}’ is also in row {first_row[identifier]}: "
                                       "give each child once"))
            continue
        first_row.setdefault(identifier, number)
        if (child := _child(spec, found, number, cells, problems)) is not None:
            checked.children.append(child)
    if problems:
        raise ListInvalid(problems)
    if not checked.children:
        raise _refuse("The list has no children: fill in a row for each child or young person.")
    return checked


def _refuse_identifying_content(rows: Sequence[tuple[int, Sequence[object]]], spec: PersonLevel,
                                found: dict[str, int], dropped: list[tuple[int, str]]) -> None:
    """A column whose heading passed may still hold names, NHS numbers or dates of birth: the text columns (kept
    or not) are read with the personal-data guard, and the first such cell refuses the file with its place."""
    text_columns = [(i, h) for i, h in dropped]
    text_columns += [(found[c.key], c.label) for c in spec.columns
                     if c.key in found and c.kind in ("identifier", "text")]
    for index, heading in text_columns:
        for number, cells in rows:
            value = cells[index] if index < len(cells) else None
            if not isinstance(value, str) or not value.strip():
                continue
            if findings := personal_data.find(value):
                raise _refuse(f"Column {get_column_letter(index + 1)} (‘{heading[:40]}’) holds what looks like "
                              f"a {findings[0].label} in row {number}: the list must not identify a child "
                              "directly. Delete the column, or replace the value with the area's pseudonymous "
                              "identifier, and upload the file again.")


def _child(spec: PersonLevel, found: dict[str, int], number: int, cells: Sequence[object],
           problems: list[CellProblem]) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    wrong = False
    for column in spec.columns:
        if column.key not in found:
            continue
        index = found[column.key]
        raw = _text(cells[index] if index < len(cells) else None)
        value, message = _value(spec, column, raw)
        if message:
            problems.append(CellProblem(number, get_column_letter(index + 1), column.label, message))
            wrong = True
        elif value is not None:
            values[column.key] = value
    if wrong:
        return None
    identifier, age = values.pop("identifier"), values.pop("age")
    return {"identifier": identifier, "age": age, "details": values}


def _value(spec: PersonLevel, column: Column, raw: str) -> tuple[Any, str]:
    """A cell's kept value (None when empty and allowed), or the message saying what is wrong."""
    if not raw:
        return None, (f"Enter the {column.label.lower()}" if column.required else "")
    if column.kind == "identifier":
        if len(raw) > MAX_IDENTIFIER:
            return None, f"The identifier must be {MAX_IDENTIFIER} characters or fewer"
        return raw, ""
    if column.kind == "age":
        try:
            age = float(raw)
        except ValueError:
            return None, f"Enter the age in whole years, like 9 (not ‘{raw[:20]}’)"
        if not age.is_integer() or not spec.youngest <= age <= spec.oldest:
            return None, f"Enter an age in whole years from {spec.youngest} to {spec.oldest}"
        return int(age), ""
    if column.kind == "choice":
        choice = column.choice_for(raw)
        if choice is None:
            codes = ", ".join(c.code for c in column.choices)
            return None, f"‘{raw[:20]}’ is not a {column.label.lower()} of the template: use one of {codes}"
        return choice.code, ""
    if column.kind == "yes_no":
        if raw.casefold() in YES:
            return True, ""
        if raw.casefold() in NO:
            return False, ""
        return None, "Enter yes or no"
    if len(raw) > MAX_TEXT:
        return None, f"{column.label} must be {MAX_TEXT} characters or fewer"
    return raw, ""


def import_list(*, session: Session, actor: Actor, inspection: Inspection,
                rows: Sequence[tuple[int, Sequence[object]]], filename: str, sha256: str) -> PersonLevelList:
    """Check the list; if it is right, it replaces the area's earlier list. Nothing is saved when it is not.
    Selections already made keep the identifiers they were drawn from, so each can still be re-run."""
    spec = tracking_of(inspection).person_level
    checked = check_list(spec, rows)
    session.exec(delete(PersonLevelChild).where(col(PersonLevelChild.inspection_id) == inspection.id))
    bulk_insert(session, table_of(PersonLevelChild),
                [{"inspection_id": inspection.id, **child} for child in checked.children])
    listed = session.exec(select(PersonLevelList).where(PersonLevelList.inspection_id == inspection.id)).first()
    listed = listed or PersonLevelList(inspection_id=inspection.id, filename="", sha256="", children=0,
                                       population_hash="")
    listed.filename, listed.sha256, listed.children = filename[:255], sha256, len(checked.children)
    listed.population_hash = _hash(sorted(c["identifier"] for c in checked.children))
    listed.kept_columns, listed.dropped_columns = checked.kept, checked.dropped
    listed.uploaded_by_id, listed.uploaded_at = actor.user_id, utcnow()
    session.add(listed)
    session.flush()
    record(session=session, actor=actor, action="casetracking.list_imported", object_type="person_level_list",
           object_id=listed.id, inspection_id=inspection.id,
           detail={"children": listed.children, "kept": checked.kept, "not_kept": len(checked.dropped)})
    return listed


def list_of(*, session: Session, inspection: Inspection) -> PersonLevelList | None:
    return session.exec(select(PersonLevelList).where(PersonLevelList.inspection_id == inspection.id)).first()


def template_headings(spec: PersonLevel) -> list[str]:
    return [c.label for c in spec.columns]


@dataclass(frozen=True)
class ListSummary:
    children: int
    by_column: dict[str, list[tuple[str, int]]]  # a choice or yes/no column's label -> (value's label, count)
    youngest: int | None
    oldest: int | None


def summary_of(*, session: Session, inspection: Inspection) -> ListSummary:
    """What the list holds, column by column, for choosing criteria."""
    spec = tracking_of(inspection).person_level
    children = session.exec(select(PersonLevelChild.age, PersonLevelChild.details).where(
        PersonLevelChild.inspection_id == inspection.id)).all()
    by_column: dict[str, list[tuple[str, int]]] = {}
    for column in spec.columns:
        if column.kind == "choice":
            counts = {c.code: 0 for c in column.choices}
            for _, details in children:
                if details.get(column.key) in counts:
                    counts[details[column.key]] += 1
            by_column[column.label] = [(column.label_of(code), n) for code, n in counts.items() if n]
        elif column.kind == "yes_no":
            yes = sum(1 for _, details in children if details.get(column.key) is True)
            by_column[column.label] = [("Yes", yes), ("No or not given", len(children) - yes)]
    ages = [age for age, _ in children]
    return ListSummary(len(children), by_column, min(ages) if ages else None, max(ages) if ages else None)


# --- Random selection --------------------------------------------------------------------------------------------

def criteria_columns(spec: PersonLevel) -> list[Column]:
    """The columns inspectors may select on: the age range, each choice and each yes/no column."""
    return [c for c in spec.columns if c.kind in ("age", "choice", "yes_no")]


def criteria_from(spec: PersonLevel, data: dict[str, str | list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The criteria a form sets (a column left open sets none), with the errors of its fields."""
    criteria: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column in criteria_columns(spec):
        if column.kind == "age":
            low, high = (_text(data.get(f"{column.key}_{end}", "")) for end in ("from", "to"))
            bounds = []
            for name, raw, default in ((f"{column.key}_from", low, spec.youngest), (f"{column.key}_to", high,
                                                                                     spec.oldest)):
                if not raw:
                    bounds.append(default)
                elif raw.isdigit() and spec.youngest <= int(raw) <= spec.oldest:
                    bounds.append(int(raw))
                else:
                    errors[name] = f"Enter an age from {spec.youngest} to {spec.oldest}"
            if len(bounds) == 2:
                if bounds[0] > bounds[1]:
                    errors[f"{column.key}_from"] = "The youngest age must not be more than the oldest"
                elif bounds != [spec.youngest, spec.oldest]:
                    criteria[column.key] = bounds
        elif column.kind == "choice":
            sent = data.get(column.key, [])
            picked = [sent] if isinstance(sent, str) else list(sent)
            picked = [p for p in picked if p]
            codes = {c.code for c in column.choices}
            if any(p not in codes for p in picked):
                label = column.label.lower()
                errors[column.key] = f"Select {label} from the list"  # nosec B608  (a message, not SQL)
            elif picked:
                criteria[column.key] = sorted(set(picked))
        else:
            answer = _text(data.get(column.key, ""))
            if answer in ("yes", "no"):
                criteria[column.key] = answer == "yes"
            elif answer not in ("", "any"):
                errors[column.key] = "Select yes, no or either"
    return criteria, errors


def meets(criteria: Mapping[str, Any], age: int, details: Mapping[str, Any]) -> bool:
    for key, wanted in criteria.items():
        if key == "age":
            if not wanted[0] <= age <= wanted[1]:
                return False
        elif isinstance(wanted, list):
            if details.get(key) not in wanted:
                return False
        elif details.get(key, False) is not wanted:
            return False
    return True


def draw(eligible: Sequence[str], size: int, seed: str) -> list[str]:
    """The random selection itself: Python's Mersenne Twister, seeded with the recorded number, sampling the
    eligible identifiers in sorted order. The same three always give the same cases, on any machine."""
    # Not a secret: a draw anyone can re-run from the recorded seed, which is the point.
    return random.Random(int(seed)).sample(sorted(eligible), size)  # nosec B311


class SelectionForm:
    def __init__(self, data: dict[str, str | list[str]]):
        self.data = data
        self.purpose = _text(data.get("purpose", "")) or "tracking"
        self.theme = _text(data.get("theme", ""))
        self.size = _text(data.get("size", ""))
        self.seed = _text(data.get("seed", ""))


def select_cases(*, session: Session, actor: Actor, inspection: Inspection, form: SelectionForm) -> CaseSelection:
    spec = tracking_of(inspection)
    listed = list_of(session=session, inspection=inspection)
    criteria, errors = criteria_from(spec.person_level, form.data)
    if form.purpose not in PURPOSES:
        errors["purpose"] = "Select case tracking or case sampling"
    if form.purpose == "sampling" and not form.theme:
        errors["theme"] = "Enter the theme of the case sample"
    elif len(form.theme) > 120:
        errors["theme"] = "The theme must be 120 characters or fewer"
    size = int(form.size) if form.size.isdigit() else 0
    if not 1 <= size <= MAX_SELECTION:
        errors["size"] = f"Enter how many cases to select, from 1 to {MAX_SELECTION}"
    seed = form.seed or str(secrets.randbits(63))
    if not seed.isdigit() or len(seed) > 19:
        errors["seed"] = "Enter the seed as a whole number of up to 19 digits, or leave it empty to draw one"
    if listed is None:
        errors["criteria"] = "The area has not uploaded its person-level list yet"
    if errors or listed is None:
        raise ValidationFailed(errors)
    children = session.exec(select(PersonLevelChild).where(PersonLevelChild.inspection_id == inspection.id)).all()
    # A child already selected for the same purpose is not drawn again: a second draw adds other children.
    already = _selected_before(session, inspection.id, form.purpose, None)
    eligible = sorted(c.identifier for c in children
                      if meets(criteria, c.age, c.details) and c.identifier not in already)
    if len(eligible) < size:
        who = "1 child on the list meets" if len(eligible) == 1 else f"{len(eligible):,} children on the list meet"
        raise ValidationFailed({"size": f"Only {who} these criteria: select fewer cases or widen the criteria"})
    selected = draw(eligible, size, seed)
    selection = CaseSelection(inspection_id=inspection.id, purpose=form.purpose, theme=form.theme, criteria=criteria,
                              seed=seed, population_hash=listed.population_hash, eligible=eligible,
                              eligible_hash=_hash(eligible), selected=selected, made_by_id=actor.user_id)
    session.add(selection)
    session.flush()
    by_id = {c.identifier: c for c in children}
    for identifier in selected:
        child = by_id[identifier]
        session.add(TrackedCase(id=new_id(), inspection_id=inspection.id, selection_id=selection.id,
                                identifier=identifier, purpose=form.purpose,
                                details={"age": child.age, **child.details}))
    session.flush()
    record(session=session, actor=actor, action="casetracking.selected", object_type="case_selection",
           object_id=selection.id, inspection_id=inspection.id,
           detail={"purpose": form.purpose, "criteria": criteria, "seed": seed, "eligible": len(eligible),
                   "selected": selected, "left_out_as_selected_before": len(already)})
    return selection


@dataclass(frozen=True)
class Check:
    """Whether a selection re-runs to the same cases from what is recorded, and whether its eligible identifiers
    are those the criteria leave on the list it was drawn from (known while that list is the current one)."""

    reruns: bool
    eligible_recorded: bool
    criteria_respected: bool | None  # None: the list has been replaced since


def _selected_before(session: Session, inspection_id: int, purpose: str, before: int | None) -> set[str]:
    """The children selected for this purpose by earlier selections (all of them when `before` is None)."""
    query = select(CaseSelection.selected).where(CaseSelection.inspection_id == inspection_id,
                                                 CaseSelection.purpose == purpose)
    if before is not None:
        query = query.where(col(CaseSelection.id) < before)
    return {identifier for selected in session.exec(query).all() for identifier in selected}


def check_selection(*, session: Session, inspection: Inspection, selection: CaseSelection) -> Check:
    reruns = draw(selection.eligible, len(selection.selected), selection.seed) == selection.selected
    recorded = _hash(selection.eligible) == selection.eligible_hash
    listed = list_of(session=session, inspection=inspection)
    respected: bool | None = None
    if listed is not None and listed.population_hash == selection.population_hash:
        children = session.exec(select(PersonLevelChild.identifier, PersonLevelChild.age, PersonLevelChild.details)
                                .where(PersonLevelChild.inspection_id == inspection.id)).all()
        before = _selected_before(session, inspection.id, selection.purpose, selection.id)
        respected = sorted(i for i, age, details in children
                           if meets(selection.criteria, age, details) and i not in before) == selection.eligible
    return Check(reruns, recorded, respected)


def selections_of(*, session: Session, inspection: Inspection) -> list[CaseSelection]:
    return list(session.exec(select(CaseSelection).where(CaseSelection.inspection_id == inspection.id)
                             .order_by(col(CaseSelection.made_at), col(CaseSelection.id))).all())


def describe_criteria(spec: PersonLevel, criteria: dict[str, Any]) -> list[str]:
    """The criteria in words, column by column; an open column is not listed."""
    out = []
    for column in criteria_columns(spec):
        if column.key not in criteria:
            continue
        wanted = criteria[column.key]
        if column.kind == "age":
            out.append(f"Aged {wanted[0]} to {wanted[1]}")
        elif column.kind == "choice":
            out.append(f"{column.label}: {', '.join(column.label_of(c) for c in wanted)}")
        else:
            out.append(f"{column.label}: {'yes' if wanted else 'no'}")
    return out or ["Everyone on the list"]


# --- Each case ---------------------------------------------------------------------------------------------------

def cases_of(*, session: Session, inspection: Inspection) -> list[TrackedCase]:
    return list(session.exec(select(TrackedCase).where(TrackedCase.inspection_id == inspection.id)
                             .order_by(col(TrackedCase.created_at), col(TrackedCase.identifier))).all())


def get_case(*, session: Session, inspection: Inspection, case_id: str) -> TrackedCase:
    case = session.get(TrackedCase, case_id) if len(case_id) <= 36 else None
    if case is None or case.inspection_id != inspection.id:
        raise NotFound()
    return case


def source_kinds(*, session: Session, inspection: Inspection, ids: list[str]) -> dict[str, str]:
    """For evidence sources: id -> "tracked_case", for those ids that are this inspection's cases."""
    wanted = sorted({i for i in ids if len(i) <= 36})
    found = session.exec(select(TrackedCase.id).where(TrackedCase.inspection_id == inspection.id,
                                                      col(TrackedCase.id).in_(wanted))).all()
    return dict.fromkeys(found, "tracked_case")


def documents_of(*, session: Session, case: TrackedCase) -> list[CaseDocumentRequest]:
    return list(session.exec(select(CaseDocumentRequest).where(CaseDocumentRequest.tracked_case_id == case.id)
                             .order_by(col(CaseDocumentRequest.id))).all())


def _changed(session: Session, actor: Actor, case: TrackedCase, action: str, detail: dict[str, Any],
             touched: bool = True) -> None:
    """The answer recorded against the case (`touched`: it changed the case, which is then updated now)."""
    if touched:
        case.updated_at = utcnow()
        session.add(case)
    session.flush()
    record(session=session, actor=actor, action=f"casetracking.{action}", object_type="tracked_case",
           object_id=case.id, inspection_id=case.inspection_id, detail=detail)


def _checked(contract: forms_contract.Contract, values: dict[str, Any],
             errors: dict[str, str] | None = None) -> None:
    """The form's rules, the same for the page and a tablet's sync op (app/casetracking/contract.py)."""
    errors = {**(errors or {}), **forms_contract.check(contract, values, today=clock.today_in_england())}
    if errors:
        raise ValidationFailed(errors)


def record_consent(*, session: Session, actor: Actor, case: TrackedCase, consent: str, consent_from: str,
                   recorded_on: str) -> None:
    consent, consent_from, recorded_on = consent.strip(), consent_from.strip(), recorded_on.strip()
    _checked(consent_contract(), {"consent": consent, "consent_from": consent_from,
                                  "consent_recorded_on": recorded_on})
    answered = consent in ANSWERED
    case.consent = consent
    case.consent_recorded_on = date.fromisoformat(recorded_on) if answered else None
    case.consent_from = consent_from if answered else ""
    _changed(session, actor, case, "consent_recorded", {"consent": consent, "from": case.consent_from})


def _tracking_of_case(session: Session, case: TrackedCase) -> CaseTracking:
    return tracking_of(inspections.get_inspection(session=session, inspection_id=case.inspection_id))


def request_documents(*, session: Session, actor: Actor, case: TrackedCase, documents: list[str],
                      requested_on: str) -> list[CaseDocumentRequest]:
    """Ask for documents on the case, each due the profile's number of working days after it was asked for. One
    already asked for stays as it was (asked twice, by two inspectors or two devices, it is one request)."""
    spec = _tracking_of_case(session, case)
    requested_on = requested_on.strip()
    _checked(request_contract(spec.document_labels), {"documents": documents, "requested_on": requested_on})
    day = date.fromisoformat(requested_on)
    asked = {r.document for r in documents_of(session=session, case=case)}
    due = add_working_days(day, spec.documents_due_working_days)
    made = [CaseDocumentRequest(tracked_case_id=case.id, document=d, requested_on=day, due_on=due)
            for d in dict.fromkeys(documents) if d not in asked]
    session.add_all(made)
    detail = {"documents": [r.document for r in made], "already_asked": sorted(asked & set(documents)),
              "requested_on": day.isoformat()}
    # Nothing new asked for: the case is as it was, and no due day applies to anything.
    _changed(session, actor, case, "documents_requested", {**detail, "due_on": due.isoformat()} if made else detail,
             touched=bool(made))
    return made


def mark_received(*, session: Session, actor: Actor, case: TrackedCase, document: str, received_on: str) -> None:
    """A document asked for on the case, received. Its day, once recorded, stands: the same day again is the same
    answer twice (two devices, or a form sent twice) and changes nothing; another day is refused in words, so that a
    tablet keeps its op for the inspector to look at rather than a late answer silently replacing the first."""
    spec = _tracking_of_case(session, case)
    document, received_on = document.strip(), received_on.strip()
    _checked(received_contract(spec.document_labels), {"document": document, "received_on": received_on})
    request = session.exec(select(CaseDocumentRequest).where(CaseDocumentRequest.tracked_case_id == case.id,
                                                             CaseDocumentRequest.document == document)).first()
    if request is None:
        raise ValidationFailed({"document": f"{spec.document_label(document)} was not asked for on this case: "
                                            "ask for it first"})
    day = date.fromisoformat(received_on)
    if request.received_on == day:
        return
    if request.received_on is not None:
        raise ValidationFailed({"received_on": f"{spec.document_label(document)} was already marked received on "
                                               f"{_long(request.received_on)}"})
    if day < request.requested_on:
        raise ValidationFailed({"received_on": "The date it was received must not be before it was asked for "
                                               f"({_long(request.requested_on)})"})
    request.received_on = day
    session.add(request)
    _changed(session, actor, case, "document_received", {"document": request.document, "received_on": str(day),
                                                          "late": day > request.due_on})


def record_conversation(*, session: Session, actor: Actor, case: TrackedCase, held_on: str, with_whom: str,
                        way: str) -> None:
    spec = _tracking_of_case(session, case)
    held_on, with_whom, way = held_on.strip(), with_whom.strip(), way.strip()
    _checked(conversation_contract(spec.conversation_ways),
             {"conversation_with": with_whom, "conversation_way": way, "conversation_on": held_on},
             {"conversation": "Record the family's consent before the conversation"} if case.consent != "given"
             else None)
    case.conversation_on, case.conversation_with, case.conversation_way = date.fromisoformat(held_on), with_whom, way
    _changed(session, actor, case, "conversation_recorded", {"with": with_whom, "way": way})


def record_meeting(*, session: Session, actor: Actor, case: TrackedCase, held_on: str, services: list[str]) -> None:
    held_on = held_on.strip()
    _checked(meeting_contract(), {"meeting_services": services, "meeting_on": held_on})
    case.meeting_on, case.meeting_services = date.fromisoformat(held_on), [s for s in SERVICES if s in services]
    _changed(session, actor, case, "meeting_recorded", {"services": case.meeting_services})


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """The list and the cases go (the selections' identifiers with them); what the letter counted stays in the
    evidence."""
    children = len(session.exec(select(PersonLevelChild.id).where(
        PersonLevelChild.inspection_id == inspection_id)).all())
    cases = len(session.exec(select(TrackedCase.id).where(TrackedCase.inspection_id == inspection_id)).all())
    if not dry_run:
        cases_there = select(TrackedCase.id).where(TrackedCase.inspection_id == inspection_id)
        session.exec(delete(CaseDocumentRequest).where(col(CaseDocumentRequest.tracked_case_id).in_(cases_there)))
        session.exec(delete(TrackedCase).where(col(TrackedCase.inspection_id) == inspection_id))
        session.exec(delete(CaseSelection).where(col(CaseSelection.inspection_id) == inspection_id))
        session.exec(delete(PersonLevelChild).where(col(PersonLevelChild.inspection_id) == inspection_id))
        session.exec(delete(PersonLevelList).where(col(PersonLevelList.inspection_id) == inspection_id))
        session.flush()
    return {"person_level_children": children, "tracked_cases": cases}


# --- What is late, and what is due soon --------------------------------------------------------------------------

@dataclass(frozen=True)
class Alert:
    """Something late in case tracking, or due soon, in words, with where to act."""

    # late: list_missing, cases_not_selected, documents_overdue; due soon: list_due_soon, selection_due_soon,
    # documents_due_soon
    code: str
    text: str
    action: str  # the link's words
    href: str
    milestone: str = ""  # the timeline milestone it is against, tagged on the overview's timeline
    late: bool = True  # False: not late yet, due soon

    @property
    def tag(self) -> str:
        return "Late" if self.late else "Due soon"


def _long(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


@dataclass(frozen=True)
class Deadlines:
    spec: CaseTracking
    today: date
    list_due: date | None
    selection_due: date | None

    def state(self, day: date | None) -> str | None:
        """"late" once the due day has passed, "soon" from the profile's horizon of working days before it
        (`due_soon_working_days`) to the day itself, else None: the one rule of the alerts, the counts and the tags."""
        if day is None:
            return None
        if self.today > day:
            return "late"
        return "soon" if day <= add_working_days(self.today, self.spec.due_soon_working_days) else None

    def by(self, day: date) -> str:
        """A due day in words, as a sentence ends: "by Thursday 25 February 2027", or "today, ..." when it is."""
        return f"today, {_long(day)}" if day == self.today else f"by {_long(day)}"


def deadlines_of(inspection: Inspection, today: date) -> Deadlines | None:
    """The case tracking and the list's and the selection's due days, while an alert can still help: from the
    notification to the last day on site, and never after the purge. None when nothing is to be said."""
    if not has_tracking(inspection) or inspection.purged_at is not None:
        return None
    spec = tracking_of(inspection)
    schedule = inspections.schedule_of(inspection)
    if today > schedule.on_site_days[-1]:
        return None
    due = {}
    for code in (spec.list_due, spec.selection_due):
        try:
            due[code] = schedule.milestone(code) if code else None
        except KeyError:  # the profile's timeline has no such milestone
            due[code] = None
    return Deadlines(spec, today, due[spec.list_due], due[spec.selection_due])


def _awaited(session: Session, inspection: Inspection) -> list[tuple[str, date]]:
    """(case id, due day) of each document asked for on the inspection's cases and not received."""
    return [(case_id, due) for case_id, due in session.exec(
        select(col(CaseDocumentRequest.tracked_case_id), col(CaseDocumentRequest.due_on)).join(
            TrackedCase, col(TrackedCase.id) == CaseDocumentRequest.tracked_case_id).where(
            TrackedCase.inspection_id == inspection.id, col(CaseDocumentRequest.received_on).is_(None))).all()]


def _per_case(awaited: Iterable[tuple[str, date]]) -> dict[str, int]:
    return dict(Counter(case_id for case_id, _ in awaited))


def _documents(session: Session, inspection: Inspection, today: date, state: str) -> list[tuple[str, date]]:
    """(case id, due day) of each document asked for and not received that is in this state today ("late" or
    "soon"); none when nothing is to be said (see deadlines_of)."""
    found = deadlines_of(inspection, today)
    if found is None:
        return []
    return [(c, due) for c, due in _awaited(session, inspection) if found.state(due) == state]


def overdue_documents(*, session: Session, inspection: Inspection, today: date) -> dict[str, int]:
    """Case id -> how many of the documents asked for on it are past their due day and not received."""
    return _per_case(_documents(session, inspection, today, "late"))


def documents_due_soon(*, session: Session, inspection: Inspection, today: date) -> dict[str, int]:
    """Case id -> how many of the documents asked for on it are due soon (the profile's horizon) and not received."""
    return _per_case(_documents(session, inspection, today, "soon"))


def _selection_missing(session: Session, inspection: Inspection, spec: CaseTracking) -> str:
    """What is still to be selected, in words ("4 of 6 cases selected for tracking and no case sample selected"),
    or "" when the selection is complete."""
    selections = selections_of(session=session, inspection=inspection)
    tracked = sum(len(s.selected) for s in selections if s.purpose == "tracking")
    sampled = any(s.purpose == "sampling" for s in selections)
    missing = [("no cases selected for tracking" if tracked == 0 else
                f"{tracked} of {spec.tracked_cases} cases selected for tracking")
               if tracked < spec.tracked_cases else "", "" if sampled else "no case sample selected"]
    return " and ".join(m for m in missing if m)


def _documents_due(found: Deadlines, near: list[tuple[str, date]]) -> str:
    """"2 documents asked for on 1 case are due by Friday 26 February 2027 and not received yet.", or with several
    due days, how many by each."""
    by_day = Counter(due for _, due in near)
    asked = f"{plural(len(near), 'document')} asked for on {plural(len(_per_case(near)), 'case')}"
    if len(by_day) == 1:
        return f"{asked} {'is' if len(near) == 1 else 'are'} due {found.by(next(iter(by_day)))} and not received yet."
    days = [f"{n} {found.by(day)}" for day, n in sorted(by_day.items())]
    return f"{asked} are due soon and not received yet: {', '.join(days[:-1])}, and {days[-1]}."


def team_alerts(*, session: Session, inspection: Inspection, today: date) -> list[Alert]:
    """For the team, on the case tracking page and the overview: the list missing, the cases not selected and
    documents asked for and not received, each once its due day has passed (late) or while it is near (due soon:
    the profile's horizon). Late first."""
    found = deadlines_of(inspection, today)
    if found is None:
        return []
    spec = found.spec
    cases = f"/inspections/{inspection.id}/cases"
    alerts = []
    list_due, selection_due = found.list_due, found.selection_due
    if list_due and (list_state := found.state(list_due)) and list_of(session=session, inspection=inspection) is None:
        ask = "Ask the area's nominated officer to upload it through the portal"
        if list_state == "late":
            alerts.append(Alert("list_missing", f"The area's person-level list was due on {_long(list_due)} and has "
                                "not been uploaded: cases cannot be selected without it.", ask, f"{cases}#list-size",
                                spec.list_due))
        else:
            alerts.append(Alert("list_due_soon", f"The area's person-level list is due {found.by(list_due)} and has "
                                "not been uploaded yet: cases are selected from it.", ask, f"{cases}#list-size",
                                spec.list_due, late=False))
    if selection_due and (selection_state := found.state(selection_due)) and (
            missing := _selection_missing(session, inspection, spec)):
        if selection_state == "late":
            alerts.append(Alert("cases_not_selected", f"Cases were to be selected by {_long(selection_due)}: "
                                f"{missing}.", "Select cases at random", f"{cases}#select", spec.selection_due))
        else:
            alerts.append(Alert("selection_due_soon", f"Cases are to be selected {found.by(selection_due)}: so far "
                                f"{missing}.", "Select cases at random", f"{cases}#select", spec.selection_due,
                                late=False))
    if overdue := overdue_documents(session=session, inspection=inspection, today=today):
        documents = sum(overdue.values())
        alerts.append(Alert("documents_overdue", f"{plural(documents, 'document')} asked for on "
                            f"{plural(len(overdue), 'case')} {'is' if documents == 1 else 'are'} overdue.",
                            "See which cases", f"{cases}#cases"))
    if near := _documents(session, inspection, today, "soon"):  # by due day, for the words
        alerts.append(Alert("documents_due_soon", _documents_due(found, near), "See which cases", f"{cases}#cases",
                            late=False))
    return sorted(alerts, key=lambda alert: not alert.late)


def officer_alert(*, session: Session, inspection: Inspection, today: date) -> Alert | None:
    """For the area's nominated officer, on every portal page: the person-level list missing after its due day, or
    not yet uploaded while its due day is near."""
    found = deadlines_of(inspection, today)
    state = found.state(found.list_due) if found else None
    if found is None or found.list_due is None or state is None or \
            list_of(session=session, inspection=inspection) is not None:
        return None
    upload = f"/portal/{inspection.id}/person-level"
    if state == "late":
        return Alert("list_missing", f"Inspectors needed the person-level list by {_long(found.list_due)} and it has "
                     "not been uploaded: they cannot select the children whose cases they will track without it.",
                     "Upload the person-level list", upload)
    return Alert("list_due_soon", f"Inspectors need the person-level list {found.by(found.list_due)}: they select "  # nosec B608
                 "the children whose cases they will track from it.", "Upload the person-level list", upload,
                 late=False)


def case_title(case: TrackedCase) -> str:
    """How a case is named on every page: its purpose and the area's pseudonymous identifier."""
    return f"{'Tracked case' if case.purpose == 'tracking' else 'Sampled case'} {case.identifier}"
