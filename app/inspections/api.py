"""JSON API for inspections and their team (firm contract: see the foundation issue)."""

from datetime import date

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session

from app.errors import Forbidden, ValidationFailed
from app.flows import setup
from app.inspections import service
from app.inspections.models import Inspection
from app.inspections.routes import can_set_up
from app.users.deps import ActorDep, CurrentUser
from app.web.deps import DbSession
from app.web.text import Text

router = APIRouter(prefix="/api/v1/inspections", tags=["inspections"])


class InspectionIn(BaseModel):
    # Strings, so that every bad value gets the same clear message as the HTML form.
    local_area: Text = ""
    la_code: Text = ""
    framework: Text = ""
    start_date: Text = ""  # the first day on site, for a framework whose lead enters it (send-2016)
    notification_date: Text = ""  # the notification, for a framework whose lead enters it (send-2023)


class TeamMemberOut(BaseModel):
    id: int
    email: str
    name: str
    team_role: str


class InspectionOut(BaseModel):
    id: int
    local_area: str
    la_code: str
    framework: str
    start_date: date
    notification_date: date
    on_site_days: list[date]
    status: str
    team: list[TeamMemberOut]


class TeamMemberIn(BaseModel):
    email: Text = ""
    team_role: Text = ""


class ErrorsOut(BaseModel):
    detail: str
    errors: dict[str, str]


def _invalid(e: ValidationFailed) -> JSONResponse:
    return JSONResponse({"detail": "The request is not valid", "errors": e.errors}, status_code=422)


def _out(db: Session, inspection: Inspection) -> InspectionOut:
    schedule = service.schedule_of(inspection)
    return InspectionOut(
        id=inspection.id,
        local_area=inspection.local_area,
        la_code=inspection.la_code,
        framework=inspection.framework,
        start_date=inspection.start_date,
        notification_date=schedule.notification_date,
        on_site_days=schedule.on_site_days,
        status=service.status_of(inspection).value,
        team=[TeamMemberOut(id=m.id, email=u.email, name=u.name, team_role=m.team_role)
              for m, u in service.team_of(session=db, inspection=inspection)],
    )


@router.post("", status_code=201, response_model=InspectionOut, responses={422: {"model": ErrorsOut}})
def create(body: InspectionIn, db: DbSession, user: CurrentUser, actor: ActorDep) -> InspectionOut | JSONResponse:
    if not can_set_up(user):
        raise Forbidden()
    try:
        inspection = setup.set_up_inspection(
            session=db, actor=actor, form=service.InspectionForm(**body.model_dump()), creator=user)
    except ValidationFailed as e:
        return _invalid(e)
    return _out(db, inspection)


@router.get("/{inspection_id}", response_model=InspectionOut, responses={404: {"description": "Not found"}})
def read(inspection_id: int, db: DbSession, user: CurrentUser) -> InspectionOut:
    return _out(db, service.get_inspection_for(session=db, user=user, inspection_id=inspection_id))


@router.post("/{inspection_id}/team", status_code=201, response_model=TeamMemberOut,
             responses={422: {"model": ErrorsOut}, 404: {"description": "Not found"}})
def add_member(inspection_id: int, body: TeamMemberIn, db: DbSession, user: CurrentUser,
               actor: ActorDep) -> TeamMemberOut | JSONResponse:
    inspection = service.get_inspection_for(session=db, user=user, inspection_id=inspection_id)
    if not service.can_manage(session=db, user=user, inspection=inspection):
        raise Forbidden()
    try:
        member = service.add_team_member(session=db, actor=actor, inspection=inspection,
                                         email=body.email, team_role=body.team_role)
    except ValidationFailed as e:
        return _invalid(e)
    _, member_user = service.get_member(session=db, inspection=inspection, member_id=member.id)
    return TeamMemberOut(id=member.id, email=member_user.email, name=member_user.name, team_role=member.team_role)
