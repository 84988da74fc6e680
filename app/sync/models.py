from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class SyncOperation(SQLModel, table=True):
    """One operation received from a device. Its op_id is the primary key: the database itself makes a
    replay (or the same op racing into two app processes) land once."""

    __tablename__ = "sync_operations"

    op_id: str = Field(primary_key=True, max_length=36)
    # Who sent it, as written: no foreign key; the record the op wrote proves the user (migration 0032).
    user_id: int | None = Field(default=None)
    device_id: str = Field(max_length=100)
    inspection_id: int | None = Field(default=None)
    entity: str = Field(max_length=30)
    action: str = Field(max_length=10)
    entity_id: str | None = Field(default=None, max_length=36)
    status: str = Field(max_length=12)
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: datetime = Field(default_factory=utcnow)


class SyncChange(SQLModel, table=True):
    """The change log behind GET .../changes: every write to a synced record, in order. The cursor is `seq`."""

    __tablename__ = "sync_changes"
    __table_args__ = (Index("ix_sync_changes_inspection_seq", "inspection_id", "seq"),)

    # BIGINT on PostgreSQL; SQLite only autoincrements a column declared INTEGER PRIMARY KEY.
    seq: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"),
                                                           primary_key=True, autoincrement=True))
    inspection_id: int
    entity: str = Field(max_length=30)
    entity_id: str = Field(max_length=36)
    version: int
    deleted: bool = Field(default=False)
    at: datetime = Field(default_factory=utcnow)


class SyncConflict(SQLModel, table=True):
    """An incoming version that did not apply cleanly, kept beside the current one for a person to resolve."""

    __tablename__ = "sync_conflicts"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    entity: str = Field(max_length=30)
    entity_id: str = Field(max_length=36, index=True)
    action: str = Field(max_length=10)
    base_version: int | None = None
    current_version: int | None = None
    incoming: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    current: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    op_id: str = Field(max_length=36)
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    resolution: str | None = Field(default=None, max_length=20)
