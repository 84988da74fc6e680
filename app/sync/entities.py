"""How each synced record travels: its `data` in the sync API, and the domain service calls behind
create, update and delete. The sync service knows records only through these adapters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from sqlmodel import Session

from app import forms_contract
from app.casetracking import service as casetracking
from app.casetracking.contract import (
    consent_contract,
    conversation_contract,
    meeting_contract,
    received_contract,
    request_contract,
)
from app.casetracking.models import TrackedCase
from app.errors import NotFound, ValidationFailed
from app.evidence import service as evidence
from app.evidence.contract import evidence_shape
from app.evidence.models import EvidenceItem
from app.fieldwork import service as fieldwork
from app.fieldwork.contract import activity_contract, file_review_contract
from app.fieldwork.models import Activity, FileReview
from app.inspections.models import Inspection
from app.safeguarding import service as concerns
from app.safeguarding.contract import concern_contract
from app.safeguarding.models import SafeguardingConcern

# Each form's fields and their types, from its contract: what an op's data may hold. The rules are the
# services' to apply, with the inspection's own choices.
EVIDENCE_SHAPE = evidence_shape()
ACTIVITY_SHAPE = activity_contract()
FILE_REVIEW_SHAPE = file_review_contract()
CONCERN_SHAPE = concern_contract()
CASE_SHAPES = {"case_consent": consent_contract(), "case_conversation": conversation_contract(),
               "case_meeting": meeting_contract(), "case_document_request": request_contract(),
               "case_document_received": received_contract()}

Record = EvidenceItem | Activity | FileReview | SafeguardingConcern | TrackedCase  # what a device may send
OpData = dict[str, Any]  # an op's data: JSON, as the device sent it


def _evidence_form(data: OpData) -> evidence.EvidenceForm:
    if "proposal" in data:  # compatibility: a device's op queued before the rename names the heading "proposal"
        data = {"heading": data["proposal"], **data}
    values = forms_contract.op_values(EVIDENCE_SHAPE, data, extra=("source_type",))
    source_type = values["source_type"] or ("" if values["source_id"] else "none")
    if values["source_label"]:
        source_type = source_type if values["source_id"] else "document"
    # Every value is already of its field's type: validating them again in pydantic's core (half the time of
    # model_construct, which is Python) builds the form and costs nothing in trust.
    return evidence.EvidenceForm.model_validate({**values, "source_type": source_type})


def _evidence_data(item: EvidenceItem) -> OpData:
    return {"text": item.text, "heading": item.heading, "aspect": item.aspect, "judgement": item.judgement,
            "strands": item.strands, "source_type": item.source_type, "source_id": item.source_id,
            "source_label": item.source_label, "observed_on": item.observed_on.isoformat(),
            "captured_on": item.captured_on.isoformat(), "author_id": item.author_id}


def _activity_form(data: OpData) -> fieldwork.ActivityForm:
    values = forms_contract.op_values(ACTIVITY_SHAPE, data)
    attendees = data.get("attendees") or []
    if not isinstance(attendees, list) or not all(isinstance(a, dict) for a in attendees):
        raise ValidationFailed({"attendees": "attendees must be a list of {role, organisation}"})
    return fieldwork.ActivityForm(**values, attendee_roles=[str(a.get("role") or "") for a in attendees],
                                  attendee_organisations=[str(a.get("organisation") or "") for a in attendees])


def _activity_data(activity: Activity) -> OpData:
    return {"kind": activity.kind, "meeting_with": activity.meeting_with, "setting_id": activity.setting_id,
            "title": activity.title, "day": activity.day.isoformat(), "start_time": activity.start_time,
            "inspector_ids": activity.inspector_ids, "attendees": activity.attendees, "notes": activity.notes}


def _file_review_form(data: OpData) -> fieldwork.FileReviewForm:
    values = forms_contract.op_values(FILE_REVIEW_SHAPE, data)
    ratings = values.pop("ratings")
    return fieldwork.FileReviewForm(**values, ratings={k: str(v.get("rating") or "") for k, v in ratings.items()},
                                    comments={k: str(v.get("comment") or "") for k, v in ratings.items()})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _file_review_data(review: FileReview) -> OpData:
    return {"case_reference": review.case_reference, "age_band": review.age_band, "setting_type": review.setting_type,
            "sen_status": review.sen_status, "primary_need": review.primary_need,
            "concern_raised_on": _iso(review.concern_raised_on),
            "assessment_requested_on": _iso(review.assessment_requested_on),
            "plan_issued_on": _iso(review.plan_issued_on), "attendance_percent": review.attendance_percent,
            "health_contributed": review.health_contributed, "social_care_contributed": review.social_care_contributed,
            "ratings": review.ratings, "notes": review.notes, "activity_id": review.activity_id}


def _concern_form(data: OpData) -> concerns.ConcernForm:
    return concerns.ConcernForm(**forms_contract.op_values(CONCERN_SHAPE, data, extra=("met_at",)))


def _concern_data(concern: SafeguardingConcern) -> OpData:
    return {"category": concern.category}  # a receipt says what kind; the text stays in its restricted record


def _concern(session: Session, inspection: Inspection, concern_id: str) -> SafeguardingConcern:
    concern = session.get(SafeguardingConcern, concern_id)
    if concern is None or concern.inspection_id != inspection.id:
        raise NotFound()
    return concern


def _online_only(*_args: object, **_kwargs: object) -> NoReturn:
    raise ValidationFailed({"action": "a safeguarding concern is only recorded from a device; change it online"})


# A tracked case's consent, documents asked for and received, conversation and tracking meeting: each op is one
# answer recorded on the case, whose id the op carries (a document is named by its code: one asked for offline can
# be marked received once its request has synced and the page draws its row). The record is the case itself, so
# each is create-only, never fed and never a conflict: a second answer from a device is applied in its turn, as the
# online form would, and the op's id keeps it to once.
def _tracked_case(session: Session, inspection: Inspection, case_id: str) -> TrackedCase:
    try:
        if casetracking.has_tracking(inspection):
            return casetracking.get_case(session=session, inspection=inspection, case_id=case_id)
    except NotFound:
        pass
    raise ValidationFailed({"id": "no tracked case of this inspection has this id"})


def _no_record(*_args: object) -> NoReturn:
    raise NotFound()  # an answer is not a record of its own: every op of it is applied as it comes


# The work records the answer on the case (what it returns, the documents asked for, the op has no use for).
CaseWork = Callable[[Session, Any, TrackedCase, dict[str, Any]], object]


def _recorded(work: CaseWork) -> Callable[..., TrackedCase]:
    def create(session: Session, actor: Any, inspection: Inspection, values: dict[str, Any], case_id: str,
               _day: date) -> TrackedCase:
        case = _tracked_case(session, inspection, case_id)
        work(session, actor, case, values)
        return case
    return create


def _case_values(name: str) -> Callable[[OpData], dict[str, Any]]:
    return lambda data: forms_contract.op_values(CASE_SHAPES[name], data)


def _case_data(case: TrackedCase) -> OpData:
    return {"consent": case.consent}


def _case_answer(name: str, work: CaseWork) -> "Entity":
    return Entity(name, TrackedCase, "", _case_values(name), _case_data, get=_no_record, create=_recorded(work),
                  update=_online_only, delete=_online_only, create_only=True)


@dataclass(frozen=True)
class Entity:
    name: str
    model: type[Record]
    text_field: str  # the free text a person may merge when resolving a conflict
    # The adapters below each take and give their own entity's form and record (hence Any here).
    to_form: Callable[[OpData], Any]
    to_data: Callable[[Any], OpData]
    get: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]
    # A record a device may only create (a safeguarding concern): never edited, deleted or held as a conflict
    # through sync, so its text never reaches the team's conflict pages.
    create_only: bool = False


ENTITIES: dict[str, Entity] = {
    "evidence_item": Entity(
        "evidence_item", EvidenceItem, "text", _evidence_form, _evidence_data,
        get=lambda s, i, id_: evidence.get_item(session=s, inspection=i, item_id=id_),
        create=lambda s, a, i, form, id_, day: evidence.capture(session=s, actor=a, inspection=i, form=form,
                                                                item_id=id_, captured_on=day),
        update=lambda s, a, i, obj, form: evidence.edit(session=s, actor=a, inspection=i, item=obj, form=form),
        delete=lambda s, a, i, obj: evidence.delete(session=s, actor=a, inspection=i, item=obj)),
    "activity": Entity(
        "activity", Activity, "notes", _activity_form, _activity_data,
        get=lambda s, i, id_: fieldwork.get_activity(session=s, inspection=i, activity_id=id_),
        create=lambda s, a, i, form, id_, day: fieldwork.create_activity(session=s, actor=a, inspection=i, form=form,
                                                                         activity_id=id_),
        update=lambda s, a, i, obj, form: fieldwork.update_activity(session=s, actor=a, inspection=i, activity=obj,
                                                                    form=form),
        delete=lambda s, a, i, obj: fieldwork.delete_activity(session=s, actor=a, inspection=i, activity=obj)),
    "file_review": Entity(
        "file_review", FileReview, "notes", _file_review_form, _file_review_data,
        get=lambda s, i, id_: fieldwork.get_file_review(session=s, inspection=i, review_id=id_),
        create=lambda s, a, i, form, id_, day: fieldwork.create_file_review(session=s, actor=a, inspection=i, form=form,
                                                                            review_id=id_),
        update=lambda s, a, i, obj, form: fieldwork.update_file_review(session=s, actor=a, inspection=i, review=obj,
                                                                       form=form),
        delete=lambda s, a, i, obj: fieldwork.delete_file_review(session=s, actor=a, inspection=i, review=obj)),
    "safeguarding_concern": Entity(
        "safeguarding_concern", SafeguardingConcern, "what_happened", _concern_form, _concern_data,
        get=_concern,
        create=lambda s, a, i, form, id_, day: concerns.record_concern(session=s, actor=a, inspection=i, form=form,
                                                                       concern_id=id_),
        update=_online_only, delete=_online_only, create_only=True),
    "case_consent": _case_answer("case_consent", lambda s, a, case, v: casetracking.record_consent(
        session=s, actor=a, case=case, consent=v["consent"], consent_from=v["consent_from"],
        recorded_on=v["consent_recorded_on"])),
    "case_conversation": _case_answer("case_conversation", lambda s, a, case, v: casetracking.record_conversation(
        session=s, actor=a, case=case, held_on=v["conversation_on"], with_whom=v["conversation_with"],
        way=v["conversation_way"])),
    "case_meeting": _case_answer("case_meeting", lambda s, a, case, v: casetracking.record_meeting(
        session=s, actor=a, case=case, held_on=v["meeting_on"], services=v["meeting_services"])),
    "case_document_request": _case_answer("case_document_request", lambda s, a, case, v: (
        casetracking.request_documents(session=s, actor=a, case=case, documents=v["documents"],
                                       requested_on=v["requested_on"]))),
    "case_document_received": _case_answer("case_document_received", lambda s, a, case, v: (
        casetracking.mark_received(session=s, actor=a, case=case, document=v["document"],
                                   received_on=v["received_on"]))),
}
