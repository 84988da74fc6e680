"""Pages for the settings register, the day plan and activities, and sampled case files."""


from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import personal_data
from app.clock import today_in_england
from app.errors import ValidationFailed
from app.evidence.routes import inline_capture
from app.fieldwork import contract, rules, service
from app.fieldwork.models import (
    Activity,
    ActivityKind,
    AgeBand,
    Contribution,
    FileReview,
    IdentifierKind,
    MeetingWith,
    PrimaryNeed,
    Rating,
    SenStatus,
    Setting,
    SettingType,
)
from app.forms_common import offered_id
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.shell.page import page_context
from app.sync.entities import ENTITIES
from app.users.deps import ActorDep, CurrentUser
from app.users.models import User
from app.web import text
from app.web.deps import DbSession
from app.web.forms import FormData, PostedData, build_form, date_from, split_date
from app.web.templating import is_htmx, render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- Settings register -----------------------------------------------------------------------------------


def _settings_page(request: Request, db: Session, user: User, inspection: Inspection,
                   form: service.SettingForm | None = None, errors: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    return render(request, "fieldwork/settings.html", page_context(
        db, user, inspection, "settings", settings=service.list_settings(session=db, inspection=inspection),
        form=form or service.SettingForm(), errors=errors or {}, setting_types=list(SettingType),
        identifier_kinds=list(IdentifierKind)), status_code=status_code, block="register")


@router.get("/settings")
def settings_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _settings_page(request, db, user, inspection)


@router.post("/settings")
def add_setting(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                data: PostedData) -> Response:
    form = build_form(service.SettingForm, data)
    try:
        service.create_setting(session=db, actor=actor, inspection=inspection, form=form)
    except ValidationFailed as e:
        return _settings_page(request, db, user, inspection, form, e.errors, 422)
    if is_htmx(request):
        return _settings_page(request, db, user, inspection)
    return _see_other(f"/inspections/{inspection.id}/settings")


@router.get("/settings/{setting_id}/edit")
def edit_setting_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                      setting_id: int) -> Response:
    setting = service.get_setting(session=db, inspection=inspection, setting_id=setting_id)
    form = service.SettingForm(name=setting.name, setting_type=setting.setting_type,
                               identifier_kind=setting.identifier_kind or "", identifier=setting.identifier or "")
    return render(request, "fieldwork/setting_edit.html", page_context(
        db, user, inspection, "settings", setting=setting, form=form, setting_types=list(SettingType),
        identifier_kinds=list(IdentifierKind)))


@router.post("/settings/{setting_id}/edit")
def edit_setting(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                 setting_id: int, data: PostedData) -> Response:
    setting = service.get_setting(session=db, inspection=inspection, setting_id=setting_id)
    form = build_form(service.SettingForm, data)
    try:
        service.update_setting(session=db, actor=actor, setting=setting, form=form)
    except ValidationFailed as e:
        db.refresh(setting)
        return render(request, "fieldwork/setting_edit.html", page_context(
            db, user, inspection, "settings", setting=setting, form=form, errors=e.errors,
            setting_types=list(SettingType), identifier_kinds=list(IdentifierKind)), status_code=422)
    return _see_other(f"/inspections/{inspection.id}/settings")


# --- Day plan and activities -----------------------------------------------------------------------------


@router.get("/plan")
def plan_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
              inspector: str = "") -> Response:
    team = inspections.team_of(session=db, inspection=inspection)
    inspector_id = text.as_id(inspector)
    days = service.day_plan(session=db, inspection=inspection, inspector_id=inspector_id)
    return render(request, "fieldwork/plan.html", page_context(
        db, user, inspection, "plan", days=days, team=team, names={u.id: u.name for _, u in team},
        inspector=inspector_id,
        settings={s.id: s for s in service.list_settings(session=db, inspection=inspection)}, today=today_in_england()),
        block="days")


def _activity_form_context(db: Session, user: User, inspection: Inspection, form: service.ActivityForm,
                           activity: Activity | None = None, errors: dict[str, str] | None = None) -> dict[str, Any]:
    team = inspections.team_of(session=db, inspection=inspection)
    schedule = inspections.schedule_of(inspection)
    rows = list(zip(form.attendee_roles, form.attendee_organisations, strict=False))
    rows += [("", "")] * max(3, 6 - len(rows))
    return page_context(db, user, inspection, "plan", form=form, activity=activity, errors=errors or {},
                        contract=contract.activity_contract(schedule.on_site_days, [(u.id, u.name) for _, u in team]),
                        kinds=list(ActivityKind), meeting_withs=list(MeetingWith),
                        settings=service.list_settings(session=db, inspection=inspection),
                        team=team, days=list(enumerate(schedule.on_site_days, start=1)), attendee_rows=rows)


