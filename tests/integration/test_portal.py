"""The local area's portal: the invitation's lifecycle, the officer's reach, every refusal rule for uploads,
versions kept on replace, and nothing left behind when an upload is refused."""

import io
import zipfile
from datetime import timedelta
from urllib.parse import urlparse

import pyotp
import pytest
from docx import Document
from openpyxl import Workbook
from sqlmodel import select

from app.audit.models import AuditEvent
from app.models_base import utcnow
from app.portal import invitations
from app.portal.models import AreaDocument, AreaDocumentVersion, AreaOfficer, PortalInvitation
from app.portal.uploads import MAX_UPLOAD_BYTES
from app.users.models import User
from tests.conftest import csrf_from
from tests.integration.conftest import PASSWORD, PDF_BYTES, SYSTEM, csrf_of, error_summary, login, sign_in, soup


def actions(db) -> list[str]:
    return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


# --- Invitation ------------------------------------------------------------------------------------------------

def test_the_lead_invites_the_officer_who_sets_a_password_once_and_lands_in_the_portal(client, make_client, db,
                                                                                       make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    page = client.post(f"/inspections/{inspection.id}/area/invitations",
                       data={"csrf_token": csrf_of(client), "email": " Nia.Officer@Area.example.org ", "name": "Nia"})
    assert page.status_code == 200
    link = soup(page).select_one(".app-invitation-link").get_text(strip=True)
    path = urlparse(link).path
    assert path.startswith("/invitations/")
    stored = db.exec(select(PortalInvitation)).one()
    assert stored.email == "nia.officer@area.example.org"
    assert path.rsplit("/", 1)[1] not in stored.token_hash  # only the hash is kept

    officer = make_client()
    form = officer.get(path)
    assert form.status_code == 200 and "nia.officer@area.example.org" in form.text
    token = csrf_from(form.text)
    bad = officer.post(path, data={"csrf_token": token, "name": "", "password": "short", "confirm_password": "short"})
    assert bad.status_code == 422
    assert error_summary(bad) == ["Enter your full name", "Password must be 12 characters or more"]
    db.refresh(stored)
    assert stored.used_at is None  # a refused form does not use the link up

    mismatch = officer.post(path, data={"csrf_token": token, "name": "Nia Officer", "password": PASSWORD,
                                        "confirm_password": PASSWORD + "x"})
    assert error_summary(mismatch) == ["The passwords do not match"]

    done = officer.post(path, data={"csrf_token": token, "name": "Nia Officer", "password": PASSWORD,
                                    "confirm_password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == f"/portal/{inspection.id}"
    portal = officer.get(done.headers["location"])
    assert portal.status_code == 200
    assert soup(portal).select_one("h1").get_text(strip=True) == "Documents for the inspection"
    assert inspection.local_area in portal.text
    user = db.exec(select(User).where(User.email == "nia.officer@area.example.org")).one()
    assert (user.role, user.name) == ("la_officer", "Nia Officer")
    assert db.exec(select(AreaOfficer.inspection_id).where(AreaOfficer.user_id == user.id)).one() == inspection.id
    assert {"portal.officer_invited", "portal.invitation_accepted"} <= set(actions(db))

    # Single use: the same link again, from any browser, is refused and changes nothing.
    again = make_client()
    assert again.get(path).status_code == 410
    reuse = again.post(path, data={"csrf_token": csrf_from(again.get("/login").text), "name": "Someone Else",
                                   "password": "another-password-here", "confirm_password": "another-password-here"})
    assert reuse.status_code == 410 and "already been used" in reuse.text
    db.refresh(user)
    assert user.name == "Nia Officer"


def test_a_link_works_for_48_hours_then_is_refused(client, db, make_user, make_inspection):
    inspection = make_inspection(make_user())
    _, fresh = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email="a@area.example.org",
                                  now=utcnow() - timedelta(hours=47))
    _, stale = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email="b@area.example.org",
                                  now=utcnow() - timedelta(hours=48, minutes=1))
    db.flush()
    assert client.get(f"/invitations/{fresh}").status_code == 200
    page = client.get(f"/invitations/{stale}")
    assert page.status_code == 410 and "expired" in page.text
    sent = client.post(f"/invitations/{stale}", data={"csrf_token": csrf_from(client.get("/login").text),
                                                      "name": "B", "password": PASSWORD, "confirm_password": PASSWORD})
    assert sent.status_code == 410
    assert db.exec(select(User).where(User.email == "b@area.example.org")).first() is None
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_a_new_invitation_replaces_the_old_link_and_the_lead_can_withdraw_one(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    _, old = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email="o@area.example.org")
    _, new = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email="o@area.example.org")
    db.flush()
    assert "replaced or withdrawn" in client.get(f"/invitations/{old}").text
    assert client.get(f"/invitations/{new}").status_code == 200
    latest = db.exec(select(PortalInvitation).where(PortalInvitation.withdrawn_at.is_(None))).one()
    sign_in(client, db, lead)
    gone = client.post(f"/inspections/{inspection.id}/area/invitations/{latest.id}/withdraw",
                       data={"csrf_token": csrf_of(client)})
    assert gone.status_code == 303
    assert client.get(f"/invitations/{new}").status_code == 410
    assert "portal.invitation_withdrawn" in actions(db)


