"""Evidence capture from every path, editing with versions, the board's counts and triangulation, the day summary."""

from datetime import date

import pytest
from sqlmodel import func, select

from app.audit.models import AuditEvent
from app.evidence import service as evidence
from app.evidence.models import EvidenceItem
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


def capture(client, team, htmx=False, **overrides):
    data = {"text": "Fictional evidence.", "heading": "1", "aspect": "timeliness", "judgement": "strength",
            "strands": ["education"], "source_kind": "none"}
    data.update(overrides)
    page = f"{team['base']}/evidence/new"
    return client.post(page, data={"csrf_token": csrf_of(client, page), **data},
                       headers={"HX-Request": "true"} if htmx else {})


def words(element) -> str:
    """An element's text as a reader hears it: whitespace folded."""
    return " ".join(element.get_text(" ").split())


def items(db):
    return db.exec(select(EvidenceItem).order_by(EvidenceItem.created_at)).all()


def test_capture_from_the_capture_page_with_an_activity_source(client, db, team):
    response = capture(client, team, source_kind="activity", source_activity=team["activity_id"],
                       strands=["education", "health"], judgement="area_for_development", aspect="parents_involved",
                       text="Parents were told of the assessment late.")
    assert response.status_code == 303
    item = items(db)[-1]
    assert (item.source_type, item.source_id, item.strands, item.version) == (
        "setting_visit", team["activity_id"], ["education", "health"], 1)
    assert item.author_id == team["lead"].id
    board = soup(client.get(response.headers["location"]))
    assert "Parents were told of the assessment late." in board.select_one("#aspect-parents_involved").get_text()


def test_capture_with_a_client_made_uuid_keeps_it(client, db, team):
    uid = "6f1c1f5e-8a1b-4c55-9d2b-3b0c8b1f2a10"
    assert capture(client, team, id=uid).status_code == 303
    assert db.get(EvidenceItem, uid) is not None


def test_capture_from_a_case_file_and_from_a_document(client, db, team):
    capture(client, team, source_kind="file_review", source_file=team["review_id"])
    capture(client, team, source_kind="document", source_label="Local offer web pages (fictional)")
    file_item, document_item = items(db)[-2:]
    assert (file_item.source_type, file_item.source_id) == ("file_review", team["review_id"])
    assert (document_item.source_type, document_item.source_label) == ("document", "Local offer web pages (fictional)")


def test_inline_capture_on_an_activity_swaps_in_place(client, db, team):
    path = f"{team['base']}/activities/{team['activity_id']}"
    token = csrf_of(client, path)
    response = client.post(f"{team['base']}/evidence/new", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "fixed_source": "yes", "source_type": "setting_visit", "source_id": team["activity_id"],
        "text": "Inline fictional note.", "heading": "2", "aspect": "short_breaks", "judgement": "context",
        "strands": ["social_care"]})
    assert response.status_code == 200
    fragment = soup(response)
    assert fragment.select_one("html") is None
    texts = [p.get_text(strip=True) for p in fragment.select("#source-evidence .app-evidence > p:first-child")]
    assert "Inline fictional note." in texts and "A fictional observation." in texts
    assert fragment.select_one("#capture-form textarea[name=text]").get_text() == ""  # a fresh form


def test_evidence_added_in_place_shows_its_authors_name(client, db, team):
    """On an activity page and a case-file page, at once and after a reload: never "Unknown"."""
    for source_type, source_id, page in (
            ("setting_visit", team["activity_id"], f"{team['base']}/activities/{team['activity_id']}"),
            ("file_review", team["review_id"], f"{team['base']}/files/{team['review_id']}")):
        response = client.post(f"{team['base']}/evidence/new", headers={"HX-Request": "true"}, data={
            "csrf_token": csrf_of(client, page), "fixed_source": "yes", "source_type": source_type,
            "source_id": source_id, "text": f"Fictional note from a {source_type}.", "heading": "2",
            "aspect": "short_breaks", "judgement": "context", "strands": ["social_care"]})
        assert response.status_code == 200
        for shown in (soup(response), soup(client.get(page))):
            metas = [words(m) for m in shown.select("#source-evidence .app-evidence__meta")]
            assert metas and all("Ada Lead" in m and "Unknown" not in m for m in metas), (source_type, metas)


