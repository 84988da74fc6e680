from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.letters.models import CarriedItem  # the visit's letter is drafted from them (app/letters/visit.py)
from app.models_base import utcnow

__all__ = ["CarriedItem", "CarriedItemEvidence", "Obligation"]


class Obligation(SQLModel, table=True):
    """Something the area owes after publication (a written statement of action, a priority action plan, an
    updated strategic plan), recorded with its due date and source when the letter is published, then the area's
    upload through the portal and, where the inspectorates judge it, their decision."""

    __tablename__ = "obligations"
    __table_args__ = (UniqueConstraint("inspection_id", "code", name="uq_obligations_inspection_code"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=40)  # an [[after_publication.obligations]] code of the profile
    title: str = Field(max_length=200)
    due_date: date
    source: str  # the rule's source, as it stood when the obligation was recorded
    decided: bool = False  # the inspectorates accept it or not
    document_id: int | None = Field(default=None, foreign_key="area_documents.id", ondelete="SET NULL")
    submitted_at: datetime | None = None
    decision: str | None = Field(default=None, max_length=20)  # accepted | not_accepted
    decision_note: str = Field(default="")
    decided_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class CarriedItemEvidence(SQLModel, table=True):
    """An evidence item of the visit behind the judgement on a carried item."""

    __tablename__ = "carried_item_evidence"

    carried_item_id: int = Field(foreign_key="carried_items.id", primary_key=True, ondelete="CASCADE")
    evidence_item_id: str = Field(foreign_key="evidence_items.id", primary_key=True, max_length=36,
                                  index=True, ondelete="CASCADE")