def _default_day(inspection: Inspection, requested: str) -> str:
    days = inspections.schedule_of(inspection).on_site_days
    if requested in {d.isoformat() for d in days}:
        return requested
    today = today_in_england()
    return (today if today in days else days[0]).isoformat()


@router.get("/activities/new")
def new_activity_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                      day: str = "", kind: str = "", setting_id: str = "") -> Response:
    form = service.ActivityForm(day=_default_day(inspection, day), kind=kind, setting_id=setting_id,
                                inspector_ids=[str(user.id)])
    return render(request, "fieldwork/activity_form.html", _activity_form_context(db, user, inspection, form))


@router.post("/activities/new")
def create_activity(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                    inspection: CurrentInspection, data: PostedData) -> Response:
    form = build_form(service.ActivityForm, data)
    try:
        _guard_activity(form, data)
        activity_id = offered_id(data.get("id"), lambda i: db.get(Activity, i) is not None)
        activity = service.create_activity(session=db, actor=actor, inspection=inspection, form=form,
                                           activity_id=activity_id)
    except ValidationFailed as e:
        return render(request, "fieldwork/activity_form.html",
                      _activity_form_context(db, user, inspection, form, errors=e.errors), status_code=422)
    return _see_other(f"/inspections/{inspection.id}/activities/{activity.id}")


def _activity_page(request: Request, db: Session, user: User, inspection: Inspection, activity: Activity,
                   **extra: Any) -> Response:
    settings: dict[int | None, Setting] = {s.id: s for s in service.list_settings(session=db, inspection=inspection)}
    team = {u.id: u.name for _, u in inspections.team_of(session=db, inspection=inspection)}
    return render(request, "fieldwork/activity.html", page_context(
        db, user, inspection, "plan", activity=activity, setting=settings.get(activity.setting_id), names=team,
        **inline_capture(db, inspection, activity.kind, activity.id),
        record=ENTITIES["activity"].to_data(activity),  # for notes saved offline: the op carries the whole record
        reviews=[r for r in service.list_file_reviews(session=db, inspection=inspection)
                 if r.activity_id == activity.id],
        **extra))


@router.get("/activities/{activity_id}")
def activity_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                  activity_id: str) -> Response:
    activity = service.get_activity(session=db, inspection=inspection, activity_id=activity_id)
    return _activity_page(request, db, user, inspection, activity)


@router.get("/activities/{activity_id}/edit")
def edit_activity_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                       activity_id: str) -> Response:
    activity = service.get_activity(session=db, inspection=inspection, activity_id=activity_id)
    form = service.ActivityForm(
        kind=activity.kind, meeting_with=activity.meeting_with or "", setting_id=str(activity.setting_id or ""),
        title=activity.title, day=activity.day.isoformat(), start_time=activity.start_time or "",
        inspector_ids=[str(i) for i in activity.inspector_ids],
        attendee_roles=[a["role"] for a in activity.attendees],
        attendee_organisations=[a["organisation"] for a in activity.attendees], notes=activity.notes)
    return render(request, "fieldwork/activity_form.html", _activity_form_context(db, user, inspection, form, activity))


@router.post("/activities/{activity_id}/edit")
def edit_activity(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                  activity_id: str, data: PostedData) -> Response:
    activity = service.get_activity(session=db, inspection=inspection, activity_id=activity_id)
    form = build_form(service.ActivityForm, data)
    try:
        _guard_activity(form, data)
        service.update_activity(session=db, actor=actor, inspection=inspection, activity=activity, form=form)
    except ValidationFailed as e:
        db.refresh(activity)
        return render(request, "fieldwork/activity_form.html",
                      _activity_form_context(db, user, inspection, form, activity, e.errors), status_code=422)
    return _see_other(f"/inspections/{inspection.id}/activities/{activity.id}")


