"""The app on the test database, a client per user, and people and inspections to test with."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pyotp
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import clock
from app.audit.service import Actor
from app.db import get_db, get_engine
from app.flows import setup
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters.models import LetterDecision, LetterPublication, LetterWorkflow
from app.main import create_app
from app.portal.storage import LocalStorage, get_storage
from app.users import service as users
from app.users.deps import SESSION_COOKIE
from app.users.models import User
from tests.conftest import csrf_from

SYSTEM = Actor.system("test")
PASSWORD = "correct-horse-battery"


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    """Each test's own upload store, so a test can see exactly which files were kept."""
    return LocalStorage(tmp_path / "uploads")


_shared: list = []  # the app this process's tests share (see `app`)


@pytest.fixture
def app(db: Session, engine, storage):
    """The app on the test's database and upload store. One app serves the tests of a process: FastAPI works out
    each router's routes for an app on its first requests, a quarter of an integration test's time when every test
    made its own. A test that adds routes of its own leaves the next one a new app."""
    if not _shared:
        _shared.append(create_app())
    application = _shared[0]
    routes = list(application.routes)
    application.dependency_overrides[get_engine] = lambda: engine  # /readyz looks at the test's database
    application.dependency_overrides[get_storage] = lambda: storage

    def test_db() -> Iterator[Session]:
        # Each request gets its own session on the test's connection, in a savepoint of its own, so that
        # a request that fails rolls back its own writes and not the test's set-up.
        request_session = Session(bind=db.connection(), join_transaction_mode="create_savepoint",
                                  expire_on_commit=False)
        try:
            yield request_session
            request_session.commit()
        except BaseException:
            request_session.rollback()
            raise
        finally:
            request_session.close()
            db.expire_all()  # the test reads what the request stored, not its own stale copies

    application.dependency_overrides[get_db] = test_db
    yield application
    application.dependency_overrides.clear()
    if list(application.routes) != routes:
        _shared.clear()


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def make_client(app) -> Callable[[], TestClient]:
    return lambda: TestClient(app, follow_redirects=False)


@pytest.fixture
def make_user(db: Session) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str = "inspector", kind: str = "hmi", home_area: str = "", name: str = "", email: str = "",
             password: str = PASSWORD) -> User:
        n = next(counter)
        form = users.UserForm(email=email or f"user{n}@example.org", name=name or f"Test Person {n}", role=role,
                              inspector_kind=kind if role == "inspector" else "", home_area=home_area)
        user = users.create_user(session=db, actor=SYSTEM, form=form, password=password)
        if role == "admin":  # administrators must use two-factor sign-in (test_two_factor covers enrolment)
            user.totp_secret = pyotp.random_base32()
            db.add(user)
            db.flush()
        return user

    return make


@pytest.fixture
def make_inspection(db: Session) -> Callable[..., Inspection]:
    def make(creator: User, local_area: str = "Testshire (fictional)", start: date = date(2027, 3, 8),
             framework: str = "send-2016", notification: date = date(2027, 2, 22)) -> Inspection:
        # Each profile's timeline reads the date its lead enters: send-2016 the first day on site (a Monday),
        # send-2023 the notification (on site in the third week: by default from Monday 8 March 2027 too).
        form = inspections.InspectionForm(local_area=local_area, la_code="999", framework=framework,
                                          start_date=start.isoformat(), notification_date=notification.isoformat())
        return setup.set_up_inspection(session=db, actor=SYSTEM, form=form, creator=creator)

    return make


def sign_in(client: TestClient, db: Session, user: User) -> TestClient:
    """Give the client a live session for `user` without the password round trip (login has its own tests)."""
    token, user_session = users.start_session(session=db, user=user, ip_address="127.0.0.1")
    user_session.reauthenticated_at = user_session.created_at  # as just after signing in with the password
    db.flush()
    client.cookies.set(SESSION_COOKIE, token)
    return client


def login(client: TestClient, email: str, password: str = PASSWORD, next: str = ""):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text),
                                       "next": next})


def csrf_of(client: TestClient, path: str = "/inspections") -> str:
    return csrf_from(client.get(path).text)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def error_summary(response) -> list[str]:
    """The messages in the GOV.UK error summary, as a user reads them."""
    box = soup(response).select_one(".govuk-error-summary")
    return [li.get_text(" ", strip=True) for li in box.select(".govuk-error-summary__list li")] if box else []


