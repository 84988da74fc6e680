"""Settings register, day plan and activities, sampled case files and the file-sample summary."""

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from app.fieldwork.models import Activity, FileReview, Setting
from app.inspections import service as inspections
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


@pytest.fixture
def team(db, make_user, make_inspection, client):
    lead = make_user(name="Ada Lead")
    cqc = make_user(kind="cqc", name="Cyril Care")
    inspection = make_inspection(lead, start=date(2026, 11, 23))  # on site Mon 23 to Fri 27 November 2026
    inspections.add_team_member(session=db, actor=__import__("tests.integration.conftest", fromlist=["SYSTEM"]).SYSTEM,
                                inspection=inspection, email=cqc.email, team_role="cqc_inspector")
    sign_in(client, db, lead)
    return {"lead": lead, "cqc": cqc, "inspection": inspection, "base": f"/inspections/{inspection.id}"}


def count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


def post(client, path, data, page=None, htmx=False):
    token = csrf_of(client, page or path)
    return client.post(path, data={"csrf_token": token, **data}, headers={"HX-Request": "true"} if htmx else {})


# --- Settings register -----------------------------------------------------------------------------------


def test_add_a_setting_with_a_urn(client, db, team):
    response = post(client, f"{team['base']}/settings", {"name": "Pretend Primary", "setting_type": "mainstream_school",
                                                          "identifier_kind": "urn", "identifier": "123456"})
    assert response.status_code == 303
    setting = db.exec(select(Setting)).one()
    assert (setting.name, setting.identifier_kind, setting.identifier) == ("Pretend Primary", "urn", "123456")
    rows = [r.get_text(" ", strip=True) for r in soup(client.get(f"{team['base']}/settings")).select("tbody tr")]
    assert rows[0].startswith("Pretend Primary Mainstream school URN 123456")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"name": "", "setting_type": ""}, ["Enter the setting's name", "Select the type of setting"]),
        ({"name": "Clinic", "setting_type": "health_service", "identifier_kind": "ods", "identifier": "123"},
         ["An ODS code is 3 to 6 letters and digits, like RJ7 or A81001"]),
        ({"name": "College", "setting_type": "further_education", "identifier_kind": "ukprn", "identifier": "999"},
         ["A UKPRN is 8 digits starting with 1, like 10012345"]),
        ({"name": "School", "setting_type": "special_school", "identifier": "123456"},
         ["Select the kind of identifier"]),
    ],
)
def test_bad_setting_input_saves_nothing(client, db, team, data, expected):
    response = post(client, f"{team['base']}/settings", data)
    assert response.status_code == 422
    assert error_summary(response) == expected
    assert count(db, Setting) == 0


def test_adding_a_setting_with_htmx_returns_the_register_fragment(client, db, team):
    response = post(client, f"{team['base']}/settings", {"name": "Pretend Nursery", "setting_type": "early_years"},
                    htmx=True)
    assert response.status_code == 200
    fragment = soup(response)
    assert fragment.select_one("html") is None
    assert "Pretend Nursery" in fragment.select_one("#register tbody").get_text()


# --- Activities and the day plan -------------------------------------------------------------------------


def activity_data(team, **overrides):
    data = {"kind": "meeting", "meeting_with": "parent_carer_group", "day": "2026-11-24", "start_time": "10:00",
            "inspector_ids": [str(team["lead"].id)], "attendee_roles[]": ["Parent", "Parent carer forum chair", ""],
            "attendee_organisations[]": ["", "Fictional Parent Carer Forum", ""], "notes": "Fictional notes."}
    data.update(overrides)
    return data