@router.post("/activities/{activity_id}/notes")
def save_notes(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
               activity_id: str, data: PostedData) -> Response:
    """Autosave (htmx, a pause after typing) and the plain form's 'Save notes' button."""
    activity = service.get_activity(session=db, inspection=inspection, activity_id=activity_id)
    try:
        notes = str(data.get("notes", ""))
        pseudonymised = data.get("personal_data") == "pseudonymise"
        if pseudonymised:
            notes = personal_data.pseudonymise(notes)
        service.save_activity_notes(session=db, actor=actor, activity=activity, notes=notes)
    except ValidationFailed as e:
        if is_htmx(request):
            return render(request, "fieldwork/_notes_status.html", {"errors": e.errors, "activity": activity},
                          status_code=422)
        return _activity_page(request, db, user, inspection, activity, errors=e.errors)
    if is_htmx(request) and pseudonymised:  # the text on the page changed too: show it again
        return Response(status_code=200,
                        headers={"HX-Redirect": f"/inspections/{inspection.id}/activities/{activity.id}#notes"})
    if is_htmx(request):
        return render(request, "fieldwork/_notes_status.html", {"activity": activity, "saved": True})
    return _see_other(f"/inspections/{inspection.id}/activities/{activity.id}#notes")


# --- File reviews ----------------------------------------------------------------------------------------


DATE_FIELDS = tuple(name for name, _, _ in contract.DATES)


def _file_form_from(data: FormData) -> tuple[service.FileReviewForm, dict[str, dict[str, str]]]:
    dates: dict[str, str] = {}
    boxes: dict[str, dict[str, str]] = {}
    for name in DATE_FIELDS:
        dates[name], boxes[name] = date_from(data, name)
    ratings = {k.removeprefix("rating-"): v for k, v in data.items() if k.startswith("rating-") and isinstance(v, str)}
    comments = {k.removeprefix("comment-"): v for k, v in data.items()
                if k.startswith("comment-") and isinstance(v, str)}
    form = build_form(service.FileReviewForm, data, ratings=ratings, comments=comments, **dates)
    return form, boxes


def _guard_file(form: service.FileReviewForm, data: FormData) -> None:
    """The case file's notes and comments through the personal-data guard before saving (see evidence)."""
    texts = personal_data.guard({"notes": form.notes, **{f"comment-{k}": v for k, v in form.comments.items()}},
                                str(data.get("personal_data", "")))
    form.notes = texts.pop("notes")
    form.comments = {k.removeprefix("comment-"): v for k, v in texts.items()}


def _guard_activity(form: service.ActivityForm, data: FormData) -> None:
    form.notes = personal_data.guard({"notes": form.notes}, str(data.get("personal_data", "")))["notes"]


def _file_form_context(db: Session, user: User, inspection: Inspection, form: service.FileReviewForm,
                       boxes: dict[str, dict[str, str]], review: FileReview | None = None,
                       errors: dict[str, str] | None = None) -> dict[str, Any]:
    anchors = {name: f"{name}-day" for name in DATE_FIELDS}
    anchors.update({f"rating-{a.code}": f"rating-{a.code}"
                    for _, a in inspections.profile_of(inspection).file_review_aspects()})
    return page_context(
        db, user, inspection, "files", form=form, boxes=boxes, review=review, errors=errors or {},
        error_anchors=anchors,
        contract=contract.file_review_contract(inspections.profile_of(inspection)),
        age_bands=list(AgeBand), setting_types=list(SettingType), sen_statuses=list(SenStatus),
        primary_needs=list(PrimaryNeed), contributions=list(Contribution), ratings=list(Rating),
        rated_aspects=inspections.profile_of(inspection).file_review_aspects(),
        activities=service.list_activities(session=db, inspection=inspection))


@router.get("/files")
def files_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection, aspect: str = "",
               rating: str = "", timeliness: str = "", absence: str = "") -> Response:
    reviews = service.list_file_reviews(session=db, inspection=inspection)
    shown = service.filter_file_reviews(reviews, aspect=aspect, rating=rating, timeliness=timeliness, absence=absence)
    filter_text = _describe_filter(inspection, aspect, rating, timeliness, absence)
    return render(request, "fieldwork/files.html", page_context(
        db, user, inspection, "files", reviews=shown, total=len(reviews), filter_text=filter_text, rules=rules))


