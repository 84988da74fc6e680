"""The form contract the tablet reads is the one the server enforces: each required field left out of a posted form
or a sync op is refused with the contract's own words, the choices are the inspection's profile, and every page
that can capture offline carries its form's contract."""

import json
import uuid
from datetime import date

import pytest

from app.frameworks.service import get_profile
from app.inspections import service as inspections
from tests.integration.conftest import csrf_of, error_summary, soup

EVIDENCE = {"text": "Fictional evidence.", "heading": "1", "aspect": "timeliness", "judgement": "strength",
            "strands": ["education"], "source_kind": "none"}
ACTIVITY = {"kind": "setting_visit", "setting_id": "", "day": "2026-11-24", "inspector_ids": []}
FILE = {"case_reference": "P1-07", "age_band": "11-15", "setting_type": "special_school", "sen_status": "plan_in_place",
        "primary_need": "ASD", "health_contributed": "yes", "social_care_contributed": "no"}
CONCERN = {"category": "low_level", "what_happened": "Fictional: a concern."}


def contract_of(client, team) -> dict:
    response = client.get(f"{team['base']}/form-contract.json")
    assert response.status_code == 200
    return response.json()


def field(form: dict, name: str) -> dict:
    return next(f for f in form["fields"] if f["name"] == name)


def post(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_of(client, path), **data})


def test_the_contract_serves_every_capture_form_with_the_profiles_headings_and_aspects(client, team):
    contract = contract_of(client, team)
    assert set(contract) == {"evidence_item", "activity", "file_review", "safeguarding_concern"}
    profile = get_profile("send-2016")
    evidence = contract["evidence_item"]
    assert [c["value"] for c in field(evidence, "heading")["choices"]] == [str(p.number) for p in profile.headings]
    aspects = field(evidence, "aspect")["choices_by"]
    assert aspects["field"] == "heading"
    assert {n: [c["value"] for c in group] for n, group in aspects["choices"].items()} == {
        str(p.number): [a.code for a in p.aspects] for p in profile.headings}
    # The activity's days are the inspection's days on site, and its inspectors its team.
    activity = contract["activity"]
    assert [c["value"] for c in field(activity, "day")["choices"]] == [
        d.isoformat() for d in inspections.schedule_of(team["inspection"]).on_site_days]
    assert {c["label"] for c in field(activity, "inspector_ids")["choices"]} == {"Ada Lead", "Cyril Care"}
    rated = field(contract["file_review"], "ratings")["aspects"]
    assert [a["value"] for a in rated] == [a.code for _, a in profile.file_review_aspects()]


def test_a_2023_framework_inspection_gets_its_own_headings(client, db, team, make_inspection):
    other = make_inspection(team["lead"], local_area="Newshire (fictional)", framework="send-2023")
    response = client.get(f"/inspections/{other.id}/form-contract.json")
    headings = field(response.json()["evidence_item"], "heading")["choices"]
    assert [c["label"] for c in headings] == [f"{p.number}. {p.title}" for p in get_profile("send-2023").headings]


@pytest.mark.parametrize("name", ["text", "heading", "aspect", "judgement", "strands"])
def test_each_required_evidence_field_left_out_is_refused_with_the_contracts_words(client, team, name):
    message = field(contract_of(client, team)["evidence_item"], name)["required"]
    # (The server finds the heading from the aspect; the form asks for the aspect only once a heading is chosen.)
    data = {k: v for k, v in EVIDENCE.items() if k != name and not (name == "heading" and k == "aspect")}
    response = post(client, f"{team['base']}/evidence/new", data)
    assert response.status_code == 422
    assert error_summary(response) == [message]


@pytest.mark.parametrize(("kind", "name", "extra"), [
    ("activity", "source_id", {}), ("file_review", "source_id", {}), ("document", "source_label", {"source_label": ""}),
])
def test_a_source_kind_without_its_source_is_refused_with_the_contracts_words(client, team, kind, name, extra):
    message = field(contract_of(client, team)["evidence_item"], name)["required"]
    response = post(client, f"{team['base']}/evidence/new", {**EVIDENCE, "source_kind": kind, **extra})
    assert error_summary(response) == [message]


