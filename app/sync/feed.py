"""The change feed's one writer. Whatever path changes a record the team shares (a page, the sync API one op at a
time or in bulk, the purge), the change is appended to sync_changes here, in the same transaction: the ORM's
flushes through the listener that create_app and the CLI register, and the bulk path through `append`. Which
records are fed comes from the one table of synced entities (app.sync.entities)."""

from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from app.db import bulk_insert
from app.models_base import table_of, utcnow
from app.sync.entities import ENTITIES
from app.sync.models import SyncChange

# A record a device may only create (a safeguarding concern) is restricted: it is never fed to the team.
FED: dict[type[object], str] = {entity.model: name for name, entity in ENTITIES.items() if not entity.create_only}


class Fed(Protocol):
    """A record the team shares: what its change says of it."""

    id: str
    inspection_id: int
    version: int


def change(obj: Fed, *, deleted: bool = False) -> dict[str, Any]:
    return {"inspection_id": obj.inspection_id, "entity": FED[type(obj)], "entity_id": obj.id,
            "version": obj.version, "deleted": deleted, "at": utcnow()}


def append(session: Session, rows: list[dict[str, Any]]) -> None:
    """Changes written without the ORM (the bulk path) and by the listener alike: one statement for them all
    (COPY on PostgreSQL)."""
    bulk_insert(session, table_of(SyncChange), rows)


def _on_flush(session: Session, _flush_context: UOWTransaction) -> None:
    # In after_flush, new/dirty/deleted still describe what this flush wrote.
    rows = [change(o) for o in session.new if type(o) in FED]
    rows += [change(o) for o in session.dirty if type(o) in FED and session.is_modified(o, include_collections=False)]
    rows += [change(o, deleted=True) for o in session.deleted if type(o) in FED]
    append(session, rows)


def register() -> None:
    """Start feeding: every Session's flush appends its changes (idempotent; create_app and the CLI call it)."""
    if not event.contains(Session, "after_flush", _on_flush):
        event.listen(Session, "after_flush", _on_flush)
