"""Applying operations from devices exactly once, the change feed, and conflicts kept for a person to resolve."""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, func, select

from app.audit.service import Actor, record
from app.clock import today_in_england
from app.db import bulk_insert, one_of
from app.errors import NotFound, Purged, ValidationFailed
from app.evidence import service as evidence
from app.evidence.models import EvidenceItem
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import table_of, utcnow
from app.sync import feed
from app.sync.entities import ENTITIES, Entity
from app.sync.models import SyncChange, SyncConflict, SyncOperation
from app.users.models import User
from app.web import text

MAX_OPS = 500
CHANGES_PAGE = 500


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_as_sent(value: object, parse: ValidatorFunctionWrapHandler) -> object:
    """A UUID already in its canonical text (what a device's crypto.randomUUID sends) is that text: parsing it into
    a uuid.UUID and printing it back (Python code, twice an op) gives the same string. Any other value is parsed,
    with the same errors as before."""
    if type(value) is str and _CANONICAL_UUID.fullmatch(value):
        return value
    return parse(value)


# A UUID kept as its canonical text: checked once here, then used as a key many times per op.
UuidText = Annotated[uuid.UUID, AfterValidator(str), WrapValidator(_canonical_as_sent),
                     WithJsonSchema({"type": "string", "format": "uuid"})]


class Op(BaseModel):
    """One capture or edit made on a device (firm contract: see the offline-first issue)."""

    op_id: UuidText
    entity: Literal[tuple(ENTITIES)]  # type: ignore[valid-type]  # the one table of synced entities
    action: Literal["create", "update", "delete"]
    id: UuidText
    inspection_id: int = Field(ge=1, le=text.INT_MAX)
    base_version: int | None = Field(None, ge=0, le=text.INT_MAX)
    data: dict[str, Any] = Field(default_factory=dict)
    client_time: datetime

    @field_validator("client_time")
    @classmethod
    def _sane_time(cls, value: datetime) -> datetime:
        if problem := text.date_problem(value, "The time on the device"):
            raise ValueError(problem)
        return value


# What one op can hold that the database cannot store (a value out of a column's range, a byte PostgreSQL
# refuses): the op is rejected alone and its savepoint rolled back, never the batch.
UNSTORABLE = (DataError, OverflowError, UnicodeError)


@dataclass
class Outcome:
    op_id: str | None
    status: str  # applied | duplicate | conflict | rejected
    id: str | None = None
    version: int | None = None
    errors: list[str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"op_id": self.op_id, "status": self.status, "id": self.id, "version": self.version,
                "errors": self.errors or []}


def _field_errors(errors: dict[str, str]) -> list[str]:
    return [f"{field}: {message}" for field, message in errors.items()]


def _parse(raw: object) -> Op | Outcome:
    """The op, or the outcome that rejects it."""
    if not isinstance(raw, Op):  # an op that matched the schema was validated with the request body
        op_id = raw.get("op_id") if isinstance(raw, dict) and isinstance(raw.get("op_id"), str) else None
        if op_id is not None and text.fault(op_id):
            op_id = None
        try:
            raw = Op.model_validate(raw)
        except ValidationError as error:
            messages = [f"{'.'.join(str(p) for p in e['loc']) or 'op'}: {e['msg'].removeprefix('Value error, ')}"
                        for e in error.errors()]
            return Outcome(op_id, "rejected", errors=messages)
    # Text the database cannot store is refused by its field, so the device shows where to act.
    data, faults = text.screen_json(raw.data)
    if faults:
        return Outcome(str(raw.op_id), "rejected", str(raw.id), errors=_field_errors(faults))
    if data is not raw.data:  # (pydantic's setattr is not free, and most ops' data comes back as it was)
        raw.data = data
    return raw


def _team_inspection(session: Session, user: User, inspection_id: int) -> Inspection | None:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        return None
    if inspections.membership(session=session, inspection_id=inspection_id, user_id=user.id) is None:
        return None
    return inspection


