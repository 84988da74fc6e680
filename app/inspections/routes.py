"""Inspection pages: my inspections, set up, overview with timeline and team, edit."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import clock
from app.casetracking import service as casetracking
from app.errors import Forbidden, NotFound, ValidationFailed
from app.flows import setup
from app.inspections import service
from app.inspections.models import Inspection, TeamRole
from app.obligations import service as obligations
from app.shell.page import page_context
from app.users.deps import ActorDep, CurrentUser
from app.users.models import InspectorKind, Role, User
from app.web.deps import DbSession
from app.web.forms import join_date_parts, split_date
from app.web.templating import is_htmx, render

router = APIRouter(prefix="/inspections")


def can_set_up(user: User) -> bool:
    return user.role == Role.admin or (user.role == Role.inspector and user.inspector_kind == InspectorKind.hmi)


def _form_context(form: service.InspectionForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "dates": {"start_date": split_date(form.start_date),
                                    "notification_date": split_date(form.notification_date)},
            "frameworks": service.framework_choices(), **extra,
            # Editing a revisit or monitoring inspection: only its own date, in its own words.
            "date_fields": service.date_fields(extra.get("inspection"))}


@router.get("")
def my_inspections(request: Request, db: DbSession, user: CurrentUser) -> Response:
    if user.role == Role.la_officer:
        return RedirectResponse("/portal", status_code=303)  # an officer's one page is the area's portal
    if user.role == Role.planner:
        return RedirectResponse("/areas", status_code=303)  # a planner reads the national view only
    inspections = service.list_for(session=db, user=user)
    return render(request, "inspections/list.html", {
        "inspections": inspections,
        "statuses": {i.id: service.status_label(i) for i in inspections},
        "can_set_up": can_set_up(user),
        "today": clock.today_in_england(),
    })


@router.get("/new")
def new_inspection_page(request: Request, user: CurrentUser) -> Response:
    if not can_set_up(user):
        raise NotFound()
    return render(request, "inspections/form.html", _form_context(service.InspectionForm(framework="send-2016")))


@dataclass
class PostedInspection:
    form: service.InspectionForm
    dates: dict[str, dict[str, str]]  # the date boxes as typed, to show again when they are not a date


def posted_inspection(
    local_area: Annotated[str, Form()] = "",
    la_code: Annotated[str, Form()] = "",
    framework: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="start_date-day")] = "",
    month: Annotated[str, Form(alias="start_date-month")] = "",
    year: Annotated[str, Form(alias="start_date-year")] = "",
    n_day: Annotated[str, Form(alias="notification_date-day")] = "",
    n_month: Annotated[str, Form(alias="notification_date-month")] = "",
    n_year: Annotated[str, Form(alias="notification_date-year")] = "",
) -> PostedInspection:
    form = service.InspectionForm(local_area=local_area, la_code=la_code, framework=framework,
                                  start_date=join_date_parts(day, month, year),
                                  notification_date=join_date_parts(n_day, n_month, n_year))
    return PostedInspection(form, {"start_date": {"day": day, "month": month, "year": year},
                                   "notification_date": {"day": n_day, "month": n_month, "year": n_year}})


Posted = Annotated[PostedInspection, Depends(posted_inspection)]


def _form_again(request: Request, posted: PostedInspection, errors: dict[str, str], **extra: Any) -> Response:
    ctx = _form_context(posted.form, errors=errors, **extra)
    ctx["dates"] = posted.dates
    return render(request, "inspections/form.html", ctx, status_code=422)


@router.post("/new")
def create_inspection(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, posted: Posted) -> Response:
    if not can_set_up(user):
        raise NotFound()
    try:
        inspection = setup.set_up_inspection(session=db, actor=actor, form=posted.form, creator=user)
    except ValidationFailed as e:
        return _form_again(request, posted, e.errors)
    return RedirectResponse(f"/inspections/{inspection.id}?created=1", status_code=303)


def _overview_context(db: Session, user: User, inspection: Inspection, **extra: Any) -> dict[str, Any]:
    context = page_context(db, user, inspection, "overview")
    team = service.team_of(session=db, inspection=inspection)
    today = clock.today_in_england()
    return {
        **context,
        "schedule": service.schedule_of(inspection),
        "team": team,
        "has_lead": any(m.team_role == TeamRole.lead for m, _ in team),
        "candidates": service.candidate_inspectors(session=db, inspection=inspection) if context["can_manage"] else [],
        "team_roles": service.roles_of(inspection),
        "role_labels": {m.team_role: service.role_label(inspection, m.team_role) for m, _ in team},
        "today": today,
        "status_label": service.status_label(inspection),
        "add": {"email": "", "team_role": ""},
        # The lead's reminders of what the area owes after publication, as its deadlines near.
        "reminders": obligations.reminders(obligations.obligations_of(session=db, inspection=inspection))
        if context["can_manage"] else [],
        "reminders_href": f"/inspections/{inspection.id}/obligations",
        "case_alerts": casetracking.team_alerts(session=db, inspection=inspection, today=today),
        **extra,
    }


@router.get("/{inspection_id}")
def overview(request: Request, db: DbSession, user: CurrentUser, inspection_id: int) -> Response:
    inspection = service.get_inspection_for(session=db, user=user, inspection_id=inspection_id)
    return render(request, "inspections/overview.html", _overview_context(
        db, user, inspection, created=request.query_params.get("created")))


@router.get("/{inspection_id}/edit")
def edit_page(request: Request, db: DbSession, user: CurrentUser, inspection_id: int) -> Response:
    inspection = _managed(db, user, inspection_id)
    form = service.InspectionForm(local_area=inspection.local_area, la_code=inspection.la_code,
                                  framework=inspection.framework, start_date=inspection.start_date.isoformat(),
                                  notification_date=inspection.notification_date.isoformat())
    return render(request, "inspections/form.html", _form_context(form, inspection=inspection))


@router.post("/{inspection_id}/edit")
def update(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection_id: int,
           posted: Posted) -> Response:
    inspection = _managed(db, user, inspection_id)
    try:
        service.update_inspection(session=db, actor=actor, inspection=inspection, form=posted.form)
    except ValidationFailed as e:
        db.refresh(inspection)
        return _form_again(request, posted, e.errors, inspection=inspection)
    return RedirectResponse(f"/inspections/{inspection.id}", status_code=303)


def _managed(db: Session, user: User, inspection_id: int) -> Inspection:
    inspection = service.get_inspection_for(session=db, user=user, inspection_id=inspection_id)
    if not service.can_manage(session=db, user=user, inspection=inspection):
        raise Forbidden()
    return inspection


def _team_response(request: Request, db: Session, user: User, inspection: Inspection, *,
                   errors: dict[str, str] | None = None, add: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    if errors is None and not is_htmx(request):
        return RedirectResponse(f"/inspections/{inspection.id}#team", status_code=303)
    ctx = _overview_context(db, user, inspection, errors=errors or {}, **({"add": add} if add else {}))
    return render(request, "inspections/overview.html", ctx, block="team", status_code=status_code)


@router.post("/{inspection_id}/team")
def add_member(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    actor: ActorDep,
    inspection_id: int,
    email: Annotated[str, Form()] = "",
    team_role: Annotated[str, Form()] = "",
) -> Response:
    inspection = _managed(db, user, inspection_id)
    try:
        service.add_team_member(session=db, actor=actor, inspection=inspection, email=email, team_role=team_role)
    except ValidationFailed as e:
        return _team_response(request, db, user, inspection, errors=e.errors,
                              add={"email": email, "team_role": team_role}, status_code=422)
    return _team_response(request, db, user, inspection)


@router.post("/{inspection_id}/team/{member_id}/lead")
def make_lead(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection_id: int,
              member_id: int) -> Response:
    inspection = _managed(db, user, inspection_id)
    try:
        service.make_lead(session=db, actor=actor, inspection=inspection, member_id=member_id)
    except ValidationFailed as e:
        return _team_response(request, db, user, inspection, errors=e.errors, status_code=422)
    return _team_response(request, db, user, inspection)


@router.get("/{inspection_id}/team/{member_id}/remove")
def remove_member_page(request: Request, db: DbSession, user: CurrentUser, inspection_id: int,
                       member_id: int) -> Response:
    """Removing someone is a step of its own: a page that says what it does, then a button (no JavaScript needed)."""
    inspection = _managed(db, user, inspection_id)
    member, person = service.get_member(session=db, inspection=inspection, member_id=member_id)
    return render(request, "inspections/remove_member.html",
                  {"inspection": inspection, "member": member, "person": person})


@router.post("/{inspection_id}/team/{member_id}/remove")
def remove_member(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection_id: int,
                  member_id: int) -> Response:
    inspection = _managed(db, user, inspection_id)
    try:
        service.remove_member(session=db, actor=actor, inspection=inspection, member_id=member_id)
    except ValidationFailed as e:
        return _team_response(request, db, user, inspection, errors=e.errors, status_code=422)
    return _team_response(request, db, user, inspection)
