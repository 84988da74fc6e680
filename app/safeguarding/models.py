from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class SafeguardingConcern(SQLModel, table=True):
    """A concern met during fieldwork: a restricted record, never evidence. Seen only by its author, the lead
    inspector and administrators; never in the change feed, an export or the letter."""

    __tablename__ = "safeguarding_concerns"

    id: str = Field(primary_key=True, max_length=36)  # a UUID, which a tablet may make offline
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    category: str = Field(max_length=30)
    setting_id: int | None = Field(default=None, foreign_key="settings.id", ondelete="SET NULL")
    setting_name: str = Field(default="", max_length=200)  # where it was met, when not in the register
    what_happened: str
    reported_to: str = Field(default="", max_length=300)
    reported_at: datetime | None = None
    referral_reference: str = Field(default="", max_length=100)
    met_at: datetime
    due_by: datetime
    actioned_at: datetime | None = None
    actioned_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    action_note: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)
