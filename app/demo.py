"""An obviously fictional demo: a made-up local area, its inspection and demo logins. Never real people."""

import random
import uuid
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.audit.service import Actor
from app.casetracking import service as casetracking
from app.casetracking.models import TrackedCase
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
    ("officer3@example.org", "Sol Seaside (demo LA officer)", "la_officer", "", "Storybook Sands (demo)",
     "demo-officer3-password"),
]

# A second made-up area whose inspection is over: its report is published with "widespread and/or systemic
# failings", so it owes a priority action plan, and the national view has something to show.
PUBLISHED_AREA, PUBLISHED_LA_CODE = "Pretendshire (demo)", "998"
PUBLISHED_ICB = "NHS Pretendshire Integrated Care Board (demo)"

# Administrators must use two-factor sign-in; the demo's key is printed so a person can add it to an
# authenticator app (a demo only: a real key is made at enrolment and shown once).
DEMO_ADMIN_TOTP_KEY = "DEMOADMINFICTIONALKEY234567ABCDE"

DEMO_TEAM = [("cqc@example.org", "cqc_inspector"), ("peer@example.org", "la_inspector")]

# A third made-up area whose 2023 inspection is in its on-site week: surveys in, cases tracked, evidence under each
# evaluation criterion, the week half done.
FIELDWORK_AREA, FIELDWORK_LA_CODE = "Storybook Sands (demo)", "997"
FIELDWORK_ICB = "NHS Storybook Sands Integrated Care Board (demo)"
FIELDWORK_TEAM = [("cqc@example.org", "cqc_inspector"), ("oi@example.org", "ofsted_education")]


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
    if not any(i.local_area == FIELDWORK_AREA
               for i in inspections.list_for(session=session, user=created["admin@example.org"])):
        _seed_fieldwork_2023(session=session, people=created, today=today or today_in_england())
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


def _person_level_list(*, session: Session, inspection: Inspection, officer: User, prefix: str) -> None:
    """A made-up person-level list of 240 children under pseudonymous identifiers (prefix-0001 on), nobody real,
    sent by the area's officer."""
    needs = ["ASD", "SEMH", "SLCN", "MLD", "SpLD", "PD"]
    rows: list[tuple[int, list[object]]] = [(1, ["Child ID", "Age", "Primary need", "SEN status", "Setting",
                                                 "Out of area", "Alternative provision"])]
    rows += [(n + 1, [f"{prefix}-{n:04d}", n % 26, needs[n % 6], "E" if n % 3 == 0 else "K",
                      "Special school" if n % 5 == 0 else "Mainstream school", "yes" if n % 11 == 0 else "no",
                      "yes" if n % 13 == 0 else "no"]) for n in range(1, 241)]
    casetracking.import_list(session=session, actor=Actor(officer.id, officer.email), inspection=inspection,
                             rows=rows, filename="person-level-list (demo).csv", sha256="-")


def _seed_case_tracking(*, session: Session, inspection: Inspection, officer: User, lead: User) -> None:
    """The list, six cases drawn for tracking with a fixed seed, and consent, documents and the tracking meeting
    recorded on the first."""
    _person_level_list(session=session, inspection=inspection, officer=officer, prefix="PD")
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


# --- The 2023 inspection in its on-site week ---------------------------------------------------------------------


def fieldwork_notification(today: date) -> date:
    """A send-2023 notification whose on-site week (the third) holds today, or at a weekend the coming week, so the
    demo is mid-fieldwork whenever it is loaded; a week later while bank holidays make a date unusable."""
    profile = get_profile("send-2023")
    day = today if working_days.is_working_day(today) else working_days.add_working_days(today, 1)
    for weeks in range(5):
        first = timeline.first_working_day_of_week(day + timedelta(weeks=weeks - 2))
        if first is not None and timeline.problem(profile, first) is None:
            return first
    return timeline.first_working_day_of_week(day - timedelta(weeks=2)) or day  # pragma: no cover


# Fictional survey comments (nobody real), by questionnaire.
FIELDWORK_COMMENTS = {
    "young_person": ["My teacher lets me use the quiet room when it gets loud. (demo)",
                     "I had to wait a long time to see someone about my feelings. (demo)",
                     "The youth club is my favourite thing. (demo)"],
    "parent_carer": ["Our EHC plan took nearly a year and nobody told us why. (demo)",
                     "The parent carer forum helped us understand the local offer. (demo)",
                     "The therapy team is brilliant once you are seen. (demo)",
                     "My son's part-time timetable has gone on for months. (demo)"],
    "practitioner": ["Multi-agency panels meet weekly and decisions come back the same day. (demo)",
                     "We cannot get speech and language therapy advice in time for plans. (demo)",
                     "Training on autism from the outreach team has helped our staff. (demo)"],
}
# How many answered each questionnaire; practitioners by where they work (a few workplaces under the small-group
# threshold, so the results page shows its rule).
FIELDWORK_RESPONSES = {"young_person": 14, "parent_carer": 30}
FIELDWORK_WORKPLACES = {"school_college": 9, "early_years": 5, "health": 6, "social_care": 3,
                        "local_authority_send": 2, "other": 1}


