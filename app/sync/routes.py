"""Conflicts for the team: both versions side by side, resolved by a person."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.errors import ValidationFailed
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.shell.page import page_context
from app.sync import service
from app.users.deps import ActorDep, CurrentUser
from app.users.models import User
from app.web.deps import DbSession
from app.web.forms import PostedData
from app.web.templating import render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _page(request: Request, db: Session, user: User, inspection: Inspection, errors: dict[str, str] | None = None,
          status_code: int = 200, failed: int | None = None) -> Response:
    team = {u.id: u.name for _, u in inspections.team_of(session=db, inspection=inspection)}
    return render(request, "sync/conflicts.html", page_context(
        db, user, inspection, "conflicts", conflicts=service.open_conflicts(session=db, inspection=inspection),
        names=team, errors=errors or {}, failed=failed), status_code=status_code)


@router.get("/conflicts")
def conflicts_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _page(request, db, user, inspection)


@router.post("/conflicts/{conflict_id}")
def resolve(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
            conflict_id: int, data: PostedData) -> Response:
    conflict = service.get_conflict(session=db, inspection=inspection, conflict_id=conflict_id)
    try:
        service.resolve(session=db, actor=actor, inspection=inspection, conflict=conflict,
                        choice=str(data.get("choice", "")), merged_text=str(data.get("merged_text", "")))
    except ValidationFailed as e:
        return _page(request, db, user, inspection, e.errors, 422, failed=conflict_id)
    return RedirectResponse(f"/inspections/{inspection.id}/conflicts?resolved=1", status_code=303)
