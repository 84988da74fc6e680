"""An obviously fictional demo: a made-up local area, its inspection and demo logins. Never real people."""

import random
import uuid
from datetime import date, timedelta

from sqlmodel import Session

from app.audit.service import Actor
from app.casetracking import service as casetracking
from app.clock import today_in_england
from app.evidence import service as evidence
from app.fieldwork import service as fieldwork
from app.flows import setup
from app.frameworks import timeline, working_days
from app.frameworks.service import get_profile
from app.inspections import areas as area_records
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import decisions, editing, workflow
from app.letters import service as letters
from app.letters.states import LetterStatus
from app.obligations import service as obligations
from app.portal import claims, invitations
from app.survey import service as survey
from app.survey.content import questionnaires
from app.survey.models import SurveyResponse
from app.users import service as users
from app.users.models import User

DEMO_AREA = "Fictional Vale (demo)"

# (email, name, role, inspector kind, home area, password)
DEMO_USERS = [
    ("admin@example.org", "Demo Administrator", "admin", "", "", "demo-admin-password"),
    ("lead@example.org", "Ada Lead (demo HMI)", "inspector", "hmi", "", "demo-lead-password"),
    ("cqc@example.org", "Cyril Care (demo CQC)", "inspector", "cqc", "", "demo-cqc-password"),
    ("peer@example.org", "Priya Peer (demo LA inspector)", "inspector", "la_peer", "Imaginary Borough (demo)",
     "demo-peer-password"),
    ("oi@example.org", "Otto Other (demo Ofsted Inspector)", "inspector", "ofsted_inspector", "",
     "demo-other-password"),
    ("officer@example.org", "Nia Nominated (demo LA officer)", "la_officer", "", DEMO_AREA, "demo-officer-password"),
    ("officer2@example.org", "Pat Partnership (demo LA officer)", "la_officer", "", "Pretendshire (demo)",
     "demo-officer2-password"),
    ("planner@example.org", "Pia Planner (demo planner)", "planner", "", "", "demo-planner-password"),
]

# A second made-up area whose inspection is over: its report is published with "widespread and/or systemic
# failings", so it owes a priority action plan, and the national view has something to show.
PUBLISHED_AREA, PUBLISHED_LA_CODE = "Pretendshire (demo)", "998"
PUBLISHED_ICB = "NHS Pretendshire Integrated Care Board (demo)"

# Administrators must use two-factor sign-in; the demo's key is printed so a person can add it to an
# authenticator app (a demo only: a real key is made at enrolment and shown once).
DEMO_ADMIN_TOTP_KEY = "DEMOADMINFICTIONALKEY234567ABCDE"

DEMO_TEAM = [("cqc@example.org", "cqc_inspector"), ("peer@example.org", "la_inspector")]


def demo_start_date(today: date) -> date:
    """The send-2016 week on site (Monday to Friday) that holds the day two working days ahead, the notice period:
    loaded Thursday to Sunday, notice has been given and the week on site is next week; loaded Monday to
    Wednesday, the team is on site this week. Either way the survey is open and the week on site is not over."""
    return timeline.first_working_day_of_week(working_days.add_working_days(today, 2)) or today