def apply_batch(*, session: Session, user: User, device_id: str, ops: list[object],
                ip_address: str | None) -> list[dict[str, Any]]:
    """Apply ops in order. New evidence items (most of a day's captures) go in bulk, a few statements for a run
    of them; everything else, and any bulk run that meets a surprise, goes one op at a time."""
    actor = Actor(user.id, user.email, ip_address)
    parsed = [_parse(raw) for raw in ops]
    valid = [op for op in parsed if isinstance(op, Op)]
    op_ids = [str(op.op_id) for op in valid]
    already = {row.op_id: row for row in session.exec(
        select(SyncOperation).where(one_of(session, col(SyncOperation.op_id), op_ids)))} if op_ids else {}
    mine = inspections.inspection_ids_of(session=session, user_id=user.id)
    closed = inspections.purged_among(session=session, inspection_ids=mine)  # the one check for every op below
    _lock_in_order(session, [op for op in valid if op.action != "create" and op.inspection_id in mine])
    results: list[Outcome | None] = [None] * len(ops)
    run: list[tuple[int, Op]] = []
    in_run: set[str] = set()  # ids and op_ids in the current run: a second op on either waits for the run to land

    def flush_run() -> None:
        for index, outcome in _bulk_create(session, actor, user, device_id, run).items():
            results[index] = outcome
        run.clear()
        in_run.clear()

    # Safeguarding concerns first: if anything later in the batch fails, the concern has already landed.
    order = sorted(range(len(parsed)), key=lambda i: not _is_concern(parsed[i]))
    for index in order:
        op = parsed[index]
        if isinstance(op, Outcome):
            results[index] = op
        elif op.inspection_id not in mine:
            results[index] = Outcome(str(op.op_id), "rejected", str(op.id), errors=[NOT_YOURS])
        elif str(op.op_id) in already:
            # A receipt is shown only to members of its inspection: a replayed op_id tells an outsider nothing.
            receipt = already[str(op.op_id)]
            results[index] = _duplicate(receipt) if receipt.inspection_id in mine else \
                Outcome(str(op.op_id), "rejected", str(op.id), errors=[NOT_YOURS])
        elif op.inspection_id in closed:
            results[index] = Outcome(str(op.op_id), "rejected", str(op.id),
                                     errors=[f"inspection_id: {Purged(closed[op.inspection_id])}"])
        elif op.entity == "evidence_item" and op.action == "create" and not {str(op.id), str(op.op_id)} & in_run:
            run.append((index, op))
            in_run.update((str(op.id), str(op.op_id)))
        else:
            flush_run()
            results[index] = apply_op(session=session, user=user, actor=actor, device_id=device_id, raw=op)
    flush_run()
    return [_settled(outcome).as_dict() for outcome in results]


def _is_concern(parsed: Op | Outcome) -> bool:
    return isinstance(parsed, Op) and parsed.entity == "safeguarding_concern"


def _settled(outcome: Outcome | None) -> Outcome:
    if outcome is None:  # every op of a batch is given its outcome
        raise RuntimeError("an op of the batch was left without an outcome")
    return outcome


NOT_YOURS = "inspection_id: no inspection of yours has this id"


def _lock_in_order(session: Session, edits: list[Op]) -> None:
    """Lock the rows this batch edits, table by table in id order, before editing any. Two devices editing the
    same records in opposite orders then queue behind each other instead of deadlocking. (SQLite has one
    writer at a time and no row locks; SQLAlchemy leaves FOR UPDATE out there.)"""
    for name, entity in ENTITIES.items():
        ids = sorted({str(op.id) for op in edits if op.entity == name})
        for start in range(0, len(ids), 500):
            column = col(entity.model.id)
            session.exec(select(column).where(column.in_(ids[start:start + 500])).order_by(column)
                         .with_for_update()).all()


