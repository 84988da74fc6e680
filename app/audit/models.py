from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    at: datetime = Field(default_factory=utcnow, index=True)
    # Who acted, as written: no foreign key, so that the log is never rewritten (migration 0032).
    actor_id: int | None = Field(default=None)
    # Kept as text too, so the log still says who after an account is renamed or removed.
    actor_email: str | None = Field(default=None, max_length=254)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    inspection_id: int | None = Field(default=None, index=True)
    ip_address: str | None = Field(default=None, max_length=45)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
