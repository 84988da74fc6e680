"""Local areas as records of their own: every inspection belongs to the area of its local authority code, so an
area's history (its full inspections, revisits and monitoring inspections) reads in one place."""

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.forms_common import text_problem
from app.inspections.models import Area, EngagementMeeting, Inspection
from app.web import text


def area_for(*, session: Session, name: str, la_code: str) -> Area:
    """The area of this local authority code, made on first use under the name the inspection gives it (a later
    inspection's spelling does not rename it: an administrator does, on the area's page)."""
    area = session.exec(select(Area).where(Area.la_code == la_code)).first()
    if area is None:
        area = Area(name=name, la_code=la_code)
        session.add(area)
        session.flush()
    return area


def link(*, session: Session, inspection: Inspection) -> None:
    inspection.area_id = area_for(session=session, name=inspection.local_area, la_code=inspection.la_code).id
    session.add(inspection)


def all_areas(*, session: Session) -> list[Area]:
    return list(session.exec(select(Area).order_by(col(Area.name), col(Area.id))).all())


def get_area(*, session: Session, area_id: int | str | None) -> Area:
    area = session.get(Area, aid) if (aid := text.as_id(area_id)) else None
    if area is None:
        raise NotFound()
    return area


def inspections_of(*, session: Session, area_ids: list[int]) -> dict[int, list[Inspection]]:
    """Each area's inspections, newest first."""
    found: dict[int, list[Inspection]] = {area_id: [] for area_id in area_ids}
    rows = session.exec(select(Inspection).where(col(Inspection.area_id).in_(area_ids))
                        .order_by(col(Inspection.start_date).desc(), col(Inspection.id).desc())).all()
    for inspection in rows:
        if inspection.area_id is not None:
            found[inspection.area_id].append(inspection)
    return found


class AreaForm(BaseModel):
    name: str = ""
    integrated_care_board: str = ""


def update_area(*, session: Session, actor: Actor, area: Area, form: AreaForm) -> Area:
    errors: dict[str, str] = {}
    name, board = form.name.strip(), form.integrated_care_board.strip()
    if problem := text_problem(name, required="Enter the name of the local area", limit=200,
                                    what="The local area's name"):
        errors["name"] = problem
    if problem := text_problem(board, required=None, limit=200, what="The integrated care board's name"):
        errors["integrated_care_board"] = problem
    if errors:
        raise ValidationFailed(errors)
    before = {"name": area.name, "integrated_care_board": area.integrated_care_board}
    area.name, area.integrated_care_board = name, board
    session.add(area)
    session.flush()
    after = {"name": area.name, "integrated_care_board": area.integrated_care_board}
    record(session=session, actor=actor, action="area.updated", object_type="area", object_id=area.id,
           detail={"changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}})
    return area


# --- Engagement meetings --------------------------------------------------------------------------------------

NOTES_LIMIT = 5000


class MeetingForm(BaseModel):
    held_on: str = ""  # ISO yyyy-mm-dd; the form's day/month/year boxes are joined before this
    notes: str = ""


def meetings_of(*, session: Session, area: Area) -> list[EngagementMeeting]:
    return list(session.exec(select(EngagementMeeting).where(EngagementMeeting.area_id == area.id)
                             .order_by(col(EngagementMeeting.held_on).desc(), col(EngagementMeeting.id).desc())).all())


def record_meeting(*, session: Session, actor: Actor, area: Area, form: MeetingForm, today: date) -> EngagementMeeting:
    errors: dict[str, str] = {}
    held_on = None
    if not form.held_on.strip():
        errors["held_on"] = "Enter the date of the meeting"
    else:
        try:
            held_on = date.fromisoformat(form.held_on.strip())
        except ValueError:
            errors["held_on"] = "The date of the meeting must be a real date"
        else:
            if problem := text.date_problem(held_on, "The date of the meeting"):
                errors["held_on"] = problem
            elif held_on > today:
                errors["held_on"] = "The date of the meeting must be today or in the past"
    notes = form.notes.strip()
    if problem := text_problem(notes, required="Enter what was discussed", limit=NOTES_LIMIT, what="The notes"):
        errors["notes"] = problem
    if errors or held_on is None:
        raise ValidationFailed(errors)
    meeting = EngagementMeeting(area_id=area.id, held_on=held_on, notes=notes, recorded_by_id=actor.user_id)
    session.add(meeting)
    session.flush()
    record(session=session, actor=actor, action="area.engagement_meeting_recorded", object_type="engagement_meeting",
           object_id=meeting.id, detail={"area": area.la_code, "held_on": held_on.isoformat()})
    return meeting
