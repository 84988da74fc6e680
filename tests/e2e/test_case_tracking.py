"""Case tracking in the system Chromium on a 768px tablet (and a 375px phone): the area's officer uploads the
person-level list (a file with a names column is refused in place), the lead selects cases at random and sees the
seed, records the conversation and consent on a case offline (back online, consent lands and the conversation, sent
before it, is kept as refused with the reason and where to fix it), asks for documents, then offline marks one
received and asks for another (both land back online), and captures evidence from the case in place, online and
offline (back online it lands with the case as its source and is on the board); axe-core checks each page."""

import re
import sqlite3
from contextlib import closing
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from app.audit.service import Actor
from app.db import make_engine
from app.flows import setup
from app.inspections import service as inspections
from app.portal import invitations
from app.users.models import User
from tests.e2e.conftest import axe_violations, sign_in
from tests.servers import AppServer

AREA = "Imaginary Dales (fictional, 2023)"
OFFICER, PASSWORD = "officer2023@area.example.org", "fictional-officer-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_database):
    """The demo plus a 2023 inspection led by the demo lead, with an officer of its own."""
    workdir = tmp_path_factory.mktemp("tracking")
    with closing(sqlite3.connect(demo_database)) as source, closing(sqlite3.connect(workdir / "live.db")) as copy:
        source.backup(copy)
    engine = make_engine(f"sqlite:///{workdir / 'live.db'}")
    with Session(engine) as session:
        actor = Actor.system("e2e")
        lead = session.exec(select(User).where(User.email == "lead@example.org")).one()
        form = inspections.InspectionForm(local_area=AREA, la_code="998", framework="send-2023",
                                          notification_date=date(2027, 2, 22).isoformat())  # on site 8 March
        inspection = setup.set_up_inspection(session=session, actor=actor, creator=lead, form=form)
        _, token = invitations.invite(session=session, actor=actor, inspection=inspection, email=OFFICER)
        invitations.accept(session=session, token=token, name="Fictional Officer", password=PASSWORD,
                           confirm=PASSWORD, ip_address=None)
        session.commit()
        inspection_id = inspection.id
    engine.dispose()
    app = AppServer(workdir, database_url=f"sqlite:///{workdir / 'live.db'}")
    yield app.url, inspection_id
    app.stop()


