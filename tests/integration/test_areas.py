"""Local areas as records of their own, filled from the inspections by migration 0020, and the national view
(administrators and planners): filters, the CSV behind a recent password, the JSON."""

import csv
import io
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import select

from app import migrate
from app.db import make_engine
from app.inspections import areas as area_records
from app.inspections.models import Area, Inspection
from app.models_base import utcnow
from app.users.models import UserSession
from tests.conftest import new_postgres_database
from tests.integration.conftest import csrf_of, error_summary, publish, sign_in, soup

AREAS_HEAD = "0020"


def test_the_migration_makes_one_area_per_code_named_as_its_latest_inspection_and_links_them(database_url, tmp_path):
    def run(url: str) -> None:
        migrate.upgrade(url, "0019")
        engine = make_engine(url)
        with engine.begin() as conn:
            for area, code, start in [("Old Name (fictional)", "871", "2019-05-13"),
                                      ("New Name (fictional)", "871", "2024-02-05"),
                                      ("Otherby (fictional)", "E10000099", "2023-10-02")]:
                conn.execute(text(
                    "INSERT INTO inspections (local_area, la_code, framework, start_date, notification_date, "
                    "last_on_site_date, status, created_at) VALUES (:area, :code, 'send-2016', :start, :start, "
                    ":start, 'planned', CURRENT_TIMESTAMP)"), {"area": area, "code": code, "start": start})
        migrate.upgrade(url, AREAS_HEAD)
        with engine.connect() as conn:
            areas = conn.execute(text("SELECT la_code, name, integrated_care_board FROM areas ORDER BY la_code")).all()
            assert [tuple(row) for row in areas] == [("871", "New Name (fictional)", ""),
                                                     ("E10000099", "Otherby (fictional)", "")]
            links = conn.execute(text("SELECT i.local_area, a.la_code FROM inspections i JOIN areas a "
                                      "ON a.id = i.area_id ORDER BY i.start_date")).all()
            assert [tuple(row) for row in links] == [("Old Name (fictional)", "871"),
                                                     ("Otherby (fictional)", "E10000099"),
                                                     ("New Name (fictional)", "871")]
        engine.dispose()

    if database_url.startswith("sqlite"):
        run(f"sqlite:///{tmp_path / 'areas.db'}")
    else:
        with new_postgres_database("sendfw_areas") as url:
            migrate.downgrade(url, "base")
            run(url)


def test_a_new_inspection_joins_the_area_of_its_code(db, make_user, make_inspection):
    lead = make_user()
    first = make_inspection(lead, local_area="Testshire (fictional)")
    second = make_inspection(lead, local_area="Testshire County (fictional)", start=date(2030, 3, 4))
    area = db.exec(select(Area)).one()
    assert (area.name, area.la_code) == ("Testshire (fictional)", "999")
    assert first.area_id == second.area_id == area.id


def make_areas(db, make_user, make_inspection):
    """Three fictional areas: one whose statement is overdue, one with a priority action plan due and its
    monitoring inspection to come, one inspected with nothing owed."""
    lead = make_user(name="Lead HMI (fictional)")
    overdue = make_inspection(lead, local_area="Lateshire (fictional)")
    publish(db, overdue, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    pending = make_inspection(lead, local_area="Planbury (fictional)", framework="send-2023")
    pending.la_code = "870"
    area_records.link(session=db, inspection=pending)
    publish(db, pending, date(2027, 7, 1), outcome="widespread_failings")
    quiet = make_inspection(lead, local_area="Quietford (fictional)", framework="send-2023")
    quiet.la_code = "872"
    area_records.link(session=db, inspection=quiet)
    db.flush()
    return overdue, pending, quiet


def rows_of(page) -> dict[str, str]:
    return {tr["data-area"]: " ".join(tr.get_text(" ").split()) for tr in page.select("tr[data-area]")}


def test_the_national_view_shows_every_area_and_filters_it(client, db, make_user, make_inspection, today_is):
    make_areas(db, make_user, make_inspection)
    today_is(date(2027, 7, 12))
    sign_in(client, db, make_user(role="admin"))
    every = rows_of(soup(client.get("/areas")))
    assert set(every) == {"999", "870", "872"}
    assert "Overdue Written statement of action, due 30 June 2027" in every["999"]
    assert "Written statement of action required" in every["999"]
    assert "Due Priority action plan (area SEND), due 12 August 2027" in every["870"]
    assert "Monitoring inspection: about January 2029" in every["870"]
    assert "by July 2030" in every["870"]  # the next full inspection within 3 years
    assert "Nothing" in every["872"]
    assert set(rows_of(soup(client.get("/areas?show=overdue")))) == {"999"}
    # The revisit comes once the statement is accepted; the monitoring inspection has its date already.
    assert "Revisit: 18 months after the written statement of action is accepted" in every["999"]
    assert set(rows_of(soup(client.get("/areas?show=visit")))) == {"999", "870"}
    assert set(rows_of(soup(client.get("/areas?q=plan")))) == {"870"}
    assert set(rows_of(soup(client.get("/areas?framework=send-2023&show=outstanding")))) == {"870"}
    assert set(rows_of(soup(client.get("/areas?show=nonsense")))) == {"999", "870", "872"}  # unknown: everything
    answer = client.get("/api/v1/areas?show=overdue").json()
    assert [(a["la_code"], a["overdue"], a["obligations_owed"][0]["due_date"]) for a in answer] == [
        ("999", 1, "2027-06-30")]


def test_the_csv_is_filtered_like_the_page_and_asks_for_the_password_when_it_is_stale(
        client, db, make_user, make_inspection, today_is):
    make_areas(db, make_user, make_inspection)
    today_is(date(2027, 7, 12))
    admin = make_user(role="admin")
    sign_in(client, db, admin)
    answer = client.get("/areas.csv?show=overdue")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:2] == ["Local area", "Local authority code"] and [r[1] for r in rows[1:]] == ["999"]
    assert rows[1][8] == "Written statement of action (overdue, due 2027-06-30)"
    user_session = db.exec(select(UserSession).where(UserSession.user_id == admin.id)).one()
    user_session.reauthenticated_at = utcnow() - timedelta(minutes=16)
    db.add(user_session)
    db.flush()
    asked = client.get("/areas.csv?show=overdue")
    assert asked.status_code == 303 and asked.headers["location"].startswith("/account/confirm?next=")


