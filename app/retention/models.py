from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class RetentionPurge(SQLModel, table=True):
    """That an inspection's working material was purged, when, what went, and the aggregate counts kept."""

    __tablename__ = "retention_purges"

    inspection_id: int = Field(primary_key=True, foreign_key="inspections.id", ondelete="CASCADE")
    purged_at: datetime = Field(default_factory=utcnow)
    removed: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    kept_counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