def _seed_fieldwork_2023(*, session: Session, people: dict[str, User], today: date) -> None:
    """A made-up 2023 inspection in its on-site week: the area's officer, its list and tracked cases, the three
    surveys answered, visits and meetings on the first days, and evidence under each evaluation criterion from
    several kinds of source (so the board, triangulation and readiness have something real to show)."""
    lead, officer = people["lead@example.org"], people["officer3@example.org"]
    as_lead = Actor(lead.id, lead.email)
    inspection = setup.set_up_inspection(
        session=session, actor=as_lead, creator=lead,
        form=inspections.InspectionForm(local_area=FIELDWORK_AREA, la_code=FIELDWORK_LA_CODE, framework="send-2023",
                                        notification_date=fieldwork_notification(today).isoformat()))
    for email, role in FIELDWORK_TEAM:
        inspections.add_team_member(session=session, actor=as_lead, inspection=inspection, email=email,
                                    team_role=role)
    area = area_records.get_area(session=session, area_id=inspection.area_id)
    area_records.update_area(session=session, actor=as_lead, area=area, form=area_records.AreaForm(
        name=FIELDWORK_AREA, integrated_care_board=FIELDWORK_ICB))
    invitations.bind(session=session, inspection=inspection, user=officer)
    cases = _seed_tracked_cases(session=session, inspection=inspection, officer=officer, lead=lead, today=today)
    _seed_three_surveys(session=session, inspection=inspection)
    _seed_criteria_evidence(session=session, inspection=inspection, people=people, cases=cases)


def _seed_tracked_cases(*, session: Session, inspection: Inspection, officer: User, lead: User,
                        today: date) -> list[TrackedCase]:
    """Six cases drawn for tracking and three sampled on alternative provision, by the recorded seeds; consent and
    documents asked for the working day after the timeline's case selection, conversations before the week on site,
    tracking meetings on its first two days as they come (a meeting is a record of what happened: none is recorded
    on a day still to come); one family declined and one not yet reached."""
    schedule = inspections.schedule_of(inspection)
    picked, on_site = schedule.milestone("case_selection"), schedule.on_site_days
    _person_level_list(session=session, inspection=inspection, officer=officer, prefix="SS")
    as_lead = Actor(lead.id, lead.email)
    casetracking.select_cases(session=session, actor=as_lead, inspection=inspection, form=casetracking.SelectionForm(
        {"purpose": "tracking", "size": "6", "seed": "20271004"}))
    casetracking.select_cases(session=session, actor=as_lead, inspection=inspection, form=casetracking.SelectionForm(
        {"purpose": "sampling", "theme": "Children in alternative provision (demo)", "size": "3", "seed": "20271005",
         "alternative_provision": "yes"}))
    cases = [c for c in casetracking.cases_of(session=session, inspection=inspection) if c.purpose == "tracking"]
    asked = working_days.add_working_days(picked, 1)
    for n, case in enumerate(cases):
        if n == 5:
            break  # the sixth family has not been reached yet
        consent = "declined" if n == 4 else "given"
        casetracking.record_consent(session=session, actor=as_lead, case=case, consent=consent,
                                    consent_from="both" if n == 2 else "parent_or_carer", recorded_on=asked.isoformat())
        if consent != "given":
            continue
        made = casetracking.request_documents(session=session, actor=as_lead, case=case, documents=[
            "ehc_plan", "annual_review", "health_records"] if n % 2 == 0 else ["sen_support_plan", "assessments"],
            requested_on=asked.isoformat())
        for request in made[:-1] if n == 3 else made:  # one document still awaited
            casetracking.mark_received(session=session, actor=as_lead, case=case, document=request.document,
                                       received_on=min(request.due_on, today).isoformat())  # never a day to come
        casetracking.record_conversation(session=session, actor=as_lead, case=case,
                                         held_on=working_days.add_working_days(on_site[0], -1 - n % 2).isoformat(),
                                         with_whom="both" if n == 2 else "parent_or_carer",
                                         way=["In person", "By phone", "By video call"][n % 3])
        if n < 2 and on_site[n] <= today:  # the first two tracking meetings, on the first days on site once come
            casetracking.record_meeting(session=session, actor=as_lead, case=case, held_on=on_site[n].isoformat(),
                                        services=["education", "health", "social_care"] if n == 0
                                        else ["education", "health"])
    return cases