def _insert_receipts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert op rows. One whose op_id is stored meanwhile (a copy of the batch racing in another process:
    PostgreSQL makes this insert wait for that transaction) fails on the primary key, and the caller takes the
    run again one op at a time, where each such op is a duplicate."""
    bulk_insert(session, table_of(SyncOperation), rows)


def _bulk_create(session: Session, actor: Actor, user: User, device_id: str,
                 run: list[tuple[int, Op]]) -> dict[int, Outcome]:
    if not run:
        return {}
    entity = ENTITIES["evidence_item"]
    existing = set(session.exec(select(EvidenceItem.id).where(
        one_of(session, col(EvidenceItem.id), [str(op.id) for _, op in run]))))
    outcomes: dict[int, Outcome] = {}
    savepoint = session.begin_nested()
    try:
        prepared: list[tuple[int, Op, dict[str, Any]]] = []
        by_inspection: dict[int, list[tuple[int, Op]]] = {}
        for index, op in run:
            if str(op.id) in existing:
                continue  # an id already in use: the one-at-a-time path decides duplicate or conflict
            by_inspection.setdefault(op.inspection_id, []).append((index, op))
        for inspection_id, entries in by_inspection.items():
            inspection = inspections.get_inspection(session=session, inspection_id=inspection_id)
            forms: list[tuple[int, Op, evidence.EvidenceForm]] = []
            for index, op in entries:
                try:
                    forms.append((index, op, entity.to_form(op.data)))
                except ValidationFailed as failure:
                    outcomes[index] = Outcome(str(op.op_id), "rejected", str(op.id),
                                              errors=_field_errors(failure.errors))
            rows = evidence.prepare_many(session=session, actor=actor, inspection=inspection,
                                         entries=[(str(op.id), form, op.client_time.date()) for _, op, form in forms])
            for (index, op, _), row in zip(forms, rows, strict=True):
                if isinstance(row, ValidationFailed):
                    outcomes[index] = Outcome(str(op.op_id), "rejected", str(op.id), errors=_field_errors(row.errors))
                else:
                    prepared.append((index, op, row))
        now = utcnow()
        _insert_receipts(session, [
            {"op_id": str(op.op_id), "user_id": user.id, "device_id": device_id[:100],
             "inspection_id": op.inspection_id, "entity": op.entity, "action": op.action,
             "entity_id": str(op.id), "status": "applied",
             "result": Outcome(str(op.op_id), "applied", str(op.id), 1).as_dict(), "received_at": now}
            for _, op, _ in prepared])
        for inspection_id in {op.inspection_id for _, op, _ in prepared}:
            inspection = inspections.get_inspection(session=session, inspection_id=inspection_id)
            evidence.insert_prepared(session=session, actor=actor, inspection=inspection,
                                     rows=[row for _, op, row in prepared if op.inspection_id == inspection_id])
        feed.append(session, [{"inspection_id": op.inspection_id, "entity": "evidence_item", "entity_id": str(op.id),
                               "version": 1, "deleted": False, "at": now} for _, op, _ in prepared])
        savepoint.commit()
    except (IntegrityError, *UNSTORABLE):
        # Something collided (an id taken meanwhile) or one op held what the database refuses: take the careful
        # path for the whole run, where each op is judged alone.
        savepoint.rollback()
        existing, outcomes, prepared = {str(op.id) for _, op in run}, {}, []
    for index, op, _ in prepared:
        outcomes[index] = Outcome(str(op.op_id), "applied", str(op.id), 1)
    for index, op in run:
        if index not in outcomes and str(op.id) in existing:
            outcomes[index] = apply_op(session=session, user=user, actor=actor, device_id=device_id, raw=op)
    return outcomes


def apply_op(*, session: Session, user: User, actor: Actor, device_id: str, raw: object,
             retried: bool = False) -> Outcome:
    op = _parse(raw)
    if isinstance(op, Outcome):
        return op
    op_id, entity_id = str(op.op_id), str(op.id)
    inspection = _team_inspection(session, user, op.inspection_id)
    if inspection is None:
        # The same words whether the inspection does not exist or is someone else's.
        return Outcome(op_id, "rejected", entity_id, errors=[NOT_YOURS])
    first = session.get(SyncOperation, op_id)
    if first is not None:
        return _receipt_for(session, user, first, op)
    entity = ENTITIES[op.entity]
    if entity.create_only and op.action != "create":
        return Outcome(op_id, "rejected", entity_id, errors=[
            f"action: a {op.entity.replace('_', ' ')} is only created through sync; change it online"])
    savepoint = session.begin_nested()
    try:
        # The op's row goes in first: a second copy of this op, here or racing in another process, stops at the
        # primary key before it can write anything.
        session.add(SyncOperation(op_id=op_id, user_id=user.id, device_id=device_id[:100], inspection_id=inspection.id,
                                  entity=op.entity, action=op.action, entity_id=entity_id, status="pending"))
        session.flush()
        outcome = _apply(session, actor, inspection, entity, op)
        stored = session.get(SyncOperation, op_id)
        if stored is None:  # (added above, in this savepoint)
            raise RuntimeError("the op's receipt went missing")
        stored.status, stored.result = outcome.status, outcome.as_dict()
        session.flush()
        savepoint.commit()
        return outcome
    except StaleDataError:
        # Another process changed or deleted the record between our read and our write (see version_column):
        # decided again from what is stored now, which makes this op a conflict, never a lost update.
        savepoint.rollback()
        if retried:
            raise
        return apply_op(session=session, user=user, actor=actor, device_id=device_id, raw=op, retried=True)
    except IntegrityError:
        savepoint.rollback()
        first = session.get(SyncOperation, op_id)
        if first is not None:
            return _receipt_for(session, user, first, op)
        return Outcome(op_id, "rejected", entity_id, errors=["id: this id is already used by another record"])
    except UNSTORABLE as error:
        savepoint.rollback()
        return Outcome(op_id, "rejected", entity_id, errors=[_unstorable(error)])
    except ValidationFailed as failure:
        savepoint.rollback()  # nothing of a rejected op is kept; the device keeps it for the user to fix
        return Outcome(op_id, "rejected", entity_id, errors=_field_errors(failure.errors))
    except NotFound:
        savepoint.rollback()
        return Outcome(op_id, "rejected", entity_id, errors=[f"id: no {op.entity.replace('_', ' ')} with this id"])


def _receipt_for(session: Session, user: User, first: SyncOperation, op: Op) -> Outcome:
    if first.inspection_id == op.inspection_id or (
            first.inspection_id is not None and _team_inspection(session, user, first.inspection_id)):
        return _duplicate(first)
    return Outcome(str(op.op_id), "rejected", str(op.id), errors=[NOT_YOURS])


def _unstorable(error: Exception) -> str:
    return ("data: the database could not store a value in this capture (a number or date out of range); "
            "check it, then edit or discard it")


def _duplicate(first: SyncOperation) -> Outcome:
    result = first.result or {}
    return Outcome(first.op_id, "duplicate", result.get("id"), result.get("version"), result.get("errors"))


def _find(session: Session, entity: Entity, inspection: Inspection, entity_id: str) -> Any:
    """The entity's record (of its own type), or None."""
    try:
        return entity.get(session, inspection, entity_id)
    except NotFound:
        return None


