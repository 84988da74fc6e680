"""The settings register, the day plan of activities, and sampled case files (file reviews)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, literal, union_all
from sqlmodel import Session, col, func, select

from app import forms_contract, personal_data
from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.fieldwork import rules
from app.fieldwork.contract import DATES, NOTES_LIMIT, activity_contract, file_review_contract
from app.fieldwork.models import (
    Activity,
    ActivityKind,
    FileReview,
    IdentifierKind,
    MeetingWith,
    Rating,
    SenStatus,
    Setting,
    SettingType,
)
from app.forms_common import choice_problem, new_id, parse_iso_date, text_problem
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import utcnow
from app.web import text

# --- Settings register -----------------------------------------------------------------------------------


class SettingForm(BaseModel):
    name: str = ""
    setting_type: str = ""
    identifier_kind: str = ""
    identifier: str = ""


def _setting_errors(form: SettingForm) -> dict[str, str]:
    errors = {}
    if problem := text_problem(form.name, required="Enter the setting's name", limit=200, what="Name"):
        errors["name"] = problem
    if problem := choice_problem(form.setting_type, SettingType, "Select the type of setting"):
        errors["setting_type"] = problem
    if form.identifier.strip():
        if problem := choice_problem(form.identifier_kind, IdentifierKind, "Select the kind of identifier"):
            errors["identifier_kind"] = problem
        elif problem := rules.identifier_problem(form.identifier_kind, form.identifier):
            errors["identifier"] = problem
    return errors


def _apply_setting(setting: Setting, form: SettingForm) -> None:
    setting.name = form.name.strip()
    setting.setting_type = form.setting_type
    has_identifier = bool(form.identifier.strip())
    setting.identifier_kind = form.identifier_kind if has_identifier else None
    setting.identifier = form.identifier.strip().upper() if has_identifier else None


def create_setting(*, session: Session, actor: Actor, inspection: Inspection, form: SettingForm) -> Setting:
    if errors := _setting_errors(form):
        raise ValidationFailed(errors)
    setting = Setting(inspection_id=inspection.id, name="", setting_type="")
    _apply_setting(setting, form)
    session.add(setting)
    session.flush()
    record(session=session, actor=actor, action="setting.created", object_type="setting", object_id=setting.id,
           inspection_id=inspection.id, detail={"name": setting.name, "setting_type": setting.setting_type})
    return setting


def update_setting(*, session: Session, actor: Actor, setting: Setting, form: SettingForm) -> Setting:
    if errors := _setting_errors(form):
        raise ValidationFailed(errors)
    _apply_setting(setting, form)
    session.add(setting)
    record(session=session, actor=actor, action="setting.updated", object_type="setting", object_id=setting.id,
           inspection_id=setting.inspection_id, detail={"name": setting.name})
    return setting


def list_settings(*, session: Session, inspection: Inspection) -> list[Setting]:
    return list(session.exec(
        select(Setting).where(Setting.inspection_id == inspection.id).order_by(col(Setting.name))).all())


def get_setting(*, session: Session, inspection: Inspection, setting_id: int | str | None) -> Setting:
    setting = session.get(Setting, sid) if (sid := text.as_id(setting_id)) else None
    if setting is None or setting.inspection_id != inspection.id:
        raise NotFound()
    return setting


# --- Activities (the day plan) ---------------------------------------------------------------------------


class ActivityForm(BaseModel):
    kind: str = ""
    meeting_with: str = ""
    setting_id: str = ""
    title: str = ""
    day: str = ""  # ISO date, one of the days on site
    start_time: str = ""
    inspector_ids: list[str] = []
    attendee_roles: list[str] = []
    attendee_organisations: list[str] = []
    notes: str = ""


def _activity_errors(session: Session, inspection: Inspection,
                     form: ActivityForm) -> tuple[dict[str, str], dict[str, Any]]:
    """Errors, and the cleaned values to store: the form's contract (the rules the tablet applies too), then what
    only the database knows."""
    team = inspections.team_of(session=session, inspection=inspection)
    contract = activity_contract(inspections.schedule_of(inspection).on_site_days,
                                 [(user.id, user.name) for _, user in team])
    values = form.model_dump()
    day = parse_iso_date(form.day)
    values["day"] = day.isoformat() if day else form.day
    values["inspector_ids"] = [str(int(i)) if i.strip().isdigit() else i
                               for i in (str(i) for i in form.inspector_ids) if i.strip()]
    errors = forms_contract.check(contract, values)
    clean: dict[str, Any] = {"day": day, "inspector_ids": [] if "inspector_ids" in errors else
                   sorted({int(i) for i in values["inspector_ids"]})}
    clean["setting_id"] = None
    if form.setting_id.strip():
        try:
            clean["setting_id"] = get_setting(session=session, inspection=inspection, setting_id=form.setting_id).id
        except NotFound:
            errors["setting_id"] = "Select a setting from this inspection's register"
    attendees = []
    for role, organisation in zip(form.attendee_roles, form.attendee_organisations, strict=False):
        if role.strip() or organisation.strip():
            if len(role) > 120 or len(organisation) > 200:
                errors["attendees"] = ("Each attendee's role and organisation must be shorter than 120 and 200 "
                                       "characters")
            attendees.append({"role": role.strip(), "organisation": organisation.strip()})
    if len(attendees) > 50:
        errors["attendees"] = "Record at most 50 attendees"
    clean["attendees"] = attendees
    return {name: errors[name] for name in _ACTIVITY_ORDER if name in errors}, clean


# The order the form asks its questions in, for the error summary.
_ACTIVITY_ORDER = ("kind", "meeting_with", "setting_id", "title", "day", "start_time", "inspector_ids", "attendees",
                   "notes")


def _default_title(session: Session, inspection: Inspection, form: ActivityForm, setting_id: int | None) -> str:
    if form.kind == ActivityKind.setting_visit and setting_id:
        return f"Visit to {get_setting(session=session, inspection=inspection, setting_id=setting_id).name}"
    if form.kind == ActivityKind.meeting and form.meeting_with in MeetingWith.__members__:
        label = MeetingWith(form.meeting_with).label
        return f"Meeting with {label[0].lower()}{label[1:]}"
    return ActivityKind(form.kind).label if form.kind in ActivityKind.__members__ else "Activity"


def _apply_activity(session: Session, inspection: Inspection, activity: Activity, form: ActivityForm,
                    clean: dict[str, Any]) -> None:
    activity.kind = form.kind
    activity.meeting_with = form.meeting_with if form.kind == ActivityKind.meeting else None
    activity.setting_id = clean["setting_id"]
    activity.title = form.title.strip() or _default_title(session, inspection, form, clean["setting_id"])
    activity.day = clean["day"]
    activity.start_time = form.start_time.strip() or None
    activity.inspector_ids = clean["inspector_ids"]
    activity.attendees = clean["attendees"]
    activity.notes = form.notes.strip()
    activity.personal_data = personal_data.kinds(activity.notes)


def create_activity(*, session: Session, actor: Actor, inspection: Inspection, form: ActivityForm,
                    activity_id: str | None = None) -> Activity:
    errors, clean = _activity_errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    activity = Activity(id=new_id(activity_id), inspection_id=inspection.id, kind="", title="", day=clean["day"],
                        created_by_id=actor.user_id)
    _apply_activity(session, inspection, activity, form, clean)
    session.add(activity)
    session.flush()
    record(session=session, actor=actor, action="activity.created", object_type="activity", object_id=activity.id,
           inspection_id=inspection.id, detail={"kind": activity.kind, "day": activity.day.isoformat()})
    return activity


def update_activity(*, session: Session, actor: Actor, inspection: Inspection, activity: Activity,
                    form: ActivityForm) -> Activity:
    errors, clean = _activity_errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    _apply_activity(session, inspection, activity, form, clean)
    _bump(activity)
    session.add(activity)
    record(session=session, actor=actor, action="activity.updated", object_type="activity", object_id=activity.id,
           inspection_id=inspection.id, detail={"version": activity.version})
    return activity


def save_activity_notes(*, session: Session, actor: Actor, activity: Activity, notes: str) -> Activity:
    """Autosave of long notes: only the notes change."""
    if problem := text_problem(notes, required=None, limit=NOTES_LIMIT, what="Notes"):
        raise ValidationFailed({"notes": problem})
    if notes.strip() != activity.notes:
        activity.notes = notes.strip()
        activity.personal_data = personal_data.kinds(activity.notes)
        _bump(activity)
        session.add(activity)
        record(session=session, actor=actor, action="activity.notes_saved", object_type="activity",
               object_id=activity.id, inspection_id=activity.inspection_id, detail={"version": activity.version})
    return activity


def _bump(row: Activity | FileReview) -> None:
    row.version += 1
    row.updated_at = utcnow()


def get_activity(*, session: Session, inspection: Inspection, activity_id: str) -> Activity:
    activity = session.get(Activity, str(activity_id))
    if activity is None or activity.inspection_id != inspection.id:
        raise NotFound()
    return activity


def list_activities(*, session: Session, inspection: Inspection, day: date | None = None,
                    inspector_id: int | None = None) -> list[Activity]:
    query = select(Activity).where(Activity.inspection_id == inspection.id)
    if day:
        query = query.where(Activity.day == day)
    rows = session.exec(query.order_by(col(Activity.day), col(Activity.start_time).is_(None), col(Activity.start_time),
                                       col(Activity.title))).all()
    return [a for a in rows if inspector_id is None or inspector_id in a.inspector_ids]


def source_kinds(*, session: Session, inspection: Inspection, ids: list[str]) -> dict[str, str]:
    """For evidence sources: id -> the activity's kind, or "file_review", for those ids in this inspection."""
    wanted = sorted(set(ids))
    kinds = dict(session.exec(select(Activity.id, Activity.kind).where(
        Activity.inspection_id == inspection.id, col(Activity.id).in_(wanted))).all())
    kinds.update(dict.fromkeys(session.exec(select(FileReview.id).where(
        FileReview.inspection_id == inspection.id, col(FileReview.id).in_(wanted))).all(), "file_review"))
    return kinds


