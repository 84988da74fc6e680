"""Safeguarding concerns: recorded in one tap from any page on site (or offline, synced first), given a deadline
by their category, seen only by their author, the lead inspector and administrators, every view audited."""

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from app import forms_contract
from app.audit.service import Actor, record
from app.clock import LONDON
from app.errors import Forbidden, NotFound, ValidationFailed
from app.fieldwork import service as fieldwork
from app.forms_common import new_id, text_problem
from app.forms_contract import Choice, Contract
from app.frameworks import working_days
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import utcnow
from app.safeguarding.contract import TEXT_LIMIT, concern_contract
from app.safeguarding.models import SafeguardingConcern
from app.users.models import User
from app.web import text

END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    hint: str
    refer_to: str
    deadline: str = ""  # immediately | same_day, or empty with working_days
    working_days: int = 0

    @property
    def deadline_words(self) -> str:
        if self.deadline == "immediately":
            return "Immediately"
        if self.deadline == "same_day":
            return "By the end of the same day"
        return f"Within {self.working_days} working day{'s' if self.working_days != 1 else ''}"


@cache
def categories() -> dict[str, Category]:
    data = tomllib.loads((Path(__file__).parent / "concerns.toml").read_text(encoding="utf-8"))
    return {entry["code"]: Category(**entry) for entry in data["categories"]}


def due_by(category: Category, met_at: datetime) -> datetime:
    """When the referral is due: at once; by the end of the day met (in England); or by the end of the n-th working
    day after it (weekends and England and Wales bank holidays do not count)."""
    if category.deadline == "immediately":
        return met_at
    day = met_at.astimezone(LONDON).date()
    if category.working_days:
        day = working_days.add_working_days(day, category.working_days)
    return datetime.combine(day, END_OF_DAY, LONDON).astimezone(UTC)


class ConcernForm(BaseModel):
    category: str = ""
    setting_id: str = ""
    setting_name: str = ""
    what_happened: str = ""
    reported_to: str = ""
    reported_on: str = ""  # YYYY-MM-DD
    reported_time: str = ""  # HH:MM, England's time
    referral_reference: str = ""
    met_at: str = ""  # ISO time the inspector met it (a tablet's clock, offline); now if not given


def _reported_at(form: ConcernForm, errors: dict[str, str]) -> datetime | None:
    if not form.reported_on and not form.reported_time:
        return None
    try:
        # Only the day and the time of day are read here; they are placed in England's zone below.
        day = datetime.strptime(form.reported_on.strip(), "%Y-%m-%d").date()  # noqa: DTZ007
        hour = datetime.strptime(form.reported_time.strip() or "00:00", "%H:%M").time()  # noqa: DTZ007
    except ValueError:
        errors["reported_on"] = "Enter the date and time it was reported, like 9 March 2027 at 14:30"
        return None
    if problem := text.date_problem(day, "The date it was reported"):
        errors["reported_on"] = problem
        return None
    when = datetime.combine(day, hour, LONDON).astimezone(UTC)
    if when > utcnow() + timedelta(minutes=5):
        errors["reported_on"] = "The time it was reported must be in the past"
    return when


def _met_at(form: ConcernForm, errors: dict[str, str]) -> datetime:
    if not form.met_at:
        return utcnow()
    try:
        when = datetime.fromisoformat(form.met_at)  # a "Z" ending too
    except ValueError:
        errors["met_at"] = "met_at must be an ISO date and time"
        return utcnow()
    if problem := text.date_problem(when, "The time you met it"):
        errors["met_at"] = problem
        return utcnow()
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return min(when.astimezone(UTC), utcnow())  # a tablet's clock running fast must not push the deadline out


@cache
def contract() -> Contract:
    return concern_contract(tuple(Choice(c.code, c.label) for c in categories().values()))


def _checked(session: Session, inspection: Inspection, form: ConcernForm) -> dict[str, Any]:
    """The form's contract (the rules the tablet applies too), then what only the server knows."""
    errors = forms_contract.check(contract(), form.model_dump())
    category = categories().get(form.category)
    if category is None:
        errors.setdefault("category", contract().field("category").required or "")
    setting_id = None
    if form.setting_id:
        try:
            setting_id = fieldwork.get_setting(session=session, inspection=inspection, setting_id=form.setting_id).id
        except NotFound:
            errors["setting_id"] = "Select a setting from the register, or leave it empty"
    reported_at = _reported_at(form, errors)
    met_at = _met_at(form, errors)
    if errors:
        order = [f.name for f in contract().fields] + ["met_at"]
        raise ValidationFailed({name: errors[name] for name in order if name in errors})
    return {"category": category, "setting_id": setting_id, "reported_at": reported_at, "met_at": met_at}