def test_an_inspector_or_another_inspections_officer_cannot_be_invited(client, db, make_user, make_inspection,
                                                                       make_officer):
    lead = make_user(email="lead@inspectorate.example.org")
    inspection = make_inspection(lead)
    elsewhere = make_officer(make_inspection(make_user(), local_area="Elsewhere (fictional)"),
                             email="taken@area.example.org")
    sign_in(client, db, lead)
    for email, message in [
        ("", "Enter the nominated officer's email address"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.org"),
        ("lead@inspectorate.example.org", ("This email address belongs to an inspector's or administrator's account: "
                                           "invite the area's own officer")),
        (elsewhere.email, ("This officer already has access to another inspection, and an officer's account belongs "
                           "to one inspection only")),
    ]:
        page = client.post(f"/inspections/{inspection.id}/area/invitations",
                           data={"csrf_token": csrf_of(client), "email": email})
        assert page.status_code == 422 and error_summary(page) == [message]
    assert db.exec(select(PortalInvitation).where(PortalInvitation.inspection_id == inspection.id)).first() is None


# --- What the officer reaches ------------------------------------------------------------------------------------

def test_the_officer_sees_only_their_own_portal_and_none_of_the_teams_work(client, db, make_user, make_inspection,
                                                                           make_officer, make_fieldwork):
    lead = make_user()
    inspection = make_inspection(lead)
    other = make_inspection(make_user(), local_area="Other Area (fictional)")
    make_fieldwork(inspection, lead)  # evidence "A fictional observation." and a case file
    officer = make_officer(inspection)
    sign_in(client, db, officer)
    assert client.get("/portal").headers["location"] == f"/portal/{inspection.id}"
    assert client.get("/inspections").headers["location"] == "/portal"
    assert client.get(f"/portal/{other.id}").status_code == 404
    for path in ("", "/board", "/files", "/survey", "/letter", "/area", "/claims", "/summary", "/letter.docx"):
        assert client.get(f"/inspections/{inspection.id}{path}").status_code == 404, path
    for path in ("", "/area-data", "/claims"):
        page = client.get(f"/portal/{inspection.id}{path}")
        assert page.status_code == 200
        assert "A fictional observation." not in page.text and "P1-01" not in page.text
    portal_page = soup(client.get(f"/portal/{inspection.id}"))
    nav = [a.get_text(strip=True) for a in portal_page.select(".govuk-service-navigation__link")]
    assert "My inspections" not in nav


def test_the_officer_has_no_sync_bar_but_an_inspector_does(client, db, make_user, make_inspection, make_officer):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, make_officer(inspection))
    for path in ("", "/area-data", "/claims"):
        page = soup(client.get(f"/portal/{inspection.id}{path}"))
        assert page.select_one("#sync-status") is None and page.select_one("[data-sync-now]") is None, path
    sign_in(client, db, lead)
    assert soup(client.get(f"/inspections/{inspection.id}")).select_one("#sync-status") is not None