def test_record_a_meeting_with_attendees_by_role_and_organisation(client, db, team):
    new = f"{team['base']}/activities/new"
    response = post(client, new, activity_data(team), page=new)
    assert response.status_code == 303
    activity = db.exec(select(Activity)).one()
    assert activity.title == "Meeting with a group of parents and carers"
    assert activity.attendees == [{"role": "Parent", "organisation": ""},
                                  {"role": "Parent carer forum chair", "organisation": "Fictional Parent Carer Forum"}]
    assert activity.inspector_ids == [team["lead"].id]
    page = soup(client.get(response.headers["location"]))
    assert "Parent carer forum chair, Fictional Parent Carer Forum" in page.select_one(".govuk-summary-list").get_text()


def test_a_visit_needs_a_setting_and_the_day_must_be_on_site(client, db, team):
    response = post(client, f"{team['base']}/activities/new",
                    activity_data(team, kind="setting_visit", day="2026-11-28", inspector_ids=[]),
                    page=f"{team['base']}/activities/new")
    assert response.status_code == 422
    assert error_summary(response) == ["Select the setting visited (add it to the settings register first)",
                                       "Select one of the days on site", "Select at least one inspector from the team"]
    assert count(db, Activity) == 0


def test_an_inspector_off_the_team_cannot_be_put_on_an_activity(client, db, team, make_user):
    stranger = make_user(name="Not On Team")
    response = post(client, f"{team['base']}/activities/new", activity_data(team, inspector_ids=[str(stranger.id)]),
                    page=f"{team['base']}/activities/new")
    assert error_summary(response) == ["Select at least one inspector from the team"]


def test_a_meeting_needs_to_say_who_with(client, db, team):
    response = post(client, f"{team['base']}/activities/new", activity_data(team, meeting_with=""),
                    page=f"{team['base']}/activities/new")
    assert error_summary(response) == ["Select who the meeting is with"]


def test_day_plan_for_the_team_and_for_one_inspector(client, db, team):
    post(client, f"{team['base']}/activities/new", activity_data(team), page=f"{team['base']}/activities/new")
    post(client, f"{team['base']}/activities/new",
         activity_data(team, meeting_with="health_leaders", inspector_ids=[str(team["cqc"].id)], start_time="14:00"),
         page=f"{team['base']}/activities/new")
    whole = soup(client.get(f"{team['base']}/plan"))
    day2 = whole.select_one("#day-2").find_parent("section")
    times = [r.select_one("td[data-label=Time]").get_text(strip=True) for r in day2.select("tbody tr")]
    assert times == ["10:00", "14:00"]
    assert "Nothing planned" in whole.select_one("#day-1").find_parent("section").get_text()
    mine = soup(client.get(f"{team['base']}/plan?inspector={team['cqc'].id}"))
    rows = mine.select_one("#day-2").find_parent("section").select("tbody tr")
    assert len(rows) == 1 and "Cyril Care" in rows[0].get_text()
    fragment = client.get(f"{team['base']}/plan?inspector={team['cqc'].id}", headers={"HX-Request": "true"})
    assert soup(fragment).select_one("#days") is not None and soup(fragment).select_one("html") is None


def test_notes_autosave_keeps_a_version(client, db, team):
    post(client, f"{team['base']}/activities/new", activity_data(team), page=f"{team['base']}/activities/new")
    activity = db.exec(select(Activity)).one()
    path = f"{team['base']}/activities/{activity.id}"
    response = post(client, f"{path}/notes", {"notes": "Longer fictional notes, typed on a tablet."}, page=path,
                    htmx=True)
    assert response.status_code == 200
    assert "Saved" in soup(response).select_one("#notes-status").get_text()
    db.refresh(activity)
    assert (activity.notes, activity.version) == ("Longer fictional notes, typed on a tablet.", 2)
    too_long = post(client, f"{path}/notes", {"notes": "x" * 20_001}, page=path, htmx=True)
    assert too_long.status_code == 422 and "Not saved" in too_long.text
    db.refresh(activity)
    assert activity.version == 2


# --- Case files ------------------------------------------------------------------------------------------


