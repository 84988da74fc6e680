"""Safeguarding concerns met on site: record one (a tap from any inspection page, or offline), add the referral,
and, for the lead, mark it actioned. Anyone who may not see a concern gets 404 for it."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.errors import ValidationFailed
from app.fieldwork import service as fieldwork
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.safeguarding import service
from app.safeguarding.models import SafeguardingConcern
from app.shell.page import page_context
from app.users.deps import ActorDep, CurrentUser
from app.users.models import User
from app.web.deps import DbSession
from app.web.forms import FormData, PostedData, build_form, date_from
from app.web.templating import render

router = APIRouter(prefix="/inspections/{inspection_id}/concerns")


def _form(data: FormData) -> service.ConcernForm:
    """The posted form; the GOV.UK date boxes become one ISO date ('invalid' when they are not a date)."""
    form = build_form(service.ConcernForm, data)
    if any(f"reported_on-{part}" in data for part in ("day", "month", "year")):
        form.reported_on = date_from(data, "reported_on")[0]
    return form


def _new_page(request: Request, db: Session, user: User, inspection: Inspection, *,
              form: service.ConcernForm | None = None, errors: dict[str, str] | None = None,
              status_code: int = 200) -> Response:
    return render(request, "safeguarding/new.html", page_context(
        db, user, inspection, "concerns", form=form or service.ConcernForm(), errors=errors or {},
        categories=service.categories(), contract=service.contract(),
        settings=fieldwork.list_settings(session=db, inspection=inspection),
        error_anchors={"category": "category", "reported_on": "reported_on-day"}), status_code=status_code)


@router.get("")
def concerns_page(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                  inspection: CurrentInspection) -> Response:
    concerns = service.visible_concerns(session=db, actor=actor, user=user, inspection=inspection)
    return render(request, "safeguarding/list.html", page_context(
        db, user, inspection, "concerns", concerns=concerns, categories=service.categories(),
        is_overdue=service.is_overdue))


@router.get("/new")
def new_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _new_page(request, db, user, inspection)


@router.post("/new")
def record(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
           data: PostedData) -> Response:
    form = _form(data)
    try:
        concern = service.record_concern(session=db, actor=actor, inspection=inspection, form=form)
    except ValidationFailed as failure:
        return _new_page(request, db, user, inspection, form=form, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/concerns/{concern.id}?recorded=1", status_code=303)


def _concern_page(request: Request, db: Session, user: User, inspection: Inspection, concern: SafeguardingConcern, *,
                  errors: dict[str, str] | None = None, form: service.ConcernForm | None = None,
                  status_code: int = 200) -> Response:
    return render(request, "safeguarding/concern.html", page_context(
        db, user, inspection, "concerns", concern=concern, category=service.categories()[concern.category],
        setting=fieldwork.get_setting(session=db, inspection=inspection, setting_id=concern.setting_id)
        if concern.setting_id else None, overdue=service.is_overdue(concern), errors=errors or {},
        form=form or service.ConcernForm(reported_to=concern.reported_to,
                                         referral_reference=concern.referral_reference),
        recorded=request.query_params.get("recorded"), error_anchors={"reported_on": "reported_on-day"}),
        status_code=status_code)


@router.get("/{concern_id}")
def concern_page(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                 concern_id: str) -> Response:
    concern = service.get_concern(session=db, actor=actor, user=user, inspection=inspection, concern_id=concern_id)
    return _concern_page(request, db, user, inspection, concern)


@router.post("/{concern_id}/referral")
def record_referral(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                    inspection: CurrentInspection, concern_id: str, data: PostedData) -> Response:
    concern = service.get_concern(session=db, actor=actor, user=user, inspection=inspection, concern_id=concern_id)
    form = _form(data)
    try:
        service.record_referral(session=db, actor=actor, user=user, inspection=inspection, concern=concern, form=form)
    except ValidationFailed as failure:
        db.refresh(concern)
        return _concern_page(request, db, user, inspection, concern, errors=failure.errors, form=form,
                             status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/concerns/{concern.id}", status_code=303)


@router.post("/{concern_id}/actioned")
def mark_actioned(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                  concern_id: str, data: PostedData) -> Response:
    concern = service.get_concern(session=db, actor=actor, user=user, inspection=inspection, concern_id=concern_id)
    try:
        service.mark_actioned(session=db, actor=actor, user=user, inspection=inspection, concern=concern,
                              note=str(data.get("action_note", "")))
    except ValidationFailed as failure:
        db.refresh(concern)
        return _concern_page(request, db, user, inspection, concern, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/concerns", status_code=303)