def source_days(*, session: Session, inspection: Inspection, ids: list[str]) -> dict[str, date]:
    """For evidence sources: id -> the day it happened, for those ids in this inspection that have one: an
    activity's day, or the day of the activity a case file was seen during (a case file seen during none has no
    day of its own)."""
    wanted = sorted(set(ids))
    days = dict(session.exec(select(col(Activity.id), col(Activity.day)).where(
        Activity.inspection_id == inspection.id, col(Activity.id).in_(wanted))).all())
    seen_during = (select(col(FileReview.id), col(Activity.day))
                   .join(Activity, col(FileReview.activity_id) == col(Activity.id))
                   .where(FileReview.inspection_id == inspection.id, col(FileReview.id).in_(wanted)))
    days.update(session.exec(seen_during).all())
    return days


# --- File reviews (sampled case files) -------------------------------------------------------------------


class FileReviewForm(BaseModel):
    case_reference: str = ""
    age_band: str = ""
    setting_type: str = ""
    sen_status: str = ""
    primary_need: str = ""
    concern_raised_on: str = ""
    assessment_requested_on: str = ""
    plan_issued_on: str = ""
    attendance_percent: str = ""
    health_contributed: str = "not_known"
    social_care_contributed: str = "not_known"
    ratings: dict[str, str] = {}  # aspect code -> rating
    comments: dict[str, str] = {}  # aspect code -> comment
    notes: str = ""
    activity_id: str = ""