def test_inline_capture_error_comes_back_in_the_form(client, db, team):
    path = f"{team['base']}/activities/{team['activity_id']}"
    response = client.post(f"{team['base']}/evidence/new", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_of(client, path), "fixed_source": "yes", "source_type": "setting_visit",
        "source_id": team["activity_id"], "text": "", "heading": "2", "aspect": "short_breaks", "judgement": "context",
        "strands": ["social_care"]})
    assert response.status_code == 422
    assert error_summary(response) == ["Enter what you saw or heard"]
    assert soup(response).select_one("input[name=source_id]")["value"] == team["activity_id"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"text": "", "judgement": "", "strands": []},
         ["Enter what you saw or heard", "Select whether this is a strength, an area for development or context",
          "Select at least one service: education, health or social care"]),
        ({"heading": "2", "aspect": "timeliness"}, ["Select an aspect of proposal 2"]),
        ({"heading": "", "aspect": ""}, ["Select the proposal (1 to 4) this evidence is about"]),
        ({"heading": "5"}, ["Select the proposal (1 to 4) this evidence is about"]),
        ({"aspect": "made_up"}, ["Select the aspect this evidence is about"]),
        ({"strands": ["housing"]}, ["Select education, health or social care"]),
        ({"source_kind": "activity", "source_activity": ""},
         ["Select the activity or case file this evidence comes from"]),
        ({"source_kind": "document", "source_label": ""}, ["Enter the document's title"]),
        ({"text": "x" * 10_001}, ["Evidence must be 10,000 characters or fewer"]),
    ],
)
def test_bad_evidence_is_explained_and_saves_nothing(client, db, team, overrides, expected):
    before = len(items(db))
    response = capture(client, team, **overrides)
    assert response.status_code == 422
    assert error_summary(response) == expected
    assert len(items(db)) == before


def test_a_source_from_another_inspection_is_refused(client, db, team, make_user, make_inspection, make_fieldwork):
    other_lead = make_user()
    other = make_fieldwork(make_inspection(other_lead, local_area="Elsewhere (fictional)"), other_lead)
    response = capture(client, team, source_kind="activity", source_activity=other["activity_id"])
    assert error_summary(response) == ["The source must be an activity or case file of this inspection"]


def test_editing_keeps_a_version_and_shows_who_and_when(client, db, team):
    item_id = team["item_id"]
    path = f"{team['base']}/evidence/{item_id}/edit"
    sign_in(client, db, team["cqc"])
    response = client.post(path, data={"csrf_token": csrf_of(client, path), "text": "Edited fictional text.",
                                       "heading": "1", "aspect": "timeliness", "judgement": "strength",
                                       "strands": ["health"], "source_kind": "none"})
    assert response.status_code == 303
    item = db.get(EvidenceItem, item_id)
    assert (item.version, item.text, item.updated_by_id, item.author_id) == (2, "Edited fictional text.",
                                                                              team["cqc"].id, team["lead"].id)
    meta = soup(client.get(f"{team['base']}/board?heading=1")).select_one(f"#item-{item_id} .app-evidence__meta")
    assert "version 2, edited" in words(meta) and "Ada Lead" in meta.get_text()
    updates = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evidence.updated")
    assert db.exec(updates).one() == 1


def test_delete_removes_the_item_and_is_audited(client, db, team):
    path = f"{team['base']}/evidence/{team['item_id']}/delete"
    response = client.post(path, data={"csrf_token": csrf_of(client, f"{team['base']}/board")})
    assert response.status_code == 303
    assert db.get(EvidenceItem, team["item_id"]) is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "evidence.deleted")).one()
    assert event.detail["text"] == "A fictional observation."


def add(db, team, author, **fields):
    from app.audit.service import Actor

    form = evidence.EvidenceForm(**{"text": "Fictional.", "heading": "1", "aspect": "timeliness",
                                    "judgement": "strength", "strands": ["education"], **fields})
    return evidence.capture(session=db, actor=Actor(author.id, author.email), inspection=team["inspection"], form=form,
                            captured_on=fields.pop("captured_on", date(2026, 11, 23)))


