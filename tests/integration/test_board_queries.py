"""The evidence board sends the database a fixed number of statements, however many items a heading holds."""

import uuid
from contextlib import contextmanager
from datetime import date
from itertools import cycle

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from app.audit.service import Actor
from app.evidence import service as evidence
from app.evidence.models import EvidenceItem
from app.inspections import service as inspections
from tests.integration.conftest import sign_in, soup

# What one board request may send, from the request's savepoint to its release: the sign-in and the inspection's
# checks (4), the team (1), the board itself (2 whatever the number of items: the counts, and the items shown
# with their sources' titles) and the records in conflict (1); the page around the board adds the change-feed
# cursor and the count of open safeguarding concerns (2; whether the user leads is read from the team), and the days
# evidence was observed on outside the days on site, for the day filter (1, by the index on the day observed).
PAGE_STATEMENTS = 13
FRAGMENT_STATEMENTS = 10


@contextmanager
def statements(engine):
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_items(db, inspection, author, ids, count: int) -> None:
    """`count` items over every aspect, judgement and kind of source, through the bulk path a device's sync uses."""
    profile = inspections.profile_of(inspection)
    aspects = cycle([(p.number, a.code) for p in profile.headings for a in p.aspects])
    judgements = cycle(["strength", "area_for_development", "context"])
    sources = cycle([("setting_visit", ids["activity_id"]), ("file_review", ids["review_id"]), ("none", ""),
                     ("document", "")])
    day = inspections.schedule_of(inspection).on_site_days[0]
    entries = []
    for n in range(count):
        heading, aspect = next(aspects)
        source_type, source_id = next(sources)
        entries.append((str(uuid.uuid4()), evidence.EvidenceForm(
            text=f"Fictional item {n}.", heading=str(heading), aspect=aspect, judgement=next(judgements),
            strands=["education", "health"][: 1 + n % 2], source_type=source_type, source_id=source_id,
            source_label="Fictional SEF" if source_type == "document" else ""), day))
    actor = Actor(author.id, author.email)
    rows = evidence.prepare_many(session=db, actor=actor, inspection=inspection, entries=entries)
    assert all(isinstance(row, dict) for row in rows)
    evidence.insert_prepared(session=db, actor=actor, inspection=inspection, rows=rows)
    db.flush()


def board_statements(client, engine, base: str) -> tuple[int, int]:
    """Statements sent for the filtered board as a page, and as the fragment htmx fetches."""
    counted = []
    for headers in ({}, {"HX-Request": "true"}):
        with statements(engine) as sent:
            response = client.get(f"{base}/board?heading=1&judgement=strength&strand=education", headers=headers)
        assert response.status_code == 200
        counted.append(len(sent))
    return counted[0], counted[1]


@pytest.fixture
def inspection_with(db, make_user, make_inspection, make_fieldwork, client):
    lead = make_user(name="Ada Lead")
    inspection = make_inspection(lead, start=date(2026, 11, 23))
    ids = make_fieldwork(inspection, lead)
    sign_in(client, db, lead)

    def make(count: int) -> str:
        add_items(db, inspection, lead, ids, count)
        return f"/inspections/{inspection.id}"

    return make


def board_page(client, db, base: str):
    """The board of proposal 1, having checked that it counts every item of the heading."""
    held = db.exec(select(func.count()).select_from(EvidenceItem).where(EvidenceItem.heading == 1)).one()
    page = soup(client.get(f"{base}/board?heading=1"))
    assert " ".join(page.select_one("#board-counts").get_text().split()).startswith(
        f"Showing {held} of {held} items for proposal 1")
    return page


def test_the_board_sends_as_many_statements_for_500_items_as_for_50(client, db, engine, inspection_with):
    base = inspection_with(49)  # and the one the fieldwork brings
    board_page(client, db, base)
    with_50 = board_statements(client, engine, base)

    inspection_with(450)
    assert len(board_page(client, db, base).select("#aspect-timeliness .app-evidence")) == evidence.ITEMS_PER_ASPECT
    with_500 = board_statements(client, engine, base)

    assert with_500 == with_50
    page_count, fragment_count = with_500
    assert page_count <= PAGE_STATEMENTS
    assert fragment_count <= FRAGMENT_STATEMENTS
    assert fragment_count < page_count  # the fragment leaves out what only the page around it reads
