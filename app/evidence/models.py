from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.models_base import utcnow, version_column, versioned


class Judgement(StrEnum):
    strength = "strength"
    area_for_development = "area_for_development"
    context = "context"

    @property
    def label(self) -> str:
        return {"strength": "Strength", "area_for_development": "Area for development",
                "context": "Context"}[self.value]


class Strand(StrEnum):
    education = "education"
    health = "health"
    social_care = "social_care"

    @property
    def label(self) -> str:
        return {"education": "Education", "health": "Health", "social_care": "Social care"}[self.value]


class SourceType(StrEnum):
    """Where a piece of evidence came from; triangulation counts distinct source types."""

    setting_visit = "setting_visit"
    meeting = "meeting"
    document_review = "document_review"
    file_review = "file_review"
    document = "document"
    survey = "survey"  # the inspection's online questionnaire: a comment or a figure from its results
    tracked_case = "tracked_case"  # a child's case selected for tracking or sampling (2023 framework)
    none = "none"

    @property
    def label(self) -> str:
        return {"setting_visit": "Setting visit", "meeting": "Meeting", "document_review": "Data or document review",
                "file_review": "Case file review", "document": "Document", "survey": "Online survey",
                "tracked_case": "Case tracking or sampling",
                "none": "No source recorded"}[self.value]


_EVIDENCE_VERSION = version_column()


class EvidenceItem(SQLModel, table=True):
    __tablename__ = "evidence_items"
    # The board: each aspect's newest few found by a short walk, and a heading's items counted by aspect,
    # judgement and kind of source from an index alone. A day's items (the evening summary), and the days outside
    # the days on site that any item has (the day filter's and the summary's choices), by day.
    __table_args__ = (Index("ix_evidence_items_newest", "inspection_id", "heading", "aspect", "created_at", "id"),
                      Index("ix_evidence_items_kinds", "inspection_id", "heading", "aspect", "judgement",
                            "source_type"),
                      Index("ix_evidence_items_observed", "inspection_id", "observed_on"))
    __mapper_args__ = versioned(_EVIDENCE_VERSION)

    id: str = Field(primary_key=True, max_length=36)  # a UUID, which a tablet may make offline
    # No index of its own: the three above begin with it (migration 0031).
    inspection_id: int = Field(foreign_key="inspections.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    text: str
    heading: int
    aspect: str = Field(max_length=60)
    judgement: str = Field(max_length=30)
    strands: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source_type: str = Field(default=SourceType.none.value, max_length=30)
    source_id: str | None = Field(default=None, max_length=36)  # an activity or file review
    source_label: str | None = Field(default=None, max_length=200)  # a document's title
    captured_on: date  # the day it reached the board (the device's day for a capture made offline)
    # The day of the inspection it was seen or heard: by default its source activity's day, otherwise the day on
    # site it was captured. The board's day filter and the evening summary go by it.
    observed_on: date
    # What the personal-data guard still finds in the text (kinds, e.g. "nhs_number"): shown on the board and
    # blocking the letter's quality assurance until someone rewords it.
    personal_data: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    version: int = Field(default=1, sa_column=_EVIDENCE_VERSION)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
