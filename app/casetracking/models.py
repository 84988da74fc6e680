from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class PersonLevelList(SQLModel, table=True):
    """The area's latest person-level list: what was uploaded and which of its columns were kept (the file itself
    is not: it may hold columns the inspection does not need)."""

    __tablename__ = "person_level_lists"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", unique=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)  # of the file as uploaded
    children: int
    population_hash: str = Field(max_length=64)  # of the sorted identifiers: which list a selection was made from
    kept_columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dropped_columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)


class PersonLevelChild(SQLModel, table=True):
    """One child or young person on the list, under the area's pseudonymous identifier, with the kept columns."""

    __tablename__ = "person_level_children"
    __table_args__ = (UniqueConstraint("inspection_id", "identifier"),)

    id: int = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    identifier: str = Field(max_length=40)
    age: int
    # column key -> value: a choice's code, text, or true/false for a yes/no column
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CaseSelection(SQLModel, table=True):
    """A random selection, recorded so that anyone can re-run it: the criteria, the identifiers they left (and
    their hash), the seed, and what came out."""

    __tablename__ = "case_selections"

    id: int = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=20)  # tracking or sampling
    theme: str = Field(default="", max_length=120)  # a case sample's theme
    criteria: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    seed: str = Field(max_length=40)  # decimal digits: a 64-bit number, as text so any database keeps it whole
    population_hash: str = Field(max_length=64)
    eligible: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # sorted identifiers
    eligible_hash: str = Field(max_length=64)
    selected: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # in drawn order
    made_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    made_at: datetime = Field(default_factory=utcnow)


class TrackedCase(SQLModel, table=True):
    """A selected child's case: consent, the conversation with the child or family and the multi-agency tracking
    meeting. Evidence captured from it names it as its source."""

    __tablename__ = "tracked_cases"
    __table_args__ = (UniqueConstraint("selection_id", "identifier"),)

    id: str = Field(primary_key=True, max_length=36)  # a UUID: an evidence item's source id
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    selection_id: int = Field(foreign_key="case_selections.id", index=True, ondelete="CASCADE")
    identifier: str = Field(max_length=40)
    purpose: str = Field(max_length=20)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # as on the list
    consent: str = Field(default="not_asked", max_length=20)  # not_asked, given, declined
    consent_from: str = Field(default="", max_length=30)  # child_or_young_person, parent_or_carer, both
    consent_recorded_on: date | None = None
    conversation_on: date | None = None
    conversation_with: str = Field(default="", max_length=30)
    conversation_way: str = Field(default="", max_length=40)
    meeting_on: date | None = None
    meeting_services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CaseDocumentRequest(SQLModel, table=True):
    """A document asked for on a case, due a number of working days after it was asked for."""

    __tablename__ = "case_document_requests"
    __table_args__ = (UniqueConstraint("tracked_case_id", "document"),)

    id: int = Field(default=None, primary_key=True)
    tracked_case_id: str = Field(foreign_key="tracked_cases.id", index=True, ondelete="CASCADE", max_length=36)
    document: str = Field(max_length=40)  # a code from the profile's list
    requested_on: date
    due_on: date
    received_on: date | None = None