def record_concern(*, session: Session, actor: Actor, inspection: Inspection, form: ConcernForm,
                   concern_id: str | None = None) -> SafeguardingConcern:
    clean = _checked(session, inspection, form)
    concern = SafeguardingConcern(
        id=new_id(concern_id), inspection_id=inspection.id, author_id=actor.user_id, category=form.category,
        setting_id=clean["setting_id"], setting_name=form.setting_name.strip(),
        what_happened=form.what_happened.strip(),
        reported_to=form.reported_to.strip(), reported_at=clean["reported_at"],
        referral_reference=form.referral_reference.strip(), met_at=clean["met_at"],
        due_by=due_by(clean["category"], clean["met_at"]))
    session.add(concern)
    session.flush()
    # The audit keeps that it happened and its kind, never what was seen (the audit log is wider reading).
    record(session=session, actor=actor, action="safeguarding.concern_recorded", object_type="safeguarding_concern",
           object_id=concern.id, inspection_id=inspection.id, detail={"category": concern.category})
    return concern


def record_referral(*, session: Session, actor: Actor, user: User, inspection: Inspection,
                    concern: SafeguardingConcern, form: ConcernForm) -> SafeguardingConcern:
    """Who it was reported to, when, and the referral's reference, added after the first record."""
    if not can_see(session=session, user=user, inspection=inspection, concern=concern):
        raise NotFound()
    errors: dict[str, str] = {}
    reported_at = _reported_at(form, errors)
    for name, limit, what in (("reported_to", 300, "Who it was reported to"),
                              ("referral_reference", 100, "The reference")):
        if problem := text_problem(getattr(form, name), required=None, limit=limit, what=what):
            errors[name] = problem
    if not form.reported_to.strip():
        errors["reported_to"] = "Enter who it was reported to"
    if reported_at is None and "reported_on" not in errors:
        errors["reported_on"] = "Enter the date and time it was reported"
    if errors:
        raise ValidationFailed(errors)
    concern.reported_to, concern.reported_at = form.reported_to.strip(), reported_at
    concern.referral_reference = form.referral_reference.strip()
    session.add(concern)
    record(session=session, actor=actor, action="safeguarding.referral_recorded", object_type="safeguarding_concern",
           object_id=concern.id, inspection_id=inspection.id)
    return concern


def mark_actioned(*, session: Session, actor: Actor, user: User, inspection: Inspection,
                  concern: SafeguardingConcern, note: str) -> SafeguardingConcern:
    if not inspections.can_manage(session=session, user=user, inspection=inspection):
        raise Forbidden()
    if problem := text_problem(note, required="Say what was done", limit=TEXT_LIMIT, what="What was done"):
        raise ValidationFailed({"action_note": problem})
    concern.actioned_at, concern.actioned_by_id, concern.action_note = utcnow(), user.id, note.strip()
    session.add(concern)
    record(session=session, actor=actor, action="safeguarding.concern_actioned", object_type="safeguarding_concern",
           object_id=concern.id, inspection_id=inspection.id)
    return concern


# --- Who sees what ----------------------------------------------------------------------------------------------

def can_see(*, session: Session, user: User, inspection: Inspection, concern: SafeguardingConcern) -> bool:
    """Its author, the inspection's lead and administrators (can_manage is exactly those two)."""
    return concern.author_id == user.id or inspections.can_manage(session=session, user=user, inspection=inspection)


def get_concern(*, session: Session, actor: Actor, user: User, inspection: Inspection,
                concern_id: str) -> SafeguardingConcern:
    """The concern if this user may see it (the view is audited); otherwise NotFound, whether or not it exists."""
    concern = session.get(SafeguardingConcern, concern_id)
    if concern is None or concern.inspection_id != inspection.id or not can_see(
            session=session, user=user, inspection=inspection, concern=concern):
        raise NotFound()
    record(session=session, actor=actor, action="safeguarding.concern_viewed", object_type="safeguarding_concern",
           object_id=concern.id, inspection_id=inspection.id)
    return concern


def visible_concerns(*, session: Session, actor: Actor, user: User,
                     inspection: Inspection) -> list[SafeguardingConcern]:
    """All of them for the lead and administrators; one's own for anyone else. The listing is audited."""
    query = select(SafeguardingConcern).where(SafeguardingConcern.inspection_id == inspection.id)
    if not inspections.can_manage(session=session, user=user, inspection=inspection):
        query = query.where(SafeguardingConcern.author_id == user.id)
    found = list(session.exec(query.order_by(col(SafeguardingConcern.actioned_at).is_not(None),
                                             col(SafeguardingConcern.due_by))).all())
    record(session=session, actor=actor, action="safeguarding.concerns_listed", object_type="inspection",
           object_id=str(inspection.id), inspection_id=inspection.id, detail={"shown": len(found)})
    return found


def open_count(*, session: Session, inspection: Inspection) -> int:
    """Concerns not yet marked actioned (the lead's banner)."""
    return session.exec(select(func.count()).select_from(SafeguardingConcern).where(
        SafeguardingConcern.inspection_id == inspection.id, col(SafeguardingConcern.actioned_at).is_(None))).one()


def is_overdue(concern: SafeguardingConcern, now: datetime | None = None) -> bool:
    return concern.reported_at is None and (now or utcnow()) > concern.due_by


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    concerns = session.exec(select(SafeguardingConcern).where(SafeguardingConcern.inspection_id == inspection_id)).all()
    if not dry_run:
        for concern in concerns:
            session.delete(concern)
        session.flush()
    return {"safeguarding_concerns": len(concerns)}