def file_data(**overrides):
    data = {"case_reference": "P1-07", "age_band": "11-15", "setting_type": "special_school",
            "sen_status": "plan_in_place", "primary_need": "ASD", "health_contributed": "yes",
            "social_care_contributed": "no", "assessment_requested_on-day": "5", "assessment_requested_on-month": "1",
            "assessment_requested_on-year": "2026",
            "plan_issued_on-day": "25", "plan_issued_on-month": "5", "plan_issued_on-year": "2026",
            "attendance_percent": "90", "rating-timeliness": "strong", "comment-timeliness": "Quick",
            "rating-parents_involved": "weak"}
    data.update(overrides)
    return data


def test_record_a_case_file_with_ratings_and_the_computed_flags(client, db, team):
    response = post(client, f"{team['base']}/files/new", file_data(), page=f"{team['base']}/files/new")
    assert response.status_code == 303
    review = db.exec(select(FileReview)).one()
    assert review.plan_issued_on - review.assessment_requested_on == timedelta(weeks=20)
    assert review.ratings == {"timeliness": {"rating": "strong", "comment": "Quick"},
                              "parents_involved": {"rating": "weak", "comment": ""}}
    page = soup(client.get(response.headers["location"]))
    summary = {row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
               for row in page.select(".govuk-summary-list__row")}
    assert summary["Request to plan"] == "20 weeks – within 20 weeks"
    assert summary["Attendance"] == "90% – Not persistently absent (90% or more)"


def test_over_twenty_weeks_and_persistent_absence_are_flagged(client, db, team):
    post(client, f"{team['base']}/files/new", file_data(**{"plan_issued_on-day": "26", "attendance_percent": "89.9"}),
         page=f"{team['base']}/files/new")
    rows = soup(client.get(f"{team['base']}/files")).select("#files tbody tr")
    text = rows[0].get_text(" ", strip=True)
    assert "20 weeks 1 day Over 20 weeks" in text
    assert "89.9% Persistent absence" in text


def test_severe_absence_below_fifty(client, db, team):
    post(client, f"{team['base']}/files/new", file_data(attendance_percent="49.9"), page=f"{team['base']}/files/new")
    assert "Severe absence" in soup(client.get(f"{team['base']}/files")).select_one("#files tbody").get_text()
    post(client, f"{team['base']}/files/new", file_data(case_reference="P1-08", attendance_percent="50"),
         page=f"{team['base']}/files/new")
    rows = {r.select_one("a").get_text(): r.get_text(" ", strip=True)
            for r in soup(client.get(f"{team['base']}/files")).select("#files tbody tr")}
    assert "Persistent absence" in rows["P1-08"]


@pytest.mark.parametrize(
    ("reference", "message"),
    [("Jamie Smith", "looks like a name"), ("943 476 5919", "looks like an NHS number"),
     ("A123456789012", "looks like a unique pupil number")],
)
def test_case_references_that_identify_a_child_are_refused(client, db, team, reference, message):
    new = f"{team['base']}/files/new"
    response = post(client, new, file_data(case_reference=reference), page=new)
    assert response.status_code == 422
    assert message in error_summary(response)[0]
    assert count(db, FileReview) == 0


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"plan_issued_on-day": "1", "plan_issued_on-month": "1"},
         ["The plan cannot be issued before the assessment was requested"]),
        ({"attendance_percent": "101"}, ["Attendance must be a percentage from 0 to 100, like 87.5"]),
        ({"attendance_percent": "lots"}, ["Attendance must be a percentage from 0 to 100, like 87.5"]),
        ({"assessment_requested_on-day": "31", "assessment_requested_on-month": "2"},
         ["The date the assessment was requested must be a real date"]),
        ({"plan_issued_on-year": "2099"}, ["The date the plan was issued must be today or in the past"]),
        ({"rating-timeliness": "brilliant"}, ["Select strong, adequate, weak or not evidenced"]),
        ({"primary_need": "XYZ", "age_band": ""},
         ["Select the child or young person's age band", "Select the primary need"]),
    ],
)
def test_bad_case_file_input_is_explained_and_saves_nothing(client, db, team, overrides, expected):
    response = post(client, f"{team['base']}/files/new", file_data(**overrides), page=f"{team['base']}/files/new")
    assert response.status_code == 422
    assert error_summary(response) == expected
    assert count(db, FileReview) == 0


