from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.letters.states import LetterStatus
from app.models_base import utcnow


class LetterDecision(SQLModel, table=True):
    """What the team decided that the letter must say beyond the evidence: whether a written statement of action
    is required and for which significant weaknesses (2016), or the inspection outcome with its areas for priority
    action and areas for improvement (2023)."""

    __tablename__ = "letter_decisions"

    inspection_id: int = Field(primary_key=True, foreign_key="inspections.id", ondelete="CASCADE")
    wsoa_required: bool = False
    significant_weaknesses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    outcome: str | None = Field(default=None, max_length=30)
    # 2023: [{"text": ..., "responsible_bodies": ["local_authority", "icb"]}], as app/letters/decisions.py checks
    priority_actions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    areas_for_improvement: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class LetterVersion(SQLModel, table=True):
    """One saved state of the letter's editable sections. `generated` is the draft the team's text was based on,
    so a later redraft can tell the team's edits from the machine's and never overwrite them silently."""

    __tablename__ = "letter_versions"
    __table_args__ = (UniqueConstraint("inspection_id", "number"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    number: int
    sections: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # key -> text
    generated: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class LetterWorkflow(SQLModel, table=True):
    """Where the letter is: draft -> quality_assurance -> final (the lead and the CQC inspector sign it off)
    -> published (read-only). The statuses and the steps between them are in app/letters/states.py."""

    __tablename__ = "letter_workflows"

    inspection_id: int = Field(primary_key=True, foreign_key="inspections.id", ondelete="CASCADE")
    status: str = Field(default=LetterStatus.draft.value, max_length=30)  # a LetterStatus
    lead_signed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    lead_signed_at: datetime | None = None
    cqc_signed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    cqc_signed_at: datetime | None = None
    published_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class LetterComment(SQLModel, table=True):
    """A quality-assurance reviewer's comment on one section of the letter."""

    __tablename__ = "letter_comments"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    section: str = Field(max_length=30)
    text: str
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class LetterPublication(SQLModel, table=True):
    """The letter as published: a public record, never edited. Number 1 is the publication; each correction after
    it is a further number, dated and with its reason. The text, the frame around it (title, addressees, the date
    the letter bears, headings, outcome, signatures), the team as it stood and the Word and PDF files as sent are
    all kept here, so every later download serves these bytes, whatever changes in the evidence, the team or the
    framework profile. The files are in the database (they are tens of kilobytes): they commit or roll back with
    the publication itself, are backed up with it, and no storage sweep or purge can orphan or remove them."""

    __tablename__ = "letter_publications"
    __table_args__ = (UniqueConstraint("inspection_id", "number"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    number: int
    dated: date  # the date the letter bears
    sections: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # key -> text
    frame: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # export.Frame
    team: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    letter_version: int | None = None  # the letter_versions number it was published from
    note: str = Field(default="", max_length=500)  # "Published", or what a correction changed and why
    docx: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    docx_sha256: str = Field(max_length=64)
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    pdf_sha256: str = Field(max_length=64)
    published_at: datetime = Field(default_factory=utcnow)
    published_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class AccuracyCheck(SQLModel, table=True):
    """The draft sent to the area for a factual accuracy check: when, the last day for comments (working days from
    the profile), the sections as they were headed, and when the check closed (the letter made final or sent back
    to draft). A letter sent again after going back to draft has a new check."""

    __tablename__ = "factual_accuracy_checks"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    sent_at: datetime = Field(default_factory=utcnow)
    sent_on: date  # in England
    deadline: date  # comments are taken until the end of this day, in England
    letter_version: int | None = None  # the letter_versions number sent
    sections: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [key, heading]
    sent_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    closed_at: datetime | None = None


class AccuracyComment(SQLModel, table=True):
    """The area's comment on one section of the draft: the words quoted, the correction proposed, the evidence
    offered (and a file, kept with the area's documents), then the team's answer with its reason. An accepted
    comment changes the text as a new letter version that cites it."""

    __tablename__ = "factual_accuracy_comments"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    check_id: int = Field(foreign_key="factual_accuracy_checks.id", index=True, ondelete="CASCADE")
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    section: str = Field(max_length=30)
    quote: str
    correction: str
    evidence: str = ""
    document_id: int | None = Field(default=None, foreign_key="area_documents.id", ondelete="SET NULL")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    answer: str | None = Field(default=None, max_length=10)  # accepted | declined
    reason: str = ""
    answered_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    answered_at: datetime | None = None
    letter_version: int | None = None  # the version an accepted comment made


class CarriedItem(SQLModel, table=True):
    """A significant weakness (2016) or area for priority action (2023) carried from the original inspection into
        the visit that follows it, with the visit's judgement of the progress made on it and the evidence for that. Kept
    with the letters because the visit's letter is drafted from them (app/letters/visit.py); the obligations layer
    sets them up and judges them."""

    __tablename__ = "carried_items"
    __table_args__ = (UniqueConstraint("inspection_id", "position", name="uq_carried_items_position"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")  # the visit
    position: int  # its number in the original's list, from 1
    text: str
    progress: str | None = Field(default=None, max_length=30)  # a judgement code of the visit's profile
    evidence: str = Field(default="")
    judged_at: datetime | None = None
    judged_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
