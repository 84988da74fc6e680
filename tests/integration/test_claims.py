"""Claims of the self-evaluation: recorded by the officer or the team, tested with a verdict and the evidence
behind it, shown as a matrix, and blocking the letter while any is untested."""

from sqlmodel import select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.letters import service as letters
from app.letters import workflow
from app.portal import claims
from app.portal.models import SefClaim, SefClaimEvidence
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


def setup(db, make_user, make_inspection, make_officer, make_fieldwork):
    lead = make_user()
    inspection = make_inspection(lead)
    ids = make_fieldwork(inspection, lead)  # one evidence item under proposal 1, aspect "timeliness"
    return lead, inspection, make_officer(inspection), ids


def test_the_officer_records_claims_and_sees_no_verdicts(client, make_client, db, make_user, make_inspection,
                                                         make_officer, make_fieldwork):
    lead, inspection, officer, ids = setup(db, make_user, make_inspection, make_officer, make_fieldwork)
    sign_in(client, db, officer)
    token = csrf_of(client, f"/portal/{inspection.id}/claims")
    refused = client.post(f"/portal/{inspection.id}/claims", data={"csrf_token": token, "aspect": "", "text": " "})
    assert refused.status_code == 422
    assert error_summary(refused) == ["Select the proposal and aspect the claim is about",
                                      "Enter the claim, in the self-evaluation's words"]
    assert db.exec(select(SefClaim)).first() is None
    done = client.post(f"/portal/{inspection.id}/claims", data={
        "csrf_token": token, "aspect": "timeliness", "text": "Nine in ten new EHC plans are issued within 20 weeks."})
    assert done.status_code == 303
    claim = db.exec(select(SefClaim)).one()
    assert (claim.heading, claim.aspect, claim.recorded_by_officer, claim.verdict) == (1, "timeliness", True,
                                                                                          "not_yet_tested")

    team = sign_in(make_client(), db, lead)
    matrix = soup(team.get(f"/inspections/{inspection.id}/claims"))
    row = matrix.select_one(f"[data-claim-id='{claim.id}']")
    assert "Nine in ten new EHC plans" in row.get_text() and "recorded by the area" in row.get_text()
    assert row.select_one(".govuk-tag").get_text(strip=True) == "Not yet tested"
    assert "1 of 1 claims not yet tested." in matrix.select_one(".app-untested-warning").get_text()

    team.post(f"/inspections/{inspection.id}/claims/{claim.id}", data={
        "csrf_token": csrf_of(team), "verdict": "not_supported", "evidence": [ids["item_id"]],
        "note": "Only four of ten sampled plans were on time."})
    page = client.get(f"/portal/{inspection.id}/claims").text
    assert "Nine in ten new EHC plans" in page
    assert "Only four of ten" not in page and "Not supported" not in page
    # A tested claim can no longer be taken back.
    assert client.post(f"/portal/{inspection.id}/claims/{claim.id}/withdraw",
                       data={"csrf_token": token}).status_code == 403
    assert db.get(SefClaim, claim.id) is not None


def test_the_officer_may_withdraw_an_untested_claim_of_their_own(client, db, make_user, make_inspection,
                                                                 make_officer, make_fieldwork):
    _, inspection, officer, _ = setup(db, make_user, make_inspection, make_officer, make_fieldwork)
    claim = claims.record_claim(session=db, actor=Actor(officer.id, officer.email), inspection=inspection,
                                user=officer, form=claims.ClaimForm(aspect="timeliness", text="A fictional claim."))
    sign_in(client, db, officer)
    claim_id = claim.id
    gone = client.post(f"/portal/{inspection.id}/claims/{claim_id}/withdraw",
                       data={"csrf_token": csrf_of(client, f"/portal/{inspection.id}/claims")})
    assert gone.status_code == 303
    assert db.exec(select(SefClaim)).first() is None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "claim.withdrawn")).one().object_id == str(claim_id)