def aspect_block(page, code):
    return page.select_one(f"#aspect-{code}")


def test_board_counts_and_triangulation(client, db, team):
    lead, cqc = team["lead"], team["cqc"]
    # timeliness: strengths from a setting visit (fixture) and a case file -> triangulated.
    add(db, team, cqc, source_type="file_review", source_id=team["review_id"], strands=["health"])
    # timeliness: one area for development from a document only -> single source.
    add(db, team, lead, judgement="area_for_development", source_type="document", source_label="Fictional SEF")
    add(db, team, lead, judgement="context")
    # parents_involved: two strengths, both from the same visit -> single source.
    add(db, team, lead, aspect="parents_involved", source_id=team["activity_id"])
    add(db, team, cqc, aspect="parents_involved", source_id=team["activity_id"])
    add(db, team, lead, heading="2", aspect="short_breaks")
    page = soup(client.get(f"{team['base']}/board?heading=1"))
    assert words(page.select_one("#board-counts")) == (
        "Showing 6 of 6 items for proposal 1: 4 strengths, 1 area for development, 1 context.")
    timeliness = aspect_block(page, "timeliness")
    assert [t.get_text() for t in timeliness.select("[data-aspect-counts] .govuk-tag")] == [
        "2 strengths", "1 for development", "1 context", "Single source"]
    assert words(timeliness.select_one("[data-triangulation]")) == (
        "Strengths from 2 kinds of source (Case file review, Setting visit); "
        "areas for development from 1 (Document).")
    parents = aspect_block(page, "parents_involved")
    assert parents.select_one("[data-single-source]") is not None
    assert "Strengths from 1 kind of source (Setting visit)" in words(parents.select_one("[data-triangulation]"))
    assert aspect_block(page, "usefulness").select_one("[data-single-source]") is None  # no evidence: nothing to mark
    tabs = [words(a) for a in page.select("nav[aria-label=Proposals] a")]
    assert tabs[0].endswith("(6)") and tabs[1].endswith("(1)")
    # A bookmark or a page saved on a tablet before the rename still opens its heading's board.
    bookmarked = soup(client.get(f"{team['base']}/board?proposal=2"))
    assert words(bookmarked.select_one("#board-counts")).startswith("Showing 1 of 1 item for proposal 2")


def test_board_filters_keep_triangulation_of_the_whole_aspect(client, db, team):
    add(db, team, team["cqc"], source_type="file_review", source_id=team["review_id"], strands=["health"],
        captured_on=date(2026, 11, 24))
    add(db, team, team["lead"], judgement="area_for_development", strands=["social_care"])
    base = f"{team['base']}/board?heading=1"
    by_cqc = soup(client.get(f"{base}&inspector={team['cqc'].id}"))
    assert "Showing 1 of 3" in by_cqc.select_one("#board-counts").get_text()
    assert "Strengths from 2 kinds" in aspect_block(by_cqc, "timeliness").get_text()
    assert "Showing 1 of 3" in soup(client.get(f"{base}&strand=social_care")).select_one("#board-counts").get_text()
    assert "Showing 1 of 3" in soup(client.get(f"{base}&day=2026-11-24")).select_one("#board-counts").get_text()
    assert "Showing 2 of 3" in soup(client.get(f"{base}&judgement=strength")).select_one("#board-counts").get_text()
    by_source = soup(client.get(f"{base}&source_type=file_review"))
    assert "Showing 1 of 3" in by_source.select_one("#board-counts").get_text()
    fragment = client.get(f"{base}&judgement=strength", headers={"HX-Request": "true"})
    assert soup(fragment).select_one("html") is None and soup(fragment).select_one("#results") is not None


def test_end_of_day_summary_lists_the_days_new_findings(client, db, team):
    add(db, team, team["lead"], judgement="area_for_development", text="Day two fictional concern.",
        captured_on=date(2026, 11, 24))
    add(db, team, team["cqc"], heading="4", aspect="online_survey", text="Day two fictional strength.",
        captured_on=date(2026, 11, 24))
    add(db, team, team["lead"], text="Day three fictional.", captured_on=date(2026, 11, 25))
    page = soup(client.get(f"{team['base']}/summary?day=2026-11-24"))
    assert page.h1.get_text(strip=True) == "End-of-day summary: Tuesday 24 November 2026"
    p1 = words(page.select_one("#summary-p1").find_parent("section"))
    assert "Areas for development (1)" in p1 and "Day two fictional concern." in p1
    assert "Day three fictional." not in page.get_text()
    p4 = words(page.select_one("#summary-p4").find_parent("section"))
    assert "Strengths (1)" in p4 and "Day two fictional strength." in p4


