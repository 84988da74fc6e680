"""An obviously fictional demo: a made-up local area, its inspection and demo logins. Never real people."""

from datetime import date

from sqlmodel import Session

from app.audit.service import Actor
from app.frameworks import working_days
from app.inspections import service as inspections
from app.users import service as users
from app.users.models import User

DEMO_AREA = "Fictional Vale (demo)"

# (email, name, role, inspector kind, home area, password)
DEMO_USERS = [
    ("admin@example.org", "Demo Administrator", "admin", "", "", "demo-admin-password"),
    ("lead@example.org", "Ada Lead (demo HMI)", "inspector", "hmi", "", "demo-lead-password"),
    ("cqc@example.org", "Cyril Care (demo CQC)", "inspector", "cqc", "", "demo-cqc-password"),
    ("peer@example.org", "Priya Peer (demo LA inspector)", "inspector", "la_peer", "Imaginary Borough (demo)", "demo-peer-password"),
    ("oi@example.org", "Otto Other (demo Ofsted Inspector)", "inspector", "ofsted_inspector", "", "demo-other-password"),
    ("officer@example.org", "Nia Nominated (demo LA officer)", "la_officer", "", DEMO_AREA, "demo-officer-password"),
]

DEMO_TEAM = [("cqc@example.org", "cqc_inspector"), ("peer@example.org", "la_inspector")]


def demo_start_date(today: date) -> date:
    """Three working days ahead, so the demo shows the notice given and the week to come."""
    return working_days.add_working_days(today, 3)


def seed(*, session: Session, today: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo users and inspection if they are not there. Returns (email, password, who) to print."""
    actor = Actor.system("seed-demo")
    created: dict[str, User] = {}
    for email, name, role, kind, home, password in DEMO_USERS:
        user = users.get_user_by_email(session=session, email=email)
        if user is None:
            form = users.UserForm(email=email, name=name, role=role, inspector_kind=kind, home_area=home)
            user = users.create_user(session=session, actor=actor, form=form, password=password)
        created[email] = user
    session.flush()
    already = [i for i in inspections.list_for(session=session, user=created["admin@example.org"])
               if i.local_area == DEMO_AREA]
    if not already:
        start = demo_start_date(today or date.today())
        inspection = inspections.create_inspection(
            session=session, actor=actor, creator=created["lead@example.org"],
            form=inspections.InspectionForm(local_area=DEMO_AREA, la_code="999", framework="send-2016",
                                            start_date=start.isoformat()),
        )
        for email, role in DEMO_TEAM:
            inspections.add_team_member(session=session, actor=actor, inspection=inspection, email=email, team_role=role)
    return [(email, password, name) for email, name, _r, _k, _h, password in DEMO_USERS]
