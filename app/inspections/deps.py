"""The inspection in the URL, if the signed-in user may see it (else 404, whether or not it exists)."""

from typing import Annotated

from fastapi import Depends, Request

from app.inspections import service
from app.retention import service as retention
from app.safeguarding import service as concerns
from app.sync import service as sync
from app.inspections.models import Inspection
from app.web.deps import CurrentUser, DbSession


READING = {"GET", "HEAD", "OPTIONS"}


def visible_inspection(request: Request, inspection_id: int, db: DbSession, user: CurrentUser) -> Inspection:
    inspection = service.get_inspection_for(session=db, user=user, inspection_id=inspection_id)
    if request.method not in READING:
        retention.refuse_changes_if_purged(session=db, inspection_id=inspection.id)
    return inspection


CurrentInspection = Annotated[Inspection, Depends(visible_inspection)]


def page_context(db, user, inspection: Inspection, section: str, **extra) -> dict:
    """What every page inside an inspection shows: its header, sub-navigation and the capture button."""
    can_manage = service.can_manage(session=db, user=user, inspection=inspection)
    return {
        "inspection": inspection,
        "profile": service.profile_of(inspection),
        "section": section,
        "can_manage": can_manage,
        # The lead's banner: safeguarding concerns not yet marked actioned.
        "open_concerns": concerns.open_count(session=db, inspection=inspection) if can_manage else 0,
        "conflicted": sync.conflicted_ids(session=db, inspection=inspection),
        "purged_at": retention.purged_at(session=db, inspection_id=inspection.id),
        **extra,
    }