@pytest.fixture
def make_fieldwork(db: Session):
    """A setting, a visit, a case file and an evidence item in an inspection; returns their ids."""

    def make(inspection: Inspection, author: User) -> dict[str, object]:
        from app.evidence import service as evidence
        from app.fieldwork import service as fieldwork

        actor = Actor(author.id, author.email)
        day = inspections.schedule_of(inspection).on_site_days[0].isoformat()
        setting = fieldwork.create_setting(session=db, actor=actor, inspection=inspection, form=fieldwork.SettingForm(
            name="Pretend School (fictional)", setting_type="mainstream_school"))
        activity_form = fieldwork.ActivityForm(
            kind="setting_visit", setting_id=str(setting.id), day=day, inspector_ids=[str(author.id)])
        activity = fieldwork.create_activity(session=db, actor=actor, inspection=inspection, form=activity_form)
        review_form = fieldwork.FileReviewForm(
            case_reference="P1-01", age_band="5-10", setting_type="mainstream_school", sen_status="plan_in_place",
            primary_need="ASD")
        review = fieldwork.create_file_review(session=db, actor=actor, inspection=inspection, form=review_form)
        item = evidence.capture(session=db, actor=actor, inspection=inspection, form=evidence.EvidenceForm(
            text="A fictional observation.", heading="1", aspect="timeliness", judgement="strength",
            strands=["education"], source_id=activity.id))
        from app.sync.models import SyncConflict

        incoming = {**item.model_dump(include={"heading", "aspect", "judgement", "strands"}),
                    "text": "Another fictional version."}
        conflict = SyncConflict(inspection_id=inspection.id, entity="evidence_item", entity_id=item.id, action="update",
                                base_version=0, current_version=1, incoming=incoming,
                                current={"text": item.text}, op_id="00000000-0000-4000-8000-000000000000",
                                author_id=author.id)
        db.add(conflict)
        db.flush()
        return {"setting_id": setting.id, "activity_id": activity.id, "review_id": review.id, "item_id": item.id,
                "conflict_id": conflict.id}

    return make


@pytest.fixture
def team(db: Session, make_user, make_inspection, make_fieldwork, client: TestClient) -> dict[str, object]:
    """The team the evidence, form-contract and sync modules test with: Ada Lead (the lead, signed in on `client`)
    and Cyril Care (a CQC inspector), on an inspection whose week on site starts Monday 23 November 2026, with
    make_fieldwork's visit, case file and strength (their ids); "base" is the inspection's address. A module that
    needs another team defines its own `team`, which pytest takes over this one."""
    lead = make_user(name="Ada Lead")
    cqc = make_user(kind="cqc", name="Cyril Care")
    inspection = make_inspection(lead, start=date(2026, 11, 23))
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=cqc.email,
                                team_role="cqc_inspector")
    ids = make_fieldwork(inspection, lead)
    sign_in(client, db, lead)
    return {"lead": lead, "cqc": cqc, "inspection": inspection, "base": f"/inspections/{inspection.id}", **ids}


# --- The local area's portal -------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def staged_upload(storage: LocalStorage, content: bytes, filename: str = "self-evaluation.pdf"):
    """What the upload intake hands a service: the file staged on disk with its size, hash and first bytes."""
    import hashlib
    import tempfile
    from pathlib import Path

    from app.portal.uploads import HEAD_BYTES, Upload

    with tempfile.NamedTemporaryFile(dir=storage.staging_dir, delete=False) as f:
        f.write(content)
    return Upload(fields={}, filename=filename, path=Path(f.name) if content else None, size=len(content),
                  sha256=hashlib.sha256(content).hexdigest(), head=content[:HEAD_BYTES])


@pytest.fixture
def make_officer(db: Session):
    """An la_officer bound to the inspection, through a real invitation accepted."""
    from app.portal import invitations

    counter = iter(range(1, 1000))

    def make(inspection: Inspection, email: str = "", contact: str = "nominated_officer") -> User:
        email = email or f"officer{next(counter)}@area.example.org"
        _, token = invitations.invite(session=db, actor=SYSTEM, inspection=inspection, email=email, contact=contact)
        return invitations.accept(session=db, token=token, name="Olu Officer (fictional)", password=PASSWORD,
                                  confirm=PASSWORD, ip_address=None).user

    return make


@pytest.fixture
def make_document(db: Session, storage: LocalStorage):
    def make(inspection: Inspection, officer: User, content: bytes = PDF_BYTES, requested: str = "self_evaluation",
             filename: str = "self-evaluation.pdf"):
        from app.portal import documents

        return documents.upload_document(session=db, actor=Actor(officer.id, officer.email), storage=storage,
                                         inspection=inspection, upload=staged_upload(storage, content, filename),
                                         requested=requested)

    return make


def publish(db, inspection, on: date, *, wsoa_required: bool = False, outcome: str | None = None,
            weaknesses: tuple[str, ...] = (), priority_actions: tuple[str, ...] = ()) -> None:
    """The letter published bearing this day, with the team's decision (publication's own steps and files have
    their tests in test_letters and test_publication)."""
    db.add(LetterDecision(inspection_id=inspection.id, wsoa_required=wsoa_required, outcome=outcome,
                          significant_weaknesses=list(weaknesses),
                          priority_actions=[{"text": text, "responsible_bodies": ["local_authority", "icb"]}
                                            for text in priority_actions]))
    at = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    db.add(LetterWorkflow(inspection_id=inspection.id, status="published", published_at=at))
    db.add(LetterPublication(inspection_id=inspection.id, number=1, dated=on, note="Published", docx=b"fictional",
                             docx_sha256="0" * 64, pdf=b"fictional", pdf_sha256="0" * 64, published_at=at))
    db.flush()


@pytest.fixture
def today_is(monkeypatch):
    """Move England's clock to a given day (for what reads it through app.clock)."""
    def move(day: date) -> None:
        monkeypatch.setattr(clock, "today_in_england", lambda: day)
    return move