def test_board_shows_the_latest_items_of_each_aspect_and_all_on_request(client, db, team):
    for n in range(10):
        add(db, team, team["lead"], text=f"Fictional item {n}.")
    page = soup(client.get(f"{team['base']}/board?heading=1"))
    block = aspect_block(page, "timeliness")
    assert len(block.select(".app-evidence")) == 8
    assert block.select_one("[data-aspect-counts] .govuk-tag").get_text() == "11 strengths"  # counts cover them all
    link = block.select_one("a[data-show-all]")
    assert words(link) == "Show all 11 items for this aspect"
    full = soup(client.get(link["href"]))
    assert len(full.select("#aspect-timeliness .app-evidence")) == 11
    assert full.select_one("#aspect-parents_involved") is None


def test_personal_data_is_pointed_out_before_saving_and_replaced_or_kept_on_purpose(client, db, make_user,
                                                                                 make_inspection):
    lead = make_user(name="Guarded Lead (fictional)")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    url = f"/inspections/{inspection.id}/evidence/new"
    token = csrf_of(client, url)
    fields = {"csrf_token": token, "heading": "1", "aspect": "timeliness", "judgement": "area_for_development",
              "strands": ["health"], "source_kind": "none",
              "text": "Jamie Smith (NHS 943 476 5919) waited a year for therapy."}
    warned = client.post(url, data=fields)
    assert warned.status_code == 422
    assert error_summary(warned) == [("This may identify a child or family: name \u201cJamie Smith\u201d; NHS number "
                                      "\u201c943 476 5919\u201d. Replace them with pseudonyms, or keep the text if "
                                      "it identifies nobody")]
    assert db.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id)).all() == []
    assert client.post(url, data={**fields, "personal_data": "pseudonymise"}).status_code == 303
    replaced = db.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id)).one()
    assert (replaced.text, replaced.personal_data) == (
        "Person A (NHS [NHS number removed]) waited a year for therapy.", [])
    assert client.post(url, data={**fields, "personal_data": "keep"}).status_code == 303
    kept = db.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id,
                                              EvidenceItem.id != replaced.id)).one()
    assert kept.personal_data == ["name", "nhs_number"]
    board = client.get(f"/inspections/{inspection.id}/board?heading=1").text
    assert "May identify someone: name, NHS number" in board


@pytest.mark.parametrize("sent_id", ["junk", "existing", "00000000-0000-4000-8000-00000000000x"])
def test_a_web_form_never_chooses_the_id_of_what_it_creates(client, db, make_user, make_inspection, make_fieldwork,
                                                            sent_id):
    """An id a web form sends (junk, or one already used, perhaps in another inspection) is ignored: the record
    gets the server's own id, nothing says whether the sent id exists, and nothing fails."""
    from app.fieldwork.models import FileReview
    from tests.integration.conftest import csrf_of, sign_in

    lead = make_user()
    inspection = make_inspection(lead)
    ids = make_fieldwork(inspection, lead)
    sign_in(client, db, lead)
    token = csrf_of(client, f"/inspections/{inspection.id}/evidence/new")
    evidence_id = ids["item_id"] if sent_id == "existing" else sent_id
    made = client.post(f"/inspections/{inspection.id}/evidence/new", data={
        "csrf_token": token, "id": evidence_id, "text": "Fictional words.", "heading": "1", "aspect": "timeliness",
        "judgement": "strength", "strands": "education", "source_kind": "none"})
    assert made.status_code == 303
    texts = sorted(i.text for i in db.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == inspection.id)))
    assert texts == ["A fictional observation.", "Fictional words."]
    review_id = ids["review_id"] if sent_id == "existing" else sent_id
    filed = client.post(f"/inspections/{inspection.id}/files/new", data={
        "csrf_token": token, "id": review_id, "case_reference": "P1-02", "age_band": "5-10",
        "setting_type": "mainstream_school", "sen_status": "plan_in_place", "primary_need": "ASD"})
    assert filed.status_code == 303 and "already" not in filed.text
    assert db.get(FileReview, ids["review_id"]).case_reference == "P1-01"
    assert len(db.exec(select(FileReview).where(FileReview.inspection_id == inspection.id)).all()) == 2


