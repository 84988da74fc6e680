"""Setting up an inspection: the inspection and its team's lead (inspections), then its questionnaires' links
(survey), so that the links exist from the start and are never made on a GET."""

from sqlmodel import Session

from app.audit.service import Actor
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.survey import service as survey
from app.users.models import User


def set_up_inspection(*, session: Session, actor: Actor, form: inspections.InspectionForm,
                      creator: User) -> Inspection:
    inspection = inspections.create_inspection(session=session, actor=actor, form=form, creator=creator)
    survey.links_for(session=session, inspection=inspection)
    return inspection