def test_a_planner_reads_the_national_view_and_nothing_else(make_client, db, make_user, make_inspection):
    _, pending, _ = make_areas(db, make_user, make_inspection)
    planner = sign_in(make_client(), db, make_user(role="planner"))
    assert planner.get("/areas").status_code == 200
    assert planner.get("/inspections").headers["location"] == "/areas"
    assert planner.get(f"/inspections/{pending.id}").status_code == 404
    assert planner.get("/admin/users").status_code == 404
    area_page = planner.get(f"/areas/{pending.area_id}")
    assert area_page.status_code == 200 and soup(area_page).select("form[action^='/areas/']") == []
    refused = planner.post(f"/areas/{pending.area_id}", data={"csrf_token": csrf_of(planner, "/areas"),
                                                              "name": "Renamed", "integrated_care_board": ""})
    assert refused.status_code == 404
    assert planner.get("/api/v1/areas").status_code == 200
    inspector = sign_in(make_client(), db, make_user(name="Any Inspector (fictional)"))
    assert inspector.get("/areas").status_code == 404 and inspector.get("/api/v1/areas").status_code == 404


def test_an_administrator_records_the_area_s_integrated_care_board(client, db, make_user, make_inspection):
    _, pending, _ = make_areas(db, make_user, make_inspection)
    sign_in(client, db, make_user(role="admin"))
    url = f"/areas/{pending.area_id}"
    blank = client.post(url, data={"csrf_token": csrf_of(client, url), "name": " ", "integrated_care_board": ""})
    assert blank.status_code == 422 and error_summary(blank) == ["Enter the name of the local area"]
    saved = client.post(url, data={"csrf_token": csrf_of(client, url), "name": "Planbury (fictional)",
                                   "integrated_care_board": "NHS Planbury Integrated Care Board (fictional)"})
    assert saved.status_code == 303
    assert db.get(Area, pending.area_id).integrated_care_board == "NHS Planbury Integrated Care Board (fictional)"
    page = soup(client.get(url))
    assert [tr["data-inspection"] for tr in page.select("tr[data-inspection]")] == [str(pending.id)]
    assert db.exec(select(Inspection).where(Inspection.area_id == pending.area_id)).one().id == pending.id


def test_an_administrator_records_engagement_meetings_against_the_area_and_a_planner_reads_them(
        make_client, db, make_user, make_inspection, today_is):
    _, pending, _ = make_areas(db, make_user, make_inspection)
    today_is(date(2028, 3, 1))
    admin = sign_in(make_client(), db, make_user(role="admin"))
    url = f"/areas/{pending.area_id}"

    def post(day: str, month: str, year: str, notes: str):
        return admin.post(f"{url}/meetings", data={"csrf_token": csrf_of(admin, url), "held_on-day": day,
                                                   "held_on-month": month, "held_on-year": year, "notes": notes})

    wrong = post("31", "2", "2028", "")
    assert wrong.status_code == 422
    assert error_summary(wrong) == ["The date of the meeting must be a real date", "Enter what was discussed"]
    assert soup(wrong).select_one("#held_on-day")["value"] == "31"  # what was typed is shown again
    assert post("2", "3", "2028", "Fictional notes.").status_code == 422  # tomorrow
    assert post("14", "2", "2028", "Fictional: the partnership shared its plan's first results.").status_code == 303
    planner = sign_in(make_client(), db, make_user(role="planner"))
    page = soup(planner.get(url))
    assert [li.get_text(" ", strip=True) for li in page.select(".app-meetings li")] == [
        "14 February 2028 : Fictional: the partnership shared its plan's first results."]
    assert planner.post(f"{url}/meetings", data={"csrf_token": csrf_of(planner, url), "notes": "x"}).status_code == 404
