"""The timeline as each profile sets it: the 2023 three weeks from the notification, the 2016 week from a Monday,
working days across bank holidays, and dates that cannot anchor a timeline refused with the reason."""

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from app.inspections.models import Inspection
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


def form(token, framework, field, day):
    return {"csrf_token": token, "local_area": "Testshire (fictional)", "la_code": "999", "framework": framework,
            f"{field}-day": str(day.day), f"{field}-month": str(day.month), f"{field}-year": str(day.year)}


def set_up(client, framework, field, day):
    return client.post("/inspections/new", data=form(csrf_of(client, "/inspections/new"), framework, field, day))


def timeline_of(client, response):
    page = soup(client.get(response.headers["location"]))
    return {li.select_one("h3").get_text(" ", strip=True): li.select_one("time")["datetime"]
            for li in page.select(".app-timeline li")}


def test_2023_runs_three_weeks_from_the_notification_across_easter(client, db, make_user):
    sign_in(client, db, make_user())
    # Notified Monday 22 March 2027; Good Friday (26 March) and Easter Monday (29 March) are not working days.
    response = set_up(client, "send-2023", "notification_date", date(2027, 3, 22))
    assert response.status_code == 303
    inspection = db.exec(select(Inspection)).one()
    assert (inspection.notification_date, inspection.start_date, inspection.last_on_site_date) == (
        date(2027, 3, 22), date(2027, 4, 5), date(2027, 4, 9))  # on site Monday to Friday of the third week
    shown = timeline_of(client, response)
    assert shown["Notification"] == shown["Surveys distributed by the local area partnership"] == "2027-03-22"
    assert shown["Set-up meeting"] == "2027-03-23"
    assert shown["Cases selected for tracking and sampling"] == "2027-03-25"
    assert shown["Surveys close"] == "2027-04-02"  # seven working days on, Easter left out
    assert shown["On site: day 1"] == "2027-04-05" and shown["On site: day 5"] == "2027-04-09"
    assert shown["Final feedback meeting"] == "2027-04-09"
    assert shown["Keep-in-touch meeting"]  # weekly before fieldwork, daily on site (the days' hints)


def test_christmas_and_new_year(client, db, make_user):
    sign_in(client, db, make_user())
    # 2016: first day on site Monday 4 January 2027, notice two working days before, over New Year's Day.
    set_up(client, "send-2016", "start_date", date(2027, 1, 4))
    # 2023: notified Monday 14 December 2026; the third week's Monday (28 December) is the Boxing Day holiday.
    set_up(client, "send-2023", "notification_date", date(2026, 12, 14))
    by_framework = {i.framework: i for i in db.exec(select(Inspection))}
    assert (by_framework["send-2016"].notification_date, by_framework["send-2016"].last_on_site_date) == (
        date(2026, 12, 30), date(2027, 1, 8))
    late = by_framework["send-2023"]
    assert (late.start_date, late.last_on_site_date) == (date(2026, 12, 29), date(2026, 12, 31))  # one week


@pytest.mark.parametrize(
    ("framework", "field", "day", "message"),
    [
        ("send-2023", "notification_date", date(2027, 3, 6),
         "The notification date must be a working day: 6 March 2027 is a Saturday"),
        ("send-2023", "notification_date", date(2026, 12, 25),
         "The notification date must be a working day: 25 December 2026 is a bank holiday (Christmas Day)"),
        ("send-2023", "notification_date", date(2026, 12, 21),
         ("The notification date leaves too few working days before the on-site week (it starts Monday 4 January "
         "2027): surveys close would fall in it. Choose another date")),
        ("send-2016", "start_date", date(2027, 3, 10),
         ("The first day on site must be a Monday, or the Tuesday after a bank holiday Monday, so that the days on "
         "site form one working week: 10 March 2027 is a Wednesday")),
    ],
)
def test_a_date_that_cannot_anchor_the_timeline_is_refused(client, db, make_user, framework, field, day, message):
    sign_in(client, db, make_user())
    response = set_up(client, framework, field, day)
    assert response.status_code == 422
    assert error_summary(response) == [message]
    assert soup(response).select_one(".govuk-error-summary a")["href"] == f"#{field}-day"
    assert db.exec(select(func.count()).select_from(Inspection)).one() == 0


def test_an_inspection_set_up_under_the_old_rules_keeps_its_dates(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead, framework="send-2023", notification=date(2027, 3, 1))
    # As stored before the three-week shape: notice eight working days ahead of a Wednesday start.
    inspection.notification_date, inspection.start_date = date(2027, 2, 22), date(2027, 3, 3)
    inspection.last_on_site_date = date(2027, 3, 9)
    db.add(inspection)
    db.flush()
    sign_in(client, db, lead)
    data = client.get(f"/api/v1/inspections/{inspection.id}").json()
    assert data["on_site_days"] == [(date(2027, 3, 3) + timedelta(days=n)).isoformat() for n in (0, 1, 2, 5, 6)]
    assert data["notification_date"] == "2027-02-22"


def test_a_monitoring_inspection_is_edited_by_its_own_first_day_on_site(client, db, make_user, make_inspection):
    lead = make_user()
    visit = make_inspection(lead, framework="send-2023")
    visit.visit_kind = "monitoring_inspection"  # as set up from the original (test_visits covers that)
    db.add(visit)
    db.flush()
    sign_in(client, db, lead)
    legends = [legend.get_text(" ", strip=True) for legend in
               soup(client.get(f"/inspections/{visit.id}/edit")).select("fieldset.govuk-fieldset legend")
               if "day on site" in legend.get_text() or "notification" in legend.get_text()]
    assert legends == ["The first day on site (SEND 2023 monitoring)"]
    response = client.post(f"/inspections/{visit.id}/edit", data=form(
        csrf_of(client, f"/inspections/{visit.id}/edit"), "send-2023", "start_date", date(2027, 3, 10)))
    assert response.status_code == 303
    db.refresh(visit)
    assert visit.start_date == date(2027, 3, 10)  # a visit need not start on a Monday