def _file_review_errors(session: Session, inspection: Inspection,
                        form: FileReviewForm) -> tuple[dict[str, str], dict[str, Any]]:
    """Errors and cleaned values: the form's contract (the rules the tablet applies too), then what only the
    database knows."""
    values = form.model_dump()
    values["ratings"] = {code: {"rating": rating, "comment": form.comments.get(code) or ""}
                         for code, rating in form.ratings.items()}
    errors = forms_contract.check(file_review_contract(inspections.profile_of(inspection)), values)
    clean: dict[str, Any] = {name: None if name in errors else parse_iso_date(getattr(form, name).strip() or None)
                   for name, _, _ in DATES}
    percent = forms_contract.parse_number(form.attendance_percent) if form.attendance_percent.strip() else None
    clean["attendance_percent"] = None if percent is None or "attendance_percent" in errors else round(percent, 1)
    clean["ratings"] = {code: {"rating": given["rating"], "comment": given["comment"].strip()}
                        for code, given in values["ratings"].items() if given["rating"]}
    clean["activity_id"] = None
    if form.activity_id.strip():
        try:
            clean["activity_id"] = get_activity(session=session, inspection=inspection, activity_id=form.activity_id).id
        except NotFound:
            errors["activity_id"] = "Select an activity from this inspection's day plan"
    return errors, clean


