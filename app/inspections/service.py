"""Inspections, their timeline from the framework profile, and the team rules."""

import re
from collections.abc import Collection, Iterable
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.clock import today_in_england
from app.errors import NotFound, Purged, ValidationFailed
from app.frameworks import team as team_roles
from app.frameworks import timeline, visits, working_days
from app.frameworks.service import Profile, UnknownFramework, all_profiles, get_profile
from app.inspections import areas
from app.inspections.models import Inspection, InspectionStatus, TeamMember, TeamRole
from app.users import service as users
from app.users.models import InspectorKind, Role, User
from app.web import text

# DfE three-digit LA number (e.g. 873) or ONS code for an upper-tier authority (e.g. E10000003).
LA_CODE_RE = re.compile(r"^(\d{3}|E0[6-9]\d{6}|E10\d{6})$")

class InspectionForm(BaseModel):
    local_area: str = ""
    la_code: str = ""
    framework: str = ""
    # ISO yyyy-mm-dd; the HTML form's day/month/year are joined before this. The profile's timeline says which of
    # the two dates the lead enters (the other is worked out from it).
    start_date: str = ""
    notification_date: str = ""
    visit_kind: str = ""  # a visit that follows an inspection runs under its own timing (app/frameworks/visits.py)


# The timeline lives with the frameworks (app/frameworks/timeline.py); these names are the inspections' view of it.
Schedule = timeline.Schedule
TimelineEntry = timeline.Entry


def today_on_site() -> date:
    """The date where inspections happen: work at 00:30 in England belongs to that day, not UTC's."""
    return today_in_england()


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None


def schedule_for(profile: Profile, entered: date) -> Schedule:
    """The timeline for the date the lead enters (the profile says which: the notification or the first day on
    site)."""
    notification, on_site = timeline.plan(profile, entered)
    return timeline.schedule(profile, notification, on_site)


def _validate(form: InspectionForm) -> tuple[dict[str, str], Profile | None, date | None]:
    errors: dict[str, str] = {}
    area = form.local_area.strip()
    if not area:
        errors["local_area"] = "Enter the name of the local area"
    elif len(area) > 200:
        errors["local_area"] = "Local area name must be 200 characters or fewer"
    code = form.la_code.strip().upper()
    if not code:
        errors["la_code"] = "Enter the local authority code"
    elif not LA_CODE_RE.match(code):
        errors["la_code"] = "Enter the local authority code as 3 digits, like 873, or an ONS code, like E10000003"
    profile = None
    try:
        profile = get_profile(form.framework)
        if form.visit_kind:  # a revisit or monitoring inspection: the visit's own notice and days on site
            profile = visits.profile_for(profile.code, form.visit_kind)
    except UnknownFramework:
        errors["framework"] = "Select the inspection framework"
    start = None
    if profile is not None:
        entered = timeline.timeline_of(profile)
        field_name = "notification_date" if entered.entered == timeline.NOTIFICATION else "start_date"
        value = getattr(form, field_name)
        if not value.strip():
            errors[field_name] = f"Enter {entered.entered_label[0].lower()}{entered.entered_label[1:]}"
        else:
            start = parse_date(value)
            if start is None:
                errors[field_name] = f"{entered.entered_label} must be a real date"
            # A date out of range is refused before any working-day arithmetic.
            elif problem := (text.date_problem(start, entered.entered_label) or timeline.problem(profile, start)):
                errors[field_name] = problem
                start = None
    return errors, profile, start