def _seed_three_surveys(*, session: Session, inspection: Inspection) -> None:
    """Made-up answers to the three questionnaires over the days they were open, practitioners by workplace."""
    survey.links_for(session=session, inspection=inspection)
    window, qs = survey.window_of(inspection), questionnaires()
    pick = random.Random(2027)  # nosec B311  (repeatable made-up answers, nothing secret)
    days = (window.closes - window.opens).days + 1
    who = [("young_person", "young_person")] * FIELDWORK_RESPONSES["young_person"]
    who += [("parent_carer", "parent_carer")] * (FIELDWORK_RESPONSES["parent_carer"] - 3)
    who += [("parent_carer", "prefer_not_to_say")] * 3
    who += [("practitioner", place) for place, n in FIELDWORK_WORKPLACES.items() for _ in range(n)]
    for n, (audience, respondent) in enumerate(who):
        q = qs[audience]
        session.add(SurveyResponse(
            inspection_id=inspection.id, audience=audience, respondent_type=respondent,
            # Weighted to the first options, so the results read like a real area's rather than noise.
            answers={question.code: pick.choice(question.options[:2] * 2 + question.options).code
                     for question in q.questions},
            support=sorted(pick.sample(["sen_support", "ehc_plan", "health", "short_breaks", "personal_budget"],
                                       pick.randint(1, 2))),
            comment=pick.choice(FIELDWORK_COMMENTS[audience]) if n % 3 == 0 else "",
            submitted_on=window.opens + timedelta(days=n % days), submitted_hour=8 + n % 12,
            submission_id=str(uuid.uuid4())))
    session.flush()