def _apply_file_review(review: FileReview, form: FileReviewForm, clean: dict[str, Any]) -> None:
    review.case_reference = form.case_reference.strip()
    review.age_band = form.age_band
    review.setting_type = form.setting_type
    review.sen_status = form.sen_status
    review.primary_need = form.primary_need
    review.concern_raised_on = clean["concern_raised_on"]
    review.assessment_requested_on = clean["assessment_requested_on"]
    review.plan_issued_on = clean["plan_issued_on"]
    review.attendance_percent = clean["attendance_percent"]
    review.health_contributed = form.health_contributed
    review.social_care_contributed = form.social_care_contributed
    review.ratings = clean["ratings"]
    review.notes = form.notes.strip()
    review.activity_id = clean["activity_id"]
    review.personal_data = personal_data.kinds_in(review.notes,
                                                  *(r.get("comment", "") for r in review.ratings.values()))


def create_file_review(*, session: Session, actor: Actor, inspection: Inspection, form: FileReviewForm,
                       review_id: str | None = None) -> FileReview:
    errors, clean = _file_review_errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    review = FileReview(id=new_id(review_id), inspection_id=inspection.id, case_reference="", age_band="",
                        setting_type="", sen_status="", primary_need="", reviewed_by_id=actor.user_id)
    _apply_file_review(review, form, clean)
    session.add(review)
    session.flush()
    record(session=session, actor=actor, action="file_review.created", object_type="file_review",
           object_id=review.id, inspection_id=inspection.id, detail={"case_reference": review.case_reference})
    return review


def update_file_review(*, session: Session, actor: Actor, inspection: Inspection, review: FileReview,
                       form: FileReviewForm) -> FileReview:
    errors, clean = _file_review_errors(session, inspection, form)
    if errors:
        raise ValidationFailed(errors)
    _apply_file_review(review, form, clean)
    _bump(review)
    session.add(review)
    record(session=session, actor=actor, action="file_review.updated", object_type="file_review",
           object_id=review.id, inspection_id=inspection.id, detail={"version": review.version})
    return review


def get_file_review(*, session: Session, inspection: Inspection, review_id: str) -> FileReview:
    review = session.get(FileReview, str(review_id))
    if review is None or review.inspection_id != inspection.id:
        raise NotFound()
    return review


def list_file_reviews(*, session: Session, inspection: Inspection) -> list[FileReview]:
    return list(session.exec(select(FileReview).where(FileReview.inspection_id == inspection.id)
                             .order_by(FileReview.case_reference)).all())


