"""Every request body is bounded: a page's form and the JSON API at 2 MB, a sync batch at 16 MB, an upload at its
25 MB file and the form around it. Past the limit the answer is 413 and nothing is read or stored."""

import pytest
from sqlmodel import select

from app.evidence.models import EvidenceItem
from app.portal.models import AreaDocumentVersion
from tests.integration.conftest import PDF_BYTES, csrf_of, sign_in


@pytest.fixture
def lead_client(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    return client, inspection


def test_a_form_over_2_mb_is_refused(lead_client, db):
    client, inspection = lead_client
    answer = client.post(f"/inspections/{inspection.id}/evidence/new", data={
        "csrf_token": csrf_of(client), "text": "x" * (2 * 1024 * 1024), "heading": "1", "aspect": "timeliness",
        "judgement": "strength", "strands": "education"})
    assert answer.status_code == 413
    assert db.exec(select(EvidenceItem)).first() is None


def test_a_sync_batch_over_16_mb_is_refused_and_one_under_it_is_read(lead_client):
    client, _ = lead_client
    token = client.get("/api/v1/session").json()["csrf_token"]
    headers = {"X-CSRF-Token": token, "Content-Type": "application/json"}
    def padded(size: int) -> str:
        return '{"device_id": "t", "ops": [], "pad": "' + "x" * size + '"}'

    big = client.post("/api/v1/sync", content=padded(17 * 1024 * 1024), headers=headers)
    assert big.status_code == 413
    fine = client.post("/api/v1/sync", content=padded(3 * 1024 * 1024), headers=headers)
    assert fine.status_code == 200


def test_an_upload_far_over_25_mb_is_refused_at_once(client, db, storage, make_user, make_inspection, make_officer):
    inspection = make_inspection(make_user())
    sign_in(client, db, make_officer(inspection))
    answer = client.post(f"/portal/{inspection.id}/documents",
                         data={"csrf_token": csrf_of(client, f"/portal/{inspection.id}"), "requested": "strategy"},
                         files={"file": ("big.pdf", PDF_BYTES + b"\0" * (27 * 1024 * 1024), "application/pdf")})
    assert answer.status_code == 413
    assert storage.keys() == [] and list(storage.staging_dir.iterdir()) == []
    assert db.exec(select(AreaDocumentVersion)).first() is None
