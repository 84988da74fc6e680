"""The change log, written by the ORM itself: whatever path writes a synced record (a page, the sync API, the
CLI), the flush that writes it also appends to sync_changes, in the same transaction."""

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from app.evidence.models import EvidenceItem
from app.fieldwork.models import Activity, FileReview
from app.sync.models import SyncChange

SYNCED_ENTITIES = {EvidenceItem: "evidence_item", Activity: "activity", FileReview: "file_review"}


def _row(obj, deleted: bool) -> dict:
    return {"inspection_id": obj.inspection_id, "entity": SYNCED_ENTITIES[type(obj)], "entity_id": obj.id,
            "version": obj.version, "deleted": deleted}


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _flush_context) -> None:
    # In after_flush, new/dirty/deleted still describe what this flush wrote.
    rows = [_row(o, False) for o in session.new if type(o) in SYNCED_ENTITIES]
    rows += [_row(o, False) for o in session.dirty
             if type(o) in SYNCED_ENTITIES and session.is_modified(o, include_collections=False)]
    rows += [_row(o, True) for o in session.deleted if type(o) in SYNCED_ENTITIES]
    if rows:
        session.connection().execute(insert(SyncChange), rows)
