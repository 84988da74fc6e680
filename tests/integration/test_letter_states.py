"""The letter's statuses and steps are one table (app/letters/states.py): the letter page offers exactly the steps
that table allows the person looking at it, shows the status as the table says, and the server refuses the rest."""

import pytest

from app.inspections import service as inspections
from app.letters import states
from app.letters.models import LetterWorkflow
from app.letters.states import LetterStatus, Step
from tests.integration.conftest import SYSTEM, sign_in, soup

# Written out by hand, so that a change to the table must be made here too, on purpose.
LEAD_STEPS = {LetterStatus.draft: [Step.to_quality_assurance],
              LetterStatus.quality_assurance: [Step.to_factual_accuracy, Step.finalise, Step.back_to_draft],
              LetterStatus.factual_accuracy: [Step.finalise, Step.back_to_draft],
              LetterStatus.final: [Step.sign_off, Step.publish, Step.back_to_draft],
              LetterStatus.published: []}


def _letter_at(db, inspection, status: LetterStatus) -> None:
    flow = db.get(LetterWorkflow, inspection.id) or LetterWorkflow(inspection_id=inspection.id)
    flow.status = status.value
    db.add(flow)
    db.flush()


def _offered(page) -> list[tuple[str, str]]:
    """(step, button text) for each step button in the letter's status panel, in page order."""
    return [(form["action"].rsplit("/", 1)[1], form.select_one("button").get_text(strip=True))
            for form in soup(page).select("#workflow form")]


@pytest.mark.parametrize("status", list(LetterStatus))
def test_the_letter_page_offers_the_lead_exactly_the_steps_the_table_allows(client, db, make_user, make_inspection,
                                                                              status):
    lead = make_user()
    inspection = make_inspection(lead)
    _letter_at(db, inspection, status)
    sign_in(client, db, lead)
    url = f"/inspections/{inspection.id}/letter"
    page = client.get(url)
    assert page.status_code == 200
    allowed = states.offered(status, manages=True, team_role="lead")
    assert [rule.step for rule in allowed] == LEAD_STEPS[status]
    assert _offered(page) == [(rule.step.value, rule.button) for rule in allowed]
    tag = soup(page).select_one("#workflow-heading [data-status]")
    assert (tag["data-status"], tag.get_text(strip=True)) == (status.value, status.label)
    assert f"govuk-tag--{status.tag}" in tag["class"]
    assert soup(page).select_one("#workflow-heading").get_text(" ", strip=True) == f"Status: {status.label}"
    # The server keeps to the same table: a step not offered is refused and the letter stays where it was.
    token = soup(page).select_one("input[name=csrf_token]")["value"]
    for rule in states.STEPS:
        if rule.step not in LEAD_STEPS[status]:
            refused = client.post(f"{url}/workflow/{rule.step}", data={"csrf_token": token})
            assert refused.status_code == 422, rule.step
            db.expire_all()
            assert db.get(LetterWorkflow, inspection.id).status == status.value


def test_a_final_letter_offers_the_cqc_inspector_only_their_signature_and_other_members_nothing(
        client, db, make_user, make_inspection, make_client):
    lead = make_user()
    inspection = make_inspection(lead)
    cqc, shadow = make_user(kind="cqc"), make_user(kind="cqc")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=cqc.email,
                                team_role="cqc_inspector")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=shadow.email,
                                team_role="shadow")
    _letter_at(db, inspection, LetterStatus.final)
    url = f"/inspections/{inspection.id}/letter"
    assert _offered(sign_in(client, db, cqc).get(url)) == [("sign_off", "Sign off the final letter")]
    watcher = sign_in(make_client(), db, shadow)
    page = watcher.get(url)
    assert _offered(page) == []
    token = soup(page).select_one("input[name=csrf_token]")["value"]
    assert watcher.post(f"{url}/workflow/sign_off", data={"csrf_token": token}).status_code == 403
    db.expire_all()
    flow = db.get(LetterWorkflow, inspection.id)
    assert (flow.status, flow.lead_signed_at, flow.cqc_signed_at) == ("final", None, None)