def test_wrong_passwords_on_an_invitation_lock_the_account_as_sign_in_does(client, make_client, db, make_user,
                                                                           make_inspection):
    inspection = make_inspection(make_user())
    officer = make_user(role="la_officer", email="guessed@area.example.org")
    _, token = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email=officer.email)
    db.flush()
    form = client.get(f"/invitations/{token}")

    def link(password: str):
        return client.post(f"/invitations/{token}", data={"csrf_token": csrf_from(form.text), "password": password})

    for n in range(4):
        assert error_summary(link(f"guess-number-{n}")) == ["Enter the password of your existing account"]
    locked = "There have been too many failed attempts to sign in to this account. Try again in 15 minutes."
    fifth = link("guess-number-5")
    assert fifth.status_code == 422 and error_summary(fifth) == [locked]
    # Locked now: the right password is refused here and at sign-in, and the link is not used up.
    assert error_summary(link(PASSWORD)) == [locked]
    assert error_summary(login(make_client(), officer.email, PASSWORD)) == [locked]
    assert db.exec(select(PortalInvitation)).one().used_at is None
    assert db.exec(select(AreaOfficer).where(AreaOfficer.user_id == officer.id)).first() is None
    assert actions(db).count("login.failed") == 5 and "login.refused_throttled" in actions(db)


def test_an_officer_with_two_factor_sign_in_gives_the_code_before_the_portal_opens(client, db, make_user,
                                                                                  make_inspection):
    inspection = make_inspection(make_user())
    officer = make_user(role="la_officer", email="careful@area.example.org")
    officer.totp_secret = pyotp.random_base32()
    db.add(officer)
    _, token = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email=officer.email)
    db.flush()
    form = client.get(f"/invitations/{token}")
    linked = client.post(f"/invitations/{token}", data={"csrf_token": csrf_from(form.text), "password": PASSWORD})
    portal = f"/portal/{inspection.id}"
    assert linked.status_code == 303 and linked.headers["location"] == f"/login/two-factor?next={portal}"
    # The password alone opens nothing.
    assert client.get(portal).headers["location"].startswith("/login/two-factor")
    assert client.get("/api/v1/session").status_code == 401
    page = client.get(linked.headers["location"])
    wrong = client.post("/login/two-factor", data={"csrf_token": csrf_from(page.text), "code": "000000",
                                                   "next": portal})
    assert wrong.status_code == 422
    assert client.get(portal).headers["location"].startswith("/login/two-factor")
    right = client.post("/login/two-factor", data={"csrf_token": csrf_from(page.text), "next": portal,
                                                   "code": pyotp.TOTP(officer.totp_secret).now()})
    assert right.status_code == 303 and right.headers["location"] == portal
    assert client.get(portal).status_code == 200


def test_an_officer_account_with_no_inspection_is_told_so(client, db, make_user):
    sign_in(client, db, make_user(role="la_officer"))
    page = client.get("/portal")
    assert page.status_code == 200
    assert soup(page).select_one("h1").get_text(strip=True) == "Your account is not linked to an inspection"


# --- Uploads -----------------------------------------------------------------------------------------------------

def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Fictional area self-evaluation.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["code", "value"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(mimetype: str = "application/vnd.oasis.opendocument.spreadsheet") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first and stored, as ODF requires
        package.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("notes.txt", "not an office document")
    return out.getvalue()


WINDOWS_PROGRAM = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
                   + b"PE\x00\x00" + b"\x00" * 200)
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


@pytest.fixture
def portal(client, db, make_user, make_inspection, make_officer):
    inspection = make_inspection(make_user())
    officer = make_officer(inspection)
    sign_in(client, db, officer)
    return inspection, officer


def upload(client, inspection, content: bytes, filename: str, requested: str = "self_evaluation", csrf: bool = True,
           url: str = ""):
    data = {"requested": requested}
    if csrf:
        data = {"csrf_token": csrf_of(client, f"/portal/{inspection.id}"), **data}
    return client.post(url or f"/portal/{inspection.id}/documents", data=data,
                       files={"file": (filename, content, "application/octet-stream")})


def nothing_kept(db, storage) -> bool:
    return (storage.keys() == [] and list(storage.staging_dir.iterdir()) == []
            and db.exec(select(AreaDocumentVersion)).first() is None and db.exec(select(AreaDocument)).first() is None)