def test_an_aspect_of_another_heading_is_refused_with_the_contracts_words(client, team):
    template = field(contract_of(client, team)["evidence_item"], "aspect")["other_group"]
    response = post(client, f"{team['base']}/evidence/new", {**EVIDENCE, "heading": "2"})
    assert error_summary(response) == [template.format(value="2")]


def test_a_sync_op_without_its_heading_is_rejected_with_the_contracts_words(client, team):
    contract = contract_of(client, team)["evidence_item"]
    token = client.get("/api/v1/session").json()["csrf_token"]
    op = {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "create", "id": str(uuid.uuid4()),
          "inspection_id": team["inspection"].id, "base_version": None, "client_time": "2026-11-24T10:15:00Z",
          "data": {"text": "Fictional.", "heading": None, "aspect": "", "judgement": "strength",
                   "strands": ["education"]}}
    response = client.post("/api/v1/sync", content=json.dumps({"device_id": "tablet", "ops": [op]}),
                           headers={"X-CSRF-Token": token, "Content-Type": "application/json"})
    assert response.json()["results"][0]["errors"] == [f"heading: {field(contract, 'heading')['required']}"]


@pytest.mark.parametrize("name", ["kind", "day", "inspector_ids", "setting_id"])
def test_each_required_activity_field_left_out_is_refused_with_the_contracts_words(client, team, name):
    message = field(contract_of(client, team)["activity"], name)["required"]
    data = {**ACTIVITY, "inspector_ids": [str(team["lead"].id)], "setting_id": str(team["setting_id"])}
    data.pop(name)
    response = post(client, f"{team['base']}/activities/new", data)
    assert response.status_code == 422
    assert error_summary(response) == [message]


@pytest.mark.parametrize("name", list(FILE))
def test_each_required_case_file_field_left_out_is_refused_with_the_contracts_words(client, team, name):
    message = field(contract_of(client, team)["file_review"], name)["required"]
    data = {**FILE, name: ""}
    response = post(client, f"{team['base']}/files/new", data)
    assert response.status_code == 422
    assert error_summary(response) == [message]


def test_a_case_reference_the_contract_refuses_is_refused_by_the_server_in_the_same_words(client, team):
    import re

    refused = field(contract_of(client, team)["file_review"], "case_reference")["refuse"]
    for reference in ("485 777 3456", "A12345678901B", "Jamie Smith"):
        rule = next(r for r in refused if re.search(r["pattern"], reference))
        response = post(client, f"{team['base']}/files/new", {**FILE, "case_reference": reference})
        assert error_summary(response) == [rule["message"]]


@pytest.mark.parametrize("name", ["category", "what_happened"])
def test_each_required_concern_field_left_out_is_refused_with_the_contracts_words(client, team, name):
    message = field(contract_of(client, team)["safeguarding_concern"], name)["required"]
    response = post(client, f"{team['base']}/concerns/new", {**CONCERN, name: ""})
    assert response.status_code == 422
    assert error_summary(response) == [message]


@pytest.mark.parametrize(("path", "entity", "unlabelled"), [
    ("/evidence/new", "evidence_item", {"aspect"}),
    ("/activities/new", "activity", {"setting_id"}),
    ("/files/new", "file_review", {"ratings"}),
    ("/concerns/new", "safeguarding_concern", {"referral_reference"}),
])
def test_each_capture_page_embeds_its_contract_and_shows_its_words(client, team, path, entity, unlabelled):
    page = soup(client.get(team["base"] + path))
    form = page.select_one(f"form[data-offline-entity={entity}]")
    embedded = json.loads(form.select_one("script[type='application/json'][data-form-contract]").string)
    assert embedded == contract_of(client, team)[entity]
    shown = " ".join(form.get_text(" ").split())
    for f in embedded["fields"]:
        if f["name"] not in unlabelled:
            assert f["label"] in shown, f["label"]
    for rated in next((f.get("aspects", []) for f in embedded["fields"] if f["name"] == "ratings"), []):
        assert rated["label"] in shown