# --- The day observed: evidence belongs to the day of the inspection it was seen or heard -------------------------

THURSDAY, FRIDAY = date(2026, 11, 26), date(2026, 11, 27)  # days 4 and 5 of the team's week on site
DAY_OBSERVED_ERROR = "Select the day you saw or heard this, one of the days on site"


def plan(db, team, day):
    """A meeting on the team's day plan."""
    from app.audit.service import Actor
    from app.fieldwork import service as fieldwork

    lead = team["lead"]
    return fieldwork.create_activity(session=db, actor=Actor(lead.id, lead.email), inspection=team["inspection"],
                                     form=fieldwork.ActivityForm(kind="meeting", meeting_with="practitioners",
                                                                 day=day.isoformat(), inspector_ids=[str(lead.id)]))


def review_during(db, team, activity):
    from app.audit.service import Actor
    from app.fieldwork import service as fieldwork

    lead = team["lead"]
    return fieldwork.create_file_review(session=db, actor=Actor(lead.id, lead.email), inspection=team["inspection"],
                                        form=fieldwork.FileReviewForm(
                                            case_reference="P1-09", age_band="5-10", setting_type="special_school",
                                            sen_status="plan_in_place", primary_need="SLD", activity_id=activity.id))


def test_evidence_is_observed_on_its_sources_day_whenever_it_is_written_up(db, team):
    lead, meeting = team["lead"], plan(db, team, THURSDAY)
    from_meeting = add(db, team, lead, source_id=meeting.id, captured_on=FRIDAY)
    from_file = add(db, team, lead, source_type="file_review", source_id=review_during(db, team, meeting).id,
                    captured_on=FRIDAY)
    # A case file seen during no activity, and no source at all: the day on site it was captured.
    from_lone_file = add(db, team, lead, source_type="file_review", source_id=team["review_id"], captured_on=FRIDAY)
    unsourced = add(db, team, lead, captured_on=THURSDAY)
    # Captured after the week (written up on Monday), the last day on site; before it, the first.
    monday_after = add(db, team, lead, captured_on=date(2026, 11, 30))
    week_before = add(db, team, lead, captured_on=date(2026, 11, 18))
    assert [i.observed_on for i in (from_meeting, from_file, from_lone_file, unsourced, monday_after, week_before)] == [
        THURSDAY, THURSDAY, FRIDAY, THURSDAY, FRIDAY, date(2026, 11, 23)]
    assert (from_meeting.captured_on, monday_after.captured_on) == (FRIDAY, date(2026, 11, 30))


def test_the_forms_day_starts_on_its_sources_day_and_the_item_says_when_it_was_written_up(client, db, team):
    meeting = plan(db, team, THURSDAY)
    page = soup(client.get(f"{team['base']}/activities/{meeting.id}"))
    chosen = page.select_one("#observed_on option[selected]")
    assert (chosen["value"], chosen.get_text(strip=True)) == (
        "", "Day 4: Thursday 26 November (the day of this activity)")
    assert [o["value"] for o in page.select("#observed_on option")][1:] == [
        f"2026-11-{d}" for d in (23, 24, 25, 26, 27)]
    general = soup(client.get(f"{team['base']}/evidence/new"))
    assert general.select_one("#observed_on option[selected]").get_text(strip=True) == (
        "The day of its activity or case file, otherwise today's day on site")
    assert capture(client, team, source_kind="activity", source_activity=meeting.id).status_code == 303
    item = db.exec(select(EvidenceItem).where(EvidenceItem.source_id == meeting.id)).one()
    assert item.observed_on == THURSDAY
    shown = words(soup(client.get(f"{team['base']}/board?heading=1")).select_one(f"#item-{item.id}"))
    assert f"Ada Lead, Thu 26 Nov (written up {item.captured_on:%a %-d %b})" in shown