def test_file_sample_summary_counts_and_links_to_the_files(client, db, team):
    files = [
        file_data(case_reference="P1-01"),  # exactly 20 weeks; 90%; timeliness strong, parents weak
        file_data(case_reference="P1-02", **{"plan_issued_on-day": "26", "attendance_percent": "89",
                                             "rating-parents_involved": "strong"}),
        file_data(case_reference="P1-03", **{"plan_issued_on-day": "", "plan_issued_on-month": "",
                                             "plan_issued_on-year": "", "attendance_percent": "40",
                                             "rating-timeliness": "weak"}),
    ]
    for data in files:
        assert post(client, f"{team['base']}/files/new", data, page=f"{team['base']}/files/new").status_code == 303
    page = soup(client.get(f"{team['base']}/files/summary"))
    twenty_weeks = page.select_one("#twenty-weeks").get_text(" ", strip=True)
    assert "1 of 2 plans (50.0%) were issued within 20 weeks" in twenty_weeks
    parents = page.select_one("tr[data-aspect=parents_involved]")
    assert parents.select_one("[data-sentence]").get_text(strip=True) == "Strong in 1, weak in 2 of 3 files"
    link = parents.select_one("td[data-label=Weak] a")
    assert link.get_text() == "2"
    behind = soup(client.get(link["href"]))
    assert [a.get_text() for a in behind.select("#files tbody tr td:first-child a")] == ["P1-01", "P1-03"]
    absence = [li.get_text(" ", strip=True) for li in page.select("#absence li")]
    assert absence == ["1 of 3 with attendance recorded: persistent absence (below 90%)",
                       "1 of 3 with attendance recorded: severe absence (below 50%)"]
    over = soup(client.get(page.select_one("#twenty-weeks a[href$='timeliness=over']")["href"]))
    assert [a.get_text() for a in over.select("#files tbody tr td:first-child a")] == ["P1-02"]


def test_editing_a_case_file_bumps_its_version(client, db, team):
    post(client, f"{team['base']}/files/new", file_data(), page=f"{team['base']}/files/new")
    review = db.exec(select(FileReview)).one()
    path = f"{team['base']}/files/{review.id}/edit"
    form = {**file_data(), "notes": "Second look."}
    assert post(client, path, form).status_code == 303
    db.refresh(review)
    assert (review.version, review.notes) == (2, "Second look.")


def test_objects_of_another_inspection_are_not_found_through_this_one(client, db, team, make_user, make_inspection,
                                                                      make_fieldwork):
    """Being on this team does not reach another inspection's records by putting their ids in this URL."""
    other_lead = make_user(name="Other Lead")
    other = make_inspection(other_lead, local_area="Elsewhere (fictional)")
    ids = make_fieldwork(other, other_lead)
    base = team["base"]
    for path in [f"{base}/settings/{ids['setting_id']}/edit", f"{base}/activities/{ids['activity_id']}",
                 f"{base}/files/{ids['review_id']}", f"{base}/evidence/{ids['item_id']}/edit"]:
        assert client.get(path).status_code == 404, path
    token = csrf_of(client, f"{base}/plan")
    for path in [f"{base}/activities/{ids['activity_id']}/notes", f"{base}/evidence/{ids['item_id']}/delete",
                 f"{base}/files/{ids['review_id']}/edit"]:
        assert client.post(path, data={"csrf_token": token, "notes": "x"}).status_code == 404, path
    # And the other inspection's pages are 404 for this team's lead.
    assert client.get(f"/inspections/{other.id}/board").status_code == 404
