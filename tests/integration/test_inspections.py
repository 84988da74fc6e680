"""Setting up an inspection (form and JSON), its timeline, editing, and bad input that saves nothing."""

from datetime import date

import pytest
from sqlmodel import func, select

from app.audit.models import AuditEvent
from app.inspections.models import Inspection, TeamMember
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


def count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


def new_inspection_form(token, **overrides):
    data = {"csrf_token": token, "local_area": "Testshire (fictional)", "la_code": "999", "framework": "send-2016",
            "start_date-day": "8", "start_date-month": "3", "start_date-year": "2027"}
    data.update(overrides)
    return data


def test_hmi_sets_up_an_inspection_becomes_lead_and_sees_the_timeline(client, db, make_user):
    hmi = make_user(name="Ada Lead")
    sign_in(client, db, hmi)
    response = client.post("/inspections/new", data=new_inspection_form(csrf_of(client, "/inspections/new")))
    assert response.status_code == 303
    inspection = db.exec(select(Inspection)).one()
    assert response.headers["location"] == f"/inspections/{inspection.id}?created=1"
    assert inspection.notification_date == date(2027, 3, 4)  # Monday start: the Thursday before
    assert inspection.last_on_site_date == date(2027, 3, 12)
    page = soup(client.get(response.headers["location"]))
    timeline = [li.get_text(" ", strip=True) for li in page.select(".app-timeline li")]
    assert timeline[0].startswith("Notification Thursday 4 March 2027")
    assert [t.split(" ", 4)[:4] for t in timeline[1:6]] == [["On", "site:", "day", str(i)] for i in range(1, 6)]
    assert "Friday 12 March 2027" in timeline[5]
    assert any(t.startswith("Outcome letter published") for t in timeline)
    team = [row.get_text(" ", strip=True) for row in page.select("#team tbody tr")]
    assert team == ["Ada Lead Lead inspector (HMI) His Majesty's Inspector (Ofsted)"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"local_area": "", "la_code": "", "start_date-day": "", "start_date-month": "", "start_date-year": ""},
         ["Enter the name of the local area", "Enter the local authority code", "Enter the first day on site"]),
        ({"framework": "send-1999"}, ["Select the inspection framework"]),
        ({"framework": ""}, ["Select the inspection framework"]),
        ({"la_code": "12"}, ["Enter the local authority code as 3 digits, like 873, or an ONS code, like E10000003"]),
        ({"start_date-day": "31", "start_date-month": "2"}, ["The first day on site must be a real date"]),
        ({"start_date-day": "x"}, ["The first day on site must be a real date"]),
        ({"start_date-day": "6"}, ["The first day on site must be a working day: 6 March 2027 is a Saturday"]),
        ({"start_date-day": "26"},
         ["The first day on site must be a working day: 26 March 2027 is a bank holiday (Good Friday)"]),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, db, make_user, overrides, expected):
    sign_in(client, db, make_user())
    before = count(db, AuditEvent)
    response = client.post("/inspections/new",
                           data=new_inspection_form(csrf_of(client, "/inspections/new"), **overrides))
    assert response.status_code == 422
    assert error_summary(response) == expected
    assert soup(response).title.get_text().startswith("Error:")
    assert count(db, Inspection) == 0
    assert count(db, TeamMember) == 0
    assert count(db, AuditEvent) == before
    # What was typed is shown again.
    if overrides.get("start_date-day") == "x":
        assert soup(response).select_one("#start_date-day")["value"] == "x"


def test_error_summary_links_to_the_date_day_box(client, db, make_user):
    sign_in(client, db, make_user())
    response = client.post("/inspections/new", data=new_inspection_form(csrf_of(client, "/inspections/new"),
                                                                        **{"start_date-day": "6"}))
    assert soup(response).select_one(".govuk-error-summary a")["href"] == "#start_date-day"