def test_the_day_observed_can_be_chosen_and_changed_but_only_to_a_day_of_the_inspection(client, db, team):
    meeting = plan(db, team, THURSDAY)
    assert capture(client, team, source_kind="activity", source_activity=meeting.id,
                   observed_on="2026-11-25").status_code == 303
    item = db.exec(select(EvidenceItem).where(EvidenceItem.source_id == meeting.id)).one()
    assert item.observed_on == date(2026, 11, 25)  # chosen, not the meeting's day
    # A Sunday after the week: explained, and nothing saved.
    before = db.exec(select(func.count()).select_from(EvidenceItem)).one()
    refused = capture(client, team, observed_on="2026-11-29")
    assert refused.status_code == 422 and error_summary(refused) == [DAY_OBSERVED_ERROR]
    assert soup(refused).select_one("#observed_on-error") is not None
    assert db.exec(select(func.count()).select_from(EvidenceItem)).one() == before
    edit_path = f"{team['base']}/evidence/{item.id}/edit"
    edit_page = soup(client.get(edit_path))
    assert edit_page.select_one("#observed_on option[selected]")["value"] == "2026-11-25"
    assert edit_page.select_one("#observed_on option[value='']") is None  # an edit shows the day the item has
    fields = {"csrf_token": csrf_of(client, edit_path), "text": item.text, "heading": "1", "aspect": "timeliness",
              "judgement": "strength", "strands": ["education"], "source_kind": "activity",
              "source_activity": meeting.id}
    refused = client.post(edit_path, data={**fields, "observed_on": "not a day"})
    assert refused.status_code == 422 and error_summary(refused) == [DAY_OBSERVED_ERROR]
    db.refresh(item)
    assert (item.observed_on, item.version) == (date(2026, 11, 25), 1)
    assert client.post(edit_path, data={**fields, "observed_on": "2026-11-26"}).status_code == 303
    db.refresh(item)
    assert (item.observed_on, item.version) == (THURSDAY, 2)


def test_an_activitys_own_day_is_always_allowed_and_moving_it_later_moves_no_evidence(client, db, team):
    from app.audit.service import Actor
    from app.fieldwork import service as fieldwork

    meeting = plan(db, team, THURSDAY)
    item = add(db, team, team["lead"], source_id=meeting.id, captured_on=FRIDAY)
    lead = team["lead"]
    fieldwork.update_activity(session=db, actor=Actor(lead.id, lead.email), inspection=team["inspection"],
                              activity=meeting, form=fieldwork.ActivityForm(
                                  kind="meeting", meeting_with="practitioners", day="2026-11-24",
                                  inspector_ids=[str(lead.id)]))
    db.refresh(item)
    assert item.observed_on == THURSDAY  # captured already: it stays where the inspector filed it
    # An initial meeting held in the week before (its day kept from before the dates moved): its evidence may be
    # filed under that day, which no other evidence may take.
    meeting.day = date(2026, 11, 18)
    db.add(meeting)
    db.flush()
    assert capture(client, team, source_kind="activity", source_activity=meeting.id, text="Earlier meeting.",
                   observed_on="2026-11-18").status_code == 303
    assert db.exec(select(EvidenceItem.observed_on).where(EvidenceItem.text == "Earlier meeting.")).one() == (
        date(2026, 11, 18))
    assert error_summary(capture(client, team, observed_on="2026-11-18")) == [DAY_OBSERVED_ERROR]


def test_the_day_filter_and_the_evening_summary_go_by_the_day_observed(client, db, team):
    meeting = plan(db, team, THURSDAY)
    add(db, team, team["lead"], source_id=meeting.id, text="Thursday's meeting, written up on Friday.",
        captured_on=FRIDAY)
    base = f"{team['base']}/board?heading=1"
    thursday = soup(client.get(f"{base}&day=2026-11-26"))
    assert "Showing 1 of 2" in words(thursday.select_one("#board-counts"))
    assert "Thursday's meeting, written up on Friday." in words(thursday.select_one("#results"))
    assert "Showing 0 of 2" in words(soup(client.get(f"{base}&day=2026-11-27")).select_one("#board-counts"))
    summary = soup(client.get(f"{team['base']}/summary?day=2026-11-26"))
    heading_1 = words(summary.select_one("#summary-p1").find_parent("section"))
    assert "Strengths (1)" in heading_1 and "Thursday's meeting, written up on Friday." in heading_1
    assert "Thursday's meeting" not in soup(client.get(f"{team['base']}/summary?day=2026-11-27")).get_text()


