"""The inspection in the URL, if the signed-in user may see it (else 404, whether or not it exists); a change to a
purged inspection is refused before any route runs."""

from typing import Annotated

from fastapi import Depends, Request

from app.inspections import service
from app.inspections.models import Inspection
from app.users.deps import CurrentUser
from app.web.deps import DbSession

READING = {"GET", "HEAD", "OPTIONS"}


def visible_inspection(request: Request, inspection_id: int, db: DbSession, user: CurrentUser) -> Inspection:
    inspection = service.get_inspection_for(session=db, user=user, inspection_id=inspection_id)
    if request.method not in READING:
        service.refuse_changes_if_purged(session=db, inspection_id=inspection.id)
    return inspection


CurrentInspection = Annotated[Inspection, Depends(visible_inspection)]
