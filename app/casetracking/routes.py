"""The team's case tracking: the area's list, random selection with its seed shown, and each case's record with
the evidence captured from it. Under a framework without case tracking these pages do not exist (404)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import clock
from app.casetracking import service
from app.casetracking.contract import (
    CONSENT,
    CONSENT_FROM,
    CONVERSATION_WITH,
    SERVICES,
    consent_contract,
    conversation_contract,
    meeting_contract,
    received_contract,
    request_contract,
)
from app.casetracking.models import TrackedCase
from app.errors import ValidationFailed
from app.evidence.routes import inline_capture
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.shell.page import page_context
from app.users.deps import ActorDep, CurrentUser
from app.users.models import User
from app.web.deps import DbSession
from app.web.forms import FormData, PostedData, date_from
from app.web.templating import render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _cases_page(request: Request, db: Session, user: User, inspection: Inspection, *,
                form: FormData | None = None, errors: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    spec = service.tracking_of(inspection)
    selections = service.selections_of(session=db, inspection=inspection)
    cases = service.cases_of(session=db, inspection=inspection)
    today = clock.today_in_england()
    return render(request, "casetracking/cases.html", page_context(
        db, user, inspection, "cases", spec=spec, listed=service.list_of(session=db, inspection=inspection),
        summary=service.summary_of(session=db, inspection=inspection),
        criteria_columns=service.criteria_columns(spec.person_level),
        selections=[(s, service.describe_criteria(spec.person_level, s.criteria),
                     service.check_selection(session=db, inspection=inspection, selection=s)) for s in selections],
        cases=cases, tracked=sum(1 for c in cases if c.purpose == "tracking"), purposes=service.PURPOSES,
        consent=CONSENT, form=form or {}, errors=errors or {},
        error_anchors={"criteria": "purpose"}, made=request.query_params.get("made"),
        case_alerts=service.team_alerts(session=db, inspection=inspection, today=today),
        overdue=service.overdue_documents(session=db, inspection=inspection, today=today),
        due_soon=service.documents_due_soon(session=db, inspection=inspection, today=today)), status_code=status_code)


@router.get("/cases")
def cases_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _cases_page(request, db, user, inspection)


@router.post("/cases/selections")
def select_cases(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                 data: PostedData) -> Response:
    try:
        selection = service.select_cases(session=db, actor=actor, inspection=inspection,
                                         form=service.SelectionForm(data))
    except ValidationFailed as failure:
        return _cases_page(request, db, user, inspection, form=data, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/cases?made={selection.id}#selection-{selection.id}",
                            status_code=303)


def _case_page(request: Request, db: Session, user: User, inspection: Inspection, case: TrackedCase, *,
               form: FormData | None = None, errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    spec = service.tracking_of(inspection)
    requests = service.documents_of(session=db, case=case)
    # A received date's boxes are on the posted document's row while it is awaited; a document received already (or
    # never asked for) has no boxes, and its date's error is said under the documents' heading.
    posted = _text(form or {}, "document")
    row = posted if any(r.document == posted and r.received_on is None for r in requests) else ""
    today = clock.today_in_england()
    return render(request, "casetracking/case.html", page_context(
        db, user, inspection, "cases", spec=spec, case=case, title=service.case_title(case),
        requests=requests, received_row=row, today=today,
        deadlines=service.deadlines_of(inspection, today),  # None: nothing is late or due soon any more
        consent=CONSENT, consent_from=CONSENT_FROM, conversation_with=CONVERSATION_WITH, services=SERVICES,
        contracts={"consent": consent_contract(), "conversation": conversation_contract(spec.conversation_ways),
                   "meeting": meeting_contract(), "request": request_contract(spec.document_labels),
                   "received": received_contract(spec.document_labels)}, posted=form or {}, errors=errors or {},
        error_anchors={"conversation": "case-conversation", "document": "case-documents",
                       "received_on": f"received_on-{row}-day" if row else "case-documents"},
        **inline_capture(db, inspection, "tracked_case", case.id),
        names={u.id: u.name for _, u in inspections.team_of(session=db, inspection=inspection)}),
        status_code=status_code)


@router.get("/cases/{case_id}")
def case_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
              case_id: str) -> Response:
    service.tracking_of(inspection)
    return _case_page(request, db, user, inspection,
                      service.get_case(session=db, inspection=inspection, case_id=case_id))


def _text(data: FormData, name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def _list(data: FormData, name: str) -> list[str]:
    value = data.get(name, [])
    return [value] if isinstance(value, str) and value else [v for v in value if v] if isinstance(value, list) else []


def _record(request: Request, db: Session, user: User, inspection: Inspection, case_id: str, data: FormData,
            work: Any, anchor: str) -> Response:
    service.tracking_of(inspection)
    case = service.get_case(session=db, inspection=inspection, case_id=case_id)
    try:
        work(case)
    except ValidationFailed as failure:  # the service checks everything before it changes anything
        return _case_page(request, db, user, inspection, case, form=data, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/cases/{case.id}#case-{anchor}", status_code=303)


@router.post("/cases/{case_id}/consent")
def record_consent(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                   case_id: str, data: PostedData) -> Response:
    day, _ = date_from(data, "consent_recorded_on")
    return _record(request, db, user, inspection, case_id, data, lambda case: service.record_consent(
        session=db, actor=actor, case=case, consent=_text(data, "consent"), consent_from=_text(data, "consent_from"),
        recorded_on=day), "consent")


@router.post("/cases/{case_id}/documents")
def request_documents(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                      inspection: CurrentInspection, case_id: str, data: PostedData) -> Response:
    day, _ = date_from(data, "requested_on")
    return _record(request, db, user, inspection, case_id, data, lambda case: service.request_documents(
        session=db, actor=actor, case=case, documents=_list(data, "documents"), requested_on=day), "documents")


@router.post("/cases/{case_id}/documents/received")
def document_received(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                      inspection: CurrentInspection, case_id: str, data: PostedData) -> Response:
    day, _ = date_from(data, "received_on")
    return _record(request, db, user, inspection, case_id, data, lambda case: service.mark_received(
        session=db, actor=actor, case=case, document=_text(data, "document"), received_on=day), "documents")


@router.post("/cases/{case_id}/conversation")
def record_conversation(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                        inspection: CurrentInspection, case_id: str, data: PostedData) -> Response:
    day, _ = date_from(data, "conversation_on")
    return _record(request, db, user, inspection, case_id, data, lambda case: service.record_conversation(
        session=db, actor=actor, case=case, held_on=day, with_whom=_text(data, "conversation_with"),
        way=_text(data, "conversation_way")), "conversation")


@router.post("/cases/{case_id}/meeting")
def record_meeting(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                   case_id: str, data: PostedData) -> Response:
    day, _ = date_from(data, "meeting_on")
    return _record(request, db, user, inspection, case_id, data, lambda case: service.record_meeting(
        session=db, actor=actor, case=case, held_on=day, services=_list(data, "meeting_services")), "meeting")
