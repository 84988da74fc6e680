"""The purge and a change racing it on PostgreSQL (two connections, as two app processes would hold): the change
either lands before the purge and goes with the rest, or waits for the purge and is refused. Nothing slips in
between to stay for ever."""

import os
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from app.audit.service import Actor
from app.clock import today_in_england
from app.db import make_engine
from app.errors import Purged
from app.evidence.models import EvidenceItem
from app.flows import purge as retention
from app.inspections import service as inspections
from app.models_base import utcnow
from app.portal.storage import LocalStorage
from tests.conftest import new_postgres_database
from tests.servers import run_cli

pytestmark = pytest.mark.postgres


@pytest.fixture
def published_demo(tmp_path):
    with new_postgres_database("sendfw_purge") as url:
        env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "test", "UPLOAD_DIR": str(tmp_path / "uploads")}
        run_cli(env, "seed-demo")
        engine = make_engine(url)
        with engine.begin() as conn:
            # The demo now has a letter workflow of its own for some inspections: each is made published.
            conn.execute(text("INSERT INTO letter_workflows (inspection_id, status, published_at, updated_at) "
                              "SELECT id, 'published', :at, :at FROM inspections ON CONFLICT (inspection_id) DO "
                              "UPDATE SET status = 'published', published_at = :at, updated_at = :at"),
                         {"at": utcnow() - timedelta(days=400)})
            inspection_id = conn.execute(text("SELECT min(id) FROM inspections")).scalar_one()
        try:
            yield engine, inspection_id, LocalStorage(tmp_path / "uploads")
        finally:
            engine.dispose()


def late_item(inspection_id: int) -> EvidenceItem:
    return EvidenceItem(id=str(uuid.uuid4()), inspection_id=inspection_id, text="A late fictional note.", heading=1,
                        aspect="timeliness", judgement="strength", strands=["education"],
                        captured_on=today_in_england(), observed_on=today_in_england())


def evidence(engine, inspection_id: int) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(EvidenceItem)
                            .where(EvidenceItem.inspection_id == inspection_id)).one()


def purge_in_thread(engine, storage, started: threading.Event, finished: threading.Event) -> threading.Thread:
    def work():
        with Session(engine) as session:
            plan = retention.plans(session=session, now=utcnow(), retention_days=180)[0]
            started.set()
            retention.purge(session=session, actor=Actor.system("test"), storage=storage, plan=plan)
            session.commit()
        finished.set()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_a_change_in_flight_when_the_purge_starts_is_waited_for_and_purged_with_the_rest(published_demo):
    engine, inspection_id, storage = published_demo
    assert evidence(engine, inspection_id) > 0
    started, finished = threading.Event(), threading.Event()
    with Session(engine) as change:
        inspections.refuse_changes_if_purged(session=change, inspection_id=inspection_id)  # not purged: goes on
        change.add(late_item(inspection_id))
        change.flush()
        thread = purge_in_thread(engine, storage, started, finished)
        assert started.wait(30)
        assert not finished.wait(1.5)  # the purge waits for the change to end
        change.commit()
    thread.join(30)
    assert finished.is_set()
    assert evidence(engine, inspection_id) == 0  # the late item went with the rest


def test_a_change_arriving_while_the_purge_runs_waits_for_it_and_is_refused(published_demo):
    engine, inspection_id, storage = published_demo
    with Session(engine) as purging:
        plan = retention.plans(session=purging, now=utcnow(), retention_days=180)[0]
        retention.purge(session=purging, actor=Actor.system("test"), storage=storage, plan=plan)  # not committed
        outcome = {}

        def change():
            with Session(engine) as session:
                try:
                    inspections.refuse_changes_if_purged(session=session, inspection_id=inspection_id)
                    session.add(late_item(inspection_id))
                    session.commit()
                    outcome["result"] = "saved"
                except Purged as refused:
                    outcome["result"] = str(refused)

        thread = threading.Thread(target=change)
        thread.start()
        thread.join(1.5)
        assert thread.is_alive()  # waiting for the purge to end
        purging.commit()
    thread.join(30)
    assert "deleted on" in outcome["result"]
    assert evidence(engine, inspection_id) == 0