def test_a_verdict_needs_evidence_of_this_inspection_and_the_matrix_counts_it(client, db, make_user, make_inspection,
                                                                              make_officer, make_fieldwork,
                                                                              make_document):
    lead, inspection, officer, ids = setup(db, make_user, make_inspection, make_officer, make_fieldwork)
    document = make_document(inspection, officer)
    other_lead = make_user()
    foreign = make_fieldwork(make_inspection(other_lead, local_area="Other (fictional)"), other_lead)["item_id"]
    sign_in(client, db, lead)
    new = client.post(f"/inspections/{inspection.id}/claims/new", data={
        "csrf_token": csrf_of(client), "aspect": "timeliness", "text": "Assessments start promptly.",
        "source_document_id": str(document.document_id), "source_reference": "page 4"})
    assert new.status_code == 303
    claim = db.exec(select(SefClaim)).one()
    assert (claim.source_document_id, claim.source_reference, claim.recorded_by_officer) == (document.document_id,
                                                                                             "page 4", False)
    page = soup(client.get(new.headers["location"]))
    assert page.select_one(".app-claim-text").get_text(strip=True) == "Assessments start promptly."
    assert "The area's self-evaluation" in page.get_text() and "page 4" in page.get_text()
    assert [i["value"] for i in page.select("input[name=evidence]")] == [ids["item_id"]]

    url = f"/inspections/{inspection.id}/claims/{claim.id}"
    for data, message in [
        ({"verdict": ""}, "Select a verdict"),
        ({"verdict": "supported"}, "Select the evidence behind this verdict"),
        ({"verdict": "supported", "evidence": [foreign]}, "Select evidence items of this inspection"),
    ]:
        refused = client.post(url, data={"csrf_token": csrf_of(client), **data})
        assert refused.status_code == 422 and error_summary(refused) == [message]
    assert db.exec(select(SefClaimEvidence)).first() is None
    db.refresh(claim)
    assert claim.verdict == "not_yet_tested"

    saved = client.post(url, data={"csrf_token": csrf_of(client), "verdict": "partly_supported",
                                   "evidence": [ids["item_id"]], "note": "Prompt in schools, slower in health."})
    assert saved.status_code == 303
    db.refresh(claim)
    assert (claim.verdict, claim.verdict_note, claim.verdict_by_id) == (
        "partly_supported", "Prompt in schools, slower in health.", lead.id)
    assert db.exec(select(SefClaimEvidence.evidence_item_id)).all() == [ids["item_id"]]
    matrix = soup(client.get(f"/inspections/{inspection.id}/claims"))
    first = matrix.select(".app-claims-matrix tbody tr")[0]
    assert first.select_one("[data-verdict=partly_supported]").get_text(strip=True) == "1"
    assert first.select_one("[data-verdict=not_yet_tested]").get_text(strip=True) == "0"
    assert matrix.select_one(f"[data-claim-id='{claim.id}'] td:last-child").get_text(strip=True) == "1"
    assert "Every claim tested" in matrix.get_text()
    filtered = soup(client.get(f"/inspections/{inspection.id}/claims?verdict=supported"))
    assert filtered.select("[data-claim-id]") == []
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "claim.verdict_given")).one()
    assert event.detail["verdict"] == "partly_supported" and event.detail["evidence"] == [ids["item_id"]]


def test_the_letter_is_not_ready_while_a_claim_is_untested_and_reports_the_verdicts(db, make_user, make_inspection,
                                                                                    make_officer, make_fieldwork,
                                                                                    make_document):
    lead, inspection, officer, ids = setup(db, make_user, make_inspection, make_officer, make_fieldwork)

    def check():
        found = [c for c in workflow.readiness(session=db, inspection=inspection)
                 if c.name == "No claim of the self-evaluation left untested"]
        return found[0].ok, found[0].detail

    assert check() == (True, "no self-evaluation or claims received")
    make_document(inspection, officer)
    assert check() == (False, "the self-evaluation was received, but none of its claims is recorded")
    actor = Actor(lead.id, lead.email)
    first, second = (claims.record_claim(session=db, actor=actor, inspection=inspection, user=lead,
                                         form=claims.ClaimForm(aspect="timeliness", text=text))
                     for text in ("A fictional claim.", "Another fictional claim."))
    assert check() == (False, "2 of 2 not yet tested")
    claims.set_verdict(session=db, actor=actor, inspection=inspection, claim=first, verdict="supported", note="",
                       evidence_ids=[ids["item_id"]])
    assert check() == (False, "1 of 2 not yet tested")
    claims.set_verdict(session=db, actor=actor, inspection=inspection, claim=second, verdict="not_supported",
                       note="", evidence_ids=[ids["item_id"]])
    assert check() == (True, "all 2 tested")
    opening = [s.text for s in letters.draft(session=db, inspection=inspection).opening]
    assert ("Inspectors tested 2 claims of the area's self-evaluation against what they found: 1 supported by the "
            "evidence and 1 not supported.") in opening
    assert any("including the area's self-evaluation." in text for text in opening)