def filter_file_reviews(reviews: list[FileReview], *, aspect: str = "", rating: str = "", timeliness: str = "",
                        absence: str = "") -> list[FileReview]:
    """The files behind a figure of the sample summary."""
    out = []
    for review in reviews:
        if aspect:
            given = (review.ratings.get(aspect) or {}).get("rating")
            if given is None or (rating and given != rating):
                continue
        if timeliness:
            t = rules.request_to_plan(review.assessment_requested_on, review.plan_issued_on)
            if t is None or (timeliness == "within") == t.over_limit:
                continue
        if absence and rules.absence_band(review.attendance_percent) != absence:
            continue
        out.append(review)
    return out


@dataclass
class AspectDistribution:
    heading: int
    code: str
    text: str
    counts: dict[str, int]  # rating -> number of files
    rated: int

    @property
    def sentence(self) -> str:
        parts = [f"{Rating(r).label.lower()} in {n}" for r, n in self.counts.items() if n]
        return f"{', '.join(parts)} of {self.rated} files" if parts else "not rated in any file yet"


@dataclass
class SampleSummary:
    total: int
    aspects: list[AspectDistribution] = field(default_factory=list)
    plans_with_dates: int = 0
    plans_within_20_weeks: int = 0
    absence: dict[str, int] = field(default_factory=dict)
    attendance_recorded: int = 0

    @property
    def within_20_weeks_percent(self) -> float | None:
        return round(100 * self.plans_within_20_weeks / self.plans_with_dates, 1) if self.plans_with_dates else None


def sample_summary(*, session: Session, inspection: Inspection) -> SampleSummary:
    reviews = list_file_reviews(session=session, inspection=inspection)
    summary = SampleSummary(total=len(reviews))
    for heading, aspect in inspections.profile_of(inspection).file_review_aspects():
        counts = Counter(r.ratings[aspect.code]["rating"] for r in reviews if aspect.code in r.ratings)
        summary.aspects.append(AspectDistribution(heading.number, aspect.code, aspect.text,
                                                  {rating.value: counts.get(rating.value, 0) for rating in Rating},
                                                  sum(counts.values())))
    for review in reviews:
        timeliness = rules.request_to_plan(review.assessment_requested_on, review.plan_issued_on)
        if timeliness:
            summary.plans_with_dates += 1
            summary.plans_within_20_weeks += not timeliness.over_limit
    bands = Counter(rules.absence_band(r.attendance_percent) for r in reviews if r.attendance_percent is not None)
    summary.absence = {band: bands.get(band, 0) for band in ("persistent", "severe", "none")}
    summary.attendance_recorded = sum(bands.values())
    return summary


@dataclass(frozen=True)
class SampleFigure:
    percent: float
    files: int  # how many sampled files the figure is out of


def sample_figures(*, session: Session, inspection: Inspection) -> dict[str, SampleFigure]:
    """The case-file sample's own figures for things the area also reports (its data template names them):
    the share of plans issued within 20 weeks, and persistent absence (below 90%) by SEN status."""
    reviews = list_file_reviews(session=session, inspection=inspection)
    figures: dict[str, SampleFigure] = {}
    timed = [t for r in reviews if (t := rules.request_to_plan(r.assessment_requested_on, r.plan_issued_on))]
    if timed:
        figures["plans_within_20_weeks"] = SampleFigure(
            round(100 * sum(not t.over_limit for t in timed) / len(timed), 1), len(timed))
    for key, status in (("persistent_absence_with_plan", SenStatus.plan_in_place),
                        ("persistent_absence_sen_support", SenStatus.sen_support)):
        recorded = [r.attendance_percent for r in reviews
                    if r.sen_status == status and r.attendance_percent is not None]
        if recorded:
            absent = sum(1 for p in recorded if p < rules.PERSISTENT_ABSENCE_BELOW)
            figures[key] = SampleFigure(round(100 * absent / len(recorded), 1), len(recorded))
    return figures


def day_plan(*, session: Session, inspection: Inspection, inspector_id: int | None = None
             ) -> list[tuple[int, date, list[Activity]]]:
    """(day number, date, activities) for each day on site."""
    by_day = defaultdict(list)
    for activity in list_activities(session=session, inspection=inspection, inspector_id=inspector_id):
        by_day[activity.day].append(activity)
    days = inspections.schedule_of(inspection).on_site_days
    return [(n, d, by_day.get(d, [])) for n, d in enumerate(days, start=1)]