def _apply(session: Session, actor: Actor, inspection: Inspection, entity: Entity, op: Op) -> Outcome:
    op_id, entity_id = str(op.op_id), str(op.id)
    current = _find(session, entity, inspection, entity_id)
    if op.action == "create":
        if current is None:
            obj = entity.create(session, actor, inspection, entity.to_form(op.data), entity_id, op.client_time.date())
            return Outcome(op_id, "applied", obj.id, getattr(obj, "version", None))
        if entity.create_only:
            return Outcome(op_id, "rejected", entity_id, errors=["id: this id is already used by another record"])
        incoming = _preview(session, actor, inspection, entity, op)
        if _same(entity.to_data(current), incoming):
            return Outcome(op_id, "duplicate", current.id, current.version)
        return _conflict(session, actor, inspection, entity, op, current, "a record with this id already exists")
    if current is None:
        if op.action == "delete" and _was_deleted(session, inspection, op.entity, entity_id):
            return Outcome(op_id, "applied", entity_id, None)
        raise NotFound()
    if op.base_version is None:
        raise ValidationFailed({"base_version": "An update or delete must say which version it was made from"})
    if op.base_version != current.version:
        return _conflict(session, actor, inspection, entity, op, current,
                         f"changed since version {op.base_version}: now version {current.version}")
    if op.action == "delete":
        version = current.version
        entity.delete(session, actor, inspection, current)
        return Outcome(op_id, "applied", entity_id, version)
    obj = entity.update(session, actor, inspection, current, entity.to_form(op.data))
    return Outcome(op_id, "applied", obj.id, obj.version)


