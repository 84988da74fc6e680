"""The demo inspection at the end of its week on site, built through the services as inspectors would build it:
60 activities, 40 case files and about 1,000 evidence items spread over the four headings, their aspects, the
team and the five days (so every day's summary has a fifth of them). All text is made up, from fragments put
together at random so that pages do not compress better than real notes would."""

import random
from pathlib import Path

from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]

ACTIVITIES, FILE_REVIEWS, EVIDENCE = 60, 40, 1000

# (A seeded generator: repeatable made-up text, nothing secret.)
OPENINGS = ["Leaders said", "The SENCo explained", "Parents at the group told us", "Practitioners described how",
            "Young people said", "The designated clinical officer reported", "Case notes showed",
            "The local offer web page says", "Governors told us", "The therapy team lead described how",
            "Minutes of the partnership board record that", "A social worker explained"]
MIDDLES = ["assessments are started within six weeks of a request", "annual reviews are often late and rushed",
           "waiting lists for speech and language therapy run to eleven months",
           "short breaks are planned with families rather than for them",
           "transition to college begins in year nine", "plans are rarely updated after a review",
           "health advice arrives after the statutory deadline in most cases",
           "the parent carer forum co-produced the new graduated approach",
           "pupils with EHC plans are excluded more often than their peers",
           "the neurodevelopmental pathway has a two-year wait",
           "outcomes in plans are specific and measurable", "social care rarely contributes to assessments",
           "tribunal appeals have doubled in two years", "joint commissioning has funded a new sensory service"]
ENDINGS = ["which matches what the self-evaluation claims.", "though the data we saw did not show this.",
           "and three case files we reviewed bore this out.", "a view the area's leaders share.",
           "but families at the drop-in described the opposite.", "according to the figures shared on day one.",
           "with no sign of this changing soon.", "and the work is too new to judge its impact."]


def made_up_text(rng: random.Random, n: int) -> str:
    sentences = [f"{rng.choice(OPENINGS)} {rng.choice(MIDDLES)}, {rng.choice(ENDINGS)}"
                 for _ in range(rng.randint(1, 3))]
    return f"{' '.join(sentences)} (Fictional week-five note {n}.)"


def build(url: str) -> dict[str, int]:
    """Migrate, seed the demo (its logins), then add the week's fieldwork to the demo inspection. Returns counts."""
    from app import migrate
    from app.audit.service import Actor
    from app.db import make_engine
    from app.demo import DEMO_AREA, seed
    from app.evidence import service as evidence
    from app.fieldwork import service as fieldwork
    from app.inspections import service as inspections
    from app.sync import feed
    from app.users import service as users

    feed.register()  # as the app and the CLI do: every record reaches the team's change feed
    migrate.upgrade(url)
    engine = make_engine(url)
    rng = random.Random(2027)  # nosec B311
    with Session(engine) as session:
        seed(session=session)
        session.commit()
        lead = users.get_user_by_email(session=session, email="lead@example.org")
        assert lead is not None
        inspection = next(i for i in inspections.list_for(session=session, user=lead) if i.local_area == DEMO_AREA)
        team = [user for _, user in inspections.team_of(session=session, inspection=inspection)]
        actors = {user.id: Actor(user.id, user.email) for user in team}
        profile = inspections.profile_of(inspection)
        days = inspections.schedule_of(inspection).on_site_days
        settings = fieldwork.list_settings(session=session, inspection=inspection)
        activities = list(fieldwork.list_activities(session=session, inspection=inspection))
        for n in range(ACTIVITIES - len(activities)):
            who = rng.choice(team)
            kind = ["setting_visit", "meeting", "document_review"][n % 3]
            form = fieldwork.ActivityForm(
                kind=kind, day=days[n % len(days)].isoformat(), start_time=f"{9 + n % 8:02d}:{(n * 15) % 60:02d}",
                inspector_ids=[str(who.id)], title=f"Fictional activity {n}" if kind == "document_review" else "",
                setting_id=str(rng.choice(settings).id) if kind == "setting_visit" else "",
                meeting_with=rng.choice(["education_leaders", "health_leaders", "practitioners",
                                         "parent_carer_group"]) if kind == "meeting" else "",
                attendee_roles=["SENCo", "Headteacher"][: rng.randint(0, 2)],
                attendee_organisations=["Pretend Primary School", "Imaginary CCG"][:0],
                notes=made_up_text(rng, n) + " " + made_up_text(rng, n))
            form.attendee_organisations = ["Fictional organisation"] * len(form.attendee_roles)
            activities.append(fieldwork.create_activity(session=session, actor=actors[who.id], inspection=inspection,
                                                        form=form))
        rated = [aspect.code for _, aspect in profile.file_review_aspects()]
        reviews = list(fieldwork.list_file_reviews(session=session, inspection=inspection))
        for n in range(FILE_REVIEWS - len(reviews)):
            who = rng.choice(team)
            form = fieldwork.FileReviewForm(
                case_reference=f"W5-{n:02d}", age_band=rng.choice(["0-4", "5-10", "11-15", "16-19"]),
                setting_type=rng.choice(["mainstream_school", "special_school", "early_years"]),
                sen_status=rng.choice(["sen_support", "plan_in_place", "assessment_under_way"]),
                primary_need=rng.choice(["SLCN", "SEMH", "MLD", "SpLD"]), assessment_requested_on="2026-01-05",
                plan_issued_on=f"2026-0{rng.randint(3, 9)}-{rng.randint(10, 28)}",
                attendance_percent=str(rng.randint(40, 99)),
                ratings={code: rng.choice(["strong", "adequate", "weak", "not_evidenced"]) for code in rated},
                comments={code: made_up_text(rng, n) for code in rated if rng.random() < 0.5},
                notes=made_up_text(rng, n), activity_id=rng.choice(activities).id)
            reviews.append(fieldwork.create_file_review(session=session, actor=actors[who.id], inspection=inspection,
                                                        form=form))
        session.commit()
        aspects = [(p.number, a.code) for p in profile.headings for a in p.aspects]
        sources = activities + reviews
        existing = len(evidence.all_items(session=session, inspection=inspection))
        for n in range(EVIDENCE - existing):
            heading, aspect = aspects[n % len(aspects)]
            who = rng.choice(team)
            source = rng.choice(sources) if rng.random() < 0.8 else None
            form = evidence.EvidenceForm(
                text=made_up_text(rng, n), heading=str(heading), aspect=aspect,
                judgement=rng.choice(["strength", "area_for_development", "context"]),
                strands=rng.sample(["education", "health", "social_care"], rng.randint(1, 2)),
                source_id=source.id if source is not None else "",
                source_type="file_review" if source in reviews else "")
            evidence.capture(session=session, actor=actors[who.id], inspection=inspection, form=form,
                             captured_on=days[n % len(days)])
            if n % 200 == 199:
                session.commit()
        session.commit()
        counts = {"inspection_id": inspection.id, "evidence": len(evidence.all_items(session=session,
                                                                                      inspection=inspection)),
                  "activities": len(activities), "file_reviews": len(reviews), "days": len(days)}
    if engine.dialect.name == "postgresql":  # what autovacuum does after a week of capture: fresh statistics
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return counts
