"""The bulk writer of the sync path (app.db.bulk_insert): what it stores reads back exactly as written, on both
databases, and a value its column cannot hold is refused, never stored changed."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DataError
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.db import bulk_insert
from app.models_base import table_of

AWKWARD = "Ysgol Gymraeg \u00e2 \u0175, tab\there, line\nbreak, back\\slash, 'quoted' \"twice\", \U0001f600"


def _event(object_id: str, **changes) -> dict:
    return {"at": datetime(2027, 3, 9, 14, 5, 6, 123456, tzinfo=UTC), "actor_id": None, "actor_email": None,
            "ip_address": "127.0.0.1", "action": "bulk.tested", "object_type": "evidence_item", "object_id": object_id,
            "inspection_id": 1, "detail": {"text": AWKWARD, "nested": {"list": [1, 2.5, None, True]}}, **changes}


def _stored(db: Session, object_ids: list[str]) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(col(AuditEvent.object_id).in_(object_ids))
                        .order_by(col(AuditEvent.object_id))).all())


def test_rows_written_in_bulk_read_back_exactly_as_written(db: Session):
    rows = [_event("bulk-1"), _event("bulk-2", actor_email=AWKWARD[:254], detail={}, ip_address=None)]
    bulk_insert(db, table_of(AuditEvent), rows)
    stored = _stored(db, ["bulk-1", "bulk-2"])
    assert [(e.at, e.actor_email, e.ip_address, e.detail, e.inspection_id) for e in stored] == [
        (row["at"], row["actor_email"], row["ip_address"], row["detail"], 1) for row in rows]


# PostgreSQL's alone: SQLite's integers hold 64 bits, so the 32-bit column (and its binary COPY) is PostgreSQL's.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_number_its_column_cannot_hold_is_refused_and_nothing_of_the_rows_is_stored(db: Session):
    for too_large in (2**31, -(2**31) - 1):
        savepoint = db.begin_nested()
        with pytest.raises(DataError):
            bulk_insert(db, table_of(AuditEvent), [_event("bulk-ok"), _event("bulk-far", inspection_id=too_large)])
        savepoint.rollback()
    assert _stored(db, ["bulk-ok", "bulk-far"]) == []