def test_the_inline_capture_on_an_activity_carries_the_evidence_contract(client, team):
    page = soup(client.get(f"{team['base']}/activities/{team['activity_id']}"))
    form = page.select_one("form[data-offline-entity=evidence_item]")
    embedded = json.loads(form.select_one("script[data-form-contract]").string)
    assert embedded["entity"] == "evidence_item"


# The same captures through the server's `check` and the tablet's `validate` (outbox-core.js, run by node).
CASES = {
    "evidence_item": [
        {"text": "Seen.", "heading": 1, "aspect": "timeliness", "judgement": "strength", "strands": ["education"]},
        {"text": " ", "heading": None, "aspect": "", "judgement": "", "strands": []},
        {"text": "x" * 10_001, "heading": 2, "aspect": "timeliness", "judgement": "context", "strands": ["housing"],
         "observed_on": "2026-11-29"},  # a Sunday after the week on site
        {"text": "Seen.", "heading": 1, "aspect": "made_up", "judgement": "strength", "strands": ["health"],
         "source_type": "activity", "source_id": ""},
        {"text": "Seen.", "heading": "1", "aspect": "timeliness", "judgement": "strength", "strands": ["health"],
         "source_type": "document", "source_id": "", "source_label": "y" * 201},
    ],
    "activity": [
        {"kind": "meeting", "meeting_with": "practitioners", "setting_id": "", "title": "", "day": "2026-11-24",
         "start_time": "9:30", "inspector_ids": ["{lead}"], "notes": ""},
        {"kind": "setting_visit", "meeting_with": "", "setting_id": "", "title": "t" * 201, "day": "2026-11-30",
         "start_time": "24:00", "inspector_ids": [], "notes": "n" * 20_001},
        {"kind": "", "day": "", "inspector_ids": ["999999"], "start_time": "ab"},
    ],
    "file_review": [
        {"case_reference": "P1-07", "age_band": "11-15", "setting_type": "special_school", "sen_status": "sen_support",
         "primary_need": "ASD", "health_contributed": "yes", "social_care_contributed": "no",
         "concern_raised_on": "2025-01-10", "assessment_requested_on": "2025-02-01", "plan_issued_on": "2025-06-01",
         "attendance_percent": "87.5 %", "ratings": {"timeliness": {"rating": "strong", "comment": "Quick"}}},
        {"case_reference": "Jamie Smith", "age_band": "", "setting_type": "castle", "sen_status": "",
         "primary_need": "", "health_contributed": "", "social_care_contributed": "maybe",
         "concern_raised_on": "2025-02-30",
         "assessment_requested_on": "2099-01-01", "plan_issued_on": "1980-01-01", "attendance_percent": "101",
         "ratings": {"timeliness": {"rating": "great", "comment": ""}, "made_up": {"rating": "weak"}}},
        {"case_reference": "485 777 3456", "concern_raised_on": "2025-05-01", "assessment_requested_on": "2025-04-01",
         "plan_issued_on": "2025-03-01", "attendance_percent": "0x10",
         "ratings": {"timeliness": {"rating": "weak", "comment": "c" * 2_001}}},
    ],
    "safeguarding_concern": [
        {"category": "low_level", "what_happened": "Fictional.", "setting_name": ""},
        {"category": "", "what_happened": "", "setting_name": "p" * 201, "reported_to": "r" * 301,
         "referral_reference": "f" * 101},
    ],
    "case_consent": [
        {"consent": "given", "consent_from": "both", "consent_recorded_on": "2026-11-20"},
        {"consent": "declined", "consent_from": "", "consent_recorded_on": "1999-12-31"},
        {"consent": "maybe", "consent_from": "neighbour", "consent_recorded_on": "2026-02-30"},
    ],
    "case_conversation": [
        {"conversation_with": "both", "conversation_way": "By phone", "conversation_on": "2026-11-23"},
        {"conversation_with": "", "conversation_way": "By pigeon", "conversation_on": "23/11/2026"},
    ],
    "case_meeting": [
        {"meeting_services": ["health", "social_care"], "meeting_on": "2026-11-24"},
        {"meeting_services": ["health", "police"], "meeting_on": ""},
    ],
    "case_document_request": [
        {"documents": ["ehc_plan", "chronology"], "requested_on": "2026-11-20"},
        {"documents": ["ehc_plan", "school_report"], "requested_on": "2101-01-01"},
        {"documents": [], "requested_on": ""},
    ],
    "case_document_received": [
        {"document": "ehc_plan", "received_on": "2026-11-23"},
        {"document": "school_report", "received_on": "2026-13-01"},
        {"document": "chronology", "received_on": "2026-11-25"},  # the day after the tests' today
        {"document": "", "received_on": ""},
    ],
}