def seed(*, session: Session, today: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo users and inspection if they are not there. Returns (email, password, who) to print."""
    actor = Actor.system("seed-demo")
    created: dict[str, User] = {}
    for email, name, role, kind, home, password in DEMO_USERS:
        user = users.get_user_by_email(session=session, email=email)
        if user is None:
            form = users.UserForm(email=email, name=name, role=role, inspector_kind=kind, home_area=home)
            user = users.create_user(session=session, actor=actor, form=form, password=password)
        if role == "admin" and not user.totp_secret:
            user.totp_secret = DEMO_ADMIN_TOTP_KEY
            session.add(user)
        created[email] = user
    session.flush()
    already = [i for i in inspections.list_for(session=session, user=created["admin@example.org"])
               if i.local_area == DEMO_AREA]
    if not already:
        start = demo_start_date(today or today_in_england())
        inspection = setup.set_up_inspection(
            session=session, actor=actor, creator=created["lead@example.org"],
            form=inspections.InspectionForm(local_area=DEMO_AREA, la_code="999", framework="send-2016",
                                            start_date=start.isoformat()),
        )
        for email, role in DEMO_TEAM:
            inspections.add_team_member(session=session, actor=actor, inspection=inspection, email=email,
                                        team_role=role)
        _seed_fieldwork(session=session, inspection=inspection, people=created)
        _seed_survey(session=session, inspection=inspection)
        _seed_portal(session=session, inspection=inspection, officer=created["officer@example.org"])
    if not any(i.local_area == PUBLISHED_AREA
               for i in inspections.list_for(session=session, user=created["admin@example.org"])):
        _seed_published(session=session, people=created, today=today or today_in_england())
    return [(email, password, name) for email, name, _r, _k, _h, password in DEMO_USERS]


def _published_notification(today: date) -> date:
    """A send-2023 notification about 55 working days ago (so on site nine weeks past), moved earlier while the
    bank holidays around it leave too few working days before the on-site week."""
    day = working_days.add_working_days(today, -55)
    profile = get_profile("send-2023")
    while timeline.problem(profile, day):
        day = working_days.add_working_days(day, -1)
    return day


def _seed_published(*, session: Session, people: dict[str, User], today: date) -> None:
    """An inspection nine weeks past, its decision, its letter taken through the workflow and published today (so
    the files are real and frozen), and its officer: the area then owes a priority action plan."""
    lead, cqc = people["lead@example.org"], people["cqc@example.org"]
    as_lead, as_cqc = Actor(lead.id, lead.email), Actor(cqc.id, cqc.email)
    inspection = setup.set_up_inspection(
        session=session, actor=as_lead, creator=lead,
        form=inspections.InspectionForm(local_area=PUBLISHED_AREA, la_code=PUBLISHED_LA_CODE, framework="send-2023",
                                        notification_date=_published_notification(today).isoformat()))
    inspections.add_team_member(session=session, actor=as_lead, inspection=inspection, email=cqc.email,
                                team_role="cqc_inspector")
    _seed_case_tracking(session=session, inspection=inspection, officer=people["officer2@example.org"], lead=lead)
    area = area_records.get_area(session=session, area_id=inspection.area_id)
    area_records.update_area(session=session, actor=as_lead, area=area, form=area_records.AreaForm(
        name=PUBLISHED_AREA, integrated_care_board=PUBLISHED_ICB))
    bodies = ["local_authority", "icb"]
    decisions.record_decision(session=session, actor=as_lead, user=lead, inspection=inspection, raw={
        "outcome": "widespread_failings",
        "priority_actions": [
            {"text": "Leaders should urgently make sure that EHC plans are issued within 20 weeks (demo).",
             "responsible_bodies": bodies},
            {"text": "Leaders should cut the waits for speech and language therapy (demo).",
             "responsible_bodies": ["icb"]}],
        "areas_for_improvement": [
            {"text": "Leaders should keep the local offer up to date (demo).", "responsible_bodies": bodies}]})
    editing.start(session=session, actor=as_lead, inspection=inspection,
                  draft=letters.draft(session=session, inspection=inspection, today=today))
    # Straight to quality assurance: the demo's fieldwork is too thin for the readiness checks; every later step
    # is the workflow's own.
    flow = letters.workflow_of(session=session, inspection=inspection)
    flow.status = LetterStatus.quality_assurance.value
    session.add(flow)
    session.flush()
    workflow.move(session=session, actor=as_lead, user=lead, inspection=inspection, action="finalise")
    workflow.move(session=session, actor=as_lead, user=lead, inspection=inspection, action="sign_off")
    workflow.move(session=session, actor=as_cqc, user=cqc, inspection=inspection, action="sign_off")
    workflow.move(session=session, actor=as_lead, user=lead, inspection=inspection, action="publish")
    invitations.bind(session=session, inspection=inspection, user=people["officer2@example.org"])
    obligations.obligations_of(session=session, inspection=inspection, today=today)  # recorded now, not on first look


def _seed_case_tracking(*, session: Session, inspection: Inspection, officer: User, lead: User) -> None:
    """A made-up person-level list of 240 children (identifiers PD-0001 on, nobody real), six cases drawn for
    tracking with a fixed seed, and consent, documents and the tracking meeting recorded on the first."""
    needs = ["ASD", "SEMH", "SLCN", "MLD", "SpLD", "PD"]
    rows: list[tuple[int, list[object]]] = [(1, ["Child ID", "Age", "Primary need", "SEN status", "Setting",
                                                 "Out of area", "Alternative provision"])]
    rows += [(n + 1, [f"PD-{n:04d}", n % 26, needs[n % 6], "E" if n % 3 == 0 else "K",
                      "Special school" if n % 5 == 0 else "Mainstream school", "yes" if n % 11 == 0 else "no",
                      "yes" if n % 13 == 0 else "no"]) for n in range(1, 241)]
    casetracking.import_list(session=session, actor=Actor(officer.id, officer.email), inspection=inspection,
                             rows=rows, filename="person-level-list (demo).csv", sha256="-")
    as_lead = Actor(lead.id, lead.email)
    casetracking.select_cases(session=session, actor=as_lead, inspection=inspection, form=casetracking.SelectionForm(
        {"purpose": "tracking", "size": "6", "seed": "20270308"}))
    first = casetracking.cases_of(session=session, inspection=inspection)[0]
    day = inspection.start_date - timedelta(days=7)
    casetracking.record_consent(session=session, actor=as_lead, case=first, consent="given",
                                consent_from="parent_or_carer", recorded_on=day.isoformat())
    casetracking.request_documents(session=session, actor=as_lead, case=first, documents=["ehc_plan", "annual_review"],
                                   requested_on=day.isoformat())
    casetracking.record_meeting(session=session, actor=as_lead, case=first, held_on=inspection.start_date.isoformat(),
                                services=["education", "health", "social_care"])


def _seed_portal(*, session: Session, inspection: Inspection, officer: User) -> None:
    """The demo officer belongs to the demo inspection and has recorded two made-up claims."""
    invitations.bind(session=session, inspection=inspection, user=officer)
    as_officer = Actor(officer.id, officer.email)
    for aspect, text in [("timeliness", "Most new EHC plans in Fictional Vale are issued within 20 weeks (demo)."),
                         ("specialist_support", "Waiting times for therapy have halved this year (demo).")]:
        claims.record_claim(session=session, actor=as_officer, inspection=inspection, user=officer,
                            form=claims.ClaimForm(aspect=aspect, text=text))


def _seed_fieldwork(*, session: Session, inspection: Inspection, people: dict[str, User]) -> None:
    """A first day's worth of made-up fieldwork, so every page has something on it."""
    lead, cqc = people["lead@example.org"], people["cqc@example.org"]
    as_lead, as_cqc = Actor(lead.id, lead.email), Actor(cqc.id, cqc.email)
    day1 = inspections.schedule_of(inspection).on_site_days[0].isoformat()
    school = fieldwork.create_setting(session=session, actor=as_lead, inspection=inspection, form=fieldwork.SettingForm(
        name="Pretend Primary School (demo)", setting_type="mainstream_school", identifier_kind="urn",
        identifier="999001"))
    fieldwork.create_setting(session=session, actor=as_lead, inspection=inspection, form=fieldwork.SettingForm(
        name="Make-Believe Children's Therapy Service (demo)", setting_type="health_service"))
    visit_form = fieldwork.ActivityForm(
        kind="setting_visit", setting_id=str(school.id), day=day1, start_time="09:30", inspector_ids=[str(lead.id)],
        attendee_roles=["Headteacher", "SENCo"],
        attendee_organisations=["Pretend Primary School", "Pretend Primary School"],
        notes="Fictional notes for the demo.")
    visit = fieldwork.create_activity(session=session, actor=as_lead, inspection=inspection, form=visit_form)
    meeting_form = fieldwork.ActivityForm(
        kind="meeting", meeting_with="health_leaders", day=day1, start_time="14:00", inspector_ids=[str(cqc.id)],
        attendee_roles=["Designated clinical officer"], attendee_organisations=["Imaginary CCG"])
    meeting = fieldwork.create_activity(session=session, actor=as_cqc, inspection=inspection, form=meeting_form)
    review_form = fieldwork.FileReviewForm(
        case_reference="P1-01", age_band="5-10", setting_type="mainstream_school", sen_status="plan_in_place",
        primary_need="SLCN", assessment_requested_on="2026-01-05", plan_issued_on="2026-06-15", attendance_percent="86",
        health_contributed="yes", social_care_contributed="no",
        ratings={"timeliness": "weak", "parents_involved": "strong", "child_involved": "adequate"},
        activity_id=visit.id)
    review = fieldwork.create_file_review(session=session, actor=as_lead, inspection=inspection, form=review_form)
    for form, actor, source in [
        (evidence.EvidenceForm(text="Parents at the school said the SENCo involved them fully in the assessment.",
                               heading="1", aspect="parents_involved", judgement="strength", strands=["education"]),
         as_lead, visit),
        (evidence.EvidenceForm(text="The plan was issued 23 weeks after the request, beyond the 20-week limit.",
                               heading="1", aspect="timeliness", judgement="area_for_development",
                               strands=["education", "health"], source_type="file_review", source_id=review.id),
         as_lead, None),
        (evidence.EvidenceForm(text="Health leaders described waiting times for speech and language therapy of up "
                                    "to a year.",
                               heading="2", aspect="specialist_support", judgement="area_for_development",
                               strands=["health"]), as_cqc, meeting),
    ]:
        if source is not None:
            form.source_id = source.id
        evidence.capture(session=session, actor=actor, inspection=inspection, form=form,
                         captured_on=inspections.schedule_of(inspection).on_site_days[0])


DEMO_COMMENTS = [
    "The SENCo at our school has been brilliant and always rings back. (demo)",
    "We waited over a year for a speech and language therapy assessment. (demo)",
    "Short breaks have made a real difference to our family. (demo)",
    "Nobody told us what the local offer was until a friend mentioned it. (demo)",
    "I like my teaching assistant, she helps me with reading. (demo)",
    "The annual review was rushed and the plan was not updated. (demo)",
    "", "", "", "",
]


def _seed_survey(*, session: Session, inspection: Inspection) -> None:
    """Forty made-up answers spread over the days since the notice, so the results page has something to show."""
    survey.links_for(session=session, inspection=inspection)
    # A seeded generator for repeatable made-up answers, not for anything secret.
    window, qs, pick = survey.window_of(inspection), questionnaires(), random.Random(2026)  # nosec B311
    for n in range(40):
        audience = "young_person" if n % 4 == 0 else "parent_carer"
        q = qs[audience]
        session.add(SurveyResponse(
            inspection_id=inspection.id, audience=audience,
            respondent_type=("young_person" if audience == "young_person"
                             else pick.choice(["parent_carer"] * 5 + ["prefer_not_to_say"])),
            answers={question.code: pick.choice(question.options).code for question in q.questions},
            support=sorted(pick.sample(["sen_support", "ehc_plan", "health", "short_breaks", "personal_budget"],
                                       pick.randint(1, 2))),
            comment=pick.choice(DEMO_COMMENTS),
            submitted_on=min(window.opens + timedelta(days=n % 3), max(window.opens, today_in_england())),
            submitted_hour=9 + n % 10, submission_id=str(uuid.uuid4())))
    session.flush()