def test_evidence_observed_outside_the_days_on_site_is_found_by_day_on_the_board_and_in_the_summary(client, db, team):
    # An initial meeting kept in the week before when the dates moved, and an item filed after the week (as
    # migration 0025 left an item captured then): neither day is on site, and both are offered, in date order.
    meeting = plan(db, team, THURSDAY)
    meeting.day = date(2026, 11, 18)
    db.add(meeting)
    db.flush()
    add(db, team, team["lead"], source_id=meeting.id, text="The initial meeting, the week before.")
    late = add(db, team, team["lead"], text="Filed after the week.")
    late.observed_on = date(2026, 12, 1)
    db.add(late)
    db.flush()
    days_on_site = [f"Day {n}: {day}" for n, day in enumerate(("Mon 23 Nov", "Tue 24 Nov", "Wed 25 Nov", "Thu 26 Nov",
                                                                "Fri 27 Nov"), start=1)]
    board = soup(client.get(f"{team['base']}/board?heading=1"))
    assert [o.get_text(strip=True) for o in board.select("#filter-day option")] == [
        "All", "Wed 18 Nov (not a day on site)", *days_on_site, "Tue 1 Dec (not a day on site)"]
    week_before = soup(client.get(f"{team['base']}/board?heading=1&day=2026-11-18"))
    assert week_before.select_one("#filter-day option[selected]")["value"] == "2026-11-18"
    assert "Showing 1 of 3" in words(week_before.select_one("#board-counts"))
    assert "The initial meeting, the week before." in words(week_before.select_one("#results"))

    summary = soup(client.get(f"{team['base']}/summary?day=2026-12-01"))
    assert [o.get_text(strip=True) for o in summary.select("#day option")] == [
        "Wednesday 18 November (not a day on site)",
        *(f"Day {n}: {day}" for n, day in enumerate(("Monday 23 November", "Tuesday 24 November",
                                                     "Wednesday 25 November", "Thursday 26 November",
                                                     "Friday 27 November"), start=1)),
        "Tuesday 1 December (not a day on site)"]
    assert summary.select_one("#day option[selected]")["value"] == "2026-12-01"
    heading_1 = words(summary.select_one("#summary-p1").find_parent("section"))
    assert "Strengths (1)" in heading_1 and "Filed after the week." in heading_1
    # A tablet saves those days' summaries too, to read them offline.
    pages = client.get(f"{team['base']}/offline-pages").json()["pages"]
    assert {f"{team['base']}/summary?day=2026-11-18", f"{team['base']}/summary?day=2026-12-01"} <= set(pages)
    # A day asked for that no item has, and not on site: the select shows it rather than another day.
    sunday = soup(client.get(f"{team['base']}/summary?day=2026-11-29"))
    assert sunday.select_one("#day option[selected]").get_text(strip=True) == "Sunday 29 November (not a day on site)"


def test_a_bank_holiday_between_days_on_site_is_offered_only_when_evidence_was_observed_on_it(db, make_user,
                                                                                              make_inspection):
    lead = make_user(name="New Year Lead")
    inspection = make_inspection(lead, start=date(2029, 12, 31))  # New Year's Day falls on the Tuesday
    team = {"inspection": inspection}
    days = [day for _, day in evidence.days_observed(session=db, inspection=inspection)]
    assert days == [date(2029, 12, 31), date(2030, 1, 2), date(2030, 1, 3), date(2030, 1, 4)]
    item = add(db, team, lead, captured_on=date(2029, 12, 31))
    item.observed_on = date(2030, 1, 1)
    db.add(item)
    db.flush()
    assert evidence.days_observed(session=db, inspection=inspection)[1] == (None, date(2030, 1, 1))