# What evidence links to: activity titles and case references of an inspection (bound as inspection_id), in one
# statement built once (a page's list of evidence reads them on every request).
_TITLES: Any = union_all(  # a Core union: SQLModel types select() and exec for its own selects only
    select(Activity.id, Activity.title, literal(False)).where(Activity.inspection_id == bindparam("inspection_id")),
    select(FileReview.id, FileReview.case_reference, literal(True)).where(
        FileReview.inspection_id == bindparam("inspection_id")))


def source_titles(*, session: Session, inspection: Inspection) -> dict[str, str]:
    """What evidence links to, by id: activity titles and case references (titles only, for long lists)."""
    return {source_id: f"Case file {title}" if case_file else title for source_id, title, case_file
            in session.exec(_TITLES, params={"inspection_id": inspection.id}).all()}


def titled_sources(items: Any) -> tuple[Any, Any]:
    """For another domain's statement that lists evidence items (`items`, a subquery with their source_id and
    inspection_id): the title source_titles gives each item's source, and what to select it from (the items joined
    to the activities and case files they link to). A list of a few items reads its sources' titles with them."""
    activity = and_(Activity.id == items.c.source_id, Activity.inspection_id == items.c.inspection_id)
    review = and_(FileReview.id == items.c.source_id, FileReview.inspection_id == items.c.inspection_id)
    title = func.coalesce(Activity.title, literal("Case file ") + FileReview.case_reference)
    return title, items.outerjoin(Activity, activity).outerjoin(FileReview, review)


def delete_activity(*, session: Session, actor: Actor, inspection: Inspection, activity: Activity) -> None:
    record(session=session, actor=actor, action="activity.deleted", object_type="activity", object_id=activity.id,
           inspection_id=inspection.id, detail={"title": activity.title, "version": activity.version})
    session.delete(activity)


def delete_file_review(*, session: Session, actor: Actor, inspection: Inspection, review: FileReview) -> None:
    record(session=session, actor=actor, action="file_review.deleted", object_type="file_review", object_id=review.id,
           inspection_id=inspection.id, detail={"case_reference": review.case_reference, "version": review.version})
    session.delete(review)


def flagged_for_personal_data(*, session: Session, inspection: Inspection) -> dict[str, int]:
    """Activities whose notes, and case files whose notes or comments, still seem to hold personal data."""
    activities = session.exec(select(Activity.personal_data).where(Activity.inspection_id == inspection.id)).all()
    reviews = session.exec(select(FileReview.personal_data).where(FileReview.inspection_id == inspection.id)).all()
    return {"activity notes": sum(1 for k in activities if k), "case files": sum(1 for k in reviews if k)}


# --- Retention -------------------------------------------------------------------------------------------------


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """Case files go and activities lose their notes (the visits themselves stay, for the counts), through the
    ORM with the version moved on, so the change feed carries each to the tablets."""
    reviews = session.exec(select(FileReview).where(FileReview.inspection_id == inspection_id)).all()
    noted = session.exec(select(Activity).where(Activity.inspection_id == inspection_id, Activity.notes != "")).all()
    if not dry_run:
        for review in reviews:
            session.delete(review)
        for activity in noted:
            activity.notes, activity.personal_data, activity.version = "", [], activity.version + 1
            session.add(activity)
        session.flush()
    return {"case_files": len(reviews), "activity_notes": len(noted)}


def kept_figures(*, session: Session, inspection_id: int) -> dict[str, Any]:
    kinds = session.exec(select(Activity.kind, func.count()).where(Activity.inspection_id == inspection_id)
                         .group_by(Activity.kind)).all()
    case_files = session.exec(select(func.count()).select_from(FileReview)
                              .where(FileReview.inspection_id == inspection_id)).one()
    return {"activities": dict(sorted(kinds)), "case_files": case_files}