def _preview(session: Session, actor: Actor, inspection: Inspection, entity: Entity, op: Op) -> dict[str, Any]:
    """What the incoming create would store, validated like a real one but rolled back."""
    savepoint = session.begin_nested()
    try:
        created = entity.create(session, actor, inspection, entity.to_form(op.data), str(uuid.uuid4()),
                                op.client_time.date())
        return entity.to_data(created)
    finally:
        savepoint.rollback()


def _same(current: dict[str, Any], incoming: dict[str, Any]) -> bool:
    ignore = {"captured_on", "author_id"}
    return ({k: v for k, v in current.items() if k not in ignore}
            == {k: v for k, v in incoming.items() if k not in ignore})


def _was_deleted(session: Session, inspection: Inspection, entity: str, entity_id: str) -> bool:
    return session.exec(select(SyncChange.seq).where(
        SyncChange.inspection_id == inspection.id, SyncChange.entity == entity, SyncChange.entity_id == entity_id,
        col(SyncChange.deleted).is_(True))).first() is not None


def _conflict(session: Session, actor: Actor, inspection: Inspection, entity: Entity, op: Op, current: Any,
              why: str) -> Outcome:
    # Validate the incoming data first: a conflict must hold something that could be applied.
    if op.action != "delete":
        entity.to_form(op.data)
    conflict = SyncConflict(inspection_id=inspection.id, entity=op.entity, entity_id=str(op.id), action=op.action,
                            base_version=op.base_version, current_version=current.version,
                            incoming={"deleted": True} if op.action == "delete" else op.data,
                            current=entity.to_data(current), op_id=str(op.op_id), author_id=actor.user_id)
    session.add(conflict)
    session.flush()
    record(session=session, actor=actor, action="sync.conflict", object_type=op.entity, object_id=op.id,
           inspection_id=inspection.id, detail={"conflict_id": conflict.id, "why": why})
    return Outcome(str(op.op_id), "conflict", current.id, current.version,
                   [f"{why}; both versions are kept for the team to resolve"])


def current_cursor(*, session: Session) -> str:
    return str(session.exec(select(func.max(SyncChange.seq))).one() or 0)


# --- The change feed -------------------------------------------------------------------------------------


class CursorInvalid(ValueError):
    pass