def create_inspection(*, session: Session, actor: Actor, form: InspectionForm, creator: User) -> Inspection:
    errors, profile, start = _validate(form)
    if creator.role == Role.inspector:
        if creator.inspector_kind != InspectorKind.hmi:
            errors["framework"] = (errors.get("framework")
                                   or "Only one of His Majesty's Inspectors can set up and lead an inspection")
        elif _same_area(creator, form.local_area):
            errors["local_area"] = "You cannot lead an inspection of your own home area"
    if errors or profile is None or start is None:  # (no errors: _validate found both)
        raise ValidationFailed(errors)
    schedule = schedule_for(profile, start)
    inspection = Inspection(
        local_area=form.local_area.strip(),
        la_code=form.la_code.strip().upper(),
        framework=profile.code,
        start_date=schedule.on_site_days[0],
        notification_date=schedule.notification_date,
        last_on_site_date=schedule.on_site_days[-1],
        created_by_id=creator.id,
    )
    areas.link(session=session, inspection=inspection)
    session.flush()
    record(session=session, actor=actor, action="inspection.created", object_type="inspection",
           object_id=inspection.id, inspection_id=inspection.id,
           detail={"local_area": inspection.local_area, "framework": inspection.framework,
                   "start_date": inspection.start_date.isoformat(),
                   "notification_date": inspection.notification_date.isoformat()})
    if creator.role == Role.inspector:
        _add_member(session=session, actor=actor, inspection=inspection, user=creator, team_role=TeamRole.lead)
    return inspection