def _seed_criteria_evidence(*, session: Session, inspection: Inspection, people: dict[str, User],
                            cases: list[TrackedCase]) -> None:
    """Settings, visits and meetings on the first two days on site, and evidence under every evaluation criterion
    and most aspects: from tracked cases, visits, meetings, a data review, the area's documents and the surveys."""
    lead, cqc, oi = people["lead@example.org"], people["cqc@example.org"], people["oi@example.org"]
    actors = {"lead": Actor(lead.id, lead.email), "cqc": Actor(cqc.id, cqc.email), "oi": Actor(oi.id, oi.email)}
    ids = {"lead": lead.id, "cqc": cqc.id, "oi": oi.id}
    day1, day2 = (d.isoformat() for d in inspections.schedule_of(inspection).on_site_days[:2])
    settings = {}
    for key, name, kind, urn in [("school", "Storybook Primary School (demo)", "mainstream_school", "999101"),
                                 ("college", "Storybook Sands College (demo)", "further_education", ""),
                                 ("unit", "Sandcastle Learning Centre (demo)", "alternative_provision", "999102"),
                                 ("therapy", "Lighthouse Children's Therapy Service (demo)", "health_service", "")]:
        settings[key] = fieldwork.create_setting(
            session=session, actor=actors["lead"], inspection=inspection, form=fieldwork.SettingForm(
                name=name, setting_type=kind, identifier_kind="urn" if urn else "", identifier=urn))
    activities = {}
    for key, who, form in [
        ("school", "oi", fieldwork.ActivityForm(kind="setting_visit", setting_id=str(settings["school"].id), day=day1,
                                                start_time="09:30", attendee_roles=["Headteacher", "SENCo"],
                                                attendee_organisations=["Storybook Primary School"] * 2)),
        ("unit", "lead", fieldwork.ActivityForm(kind="setting_visit", setting_id=str(settings["unit"].id), day=day1,
                                                start_time="13:30", attendee_roles=["Head of centre"],
                                                attendee_organisations=["Sandcastle Learning Centre"])),
        ("health", "cqc", fieldwork.ActivityForm(kind="meeting", meeting_with="health_leaders", day=day1,
                                                 start_time="11:00", attendee_roles=["Designated clinical officer"],
                                                 attendee_organisations=["Storybook Sands ICB"])),
        ("parents", "lead", fieldwork.ActivityForm(kind="meeting", meeting_with="parent_carer_group", day=day1,
                                                   start_time="16:00", attendee_roles=["Parent carer forum chair"],
                                                   attendee_organisations=["Storybook Sands parent carer forum"])),
        ("college", "oi", fieldwork.ActivityForm(kind="setting_visit", setting_id=str(settings["college"].id),
                                                 day=day2, start_time="09:30", attendee_roles=["Head of inclusion"],
                                                 attendee_organisations=["Storybook Sands College"])),
        ("practitioners", "cqc", fieldwork.ActivityForm(kind="meeting", meeting_with="practitioners", day=day2,
                                                        start_time="10:30", attendee_roles=["Health visitor",
                                                                                            "Social worker"],
                                                        attendee_organisations=["Storybook Sands ICB",
                                                                                "Storybook Sands Council"])),
        ("leaders", "lead", fieldwork.ActivityForm(kind="meeting", meeting_with="education_leaders", day=day2,
                                                   start_time="14:00", attendee_roles=[("Director of children's "
                                                                                       "services")],
                                                   attendee_organisations=["Storybook Sands Council"])),
        ("register", "lead", fieldwork.ActivityForm(kind="document_review", title="Alternative provision register "
                                                    "and quality assurance visits (demo)", day=day2,
                                                    start_time="16:00")),
    ]:
        form.inspector_ids = [str(ids[who])]
        activities[key] = (who, fieldwork.create_activity(session=session, actor=actors[who], inspection=inspection,
                                                          form=form))
    tracked = {n: case.id for n, case in enumerate(cases)}
    # (aspect, judgement, strands, source: an activity key, ("case", n) or ("document", its label), text)
    items: list[tuple[str, str, list[str], Any, str]] = [
        ("needs_identified", "area_for_development", ["education", "health"], ("case", 0),
         ("The child's speech and language needs were noticed at the two-year check, but the EHC needs assessment "
         "took 31 weeks (demo).")),
        ("needs_identified", "strength", ["education"], "school",
         ("The SENCo showed how the early help assessment led to a plan within a term for pupils new to SEN support "
         "(demo).")),
        ("participation", "strength", ["education", "social_care"], "parents",
         "Parents in the group said they wrote their children's outcomes with the caseworker (demo)."),
        ("participation", "area_for_development", ["education"], ("case", 1),
         "The young person's views in the plan were copied from the previous year's review (demo)."),
        ("right_help", "area_for_development", ["health"], "health",
         ("Health leaders said children wait up to 40 weeks for a first speech and language therapy appointment "
         "(demo).")),
        ("next_steps", "strength", ["education"], "college",
         "Students with EHC plans on the supported internship had paid work placements and job coaches (demo)."),
        ("valued_included", "strength", ["social_care"], ("case", 2),
         "The young person goes to the youth club every week with a short breaks support worker (demo)."),
        ("ambitious", "strength", ["education", "health", "social_care"], "leaders",
         ("Leaders' SEND strategy sets shared targets for education, health and care, agreed with the parent carer "
         "forum (demo).")),
        ("engage_families", "strength", ["education"], "parents",
         "The parent carer forum co-chairs the SEND partnership board (demo)."),
        ("shared_understanding", "area_for_development", ["health"], ("document", ("Joint strategic needs assessment "
                                                                                  "(demo)")),
         ("The joint strategic needs assessment leaves out children on SEN support with social, emotional and mental "
         "health needs (demo).")),
        ("commissioning", "strength", ["health"], "health",
         "The integrated care board commissioned a second therapy team when the waiting list doubled (demo)."),
        ("evaluate_improve", "context", ["education", "health"], ("document", ("EHC plan quality audit, spring "
                                                                              "term (demo)")),
         ("Leaders' own audit found a third of plans had health advice more than a year old; a re-audit is planned "
         "(demo).")),
        ("effective_practice", "strength", ["education", "health", "social_care"], "practitioners",
         "Practitioners said the weekly multi-agency panel decides on requests the same day (demo)."),
        ("ap_needs", "strength", ["education"], "unit",
         "Each placement at the centre starts with a plan agreed with the school, the family and the pupil (demo)."),
        ("ap_support", "area_for_development", ["education", "health"], "unit",
         "Pupils at the centre waited for mental health support as long as pupils in school (demo)."),
        ("ap_next_steps", "context", ["education"], "leaders",
         "Leaders said 12 of the 20 pupils placed last year returned to a mainstream school (demo)."),
        ("ap_lawful", "area_for_development", ["education"], "register",
         ("Three pupils attend an unregistered provider full time; the local authority has not checked that this is "
         "lawful (demo).")),
    ]
    for aspect, judgement, strands, source, text in items:
        item = evidence.EvidenceForm(text=text, aspect=aspect, judgement=judgement, strands=strands)
        who, captured = "lead", date.fromisoformat(day1)
        if isinstance(source, str):
            who, activity = activities[source]
            item.source_id, captured = activity.id, activity.day
        elif source[0] == "case":
            item.source_type, item.source_id = "tracked_case", tracked[source[1]]
        else:
            item.source_type, item.source_label = "document", source[1]
        evidence.capture(session=session, actor=actors[who], inspection=inspection, form=item, captured_on=captured)
    # Figures from the surveys' results, added as inspectors add them (under right help at the right time).
    for audience, question, option in [("parent_carer", "needs_met", "dissatisfied"),
                                       ("practitioner", "worked_together", "no")]:
        survey.add_as_evidence(session=session, actor=actors["lead"], inspection=inspection,
                               form=survey.SurveyEvidenceForm(kind="figure", audience=audience, question=question,
                                                              option=option, judgement="area_for_development"))