def changes_since(*, session: Session, inspection: Inspection, cursor: str | None,
                  limit: int = CHANGES_PAGE) -> tuple[list[dict[str, Any]], str, bool]:
    try:
        since = int(cursor or 0)
    except ValueError:
        raise CursorInvalid() from None
    rows = session.exec(select(SyncChange).where(SyncChange.inspection_id == inspection.id, col(SyncChange.seq) > since)
                        .order_by(col(SyncChange.seq)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    latest: dict[tuple[str, str], SyncChange] = {}
    for row in rows:  # a record changed twice in this page is sent once, as it is now
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    current: dict[tuple[str, str], Any] = {}  # each kind's own record
    for name, entity in ENTITIES.items():  # one query per kind of record, not one per change
        ids = [entity_id for (kind, entity_id) in latest if kind == name]
        if ids:
            model = entity.model
            found: Sequence[Any] = session.exec(
                select(model).where(col(model.inspection_id) == inspection.id, col(model.id).in_(ids))).all()
            current.update({(name, obj.id): obj for obj in found})
    changes: list[dict[str, Any]] = []
    for (name, entity_id), row in latest.items():
        entity = ENTITIES[name]
        obj = current.get((name, entity_id))
        if obj is None:
            changes.append({"entity": name, "id": entity_id, "version": row.version, "deleted": True, "data": None,
                            "seq": row.seq})
        else:
            changes.append({"entity": name, "id": entity_id, "version": obj.version, "deleted": False,
                            "data": entity.to_data(obj), "seq": row.seq})
    next_cursor = str(rows[-1].seq) if rows else str(since)
    return changes, next_cursor, more


# --- Conflicts -------------------------------------------------------------------------------------------


def open_conflicts(*, session: Session, inspection: Inspection) -> list[SyncConflict]:
    return list(session.exec(select(SyncConflict).where(SyncConflict.inspection_id == inspection.id,
                                                        col(SyncConflict.resolved_at).is_(None))
                             .order_by(col(SyncConflict.created_at))).all())


def conflicted_ids(*, session: Session, inspection: Inspection) -> set[str]:
    return {c.entity_id for c in open_conflicts(session=session, inspection=inspection)}


def get_conflict(*, session: Session, inspection: Inspection, conflict_id: int) -> SyncConflict:
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.inspection_id != inspection.id:
        raise NotFound()
    return conflict


def resolve(*, session: Session, actor: Actor, inspection: Inspection, conflict: SyncConflict, choice: str,
            merged_text: str = "") -> None:
    """keep_current drops the incoming version; keep_incoming applies it on top of the current one; merge applies
    it with the text a person merged. Every choice is audited, and the incoming version stays in the conflict."""
    if conflict.resolved_at is not None:
        raise ValidationFailed({"choice": "This conflict has already been resolved"})
    if choice not in {"keep_current", "keep_incoming", "merge"}:
        raise ValidationFailed({"choice": "Choose which version to keep"})
    entity = ENTITIES[conflict.entity]
    current = _find(session, entity, inspection, conflict.entity_id)
    if choice != "keep_current":
        if conflict.incoming.get("deleted"):
            if choice == "merge":
                raise ValidationFailed({"choice": "A deletion cannot be merged: keep one version or the other"})
            if current is not None:
                entity.delete(session, actor, inspection, current)
        else:
            data = dict(conflict.incoming)
            if choice == "merge":
                if not merged_text.strip():
                    raise ValidationFailed({"merged_text": "Enter the merged text"})
                data[entity.text_field] = merged_text
            form = entity.to_form(data)
            if current is None:
                entity.create(session, actor, inspection, form, conflict.entity_id, today_in_england())
            else:
                entity.update(session, actor, inspection, current, form)
    conflict.resolved_at, conflict.resolved_by_id, conflict.resolution = utcnow(), actor.user_id, choice
    session.add(conflict)
    record(session=session, actor=actor, action="sync.conflict_resolved", object_type=conflict.entity,
           object_id=conflict.entity_id, inspection_id=inspection.id,
           detail={"conflict_id": conflict.id, "choice": choice})


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """Conflicts hold copies of the team's words: they go with the records."""
    conflicts = session.exec(select(SyncConflict).where(SyncConflict.inspection_id == inspection_id)).all()
    if not dry_run:
        for conflict in conflicts:
            session.delete(conflict)
        session.flush()
    return {"sync_conflicts": len(conflicts)}