@pytest.mark.parametrize(("content", "filename", "message"), [
    (WINDOWS_PROGRAM, "self-evaluation.pdf", ("The selected file must be a PDF, Word (DOCX), Excel (XLSX), "
                                              "OpenDocument spreadsheet (ODS) or CSV file "
                                              "(this one is a Windows program)")),
    (LINUX_PROGRAM, "data.csv", ("The selected file must be a PDF, Word (DOCX), Excel (XLSX), OpenDocument "
                                 "spreadsheet (ODS) or CSV file (this one is a Linux program)")),
    (zip_bytes(), "strategy.docx", ("The selected file must be a PDF, Word (DOCX), Excel (XLSX), OpenDocument "
                                    "spreadsheet (ODS) or CSV file (this one is a ZIP archive)")),
    (ods_bytes("application/vnd.oasis.opendocument.text"), "plan.ods",
     ("The selected file must be a PDF, Word (DOCX), Excel (XLSX), OpenDocument spreadsheet (ODS) or CSV file "
      "(this one is an OpenDocument file of another kind)")),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.pdf",
     ("The selected file must be a PDF, Word (DOCX), Excel (XLSX), "
      "OpenDocument spreadsheet (ODS) or CSV file (this one is an image)")),
    (b"just some words without any columns at all", "notes.csv",
     ("The selected file must be a PDF, Word (DOCX), "
      "Excel (XLSX), OpenDocument spreadsheet (ODS) or CSV file")),
    (b"", "empty.pdf", "The selected file is empty"),
    (PDF_BYTES + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES)), "huge.pdf",
     "The selected file must be smaller than 25 MB"),
])
def test_a_refused_upload_says_why_and_leaves_nothing_behind(client, db, storage, portal, content, filename, message):
    inspection, _ = portal
    page = upload(client, inspection, content, filename)
    assert page.status_code == 422
    assert error_summary(page) == [message]
    assert soup(page).select_one("#file-error").get_text(" ", strip=True) == f"Error: {message}"
    assert nothing_kept(db, storage)
    assert not any(a.startswith("portal.document") for a in actions(db))


def test_no_file_chosen_or_no_kind_chosen_is_refused(client, db, storage, portal):
    inspection, _ = portal
    token = csrf_of(client, f"/portal/{inspection.id}")
    page = client.post(f"/portal/{inspection.id}/documents", data={"csrf_token": token, "requested": "self_evaluation"},
                       files={"file": ("", b"", "application/octet-stream")})
    assert error_summary(page) == ["Select a file to upload"]
    page = upload(client, inspection, PDF_BYTES, "sef.pdf", requested="")
    assert error_summary(page) == ["Select what this document is"]
    assert nothing_kept(db, storage)


def test_an_upload_without_the_csrf_token_is_refused_and_nothing_is_kept(client, db, storage, portal):
    inspection, _ = portal
    page = upload(client, inspection, PDF_BYTES, "sef.pdf", csrf=False)
    assert page.status_code == 403
    assert nothing_kept(db, storage)