def test_api_creates_and_reads_an_inspection(client, db, make_user, monkeypatch):
    from app.inspections import service
    monkeypatch.setattr(service, "today_on_site", lambda: date(2026, 12, 1))  # before the notice: "planned"
    sign_in(client, db, make_user())
    token = client.get("/api/v1/session").json()["csrf_token"]
    body = {"local_area": "Testshire (fictional)", "la_code": "E10000003", "framework": "send-2016",
            "start_date": "2026-12-21"}
    created = client.post("/api/v1/inspections", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 201
    data = created.json()
    assert data["notification_date"] == "2026-12-17"
    # One working week from the Monday: Christmas Day is a bank holiday, and the week on site does not run on.
    assert data["on_site_days"] == ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24"]
    assert data["status"] == "planned"
    assert client.get(f"/api/v1/inspections/{data['id']}").json() == data


def test_the_status_shown_follows_the_dates(client, db, make_user, make_inspection, monkeypatch):
    from datetime import timedelta

    from app.inspections import service
    lead = make_user()
    inspection = make_inspection(lead)  # notice Thursday 4 March 2027, on site 8 to 12 March
    sign_in(client, db, lead)
    for today, label, value in ((date(2027, 3, 1), "Planned", "planned"), (date(2027, 3, 4), "Notified", "notified"),
                                (date(2027, 3, 8), "On site", "on_site"), (date(2027, 3, 12), "On site", "on_site"),
                                (inspection.last_on_site_date + timedelta(days=1), "Drafting", "drafting")):
        monkeypatch.setattr(service, "today_on_site", lambda today=today: today)
        overview = soup(client.get(f"/inspections/{inspection.id}"))
        assert overview.select_one("main .govuk-tag").get_text(strip=True) == label, today
        listed = soup(client.get("/inspections")).select_one("td[data-label=Status]").get_text(strip=True)
        assert listed == label, today
        assert client.get(f"/api/v1/inspections/{inspection.id}").json()["status"] == value


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"start_date": "2027-02-30"}, "start_date", "The first day on site must be a real date"),
        ({"start_date": "08/03/2027"}, "start_date", "The first day on site must be a real date"),
        ({"start_date": "2027-03-06"}, "start_date",
         "The first day on site must be a working day: 6 March 2027 is a Saturday"),
        ({"framework": "ofsted-1"}, "framework", "Select the inspection framework"),
        ({"local_area": ""}, "local_area", "Enter the name of the local area"),
    ],
)
def test_api_bad_input_gives_field_errors_and_saves_nothing(client, db, make_user, body, field, message):
    sign_in(client, db, make_user())
    token = client.get("/api/v1/session").json()["csrf_token"]
    full = {"local_area": "Testshire (fictional)", "la_code": "999", "framework": "send-2016",
            "start_date": "2027-03-08"}
    response = client.post("/api/v1/inspections", json={**full, **body}, headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert response.json()["errors"][field] == message
    assert count(db, Inspection) == 0


def test_api_refuses_malformed_json(client, db, make_user):
    sign_in(client, db, make_user())
    token = client.get("/api/v1/session").json()["csrf_token"]
    response = client.post("/api/v1/inspections", content=b"{not json", headers={"X-CSRF-Token": token,
                                                                                   "Content-Type": "application/json"})
    assert response.status_code == 422
    assert count(db, Inspection) == 0


def test_a_2023_inspection_is_set_up_from_its_notification_date(client, db, make_user):
    sign_in(client, db, make_user())
    token = client.get("/api/v1/session").json()["csrf_token"]
    body = {"local_area": "Testshire (fictional)", "la_code": "999", "framework": "send-2023",
            "notification_date": "2027-03-01"}
    data = client.post("/api/v1/inspections", json=body, headers={"X-CSRF-Token": token}).json()
    assert (data["notification_date"], data["start_date"]) == ("2027-03-01", "2027-03-15")  # on site in week 3


def test_lead_edits_the_start_date_and_the_timeline_follows(client, db, make_user, make_inspection):
    hmi = make_user()
    inspection = make_inspection(hmi)
    sign_in(client, db, hmi)
    token = csrf_of(client, f"/inspections/{inspection.id}/edit")
    response = client.post(f"/inspections/{inspection.id}/edit",
                           data=new_inspection_form(token, **{"start_date-day": "30"}))
    assert response.status_code == 303
    db.refresh(inspection)
    assert inspection.start_date == date(2027, 3, 30)
    assert inspection.notification_date == date(2027, 3, 24)  # back over Easter Monday and Good Friday
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "inspection.updated")).one()
    assert event.detail["changed"]["start_date"] == ["2027-03-08", "2027-03-30"]


def test_an_ofsted_inspector_who_is_not_hmi_cannot_set_up_an_inspection(client, db, make_user):
    sign_in(client, db, make_user(kind="ofsted_inspector"))
    assert client.get("/inspections/new").status_code == 404
    assert "Set up an inspection" not in client.get("/inspections").text


def test_admin_sets_up_an_inspection_with_no_lead_and_is_warned(client, db, make_user):
    sign_in(client, db, make_user(role="admin"))
    response = client.post("/inspections/new", data=new_inspection_form(csrf_of(client, "/inspections/new")))
    page = soup(client.get(response.headers["location"]))
    assert "has no lead inspector yet" in page.select_one("#team").get_text()
    assert count(db, TeamMember) == 0