def fictional_list(path, count: int = 60) -> str:
    needs = ["ASD", "SEMH", "SLCN", "MLD", "PD"]
    rows = ["Child ID,Age,Primary need,SEN status,Setting,Out of area,Ethnicity",
            *(f"DL-{n:03d},{n % 26},{needs[n % 5]},{'E' if n % 3 == 0 else 'K'},Mainstream school,no,WBRI"
              for n in range(1, count + 1))]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_case_tracking_on_a_tablet(server, page_at, tmp_path):
    base, inspection_id = server
    officer = page_at(768)
    sign_in_officer(officer, base)
    officer.goto(f"{base}/portal/{inspection_id}/person-level")
    assert axe_violations(officer) == []
    named = tmp_path / "named.csv"
    named.write_text("Child ID,Age,SEN status,Full name\nDL-001,9,E,Fictional Person\n")
    officer.get_by_label("Choose the list").set_input_files(str(named))
    officer.get_by_role("button", name="Upload the list").click()
    summary = officer.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Column D (‘Full name’) would identify a child directly")
    officer.get_by_label("Choose the list").set_input_files(fictional_list(tmp_path / "list.csv"))
    officer.get_by_role("button", name="Upload the list").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("60 children")
    expect(officer.locator("#list-summary")).to_contain_text("Ethnicity")  # left out, and said so
    assert axe_violations(officer) == []
    assert officer.evaluate("document.documentElement.scrollWidth") <= 768

    page = page_at(768)
    sign_in(page, base, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/inspections/{inspection_id}")
    page.get_by_role("link", name="Case tracking").click()
    expect(page.locator("#list-size")).to_contain_text("60 children and young people")
    page.get_by_role("textbox", name="From").fill("5")
    page.get_by_role("textbox", name="To", exact=True).fill("15")
    page.get_by_label("EHC plan").check()
    page.get_by_label("Seed (optional)").fill("42")
    page.get_by_role("button", name="Select at random").click()
    page.wait_for_url(re.compile(r"/cases\?made="))
    expect(page.locator("[data-seed]")).to_have_text("42")
    expect(page.locator("[data-check]")).to_contain_text("Re-runs to the same cases")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    page.locator("#cases a").first.click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    # With no signal (in the family's setting) the conversation is saved before consent, then consent: both kept
    # on the tablet. Back online, consent lands; the conversation, sent first, is refused and kept with the reason
    # and a link to where to record it again.
    case_path = page.url.removeprefix(base)
    page.wait_for_function("document.body.dataset.outboxReady === 'yes'")
    page.context.set_offline(True)
    talk = page.locator("form[data-offline-entity=case_conversation]")
    talk.get_by_role("radio", name="Their parent or carer").check()
    talk.get_by_role("radio", name="By phone").check()
    talk.get_by_role("button", name="Save the conversation").click()
    page.locator("#device-outbox [data-pending] li", has_text="Conversation with the child").wait_for()
    consent = page.locator("form[data-offline-entity=case_consent]")
    consent.get_by_role("radio", name="Given").check()
    consent.get_by_role("radio", name="Their parent or carer").check()
    consent.get_by_role("button", name="Save consent").click()
    page.locator("#device-outbox [data-pending] li", has_text="Consent on a tracked case").wait_for()
    assert axe_violations(page) == []
    page.context.set_offline(False)
    refused = page.locator("#device-outbox [data-attention] li")
    refused.wait_for(timeout=20_000)
    expect(refused).to_contain_text("Record the family's consent before the conversation")
    expect(refused).not_to_contain_text("conversation:")  # the rule's sentence alone, not the server's key
    assert refused.locator("[data-fix-at]").get_attribute("href") == f"{case_path}#case-conversation"
    expect(page.locator("#device-outbox [data-pending] li")).to_have_count(0)
    page.reload()
    expect(page.locator("[data-consent]")).to_have_text("Given")
    expect(page.locator("#device-outbox [data-attention] li")).to_have_count(1)  # still kept on the tablet
    page.get_by_label("EHC plan (the current one)").check()
    page.get_by_role("button", name="Ask for these documents").click()
    expect(page.locator("#document-requests")).to_contain_text("EHC plan (the current one)")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    # Offline again: the plan is marked received, and the chronology asked for, each kept on the tablet; a request
    # with nothing ticked is refused in place in the online form's words. Back online, both land.
    page.wait_for_function("document.body.dataset.outboxReady === 'yes'")
    page.context.set_offline(True)
    page.locator("form[data-offline-entity=case_document_received]").get_by_role("button", name="Received").click()
    page.locator("#device-outbox [data-pending] li", has_text="Document received on a tracked case").wait_for()
    ask = page.locator("form[data-offline-entity=case_document_request]")
    ask.get_by_role("button", name="Ask for these documents").click()
    expect(ask.locator(".govuk-error-summary")).to_contain_text("Select the documents asked for")
    ask.get_by_label("Chronology of involvement").check()
    ask.get_by_role("button", name="Ask for these documents").click()
    page.locator("#device-outbox [data-pending] li", has_text="Documents asked for on a tracked case").wait_for()
    # The tablet draws no row for a request still on it: the form says when its documents can be marked received.
    expect(ask.locator("[data-offline-status]")).to_contain_text(
        "Each document asked for can be marked received here once it has been sent")
    assert axe_violations(page) == []
    page.context.set_offline(False)
    expect(page.locator("#device-outbox [data-pending] li")).to_have_count(0, timeout=20_000)
    page.reload()
    rows = page.locator("#document-requests tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="EHC plan")).not_to_contain_text("Date received")  # received: no form left
    expect(rows.filter(has_text="Chronology of involvement").get_by_role("button", name="Received")).to_be_visible()
    expect(page.locator("#device-outbox [data-attention] li")).to_have_count(1)  # only the conversation, as before

    # Evidence captured in place, without leaving the case: its source is the case. (The first of the profile's
    # headings and aspects, whichever they are.)
    page.evaluate("window.__marker = 'same page'")
    text = "Fictional: the tracking meeting showed joined-up planning."
    form = page.locator("#capture-form")
    form.get_by_label("What did you see or hear?").fill(text)
    form.locator("input[name=heading]").first.check()
    form.locator("input[name=aspect]:visible").first.check()
    form.get_by_label("Strength", exact=True).check()
    form.get_by_label("Education", exact=True).check()
    form.get_by_role("button", name="Save evidence").click()
    page.locator("#source-evidence", has_text=text).wait_for()
    assert page.evaluate("window.__marker") == "same page"
    expect(page.locator("#source-evidence-heading")).to_have_text("Evidence from this case")
    assert axe_violations(page) == []

    # Evidence from the case captured with no signal goes through the evidence op like any other: kept on the
    # tablet, then back online it lands with the case as its source, and the board shows it linked to the case.
    page.reload()
    page.wait_for_function("document.body.dataset.outboxReady === 'yes'")
    page.context.set_offline(True)
    offline = "Fictional: the family said the annual review now comes on time."
    form = page.locator("#capture-form")
    form.get_by_label("What did you see or hear?").fill(offline)
    heading = form.locator("input[name=heading]").first
    heading.check()
    heading_number = heading.get_attribute("value")
    form.locator("input[name=aspect]:visible").first.check()
    form.get_by_label("Area for development", exact=True).check()
    form.get_by_label("Health", exact=True).check()
    form.get_by_role("button", name="Save evidence").click()
    page.locator("#device-outbox [data-pending] li", has_text=offline).wait_for()
    page.context.set_offline(False)
    expect(page.locator("#device-outbox [data-pending] li")).to_have_count(0, timeout=20_000)
    page.goto(f"{base}/inspections/{inspection_id}/board?heading={heading_number}")
    item = page.locator(".app-evidence", has_text=offline)
    expect(item).to_have_count(1)
    assert item.locator("[data-tracked-case]").get_attribute("href") == case_path
    page.goto(f"{base}{case_path}")
    expect(page.locator("#source-evidence")).to_contain_text(offline)
    assert page.errors == []


def sign_in_officer(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/portal/\d+$"))


def test_the_case_page_fits_a_phone(server, page_at):
    base, inspection_id = server
    page = page_at(375, 812)
    sign_in(page, base, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/inspections/{inspection_id}/cases")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