@pytest.mark.parametrize(("content", "filename", "file_type"), [
    (PDF_BYTES, "Self evaluation 2026.pdf", "pdf"),
    (docx_bytes(), "strategy.docx", "docx"),
    (xlsx_bytes(), "figures.xlsx", "xlsx"),
    (ods_bytes(), "figures.ods", "ods"),
    (b"code,value\r\nEHC_REQUESTS,412\r\n", "figures.csv", "csv"),
    ("area;figure;note\nNorth;12;café\n".encode("cp1252"), "windows.csv", "csv"),
])
def test_accepted_files_are_stored_with_their_hash_and_listed(client, db, storage, portal, content, filename,
                                                              file_type):
    inspection, officer = portal
    done = upload(client, inspection, content, filename)
    assert done.status_code == 303
    version = db.exec(select(AreaDocumentVersion)).one()
    assert (version.file_type, version.filename, version.size_bytes) == (file_type, filename, len(content))
    import hashlib
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    with storage.open(version.storage_key) as stored:
        assert stored.read() == content
    assert list(storage.staging_dir.iterdir()) == []
    page = client.get(done.headers["location"])
    assert "Your document has been uploaded" in page.text
    assert soup(page).select_one(".app-document a").get_text(strip=True) == filename
    download = client.get(f"/portal/{inspection.id}/documents/{version.document_id}/versions/1")
    assert download.status_code == 200 and download.content == content
    assert "attachment" in download.headers["content-disposition"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "portal.document_uploaded")).one()
    assert (event.actor_id, event.detail["sha256"], event.detail["bytes"]) == (officer.id, version.sha256, len(content))


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\nia\\Documents\\SEF final.pdf", "SEF final.pdf"),
    ('self<evaluation>:"final"?.pdf', "self_evaluation___final__.pdf"),
    ("report.exe", "report.exe.pdf"),  # the name says what the content is
    ("\u202egnp.pdf", "gnp.pdf"),  # a right-to-left override that would disguise the extension
])
def test_file_names_are_made_safe(client, db, portal, sent, kept):
    inspection, _ = portal
    assert upload(client, inspection, PDF_BYTES, sent).status_code == 303
    assert db.exec(select(AreaDocumentVersion.filename)).one() == kept


def test_replacing_a_document_keeps_every_earlier_version(client, db, storage, portal, make_user):
    inspection, _ = portal
    upload(client, inspection, PDF_BYTES, "sef-v1.pdf")
    document = db.exec(select(AreaDocument)).one()
    second = PDF_BYTES.replace(b"Catalog", b"Catalog /Lang (en-GB)")
    replaced = upload(client, inspection, second, "sef-v2.pdf", url=f"/portal/{inspection.id}/documents/{document.id}")
    assert replaced.status_code == 303
    versions = db.exec(select(AreaDocumentVersion).order_by(AreaDocumentVersion.number)).all()
    assert [(v.number, v.filename) for v in versions] == [(1, "sef-v1.pdf"), (2, "sef-v2.pdf")]
    assert len(storage.keys()) == 2
    assert client.get(f"/portal/{inspection.id}/documents/{document.id}/versions/1").content == PDF_BYTES
    assert client.get(f"/portal/{inspection.id}/documents/{document.id}/versions/2").content == second
    assert actions(db)[-2:] == ["portal.document_uploaded", "portal.document_replaced"] or \
        {"portal.document_uploaded", "portal.document_replaced"} <= set(actions(db))
    page = soup(client.get(f"/portal/{inspection.id}"))
    assert page.select_one(".app-document a").get_text(strip=True) == "sef-v2.pdf"
    assert "Earlier versions (1)" in page.select_one(".app-document details").get_text()

    refused = upload(client, inspection, WINDOWS_PROGRAM, "sef-v3.pdf",
                     url=f"/portal/{inspection.id}/documents/{document.id}")
    assert refused.status_code == 422 and len(storage.keys()) == 2
    assert "this one is a Windows program" in soup(refused).select_one(f"#replace-{document.id}-error").get_text()


def test_the_team_reads_every_version_the_area_sent(client, db, make_user, make_inspection, make_officer,
                                                    make_document):
    lead = make_user()
    inspection = make_inspection(lead)
    officer = make_officer(inspection)
    version = make_document(inspection, officer)
    sign_in(client, db, lead)
    page = soup(client.get(f"/inspections/{inspection.id}/area")).get_text(" ")
    assert "The area's self-evaluation" in page and "self-evaluation.pdf" in page
    assert officer.email in page
    got = client.get(f"/inspections/{inspection.id}/area/documents/{version.document_id}/versions/1")
    assert got.status_code == 200 and got.content == PDF_BYTES
    assert got.headers["content-type"] == "application/pdf"
    versions = f"/inspections/{inspection.id}/area/documents/{version.document_id}/versions"
    assert client.get(f"{versions}/2").status_code == 404


