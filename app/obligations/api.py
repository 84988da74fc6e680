"""JSON API after publication (firm contract, issue 18): an inspection's obligations, and every local area."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.errors import NotFound
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.obligations import national, service
from app.obligations.routes import Filters, NationalUser
from app.portal import invitations
from app.users.deps import CurrentUser
from app.users.models import Role
from app.web.deps import DbSession

router = APIRouter(prefix="/api/v1", tags=["after publication"])


class ObligationOut(BaseModel):
    code: str
    title: str
    due_date: date
    status: service.Status
    submitted_at: datetime | None
    source: str


def reachable_inspection(inspection_id: int, db: DbSession, user: CurrentUser) -> Inspection:
    """The team, administrators, and the officers of this inspection's area; anyone else 404."""
    if user.role == Role.la_officer:
        if invitations.bound_inspection_id(session=db, user=user) != inspection_id:
            raise NotFound()
        return inspections.get_inspection(session=db, inspection_id=inspection_id)
    return inspections.get_inspection_for(session=db, user=user, inspection_id=inspection_id)


@router.get("/inspections/{inspection_id}/obligations", response_model=list[ObligationOut],
            responses={404: {"description": "Not found"}})
def obligations(db: DbSession, inspection: Annotated[Inspection, Depends(reachable_inspection)]) -> list[ObligationOut]:
    return [ObligationOut(code=v.obligation.code, title=v.obligation.title, due_date=v.obligation.due_date,
                          status=v.status,
                          submitted_at=v.obligation.submitted_at, source=v.obligation.source)
            for v in service.obligations_of(session=db, inspection=inspection)]


class ObligationSummaryOut(BaseModel):
    code: str
    title: str
    due_date: date
    status: str
    inspection_id: int


class VisitOut(BaseModel):
    code: str
    title: str
    due: date | None
    approximate: bool
    wording: str


class AreaOut(BaseModel):
    id: int
    name: str
    la_code: str
    integrated_care_board: str
    last_inspection_id: int | None
    last_inspection_start: date | None
    framework: str | None
    stage: str
    outcome: str
    published_on: date | None
    obligations_owed: list[ObligationSummaryOut]
    overdue: int
    revisit_or_monitoring: VisitOut | None
    next_full_inspection: VisitOut | None


def _visit(visit: service.NextVisit | None) -> VisitOut | None:
    if visit is None:
        return None
    return VisitOut(code=visit.rule.code, title=visit.rule.title, due=visit.due, approximate=visit.rule.approximate,
                    wording=visit.wording)


@router.get("/areas", response_model=list[AreaOut], responses={404: {"description": "Not found"}})
def areas(db: DbSession, _user: NationalUser, filters: Filters) -> list[AreaOut]:
    return [AreaOut(
        id=row.area.id, name=row.area.name, la_code=row.area.la_code,
        integrated_care_board=row.area.integrated_care_board,
        last_inspection_id=row.last.id if row.last else None,
        last_inspection_start=row.last.start_date if row.last else None,
        framework=row.last.framework if row.last else None, stage=row.last_status, outcome=row.outcome,
        published_on=row.published_on,
        obligations_owed=[ObligationSummaryOut(code=v.obligation.code, title=v.obligation.title,
                                               due_date=v.obligation.due_date, status=v.status,
                                               inspection_id=v.obligation.inspection_id) for v in row.owed],
        overdue=len(row.overdue), revisit_or_monitoring=_visit(row.follow_up),
        next_full_inspection=_visit(row.next_full),
    ) for row in national.area_rows(session=db, filters=filters)]