NODE_VALIDATE = """
import { validate } from %s;
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { contracts, cases } = JSON.parse(input);
const today = new Date(2026, 10, 24);
const out = cases.map(([entity, data]) => validate(contracts[entity], data, today));
process.stdout.write(JSON.stringify(out));
"""


def test_the_tablet_finds_the_same_errors_as_the_server_on_the_real_contracts(client, db, team):
    import shutil
    import subprocess
    from pathlib import Path

    from app import forms_contract
    from app.casetracking.contract import (
        consent_contract,
        conversation_contract,
        meeting_contract,
        received_contract,
        request_contract,
    )
    from app.evidence.contract import evidence_contract
    from app.fieldwork.contract import activity_contract, file_review_contract
    from app.safeguarding import service as concerns
    from tests.conftest import skip_or_fail

    node = shutil.which("node")
    if node is None:
        skip_or_fail("node not found: install Debian's nodejs")
    inspection = team["inspection"]
    profile = inspections.profile_of(inspection)
    members = [(u.id, u.name) for _, u in inspections.team_of(session=db, inspection=inspection)]
    contracts = {"evidence_item": evidence_contract(profile, inspections.schedule_of(inspection).on_site_days),
                 "activity": activity_contract(inspections.schedule_of(inspection).on_site_days, members),
                 "file_review": file_review_contract(profile), "safeguarding_concern": concerns.contract(),
                 "case_consent": consent_contract(), "case_conversation": conversation_contract(("By phone",)),
                 "case_meeting": meeting_contract(),
                 "case_document_request": request_contract({"ehc_plan": "EHC plan", "chronology": "Chronology"}),
                 "case_document_received": received_contract({"ehc_plan": "EHC plan", "chronology": "Chronology"})}
    cases = [(entity, json.loads(json.dumps(data).replace("{lead}", str(team["lead"].id))))
             for entity, datas in CASES.items() for data in datas]  # the first of each kind is good
    server = [forms_contract.check(contracts[entity], data, today=date(2026, 11, 24)) for entity, data in cases]
    firsts = {id(datas[0]) for datas in CASES.values()}
    assert [not errors for errors in server] == [id(data) in firsts for datas in CASES.values() for data in datas]
    core = (Path(__file__).resolve().parents[2] / "app/static/js/outbox-core.js").as_uri()
    result = subprocess.run([node, "--input-type=module", "-e", NODE_VALIDATE % json.dumps(core)], check=True,
                            capture_output=True, text=True, timeout=60, input=json.dumps({
                                "contracts": {k: c.as_json() for k, c in contracts.items()}, "cases": cases}))
    tablet = json.loads(result.stdout)
    for (entity, data), on_server, on_tablet in zip(cases, server, tablet, strict=True):
        assert on_tablet == on_server, (entity, data)
        assert list(on_tablet) == list(on_server)  # in the same order
