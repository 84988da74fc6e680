from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class LetterDecision(SQLModel, table=True):
    """What the team decided that the letter must say beyond the evidence: whether a written statement of action
    is required and for which significant weaknesses (2016), or the inspection outcome (2023)."""

    __tablename__ = "letter_decisions"

    inspection_id: int = Field(primary_key=True, foreign_key="inspections.id", ondelete="CASCADE")
    wsoa_required: bool = False
    significant_weaknesses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    outcome: str | None = Field(default=None, max_length=30)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
