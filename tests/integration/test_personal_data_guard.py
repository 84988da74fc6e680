"""The personal-data guard beyond evidence: activity notes, case-file notes and comments, survey comments. Each is
pointed out before saving (or, for autosaved notes, as soon as saved) with the choice to replace it with
pseudonyms; what is kept as typed is flagged and holds up the letter."""

from sqlmodel import select

from app.fieldwork.models import Activity, FileReview
from app.letters import workflow
from app.survey.models import SurveyResponse
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup
from tests.integration.test_survey import answer, survey  # noqa: F401  (the survey fixture)

NAME = "Oliver Brown"


def personal_data_check(db, inspection):
    return next(c for c in workflow.readiness(session=db, inspection=inspection) if "personal data" in c.name)


def file_form(client, inspection, **extra):
    return {"csrf_token": csrf_of(client), "case_reference": "PD-01", "age_band": "5-10",
            "setting_type": "mainstream_school", "sen_status": "sen_support", "primary_need": "ASD",
            "rating-timeliness": "adequate", "comment-timeliness": f"{NAME} waited a long time.", **extra}


def test_a_case_file_comment_naming_a_child_is_questioned_then_pseudonymised_or_kept_and_flagged(
        client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    asked = client.post(f"/inspections/{inspection.id}/files/new", data=file_form(client, inspection))
    assert asked.status_code == 422
    message = soup(asked).select_one("#comment-timeliness-error").get_text(" ", strip=True)
    assert message.startswith(f"Error: This may identify a child or family: name “{NAME}”")
    assert soup(asked).select("[data-personal-data-warning] button")
    assert db.exec(select(FileReview)).first() is None

    done = client.post(f"/inspections/{inspection.id}/files/new",
                       data=file_form(client, inspection, personal_data="pseudonymise"))
    assert done.status_code == 303
    review = db.exec(select(FileReview)).one()
    assert review.ratings["timeliness"]["comment"] == "Person A waited a long time." and review.personal_data == []

    kept = client.post(f"/inspections/{inspection.id}/files/new",
                       data=file_form(client, inspection, case_reference="PD-02", personal_data="keep"))
    assert kept.status_code == 303
    flagged = db.exec(select(FileReview).where(FileReview.case_reference == "PD-02")).one()
    assert flagged.personal_data == ["name"]
    check = personal_data_check(db, inspection)
    assert (check.ok, check.detail) == (False, "to reword: 1 case files")


def test_autosaved_notes_are_flagged_at_once_and_can_be_pseudonymised_in_place(client, db, make_user,
                                                                              make_inspection, make_fieldwork):
    lead = make_user()
    inspection = make_inspection(lead)
    activity_id = make_fieldwork(inspection, lead)["activity_id"]
    sign_in(client, db, lead)
    url = f"/inspections/{inspection.id}/activities/{activity_id}/notes"
    notes = f"{NAME} and his mother came in. NHS number 943 476 5919."
    status = client.post(url, data={"csrf_token": csrf_of(client), "notes": notes},
                         headers={"HX-Request": "true"})
    assert status.status_code == 200
    warning = soup(status).select_one("[data-personal-data-warning]").get_text(" ", strip=True)
    assert "May identify someone" in warning and "Replace with pseudonyms" in warning
    activity = db.get(Activity, activity_id)
    assert activity.personal_data == ["name", "nhs_number"]
    assert personal_data_check(db, inspection).detail.startswith("to reword: 1 activity notes")

    fixed = client.post(url, data={"csrf_token": csrf_of(client), "notes": activity.notes,
                                   "personal_data": "pseudonymise"}, headers={"HX-Request": "true"})
    assert fixed.headers["HX-Redirect"] == f"/inspections/{inspection.id}/activities/{activity_id}#notes"
    db.refresh(activity)
    assert activity.notes == "Person A and his mother came in. NHS number [NHS number removed]."
    assert activity.personal_data == []


def test_a_parent_is_asked_before_a_comment_naming_their_child_is_sent(client, make_client, db, survey):
    asked = answer(client, survey["parent"], comment=f"{NAME} is much happier now.")
    assert asked.status_code == 422
    assert error_summary(asked) == [("Your comment may include a name or contact details (name). Inspectors do not "
                                     "need them, and your answers are anonymous. Take them out, or choose one of "
                                     "the buttons below")]
    assert db.exec(select(SurveyResponse)).first() is None
    sent = answer(client, survey["parent"], comment=f"{NAME} is much happier now.", personal_data="pseudonymise")
    assert sent.status_code == 303
    assert db.exec(select(SurveyResponse.comment)).one() == "Person A is much happier now."

    other = make_client()
    kept = answer(other, survey["parent"], comment=f"Ring me on 07700 900123 about {NAME}.", personal_data="keep")
    assert kept.status_code == 303
    row = next(r for r in db.exec(select(SurveyResponse)).all() if r.personal_data)
    assert row.personal_data == ["name", "phone"]
    assert personal_data_check(db, survey["inspection"]).detail == "to reword: 1 survey comments"

    team = sign_in(make_client(), db, survey["lead"])
    results = soup(team.get(f"/inspections/{survey['inspection'].id}/survey"))
    assert results.select_one("[data-personal-data-warning] .govuk-tag").get_text(strip=True).startswith(
        "May identify someone")
    team.post(f"/inspections/{survey['inspection'].id}/survey/comments/{row.id}/pseudonymise",
              data={"csrf_token": csrf_of(team)})
    db.refresh(row)
    assert row.comment == "Ring me on [phone number removed] about Person A." and row.personal_data == []
    assert personal_data_check(db, survey["inspection"]).ok


def test_a_pseudonym_left_in_the_letter_holds_it_back_until_reworded(client, db, make_user, make_inspection):
    from tests.integration.test_letters import _start, build

    letter = build(db, make_user, make_inspection)
    url, token = _start(client, db, letter)

    def check():
        item = next(li for li in soup(client.get(url)).select(".app-checks li") if "pseudonym" in li.get_text())
        return item["data-check-ok"], " ".join(item.get_text(" ", strip=True).split())

    assert check()[0] == "yes"
    client.post(f"{url}/sections/opening", data={"csrf_token": token, "text": (
        "Person A, born [date of birth removed], waited 14 months for a plan (fictional).")})
    ok, shown = check()
    assert ok == "no" and shown.endswith("to reword: 1 section")
    refused = client.post(f"{url}/workflow/to_quality_assurance", data={"csrf_token": token})
    assert error_summary(refused) == ["The letter is not ready for quality assurance: see the checks"]

    client.post(f"{url}/sections/opening", data={"csrf_token": token, "text": (
        "One young person waited 14 months for a plan (fictional).")})
    assert check()[0] == "yes"
    assert client.post(f"{url}/workflow/to_quality_assurance", data={"csrf_token": token}).status_code == 303