def update_inspection(*, session: Session, actor: Actor, inspection: Inspection, form: InspectionForm) -> Inspection:
    # Not after the purge: new dates could reopen the survey to comments no later purge would remove.
    refuse_changes_if_purged(session=session, inspection_id=inspection.id, exclusive=True)
    form = form.model_copy(update={"visit_kind": inspection.visit_kind or ""})
    errors, profile, start = _validate(form)
    if "local_area" not in errors:
        clash = [u.name for m, u in team_of(session=session, inspection=inspection) if _same_area(u, form.local_area)]
        if clash:
            errors["local_area"] = f"{', '.join(clash)} on the team comes from this area; remove them first"
    if inspection.visit_kind and profile is not None and profile.code != inspection.framework:
        errors["framework"] = "A visit that follows an inspection keeps that inspection's framework"
    if errors or profile is None or start is None:  # (no errors: _validate found both)
        raise ValidationFailed(errors)
    if inspection.visit_kind:  # its own notice and days on site
        profile = visits.profile_for(profile.code, inspection.visit_kind)
    schedule = schedule_for(profile, start)
    before = {"local_area": inspection.local_area, "la_code": inspection.la_code,
              "framework": inspection.framework, "start_date": inspection.start_date.isoformat(),
              "notification_date": inspection.notification_date.isoformat()}
    inspection.local_area = form.local_area.strip()
    inspection.la_code = form.la_code.strip().upper()
    inspection.framework = profile.code
    inspection.start_date = schedule.on_site_days[0]
    inspection.notification_date = schedule.notification_date
    inspection.last_on_site_date = schedule.on_site_days[-1]
    areas.link(session=session, inspection=inspection)
    after = {"local_area": inspection.local_area, "la_code": inspection.la_code,
             "framework": inspection.framework, "start_date": inspection.start_date.isoformat(),
             "notification_date": inspection.notification_date.isoformat()}
    record(session=session, actor=actor, action="inspection.updated", object_type="inspection",
           object_id=inspection.id, inspection_id=inspection.id,
           detail={"changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}})
    return inspection


def profile_of(inspection: Inspection) -> Profile:
    """The inspection's profile; a visit that follows one (a revisit, a monitoring inspection) runs under the
    original's with the visit's own titles and timing (app/frameworks/visits.py)."""
    if inspection.visit_kind:
        return visits.profile_for(inspection.framework, inspection.visit_kind)
    return get_profile(inspection.framework)


def schedule_of(inspection: Inspection) -> Schedule:
    """From the dates stored when the inspection was set up or last edited, so that one set up under earlier
    rules keeps the days it was given."""
    on_site = [d for d in working_days.working_days_from(inspection.start_date, 10)
               if d <= inspection.last_on_site_date]
    return timeline.schedule(profile_of(inspection), inspection.notification_date, on_site)


def date_fields(inspection: Inspection | None = None) -> list[tuple[str, str, str, str]]:
    """The form's date boxes: (field, label, hint, the frameworks that use it), one per date a framework's lead
    enters; for a visit that follows an inspection, just the date its own timeline reads."""
    profiles = ([profile_of(inspection)] if inspection is not None and inspection.visit_kind
                else list(all_profiles().values()))
    fields: dict[str, tuple[str, str, list[str]]] = {}
    for profile in profiles:
        t = timeline.timeline_of(profile)
        name = "notification_date" if t.entered == timeline.NOTIFICATION else "start_date"
        fields.setdefault(name, (t.entered_label, t.entered_hint, []))[2].append(profile.short_title)
    return [(name, label, hint, ", ".join(titles))
            for name, (label, hint, titles) in sorted(fields.items(), reverse=True)]


def framework_choices() -> list[tuple[str, str]]:
    return [(p.code, p.title) for p in all_profiles().values()]


# --- Who may see what ------------------------------------------------------------------------------------


def can_see(*, session: Session, user: User, inspection: Inspection) -> bool:
    if user.role == Role.admin:
        return True
    if user.role != Role.inspector:
        return False
    return membership(session=session, inspection_id=inspection.id, user_id=user.id) is not None


def can_manage(*, session: Session, user: User, inspection: Inspection,
               team: list[tuple[TeamMember, User]] | None = None) -> bool:
    """Admins and the inspection's lead edit it and its team. A caller that has read the team (team_of) may pass
    it, rather than have the user's membership read again."""
    if user.role == Role.admin:
        return True
    member = (next((m for m, _ in team if m.user_id == user.id), None) if team is not None
              else membership(session=session, inspection_id=inspection.id, user_id=user.id))
    return member is not None and member.team_role == TeamRole.lead


def get_inspection_for(*, session: Session, user: User, inspection_id: int) -> Inspection:
    """The inspection if this user may see it; otherwise NotFound, whether or not it exists."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not can_see(session=session, user=user, inspection=inspection):
        raise NotFound()
    return inspection


def get_inspection(*, session: Session, inspection_id: int) -> Inspection:
    """Any inspection by id, for callers that decide access themselves (the local area's portal)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound()
    return inspection


def list_for(*, session: Session, user: User) -> list[Inspection]:
    query = select(Inspection).order_by(col(Inspection.start_date).desc())
    if user.role == Role.admin:
        return list(session.exec(query).all())
    if user.role != Role.inspector:
        return []
    query = query.join(TeamMember, col(TeamMember.inspection_id) == Inspection.id).where(TeamMember.user_id == user.id)
    return list(session.exec(query).all())


def inspection_ids_of(*, session: Session, user_id: int) -> set[int]:
    """The inspections whose team this user is on."""
    return set(session.exec(select(TeamMember.inspection_id).where(TeamMember.user_id == user_id)).all())


def membership(*, session: Session, inspection_id: int, user_id: int) -> TeamMember | None:
    return session.exec(
        select(TeamMember).where(TeamMember.inspection_id == inspection_id, TeamMember.user_id == user_id)
    ).first()


# --- The team --------------------------------------------------------------------------------------------


def roles_of(inspection: Inspection) -> tuple[team_roles.Role, ...]:
    """The team's roles as the inspection's profile composes them."""
    return team_roles.roles_of(profile_of(inspection))


def role_label(inspection: Inspection, code: str) -> str:
    """A member's role in the profile's words; a role stored under an earlier composition keeps its old label."""
    found = team_roles.role(profile_of(inspection), code)
    if found is not None:
        return found.label
    return TeamRole(code).label if code in TeamRole.__members__ else code


def team_of(*, session: Session, inspection: Inspection) -> list[tuple[TeamMember, User]]:
    order = {role.code: i for i, role in enumerate(roles_of(inspection))}
    rows = session.exec(
        select(TeamMember, User).join(User, col(User.id) == TeamMember.user_id)
        .where(TeamMember.inspection_id == inspection.id)
    ).all()
    return sorted(rows, key=lambda row: (order.get(row[0].team_role, 99), row[1].name))


def team_in_words(*, session: Session, inspection: Inspection) -> list[str]:
    """The team other than the lead as the letter or report names it, in the profile's words and order, counted
    ("a Children's Services Inspector from the CQC", "two Ofsted Inspectors"): see frameworks.team.named."""
    return team_roles.named(profile_of(inspection), [m.team_role for m, _ in team_of(session=session,
                                                                                    inspection=inspection)])


def lead_of(*, session: Session, inspection: Inspection) -> User | None:
    for member, user in team_of(session=session, inspection=inspection):
        if member.team_role == TeamRole.lead:
            return user
    return None


def _same_area(user: User, area: str) -> bool:
    return bool(user.home_area) and users.normalise_area(user.home_area) == users.normalise_area(area)


def _role_problem(*, session: Session, inspection: Inspection, user: User, team_role: str,
                  ) -> dict[str, str]:
    """What stops this user holding this role on this team, keyed by the form field to blame."""
    if user.role != Role.inspector or not user.active:
        return {"email": f"{user.name} is not an active inspector"}
    if _same_area(user, inspection.local_area):
        return {"email": f"{user.name} comes from {user.home_area}, the area being inspected: "
                         "inspectors never inspect their own local area"}
    role = team_roles.role(profile_of(inspection), team_role)
    if role is None:
        return {"team_role": "Select a team role"}
    if user.inspector_kind not in role.kinds:
        return {"team_role": f"{user.name} is a {user.kind_label} and cannot be the {role.label.lower()}"}
    if team_role == TeamRole.lead:
        lead = lead_of(session=session, inspection=inspection)
        if lead is not None:
            return {"team_role": f"This inspection already has a lead inspector ({lead.name}); "
                                 "use 'Make lead' to change it"}
    return {}


def _add_member(*, session: Session, actor: Actor, inspection: Inspection, user: User, team_role: str) -> TeamMember:
    member = TeamMember(inspection_id=inspection.id, user_id=user.id, team_role=team_role)
    try:
        # A savepoint, so that a concurrent second lead (the unique index) fails this insert alone.
        with session.begin_nested():
            session.add(member)
    except IntegrityError:
        raise ValidationFailed(
            {"email": "This inspection already has a lead inspector, or this person is already on the team"}) from None
    record(session=session, actor=actor, action="team.member_added", object_type="team_member", object_id=member.id,
           inspection_id=inspection.id, detail={"user": user.email, "team_role": team_role})
    return member


def add_team_member(*, session: Session, actor: Actor, inspection: Inspection, email: str,
                    team_role: str) -> TeamMember:
    refuse_changes_if_purged(session=session, inspection_id=inspection.id)
    errors: dict[str, str] = {}
    user = None
    if not users.normalise_email(email):
        errors["email"] = "Enter the email address of the inspector to add"
    else:
        user = users.get_user_by_email(session=session, email=email)
        if user is None:
            errors["email"] = "No user has this email address; an administrator must create their account first"
        elif membership(session=session, inspection_id=inspection.id, user_id=user.id):
            errors["email"] = f"{user.name} is already on the team"
    if team_roles.role(profile_of(inspection), team_role) is None:
        errors["team_role"] = "Select a team role"
    elif user is not None and "email" not in errors:
        errors.update(_role_problem(session=session, inspection=inspection, user=user, team_role=team_role))
    if errors or user is None:  # (no errors: the user was found)
        raise ValidationFailed(errors)
    return _add_member(session=session, actor=actor, inspection=inspection, user=user, team_role=team_role)


def get_member(*, session: Session, inspection: Inspection, member_id: int) -> tuple[TeamMember, User]:
    member = session.get(TeamMember, member_id)
    if member is None or member.inspection_id != inspection.id:
        raise NotFound()
    user = session.get(User, member.user_id)
    if user is None:  # (a member's user always exists: the foreign key)
        raise NotFound()
    return member, user


def make_lead(*, session: Session, actor: Actor, inspection: Inspection, member_id: int) -> None:
    """Hand the lead to another member; the old lead keeps a role that fits their kind."""
    refuse_changes_if_purged(session=session, inspection_id=inspection.id)
    member, user = get_member(session=session, inspection=inspection, member_id=member_id)
    if user.inspector_kind != InspectorKind.hmi:
        raise ValidationFailed({"team": f"{user.name} is not one of His Majesty's Inspectors and cannot lead"})
    for other, other_user in team_of(session=session, inspection=inspection):
        if other.team_role == TeamRole.lead and other.id != member.id:
            stays = team_roles.role_for_kind(profile_of(inspection), other_user.inspector_kind or "")
            other.team_role = stays.code if stays else "shadow"
            session.add(other)
            session.flush()  # the old lead steps down before the new one steps up (one-lead index)
    member.team_role = TeamRole.lead
    session.add(member)
    session.flush()
    record(session=session, actor=actor, action="team.lead_changed", object_type="team_member", object_id=member.id,
           inspection_id=inspection.id, detail={"user": user.email})


def remove_member(*, session: Session, actor: Actor, inspection: Inspection, member_id: int) -> None:
    refuse_changes_if_purged(session=session, inspection_id=inspection.id)
    member, user = get_member(session=session, inspection=inspection, member_id=member_id)
    if member.team_role == TeamRole.lead:
        raise ValidationFailed({"team": "Make another inspector lead before removing the lead inspector"})
    session.delete(member)
    record(session=session, actor=actor, action="team.member_removed", object_type="team_member", object_id=member.id,
           inspection_id=inspection.id, detail={"user": user.email, "team_role": member.team_role})


def candidate_inspectors(*, session: Session, inspection: Inspection) -> list[User]:
    """Active inspectors not yet on the team and not from the area: what the add-member form offers."""
    on_team = {u.id for _, u in team_of(session=session, inspection=inspection)}
    rows = session.exec(
        select(User).where(User.role == Role.inspector, col(User.active).is_(True)).order_by(User.name)).all()
    return [u for u in rows if u.id not in on_team and not _same_area(u, inspection.local_area)]


# Stages the letter's lifecycle may write on the column; the earlier ones follow the calendar.
_LETTER_STAGES = {InspectionStatus.drafting, InspectionStatus.quality_assurance, InspectionStatus.published}


def status_of(inspection: Inspection, today: date | None = None) -> InspectionStatus:
    """The stage shown: from the dates (planned, notified, on site, then drafting the letter), so an inspection on
    site today says so without anyone moving it on; a later stage written on the column is kept."""
    stored = InspectionStatus(inspection.status)
    if stored in _LETTER_STAGES:
        return stored
    today = today or today_on_site()
    if today < inspection.notification_date:
        return InspectionStatus.planned
    if today < inspection.start_date:
        return InspectionStatus.notified
    if today <= inspection.last_on_site_date:
        return InspectionStatus.on_site
    return InspectionStatus.drafting


def status_label(inspection: Inspection) -> str:
    return status_of(inspection).label


# --- Lifecycle: after the purge an inspection keeps its letter and counts only ---------------------------------


def _hold(session: Session, inspection_ids: Iterable[int], *, exclusive: bool = False) -> None:
    """Lock the inspections' rows (PostgreSQL; SQLite runs one writer at a time anyway). The purge locks its
    inspection exclusively, a change shares the lock: a change either commits before the purge starts, and is
    purged with the rest, or waits for it and then sees it."""
    session.exec(select(Inspection.id).where(col(Inspection.id).in_(list(inspection_ids))).order_by(col(Inspection.id))
                 .with_for_update(read=not exclusive)).all()


def refuse_changes_if_purged(*, session: Session, inspection_id: int, exclusive: bool = False) -> None:
    """A capture, upload or edit arriving after the purge (a tablet that was offline for months, an old tab) would
    be working material no purge ever removes. `exclusive` for a change that then updates the inspection's own
    row (a shared lock could not be raised)."""
    _hold(session, [inspection_id], exclusive=exclusive)
    when = session.exec(select(Inspection.purged_at).where(Inspection.id == inspection_id)).first()
    if when is not None:
        raise Purged(when)


def purged_among(*, session: Session, inspection_ids: Collection[int]) -> dict[int, datetime]:
    """Which of these inspections were purged, and when (their rows held as refuse_changes_if_purged does)."""
    _hold(session, inspection_ids)
    rows = session.exec(select(Inspection.id, Inspection.purged_at).where(
        col(Inspection.id).in_(list(inspection_ids)), col(Inspection.purged_at).is_not(None))).all()
    return {inspection_id: when for inspection_id, when in rows if when is not None}


def hold_for_purge(*, session: Session, inspection: Inspection) -> None:
    """The purge holds its inspection exclusively: changes in flight land first and go with the rest."""
    _hold(session, [inspection.id], exclusive=True)


def mark_purged(*, session: Session, inspection: Inspection, when: datetime) -> None:
    inspection.purged_at = when
    session.add(inspection)