def _describe_filter(inspection: Inspection, aspect: str, rating: str, timeliness: str, absence: str) -> str:
    parts: list[str] = []
    if aspect:
        try:
            _, found = inspections.profile_of(inspection).aspect(aspect)
            how = Rating(rating).label.lower() if rating in Rating.__members__ else "at all"
            parts.append(f"rated {how} on: {found.text}")
        except KeyError:
            parts.append("rated on an unknown aspect")
    if timeliness:
        parts.append("plan issued within 20 weeks" if timeliness == "within"
                     else "plan issued after more than 20 weeks")
    if absence:
        parts.append(rules.ABSENCE_LABELS.get(absence, absence).lower())
    return "; ".join(parts)


@router.get("/files/summary")
def sample_summary_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return render(request, "fieldwork/sample_summary.html", page_context(
        db, user, inspection, "files", summary=service.sample_summary(session=db, inspection=inspection),
        ratings=list(Rating), absence_labels=rules.ABSENCE_LABELS))


@router.get("/files/new")
def new_file_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                  activity_id: str = "") -> Response:
    form = service.FileReviewForm(activity_id=activity_id)
    boxes = {name: split_date(None) for name in DATE_FIELDS}
    return render(request, "fieldwork/file_form.html", _file_form_context(db, user, inspection, form, boxes))


@router.post("/files/new")
def create_file(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                data: PostedData) -> Response:
    form, boxes = _file_form_from(data)
    try:
        _guard_file(form, data)
        review_id = offered_id(data.get("id"), lambda i: db.get(FileReview, i) is not None)
        review = service.create_file_review(session=db, actor=actor, inspection=inspection, form=form,
                                            review_id=review_id)
    except ValidationFailed as e:
        return render(request, "fieldwork/file_form.html",
                      _file_form_context(db, user, inspection, form, boxes, errors=e.errors), status_code=422)
    return _see_other(f"/inspections/{inspection.id}/files/{review.id}")


@router.get("/files/{review_id}")
def file_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
              review_id: str) -> Response:
    review = service.get_file_review(session=db, inspection=inspection, review_id=review_id)
    profile = inspections.profile_of(inspection)
    return render(request, "fieldwork/file.html", page_context(
        db, user, inspection, "files", review=review, rated_aspects=profile.file_review_aspects(),
        timeliness=rules.request_to_plan(review.assessment_requested_on, review.plan_issued_on),
        absence=rules.absence_band(review.attendance_percent), absence_labels=rules.ABSENCE_LABELS,
        **inline_capture(db, inspection, "file_review", review.id),
        names={u.id: u.name for _, u in inspections.team_of(session=db, inspection=inspection)},
        labels={m.value: m.label for m in (*AgeBand, *SettingType, *SenStatus, *PrimaryNeed, *Contribution, *Rating)}))


@router.get("/files/{review_id}/edit")
def edit_file_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                   review_id: str) -> Response:
    review = service.get_file_review(session=db, inspection=inspection, review_id=review_id)
    form = service.FileReviewForm(
        case_reference=review.case_reference, age_band=review.age_band, setting_type=review.setting_type,
        sen_status=review.sen_status, primary_need=review.primary_need,
        attendance_percent="" if review.attendance_percent is None else f"{review.attendance_percent:g}",
        health_contributed=review.health_contributed, social_care_contributed=review.social_care_contributed,
        ratings={k: v["rating"] for k, v in review.ratings.items()},
        comments={k: v.get("comment", "") for k, v in review.ratings.items()},
        notes=review.notes, activity_id=review.activity_id or "")
    boxes = {name: split_date(getattr(review, name)) for name in DATE_FIELDS}
    return render(request, "fieldwork/file_form.html", _file_form_context(db, user, inspection, form, boxes, review))


@router.post("/files/{review_id}/edit")
def edit_file(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
              review_id: str, data: PostedData) -> Response:
    review = service.get_file_review(session=db, inspection=inspection, review_id=review_id)
    form, boxes = _file_form_from(data)
    try:
        _guard_file(form, data)
        service.update_file_review(session=db, actor=actor, inspection=inspection, review=review, form=form)
    except ValidationFailed as e:
        db.refresh(review)
        return render(request, "fieldwork/file_form.html",
                      _file_form_context(db, user, inspection, form, boxes, review, e.errors), status_code=422)
    return _see_other(f"/inspections/{inspection.id}/files/{review.id}")