def test_a_file_saved_in_a_request_that_then_fails_is_deleted_again(db, storage, tmp_path):
    from sqlmodel import Session

    from app.portal.storage import delete_after_commit, save_in_transaction

    source = tmp_path / "staged.pdf"
    source.write_bytes(PDF_BYTES)
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint") as session:
        session.connection()
        save_in_transaction(session, storage, "inspection-1/kept-then-rolled-back.pdf", source)
        assert storage.exists("inspection-1/kept-then-rolled-back.pdf")
        session.rollback()
    assert storage.keys() == []
    source.write_bytes(PDF_BYTES)
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint") as session:
        session.connection()
        save_in_transaction(session, storage, "inspection-1/kept.pdf", source)
        session.commit()
    assert storage.keys() == ["inspection-1/kept.pdf"]
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint") as session:
        session.connection()
        delete_after_commit(session, storage, "inspection-1/kept.pdf")
        session.rollback()
    assert storage.keys() == ["inspection-1/kept.pdf"]  # a failed request deletes nothing
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint") as session:
        session.connection()
        delete_after_commit(session, storage, "inspection-1/kept.pdf")
        session.commit()
    assert storage.keys() == []


def test_an_htmx_upload_with_the_token_in_its_header_is_sent_to_the_listing(client, db, storage, portal):
    inspection, _ = portal
    token = csrf_of(client, f"/portal/{inspection.id}")
    done = client.post(f"/portal/{inspection.id}/documents", data={"requested": "strategy"},
                       files={"file": ("strategy.pdf", PDF_BYTES, "application/pdf")},
                       headers={"HX-Request": "true", "X-CSRF-Token": token})
    document = db.exec(select(AreaDocument)).one()
    assert document.requested == "strategy"
    assert done.status_code == 200
    assert done.headers["HX-Redirect"] == f"/portal/{inspection.id}?uploaded={document.id}#documents"
    refused = client.post(f"/portal/{inspection.id}/documents", data={"requested": "strategy"},
                          files={"file": ("x.pdf", WINDOWS_PROGRAM, "application/pdf")},
                          headers={"HX-Request": "true", "X-CSRF-Token": "wrong"})
    assert refused.status_code == 403 and len(storage.keys()) == 1


def test_a_form_with_two_file_parts_is_refused_and_nothing_is_kept(client, db, storage, portal):
    inspection, _ = portal
    token = csrf_of(client, f"/portal/{inspection.id}")
    boundary = "twofiles"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="requested"\r\n\r\nstrategy\r\n'.encode()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
              f'Content-Type: application/pdf\r\n\r\n'.encode() + content + b"\r\n"
              for content in (PDF_BYTES, WINDOWS_PROGRAM)]  # a PDF to pass the check, then the file that would be kept
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    page = client.post(f"/portal/{inspection.id}/documents", content=body,
                       headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert page.status_code == 400
    assert "The upload could not be read" in page.text
    assert nothing_kept(db, storage)


def test_an_existing_officer_links_their_account_with_its_own_password_and_it_is_never_reset(
        client, make_client, db, make_user, make_inspection, make_officer):
    inspection = make_inspection(make_user())
    officer = make_officer(inspection, email="kept@area.example.org")
    before = officer.password_hash
    _, token = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email=officer.email)
    db.flush()
    form = client.get(f"/invitations/{token}")
    assert "You already have an account with this address" in form.text
    assert soup(form).select_one("#confirm_password") is None
    wrong = client.post(f"/invitations/{token}", data={
        "csrf_token": csrf_from(form.text), "name": "Taken Over",
        "password": "a-new-password-chosen", "confirm_password": "a-new-password-chosen"})
    assert wrong.status_code == 422 and error_summary(wrong) == ["Enter the password of your existing account"]
    db.refresh(officer)
    assert (officer.password_hash, officer.name) == (before, "Olu Officer (fictional)")
    right = client.post(f"/invitations/{token}", data={"csrf_token": csrf_from(form.text), "password": PASSWORD})
    assert right.status_code == 303 and right.headers["location"] == f"/portal/{inspection.id}"
    db.refresh(officer)
    assert officer.password_hash == before

    officer.active = False
    db.add(officer)
    _, again = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email=officer.email)
    db.flush()
    page = make_client()
    refused = page.post(f"/invitations/{again}", data={"csrf_token": csrf_from(page.get(f"/invitations/{again}").text),
                                                       "password": PASSWORD})
    assert error_summary(refused) == ["This account has been deactivated: ask an administrator to reactivate it"]
    db.refresh(officer)
    assert officer.active is False
