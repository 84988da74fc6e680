"""The fictional demo's 2023 inspections: one published (its list and tracked cases) and one in its on-site week,
with evidence under every evaluation criterion, the three surveys answered and its timeline."""

from datetime import timedelta

from sqlmodel import select

from app import demo
from app.casetracking.models import PersonLevelChild
from app.clock import today_in_england
from app.evidence.models import EvidenceItem
from app.frameworks import timeline, working_days
from app.frameworks.service import get_profile
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.users.models import User
from tests.integration.conftest import sign_in, soup

CRITERIA = ["Children and young people's experiences and outcomes",
            "How the partners plan, evaluate and develop together",
            "The local authority's commissioning and oversight of alternative provision"]


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_the_demo_s_2023_inspections_one_published_one_mid_fieldwork(db, make_client):
    demo.seed(session=db)
    by_area = {i.local_area: i for i in db.exec(select(Inspection).where(Inspection.framework == "send-2023"))}
    published, fieldwork = by_area[demo.PUBLISHED_AREA], by_area[demo.FIELDWORK_AREA]
    lead = db.exec(select(User).where(User.email == "lead@example.org")).one()
    client = sign_in(make_client(), db, lead)

    # The published one: its list of 240 and six cases drawn with the recorded seed.
    assert len(db.exec(select(PersonLevelChild).where(PersonLevelChild.inspection_id == published.id)).all()) == 240
    page = soup(client.get(f"/inspections/{published.id}/cases"))
    assert page.select_one("[data-seed]").get_text() == "20270308"
    assert len(page.select("#cases tbody tr")) == 6

    # The one in fieldwork: its timeline from the notification to the final feedback, the on-site week now.
    base = f"/inspections/{fieldwork.id}"
    titles = [text_of(h) for h in soup(client.get(base)).select(".app-timeline__title")]
    for milestone in ("Notification", "Surveys distributed by the local area partnership",
                      "Cases selected for tracking and sampling", "Surveys close", "On site: day 1",
                      "Final feedback meeting"):
        assert any(t.startswith(milestone) for t in titles), milestone
    today = today_in_england()
    assert fieldwork.start_date <= today + timedelta(days=2) and fieldwork.last_on_site_date >= today

    # Six cases drawn for tracking and three sampled, consent and meetings under way.
    cases = soup(client.get(f"{base}/cases"))
    assert [s.get_text() for s in cases.select("[data-seed]")] == ["20271004", "20271005"]
    rows = [[text_of(td) for td in tr.select("td")] for tr in cases.select("#cases tbody tr")]
    assert len(rows) == 9 and sum("(case tracking)" in r[0] for r in rows) == 6
    assert {r[2] for r in rows} >= {"Given", "Declined", "Not yet asked"}
    # A tracking meeting on each of the first two days on site, once that day has come (none on a day to come).
    held = sum(day <= today for day in inspections.schedule_of(fieldwork).on_site_days[:2])
    assert sum(r[4] != "Not yet" for r in rows) == held

    # Each criterion's board has evidence, and readiness counts two or more kinds of source for each.
    board = soup(client.get(f"{base}/board"))
    links = {text_of(a): a["href"] for a in board.select(".app-subnav__link[href^='?']")}  # the criteria's boards
    assert [next(c for c in CRITERIA if c in label) for label in links] == CRITERIA
    for href in links.values():
        assert len(soup(client.get(f"{base}/board{href}")).select(".app-evidence")) >= 4, href
    kinds = {i.source_type for i in db.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == fieldwork.id))}
    assert kinds == {"tracked_case", "setting_visit", "meeting", "document_review", "document", "survey"}
    checks = [text_of(li) for li in soup(client.get(f"{base}/letter")).select(".app-checks li")]
    for n in (1, 2, 3):
        assert any(c.startswith(f"Done Evaluation criterion {n} has evidence from at least two kinds of source")
                   for c in checks), checks

    # The three surveys answered, practitioners by where they work.
    results = soup(client.get(f"{base}/survey"))
    assert "Children and young people: 14 · Parents and carers: 30 · Practitioners: 26" in text_of(results)
    assert "A school or college: 9" in results.select_one("#workplaces-desc").get_text()


def test_the_demo_s_2023_inspection_is_on_site_whenever_the_demo_is_loaded():
    profile = get_profile("send-2023")
    first = today_in_england()
    for day in (first + timedelta(days=n) for n in range(14)):  # weekends included
        notification = demo.fieldwork_notification(day)
        assert timeline.problem(profile, notification) is None, day
        on_site = timeline.plan(profile, notification)[1]
        if working_days.is_working_day(day):
            assert day in on_site, day
        else:  # at a weekend, the coming week
            assert on_site[0] > day and on_site[0] - day < timedelta(days=3), day
