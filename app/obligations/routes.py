"""After publication, in pages: the team's obligations page and the lead's decisions; the officer's page in the
portal with its uploads; the national view of every local area (administrators and planners) and its CSV."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import clock
from app.audit.service import record
from app.errors import NotFound, ValidationFailed
from app.evidence import service as evidence_items
from app.frameworks.after_publication import after_publication
from app.inspections import areas as area_records
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.letters import service as letters
from app.obligations import national, service, visits
from app.portal import content, documents
from app.portal.routes import UPLOAD_BODY_LIMIT, OfficerInspection
from app.portal.web import StorageDep, done, receive, run
from app.shell.page import page_context
from app.users.deps import ActorDep, CurrentUser, RecentlySignedIn
from app.users.models import Role, User
from app.web import csrf
from app.web.deps import DbSession
from app.web.forms import PostedData, build_form, join_date_parts, split_date
from app.web.templating import render

router = APIRouter()

NATIONAL_ROLES = {Role.admin, Role.planner}


def _team_page(request: Request, db: Session, user: User, inspection: Inspection, *,
               errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
               follow_up_start: dict[str, str] | None = None, status_code: int = 200) -> Response:
    views = service.obligations_of(session=db, inspection=inspection)
    published = letters.published(session=db, inspection_ids=[inspection.id]).get(inspection.id)
    next_visits = service.next_visits(inspection, published, views) if published else []
    return render(request, "obligations/team.html", page_context(
        db, user, inspection, "obligations", views=views, visits=next_visits, published=published,
        due=visits.due_for(session=db, inspection=inspection),
        follow_up=visits.follow_up_of(session=db, inspection=inspection),
        follows=db.get(Inspection, inspection.follows_id) if inspection.follows_id else None,
        follow_up_start=follow_up_start or split_date(None),
        latest_versions={row.document.id: row.current.number
                         for row in documents.documents_of(session=db, inspection=inspection)
                         if row.document.requested == service.OBLIGATION_DOCUMENT},
        rules=after_publication(inspections.profile_of(inspection)),
        errors=errors or {}, form=form or {}), status_code=status_code)


@router.get("/inspections/{inspection_id}/obligations")
def team_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _team_page(request, db, user, inspection)


@router.post("/inspections/{inspection_id}/obligations/{code}/decision")
def decide(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
           code: str, data: PostedData) -> Response:
    form = build_form(service.DecisionForm, data)
    try:
        service.decide(session=db, actor=actor, user=user, inspection=inspection, code=code, form=form)
    except ValidationFailed as failure:
        return _team_page(request, db, user, inspection, status_code=422, form={"code": code, "note": form.note},
                          errors={f"{key}-{code}": message for key, message in failure.errors.items()})
    return RedirectResponse(f"/inspections/{inspection.id}/obligations#{code}", status_code=303)


# --- The officer's page in the portal ---------------------------------------------------------------------------


def _portal_page(request: Request, db: Session, inspection: Inspection, *, errors: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    views = service.obligations_of(session=db, inspection=inspection)
    reminders = {"reminders": service.reminders(views), "reminders_href": f"/portal/{inspection.id}/obligations"}
    return render(request, "obligations/portal.html", {
        "inspection": inspection, "schedule": inspections.schedule_of(inspection), "section": "obligations",
        "profile": inspections.profile_of(inspection), "purged_at": inspection.purged_at, "views": views,
        "uploaded": request.query_params.get("uploaded"), "document_title": content.requested_title,
        **reminders, "errors": errors or {}}, status_code=status_code)


@router.get("/portal/{inspection_id}/obligations")
def portal_page(request: Request, db: DbSession, inspection: OfficerInspection) -> Response:
    return _portal_page(request, db, inspection)


@router.post("/portal/{inspection_id}/obligations/{code}", max_body_size=UPLOAD_BODY_LIMIT)
@csrf.checks_token_itself
async def submit(request: Request, db: DbSession, actor: ActorDep, inspection: OfficerInspection,
                 storage: StorageDep, code: str) -> Response:
    upload = await receive(request, db, storage)
    if isinstance(upload, Response):
        return upload
    try:
        await run(lambda: service.submit(session=db, actor=actor, storage=storage, inspection=inspection, code=code,
                                         upload=upload), upload)
    except ValidationFailed as failure:
        return _portal_page(request, db, inspection, status_code=422,
                            errors={f"file-{code}": failure.errors.get("file", "")})
    return done(request, f"/portal/{inspection.id}/obligations?uploaded={code}#{code}")


# --- The national view ---------------------------------------------------------------------------------------


def national_user(user: CurrentUser) -> User:
    if user.role not in NATIONAL_ROLES:
        raise NotFound()  # pages that do not exist for you look like pages that do not exist
    return user


NationalUser = Annotated[User, Depends(national_user)]


def _filters(q: str = "", framework: str = "", show: str = "") -> national.AreaFilters:
    return national.AreaFilters(q=q, framework=framework, show=show).clean()


Filters = Annotated[national.AreaFilters, Depends(_filters)]


def _query(filters: national.AreaFilters) -> str:
    return urlencode({k: v for k, v in filters.model_dump().items() if v})


@router.get("/areas")
def areas_page(request: Request, db: DbSession, user: NationalUser, filters: Filters) -> Response:
    rows = national.area_rows(session=db, filters=filters)
    return render(request, "obligations/areas.html", {
        "rows": rows, "filters": filters, "query": _query(filters),
        "show_items": [{"value": k, "text": v, "selected": k == filters.show} for k, v in national.SHOW.items()],
        "framework_items": [{"value": k, "text": v, "selected": k == filters.framework}
                            for k, v in [("", "Any framework"), *inspections.framework_choices()]]},
        block="results")


@router.get("/areas.csv")
def areas_csv(db: DbSession, actor: ActorDep, user: NationalUser, _confirmed: RecentlySignedIn,
              filters: Filters) -> Response:
    record(session=db, actor=actor, action="areas.exported", object_type="areas", object_id="",
           detail={"filters": filters.model_dump()})
    return Response(national.export_csv(national.area_rows(session=db, filters=filters)),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="local-areas.csv"',
                             "Cache-Control": "private, no-store"})


def _area_page(request: Request, db: Session, user: User, area_id: int, *, errors: dict[str, str] | None = None,
               form: dict[str, Any] | None = None, meeting: dict[str, str] | None = None,
               held_on: dict[str, str] | None = None, status_code: int = 200) -> Response:
    area = area_records.get_area(session=db, area_id=area_id)
    row = national.area_row(session=db, area=area)
    return render(request, "obligations/area.html", {
        "row": row, "area": area, "can_edit": user.role == Role.admin, "errors": errors or {},
        "saved": request.query_params.get("saved"),
        "form": form or {"name": area.name, "integrated_care_board": area.integrated_care_board},
        "meetings": area_records.meetings_of(session=db, area=area), "meeting": meeting or {},
        "held_on": held_on or split_date(None),
        "profiles": {i.id: inspections.profile_of(i) for i in row.inspections},
        "statuses": {i.id: inspections.status_label(i) for i in row.inspections}}, status_code=status_code)


@router.get("/areas/{area_id}")
def area_page(request: Request, db: DbSession, user: NationalUser, area_id: int) -> Response:
    return _area_page(request, db, user, area_id)


@router.post("/areas/{area_id}")
def update_area(request: Request, db: DbSession, user: NationalUser, actor: ActorDep, area_id: int,
                data: PostedData) -> Response:
    if user.role != Role.admin:
        raise NotFound()  # planners read
    area = area_records.get_area(session=db, area_id=area_id)
    form = build_form(area_records.AreaForm, data)
    try:
        area_records.update_area(session=db, actor=actor, area=area, form=form)
    except ValidationFailed as failure:
        return _area_page(request, db, user, area_id, errors=failure.errors, form=form.model_dump(),
                          status_code=422)
    return RedirectResponse(f"/areas/{area.id}?saved=1", status_code=303)


@router.post("/areas/{area_id}/meetings")
def record_meeting(request: Request, db: DbSession, user: NationalUser, actor: ActorDep, area_id: int,
                   data: PostedData) -> Response:
    if user.role != Role.admin:
        raise NotFound()  # planners read
    area = area_records.get_area(session=db, area_id=area_id)
    typed = {part: str(data.get(f"held_on-{part}", "")) for part in ("day", "month", "year")}
    form = area_records.MeetingForm(held_on=join_date_parts(typed["day"], typed["month"], typed["year"]),
                                    notes=str(data.get("notes", "")))
    try:
        area_records.record_meeting(session=db, actor=actor, area=area, form=form, today=clock.today_in_england())
    except ValidationFailed as failure:
        return _area_page(request, db, user, area_id, errors=failure.errors, meeting={"notes": form.notes},
                          held_on=typed, status_code=422)
    return RedirectResponse(f"/areas/{area.id}?saved=meeting#meetings", status_code=303)


# --- The visit that follows -----------------------------------------------------------------------------------


@router.post("/inspections/{inspection_id}/follow-up")
def set_up_follow_up(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                     inspection: CurrentInspection, data: PostedData) -> Response:
    typed = {part: str(data.get(f"start_date-{part}", "")) for part in ("day", "month", "year")}
    form = visits.FollowUpForm(start_date=join_date_parts(typed["day"], typed["month"], typed["year"]))
    try:
        visit = visits.set_up(session=db, actor=actor, user=user, original=inspection, form=form)
    except ValidationFailed as failure:
        return _team_page(request, db, user, inspection, errors=failure.errors, follow_up_start=typed,
                          status_code=422)
    return RedirectResponse(f"/inspections/{visit.id}/progress", status_code=303)


def _progress_page(request: Request, db: Session, user: User, inspection: Inspection, *,
                   errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    visit = visits.visit_of(inspection)
    items = visits.items_of(session=db, inspection=inspection)
    return render(request, "obligations/progress.html", page_context(
        db, user, inspection, "progress", visit=visit, items=items,
        linked=visits.evidence_ids_of(session=db, items=items),
        evidence_choices=evidence_items.all_items(session=db, inspection=inspection),
        letter_parts=visits.progress_letter(session=db, inspection=inspection),
        follows=db.get(Inspection, inspection.follows_id) if inspection.follows_id else None,
        errors=errors or {}), status_code=status_code)


@router.get("/inspections/{inspection_id}/progress")
def progress_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _progress_page(request, db, user, inspection)


@router.post("/inspections/{inspection_id}/progress/{carried_id}")
def judge_progress(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                   inspection: CurrentInspection, carried_id: int, data: PostedData) -> Response:
    form = build_form(visits.ProgressForm, data)
    try:
        visits.judge(session=db, actor=actor, user=user, inspection=inspection, item_id=carried_id, form=form)
    except ValidationFailed as failure:
        return _progress_page(request, db, user, inspection, status_code=422,
                              errors={f"{key}-{carried_id}": message for key, message in failure.errors.items()})
    return RedirectResponse(f"/inspections/{inspection.id}/progress#item-{carried_id}", status_code=303)
